"""The sweep's budget holds with invitations in the due index: one Query per shard, one item read per
due invitation, nothing read for invitations not yet due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib import clock, ids
from chalicelib.domain import invitations as invitation_rules
from chalicelib.domain.entities import Invitation, Party
from chalicelib.domain.roles import InvitationStatus, PartyRole, PartyStatus
from chalicelib.services import reminders
from chalicelib.store import deals as deal_store
from chalicelib.store.models import InvitationItem, PartyItem
from chalicelib.store.notification_models import SHARDS
from chalicelib.store.table import TableItem
from tests.support.demo import deal_id

# Before anything of the demo data falls due: only this module's invitations
NOW = datetime(2020, 3, 2, 15, 0, tzinfo=UTC)


def _invited(deal: str, org_id: str, sent_at: datetime) -> tuple[Invitation, Party]:
    user_id, invitation_id = ids.new_id("u"), ids.new_id("inv")
    email = f"{user_id}@invitees.example"
    invitation = Invitation(
        invitation_id=invitation_id,
        org_id=org_id,
        deal_id=deal,
        workflow="purchase",
        user_id=user_id,
        email=email,
        role=PartyRole.CLIENT,
        status=InvitationStatus.PENDING,
        token_hash=invitation_rules.token_hash(invitation_rules.new_token()),
        created_at=sent_at,
        valid_until=sent_at + invitation_rules.VALIDITY,
        invited_by="u_test",
        last_sent_at=sent_at,
    )
    party = Party(
        deal,
        org_id,
        user_id,
        email,
        PartyRole.CLIENT,
        PartyStatus.INVITED,
        sent_at,
        "u_test",
        invitation_id=invitation_id,
    )
    return invitation, party


def test_500_pending_invitations_of_which_20_are_due_read_20_items(seeded, ddb_calls):
    deal = deal_id(seeded, "park_purchase")
    found, _ = deal_store.load_header(deal)
    assert found is not None
    org_id = found.org_id
    clock.freeze(NOW)
    with TableItem.batch_write() as batch:
        for n in range(500):
            due = n % 25 == 0
            sent_at = NOW - (timedelta(days=2, hours=1) if due else timedelta(hours=1))
            invitation, party = _invited(deal, org_id, sent_at)
            batch.save(InvitationItem.from_entity(invitation))
            batch.save(PartyItem.from_entity(party))

    ddb_calls.reset()
    result = reminders.sweep(NOW)

    assert result.reminders == 20
    operations = ddb_calls.by_operation()
    assert "Scan" not in operations and not {"GetItem", "BatchGetItem"} & set(operations)
    # one per shard of the due index, one per send-queue shard, one for uncontacted leads (docs/INTAKE.md)
    assert operations["Query"] == 2 * SHARDS + 1
    assert ddb_calls.items_read == 20  # 1.0 item per due invitation (the bar is 1.2)
    assert operations["TransactWriteItems"] == 20

    ddb_calls.reset()
    again = reminders.sweep(NOW + timedelta(minutes=15))
    assert again.reminders == 0 and ddb_calls.items_read == 0
