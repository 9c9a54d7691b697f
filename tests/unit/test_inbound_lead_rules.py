"""The rules of inbound CRM leads (domain/inbound_leads.py), without the emulator: secrets, rotation with
an overlap, disabling, where a lead came from."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from standardwebhooks import Webhook

from chalicelib.domain import inbound_leads as rules
from chalicelib.domain.roles import StaffRole

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def test_a_new_secret_is_a_standard_webhooks_secret_of_256_bits():
    secret = rules.new_secret()

    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    Webhook(secret)  # the reference library accepts it
    assert rules.new_secret() != secret


def test_the_first_secret_verifies_alone():
    settings = rules.rotated(None, "o1", "whsec_a", NOW, DAY)

    assert settings.enabled and settings.verifying_secrets(NOW) == ["whsec_a"]
    assert settings.previous_secret is None and settings.version == 1


def test_a_rotated_secret_keeps_verifying_until_the_overlap_ends():
    first = rules.rotated(None, "o1", "whsec_a", NOW, DAY)
    second = rules.rotated(first, "o1", "whsec_b", NOW + timedelta(hours=1), DAY)

    assert second.version == 2 and second.previous_expires_at == NOW + timedelta(hours=25)
    assert second.verifying_secrets(NOW + timedelta(hours=24)) == ["whsec_b", "whsec_a"]
    assert second.verifying_secrets(NOW + timedelta(hours=25)) == ["whsec_b"]


def test_rotating_twice_forgets_the_oldest_and_zero_overlap_retires_at_once():
    first = rules.rotated(None, "o1", "whsec_a", NOW, DAY)
    second = rules.rotated(first, "o1", "whsec_b", NOW, DAY)
    third = rules.rotated(second, "o1", "whsec_c", NOW, DAY)
    assert third.verifying_secrets(NOW) == ["whsec_c", "whsec_b"]

    leaked = rules.rotated(third, "o1", "whsec_d", NOW, timedelta(0))
    assert leaked.verifying_secrets(NOW) == ["whsec_d"] and leaked.previous_expires_at is None


def test_disabled_verifies_nothing():
    rotated = rules.rotated(rules.rotated(None, "o1", "whsec_a", NOW, DAY), "o1", "whsec_b", NOW, DAY)

    off = rules.disabled(rotated, NOW)

    assert not off.enabled and off.verifying_secrets(NOW) == [] and off.version == rotated.version + 1


def test_a_crm_lead_is_labelled_by_its_sender_and_gets_no_welcome():
    assert rules.FORM.welcomes and rules.FORM.label == "intake"
    crm = rules.LeadOrigin("crm", "kvCORE", "kv-1")
    assert not crm.welcomes and crm.label == "kvCORE"
    assert rules.LeadOrigin("crm").label == "a CRM"
    assert rules.receiver_path("harbor-main") == "/v1/orgs/harbor-main/leads/inbound"


def test_admins_manage_the_secret_coordinators_only_read_agents_neither():
    assert rules.may(StaffRole.ADMIN, change=True) and rules.may(StaffRole.ADMIN, change=False)
    assert rules.may(StaffRole.COORDINATOR, change=False)
    assert not rules.may(StaffRole.COORDINATOR, change=True)
    assert not rules.may(StaffRole.AGENT, change=False) and not rules.may(StaffRole.AGENT, change=True)
