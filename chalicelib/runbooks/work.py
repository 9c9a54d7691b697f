"""Runbooks for the work of deals: reassign open tasks, resend or revoke an invitation, revoke a party,
export activity."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from chalicelib import clock
from chalicelib.domain import exports as export_rules
from chalicelib.domain.commands import Id, Reason
from chalicelib.domain.entities import Actor, Invitation
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.roles import InvitationStatus, PartyStatus
from chalicelib.runbooks.framework import Runbook, RunbookInput, Step
from chalicelib.services import exports as export_service
from chalicelib.services import invitations as invitation_service
from chalicelib.services import parties as party_service
from chalicelib.services import reassign as reassign_service
from chalicelib.store import deals as deal_store

# The runbook function has 300 s (infra/permissions.py): it queues the export for the export worker and runs
# the first slice itself, for 240 s; what is left the worker finishes. Run it again with `export_id` to read
# where it stands and, once ready, get the link (docs/RUNBOOKS.md).
RUNBOOK_EXPORT_SECONDS = 240.0
RUNBOOK_LEASE_SECONDS = 330  # longer than the function lives: its slice is never overtaken


class ReassignInput(RunbookInput):
    org_id: Id
    from_user_id: Id
    to_user_id: Id
    reason: Reason
    deal_id: Id | None = None


def _plan_reassign(given: ReassignInput) -> reassign_service.ReassignPlan:
    return reassign_service.plan(
        given.org_id, given.from_user_id, given.to_user_id, given.reason, deal_id=given.deal_id
    )


def _reassign_steps(given: ReassignInput) -> list[Step]:
    found = _plan_reassign(given)
    steps = [Step("reassign tasks", {**m.as_dict(), "to_user_id": given.to_user_id}) for m in found.moves]
    return steps + [Step("skip deal", m.as_dict()) for m in found.skipped]


def _apply_reassign(given: ReassignInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
    result = reassign_service.apply(_plan_reassign(given), actor)
    if result.failed:
        raise Conflict(f"some deals changed during the run; run it again: {result.failed}", code="run_again")
    return [m.as_dict() for m in result.moved]


def _reassign_plan(given: ReassignInput) -> list[Step]:
    steps = _reassign_steps(given)
    # a run whose only steps are skips has nothing to change
    return steps if any(s.action == "reassign tasks" for s in steps) else []


REASSIGN_TASKS = Runbook("runbook_reassign_tasks", ReassignInput, _reassign_plan, _apply_reassign)


class ResendInput(RunbookInput):
    invitation_id: Id
    # the invitation's sent_count that this run replaces (the dry run shows it): a second run of the same
    # event finds it moved on and sends nothing
    sent_count: int | None = Field(default=None, ge=1)


class RevokeInput(RunbookInput):
    invitation_id: Id
    reason: Reason


def _invitation(invitation_id: str) -> Invitation:
    found = invitation_service.find(invitation_id)
    if found is None:
        raise NotFound("invitation not found")
    return found


def _invitation_target(invitation: Invitation) -> dict[str, Any]:
    return {
        "invitation_id": invitation.invitation_id,
        "deal_id": invitation.deal_id,
        "user_id": invitation.user_id,
        "sent_count": invitation.sent_count,
    }


def _plan_resend(given: ResendInput) -> list[Step]:
    invitation = _invitation(given.invitation_id)
    if invitation.status is not InvitationStatus.PENDING:
        return []
    if given.sent_count is not None and given.sent_count != invitation.sent_count:
        return []  # already resent since this event was written
    return [Step("send a new invitation link (the old one dies)", _invitation_target(invitation))]


def _apply_resend(given: ResendInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
    invitation = _invitation(given.invitation_id)
    if given.sent_count is None:
        raise Conflict(
            f"confirm the resend with sent_count: {invitation.sent_count} (so a second run sends nothing)",
            code="confirm_sent_count",
        )
    renewed = invitation_service.resend_as(actor, invitation)
    return [{"invitation_id": renewed.invitation_id, "sent_count": renewed.sent_count}]


def _plan_revoke(given: RevokeInput) -> list[Step]:
    invitation = _invitation(given.invitation_id)
    if invitation.status is not InvitationStatus.PENDING:
        return []
    return [Step("withdraw the invitation and revoke the invited party", _invitation_target(invitation))]


def _apply_revoke(given: RevokeInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
    withdrawn = invitation_service.revoke_as(actor, _invitation(given.invitation_id), given.reason)
    return [{"invitation_id": withdrawn.invitation_id, "status": withdrawn.status.value}]


RESEND_INVITATION = Runbook("runbook_resend_invitation", ResendInput, _plan_resend, _apply_resend)
REVOKE_INVITATION = Runbook("runbook_revoke_invitation", RevokeInput, _plan_revoke, _apply_revoke)


class ExportInput(RunbookInput):
    org_id: Id
    format: Literal["csv", "jsonl"]
    deal_id: Id | None = None
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    export_id: Id | None = None  # read an export a previous run started (its progress, its link once ready)


def _span(given: ExportInput) -> export_rules.DateRange:
    today = clock.now().date()
    if given.deal_id:
        return export_rules.deal_range(given.from_, given.to, today)
    return export_rules.org_range(given.from_, given.to, today)


def _deal_of(given: ExportInput) -> Any:
    deal, _ = deal_store.load_header(given.deal_id) if given.deal_id else (None, [])
    if given.deal_id and (deal is None or deal.org_id != given.org_id):
        raise NotFound("deal not found in this organization")
    return deal


def _running_job(given: ExportInput) -> Any:
    job = export_service.resume(given.export_id) if given.export_id else None
    if job is not None and job.org_id != given.org_id:
        raise NotFound("export not found in this organization")
    return job


def _plan_export(given: ExportInput) -> list[Step]:
    """What would be exported. Counting the events would read them all: the plan names the range."""
    job = _running_job(given)
    if job is not None:
        progress = {"export_id": job.export_id, "status": job.status, "events_so_far": int(job.events)}
        return [Step("read the export", progress)]
    span, _ = _span(given), _deal_of(given)
    target = {"org_id": given.org_id, "deal_id": given.deal_id, "format": given.format}
    return [Step("export activity", {**target, "from": span.first, "to": span.last})]


def _apply_export(given: ExportInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
    job = _running_job(given)
    if job is None:
        job = export_service.start(actor, given.org_id, _deal_of(given), given.format, _span(given))
        done = export_service.begin(job, RUNBOOK_EXPORT_SECONDS, RUNBOOK_LEASE_SECONDS)
    else:
        done = export_service.view(job)
    answer: dict[str, Any] = {"export_id": done.export_id, "status": done.status, "count": done.count}
    if done.ready:
        answer.update(url=done.url, expires_at=done.expires_at)
    if done.failure:
        answer["failure"] = done.failure
    return [answer]


EXPORT_ACTIVITY = Runbook("runbook_export_activity", ExportInput, _plan_export, _apply_export)


class RevokePartyInput(RunbookInput):
    deal_id: Id
    user_id: Id
    reason: Reason


def _party_of(given: RevokePartyInput) -> tuple[Any, list[Any], Any]:
    deal, parties = deal_store.load_header(given.deal_id)
    party = next((p for p in parties if p.user_id == given.user_id), None)
    if deal is None or party is None:
        raise NotFound("no such party on this deal")
    return deal, parties, party


def _plan_revoke_party(given: RevokePartyInput) -> list[Step]:
    _, _, party = _party_of(given)
    if party.status is PartyStatus.REVOKED:
        return []
    target = {"deal_id": given.deal_id, "user_id": party.user_id, "role": party.role.value}
    return [Step("revoke the party", {**target, "status": party.status.value})]


def _apply_revoke_party(given: RevokePartyInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
    deal, parties, party = _party_of(given)
    revoked = party_service.revoke_as(actor, deal, parties, party, given.reason)
    return [{"deal_id": revoked.deal_id, "user_id": revoked.user_id, "status": revoked.status.value}]


REVOKE_PARTY = Runbook("runbook_revoke_party", RevokePartyInput, _plan_revoke_party, _apply_revoke_party)
