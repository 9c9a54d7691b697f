"""Demo accounts for `make run` (docs/ACCOUNTS.md): an investor entity with two members and a deal that
belongs to it, whose members were given access in one step two days ago and have not accepted — Ivy's
day-2 reminder goes out at seeding, Ian's with the first sweep —, and a household.

Run by `make run` only, after `seed_demo()` (like devstack/demo_documents.py): the test suite's demo data
stays as its reports tests count it (14 invitations...). Returned as `accounts` in `.local/demo.json`.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.domain.accounts_commands import AccountAccessIn, NewAccount
from chalicelib.domain.commands import NewDeal
from chalicelib.services import account_access, invitee_reminders
from chalicelib.services import accounts as account_service
from chalicelib.services import deals as deal_service
from chalicelib.services.principals import caller_for
from chalicelib.store import invitations as invitation_store
from chalicelib.store.models import InvitationItem
from devstack.seed import HARBOR, Demo

COORDINATOR = "cora.coord@harbormain.example"


def seed_demo_accounts(demo: Demo) -> dict[str, str]:
    coordinator = caller_for(COORDINATOR, None)
    org_id = demo.orgs[HARBOR]
    investors = account_service.create(
        coordinator,
        NewAccount.model_validate(
            {
                "org_id": org_id,
                "kind": "investor_entity",
                "name": "Harbor Oak Capital LLC",
                "notes": "Buys two-family homes to rent out; Ivy signs for the LLC.",
                "members": [
                    {"name": "Ivy Investor", "email": "ivy@harboroak.example", "role": "primary"},
                    {"name": "Ian Partner", "email": "ian@harboroak.example", "role": "signer"},
                ],
            },
            strict=False,
        ),
    )
    household = account_service.create(
        coordinator,
        NewAccount.model_validate(
            {
                "org_id": org_id,
                "kind": "household",
                "name": "The Reyes household",
                "members": [
                    {"name": "Bianca Reyes", "email": "bianca.buyer@mail.example", "role": "primary"},
                    {"name": "Ben Reyes", "email": "ben.buyer@mail.example", "role": "member"},
                ],
            },
            strict=False,
        ),
    )
    today = clock.now().date()
    ws, _ = deal_service.create_deal(
        coordinator,
        NewDeal.model_validate(
            {
                "workflow": "purchase",
                "title": "Harbor Oak purchase — 41 Dock St",
                "org_id": org_id,
                "account_id": investors.account_id,
                "property": {
                    "address": {
                        "line1": "41 Dock St",
                        "city": "Boston",
                        "state": "MA",
                        "postal_code": "02109",
                    }
                },
                "key_dates": {"offer_accepted": (today - timedelta(days=3)).isoformat()},
                "price": 910_000,
            },
            strict=False,
        ),
    )
    # The members were invited two days ago (the clock moved back for that write only), so Ivy's
    # day-2 reminder is due: it goes out now, through the outbox like any reminder.
    now = clock.now()
    clock.freeze(now - timedelta(days=2, hours=3))
    try:
        granted = account_access.grant(
            coordinator, ws.deal.deal_id, AccountAccessIn.model_validate({"role": "client"}, strict=False)
        )
    finally:
        clock.freeze(None)
    ivy = next(p for m, p in granted.invited if m.email == "ivy@harboroak.example")
    invitation = invitation_store.get(ivy.invitation_id or "")
    if invitation is not None:
        item = InvitationItem.get(*InvitationItem.key_for(invitation_id=invitation.invitation_id))
        invitee_reminders.remind(item, now, frozenset())
    return {
        "investor_entity": investors.account_id,
        "household": household.account_id,
        "investor_deal": ws.deal.deal_id,
    }
