"""Demo data: two brokerages (one a rival), every staff and party role, deals in every workflow.

Deals are opened through the same service the API uses, so their activity logs are real. Parties are
seeded as having accepted their invitations; a few deals are moved along their stage ladder.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from chalicelib import clock, ids
from chalicelib.domain import plan, workflows
from chalicelib.domain.access import Caller
from chalicelib.domain.commands import NewDeal, TransitionIn
from chalicelib.domain.entities import (
    SYSTEM,
    Actor,
    Deal,
    DocumentRequest,
    Org,
    Party,
    StaffMembership,
    User,
)
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import InvitationStatus, PartyStatus, StaffRole, UserStatus
from chalicelib.domain.views import Workspace
from chalicelib.services import deals as deal_service
from chalicelib.services import transitions
from chalicelib.services.activity import deal_event, org_event
from chalicelib.services.principals import caller_for
from chalicelib.store import deals as deal_store
from chalicelib.store import invitations as invitation_store
from chalicelib.store import orgs as org_store
from chalicelib.store import plan as plan_store
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork

HARBOR = "Harbor & Main Realty"
RIVAL = "Rival Realty Group"
SLUGS = {HARBOR: "harbor-main", RIVAL: "rival-realty"}  # the public intake form's address (docs/INTAKE.md)

STAFF = {
    HARBOR: [
        ("ada.admin@harbormain.example", "Ada Park", StaffRole.ADMIN),
        ("cora.coord@harbormain.example", "Cora Diaz", StaffRole.COORDINATOR),
        ("alex.agent@harbormain.example", "Alex Kim", StaffRole.AGENT),
        ("avery.agent@harbormain.example", "Avery Stone", StaffRole.AGENT),
    ],
    RIVAL: [
        ("rhea.admin@rivalrealty.example", "Rhea Stark", StaffRole.ADMIN),
        ("rory.coord@rivalrealty.example", "Rory Lane", StaffRole.COORDINATOR),
        ("remy.agent@rivalrealty.example", "Remy Cole", StaffRole.AGENT),
    ],
}

PEOPLE = {
    "bianca.buyer@mail.example": ("Bianca Reyes", "+16175550101"),
    "ben.buyer@mail.example": ("Ben Reyes", "+16175550102"),
    "carl.client@mail.example": ("Carl Quick", None),
    "sam.seller@mail.example": ("Sam Ortiz", "+16175550103"),
    "tara.tenant@mail.example": ("Tara Nguyen", "+16175550104"),
    "theo.tenant@mail.example": ("Theo Nguyen", None),
    "dana.client@mail.example": ("Dana Fox", None),
    "victor@fixitplumbing.example": ("Victor Alvarez (FixIt Plumbing)", "+16175550105"),
    "lena@firstharborbank.example": ("Lena Brooks (First Harbor Bank)", "+16175550106"),
    "tom@clearskytitle.example": ("Tom Wright (Clear Sky Title)", None),
    "ann@closinglaw.example": ("Ann Patel (Closing Law LLP)", None),
}


@dataclass
class DemoDeal:
    key: str
    deal_id: str
    org: str
    workflow: str
    stage: str
    parties: dict[str, str]  # email -> party role


# Demo documents (the reference portal, issue 17): how a stage's documents are accepted while a demo deal
# walks up its ladder. `make run` sends a real file through the presigned form and the ingest, then a
# coordinator approves it (devstack/demo_documents.py: with_files); without it (the test suite's seed, which
# has no storage endpoint to POST to) the requests are marked approved with no file attached.
AcceptWithFile = Callable[[Workspace, DocumentRequest, Caller], None]


@dataclass
class Demo:
    orgs: dict[str, str] = field(default_factory=dict)  # org name -> org id
    staff: dict[str, tuple[str, StaffRole]] = field(default_factory=dict)  # email -> (org name, role)
    deals: dict[str, DemoDeal] = field(default_factory=dict)
    api_clients: dict[str, str] = field(default_factory=dict)  # name -> client id (issue 16)
    with_files: AcceptWithFile | None = None

    @property
    def emails(self) -> list[str]:
        return sorted({*self.staff, *PEOPLE})


# (key, org, creator, workflow, title, address, unit, key dates (offsets from today), stage, parties)
DEALS = [
    (
        "park_purchase",
        HARBOR,
        "alex.agent@harbormain.example",
        "purchase",
        "Reyes purchase — 14 Elm St",
        ("14 Elm St", "Boston", "MA", "02118"),
        None,
        {
            "offer_accepted": -12,
            "earnest_money_due": -9,
            "inspection_deadline": -2,
            "appraisal_deadline": 5,
            "financing_deadline": 9,
            "closing": 18,
        },
        "due_diligence",
        {
            "bianca.buyer@mail.example": "client",
            "ben.buyer@mail.example": "co_client",
            "lena@firstharborbank.example": "lender",
            "tom@clearskytitle.example": "title",
            "ann@closinglaw.example": "attorney",
        },
    ),
    (
        "quick_purchase",
        HARBOR,
        "avery.agent@harbormain.example",
        "purchase",
        "Quick purchase — 9 Birch Ln",
        ("9 Birch Ln", "Cambridge", "MA", "02139"),
        None,
        {},
        "pre_approval",
        {"carl.client@mail.example": "client"},
    ),
    (
        "harbor_listing",
        HARBOR,
        "alex.agent@harbormain.example",
        "listing",
        "Ortiz listing — 22 Harbor View",
        ("22 Harbor View", "Boston", "MA", "02210"),
        None,
        {"listing_agreement_signed": -20, "photos_scheduled": -6, "go_live": 3},
        "marketing_review",
        {"sam.seller@mail.example": "client"},
    ),
    (
        "main_lease",
        HARBOR,
        "cora.coord@harbormain.example",
        "lease",
        "Nguyen lease — 500 Main St #3B",
        ("500 Main St", "Somerville", "MA", "02143"),
        "3B",
        {"application_received": -60, "lease_start": -30, "move_in": -30, "lease_end": 335},
        "active",
        {"tara.tenant@mail.example": "client", "theo.tenant@mail.example": "co_client"},
    ),
    (
        "sink_repair",
        HARBOR,
        "cora.coord@harbormain.example",
        "maintenance",
        "Leaking kitchen sink — #3B",
        ("500 Main St", "Somerville", "MA", "02143"),
        "3B",
        {"reported": -2, "scheduled_for": 1},
        "vendor_assigned",
        {"tara.tenant@mail.example": "client", "victor@fixitplumbing.example": "vendor"},
    ),
    (
        "rival_purchase",
        RIVAL,
        "remy.agent@rivalrealty.example",
        "purchase",
        "Fox purchase — 77 Ocean Ave",
        ("77 Ocean Ave", "Revere", "MA", "02151"),
        None,
        {"offer_accepted": -5, "earnest_money_due": -2, "inspection_deadline": 5, "closing": 25},
        "under_contract",
        {"dana.client@mail.example": "client", "lena@firstharborbank.example": "lender"},
    ),
    (
        "rival_listing",
        RIVAL,
        "rory.coord@rivalrealty.example",
        "listing",
        "Rival listing — 3 Pier Rd",
        ("3 Pier Rd", "Quincy", "MA", "02169"),
        None,
        {},
        "intake",
        {},
    ),
]


def seed_demo(with_files: AcceptWithFile | None = None) -> Demo:
    demo = Demo(with_files=with_files)
    for org_name, staff in STAFF.items():
        demo.orgs[org_name] = _seed_org(org_name, staff)
        for email, _, role in staff:
            demo.staff[email] = (org_name, role)
    for row in DEALS:
        demo.deals[row[0]] = _seed_deal(demo, *row)
    # outbound webhooks (docs/INTEGRATIONS.md): Harbor Main's CRM endpoint and its delivery log
    from devstack.demo_webhooks import seed_webhooks

    seed_webhooks()
    demo.api_clients.update(seed_api_clients())  # integrations, issue 16
    # intake, contacts and properties (docs/INTAKE.md)
    from devstack.seed_intake import seed_intake

    seed_intake(demo)
    return demo


def _seed_org(name: str, staff: list[tuple[str, str, StaffRole]]) -> str:
    now = clock.now()
    slug = SLUGS.get(name)
    org = Org(org_id=ids.new_id("o"), name=name, created_at=now, slug=slug)
    uow = UnitOfWork()
    org_store.add_org(uow, org)
    for email, person_name, role in staff:
        user = User(ids.new_id("u"), email, UserStatus.ACTIVE, now, name=person_name)
        user_store.add_user(uow, user)
        user_store.add_staff(
            uow, StaffMembership(org.org_id, name, user.user_id, email, role, now, org_slug=slug)
        )
    uow.record(
        org_event(org.org_id, SYSTEM, EventType.ORG_CREATED, f"{name} was set up with {len(staff)} staff")
    )
    uow.commit()
    return org.org_id


def _seed_deal(
    demo: Demo,
    key: str,
    org: str,
    creator_email: str,
    workflow: str,
    title: str,
    address: tuple[str, str, str, str],
    unit: str | None,
    offsets: dict[str, int],
    stage: str,
    parties: dict[str, str],
) -> DemoDeal:
    creator = caller_for(creator_email, None)
    today = clock.now().date()
    command = NewDeal.model_validate(
        {
            "workflow": workflow,
            "title": title,
            "org_id": demo.orgs[org],
            "property": {
                "address": dict(zip(("line1", "city", "state", "postal_code"), address, strict=True)),
                "unit": unit,
            },
            "key_dates": {name: (today + timedelta(days=days)).isoformat() for name, days in offsets.items()},
            "parties": [
                {"email": email, "role": role, "name": PEOPLE[email][0], "phone": PEOPLE[email][1]}
                for email, role in parties.items()
            ],
            "price": 685_000 if workflow in ("purchase", "listing") else None,
            "commission_rate": 2.5 if workflow in ("purchase", "listing") else None,
        },
        strict=False,
    )
    ws, _ = deal_service.create_deal(creator, command)
    for party in ws.parties:
        if party.status is PartyStatus.INVITED:
            accept_invitation(ws.deal, ws.parties, party)
    if stage != ws.deal.stage:
        _move_to(demo, org, ws, stage)
    return DemoDeal(key, ws.deal.deal_id, org, workflow, stage, dict(parties))


def accept_invitation(deal: Deal, parties: list[Party], party: Party) -> None:
    """As if the party had accepted their invitation (the invitation flow does this for real)."""
    now = clock.now()
    # as if they had accepted and looked around (docs/REPORTS.md: activation funnel)
    accepted = dataclasses.replace(party, status=PartyStatus.ACTIVE, accepted_at=now, first_visit_at=now)
    uow = UnitOfWork()
    deal_store.change_party(uow, party, accepted, deal)
    invitation = invitation_store.get(party.invitation_id) if party.invitation_id else None
    if invitation is not None:
        invitation_store.change(
            uow,
            invitation,
            dataclasses.replace(
                invitation, status=InvitationStatus.ACCEPTED, accepted_at=now, first_visit_at=now
            ),
        )
    actor = Actor(accepted.user_id, accepted.name or accepted.email)
    uow.record(
        deal_event(
            deal,
            actor,
            EventType.PARTY_ACCEPTED,
            f"{actor.label} joined the deal",
            restricted_to=[accepted.user_id],
            data={"user_id": accepted.user_id, "role": accepted.role.value},
        )
    )
    uow.commit()
    parties[parties.index(party)] = accepted


def _move_to(demo: Demo, org: str, ws: Workspace, stage: str) -> None:
    """Walk a demo deal up its ladder to `stage` the way a team would: the owners finish each stage's
    tasks, its documents are accepted, and the org's coordinator advances the deal (real transitions,
    so the stage history, due dates and activity are what a real deal would have)."""
    coordinator = next(e for e, (o, role) in demo.staff.items() if o == org and role is StaffRole.COORDINATOR)
    mover = caller_for(coordinator, None)
    template = workflows.of_deal(ws.deal)
    for step in template.ladder()[template.position(ws.deal.stage) : template.position(stage)]:
        _finish_stage(ws, step.key, mover, demo.with_files)
        following = template.next_stage(step.key)
        assert following is not None
        ws, _ = transitions.transition(mover, ws.deal.deal_id, TransitionIn(to=following.key))


def _finish_stage(ws: Workspace, stage: str, mover: Caller, with_files: AcceptWithFile | None = None) -> None:
    now = clock.now()
    done = [
        (
            t,
            dataclasses.replace(
                t,
                status="done",
                completed_at=now,
                completed_by=t.owner_user_id or mover.user_id,
                proof={"note": "Done (demo data)"} if t.proof_required != "none" else None,
                assignment="accepted" if t.work_order else t.assignment,
            ),
        )
        for t in ws.tasks
        if t.stage == stage and plan.is_open(t)
    ]
    accepted = [
        (r, dataclasses.replace(r, status="approved"))
        for r in ws.document_requests
        if r.stage == stage and plan.is_open(r)
    ]
    if not done and not accepted:
        return
    if with_files is not None:  # each accepted through the real upload, ingest and review (make run)
        for request, _ in accepted:
            with_files(ws, request, mover)
        ws.document_requests = plan.updated(ws.document_requests, accepted)
        accepted = []
        if not done:
            return
    uow = UnitOfWork()
    plan_store.apply(uow, done, accepted)
    for _, task in done:
        actor = _actor_for(ws, task.owner_user_id, mover)
        uow.record(
            deal_event(
                ws.deal,
                actor,
                EventType.TASK_COMPLETED,
                f"{actor.label} completed “{task.title}”",
                visibility=task.visibility,
                data={"task_id": task.task_id, "title": task.title},
            )
        )
    for _, request in accepted:
        uow.record(
            deal_event(
                ws.deal,
                mover.actor,
                EventType.DOCUMENT_APPROVED,
                f"{mover.label} accepted “{request.label}” (demo data: no file attached)",
                visibility=request.visibility,
                restricted_to=[*request.target_user_ids, *request.restricted_to],
                data={
                    "request_id": request.request_id,
                    "document_id": None,
                    "version": None,
                    "label": request.label,
                },
            )
        )
    uow.commit()
    ws.tasks = plan.updated(ws.tasks, done)
    ws.document_requests = plan.updated(ws.document_requests, accepted)


def _actor_for(ws: Workspace, user_id: str | None, fallback: Caller) -> Actor:
    party = ws.party(user_id) if user_id else None
    return Actor(party.user_id, party.name or party.email) if party else fallback.actor


# -- integrations, issue 16: a demo API client (docs/API_CLIENTS.md) -------------------------------------
DEMO_API_CLIENT = "Harbor CRM sync (demo)"


def seed_api_clients() -> dict[str, str]:
    """A read-only CRM client of the demo brokerage, made by its admin through the same service as the API
    (a Cognito app client in the emulator's pool, the record, the audit event). `make token CLIENT=<id>`
    mints its access token in local mode."""
    from chalicelib.domain.api_clients import Scope
    from chalicelib.domain.integration_commands import NewApiClient
    from chalicelib.services import api_clients

    admin = caller_for("ada.admin@harbormain.example", None)
    scopes = [Scope.DEALS_READ, Scope.DOCUMENTS_READ]
    created = api_clients.create(admin, NewApiClient(name=DEMO_API_CLIENT, scopes=scopes))
    return {DEMO_API_CLIENT: created.client.client_id}
