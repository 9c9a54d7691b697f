"""Retry-safe commits: when DynamoDB applies a commit but its answer is lost, botocore's retry carries the
same ClientRequestToken and lands as the same write — one effect and a 2xx, never a 409/412 for a change
that was made. Every kind of DynamoDB fault answers what docs/ARCHITECTURE.md ("Faults") promises."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.retries.standard import ExponentialBackoff

from chalicelib import clock
from chalicelib.store import unit_of_work
from tests.support.demo import ADMIN
from tests.support.faults import NO_ANSWER, dynamodb_fault

COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"


@pytest.fixture(autouse=True)
def retry_without_waiting(monkeypatch):
    """botocore's retries run as configured (3 attempts), minus the back-off sleeps."""
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


def messages(api, deal: str) -> list[str]:
    return [
        m["body"] for m in api.get(f"/v1/deals/{deal}/messages?limit=100", as_user=COORDINATOR).json["items"]
    ]


def activity_types(api, deal: str) -> list[str]:
    return [
        e["type"] for e in api.get(f"/v1/deals/{deal}/activity?limit=100", as_user=COORDINATOR).json["items"]
    ]


def post_message(api, deal: str, text: str, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else None
    return api.post(f"/v1/deals/{deal}/messages", {"body": text}, as_user=COORDINATOR, headers=headers)


# -- an applied commit whose answer is lost ---------------------------------------------------------


def test_a_message_whose_commit_answer_is_lost_is_posted_once(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    events_before = activity_types(api, deal).count("message.posted")

    with dynamodb_fault("TransactWriteItems", lose_answers=1) as fault:
        reply = post_message(api, deal, "Inspection moved to Friday")

    assert fault.attempts == 2 and fault.delivered == 1  # applied, answer lost, retried by the SDK
    assert reply.status == 201, reply.json
    assert messages(api, deal).count("Inspection moved to Friday") == 1
    assert activity_types(api, deal).count("message.posted") == events_before + 1


def test_with_an_idempotency_key_the_lost_answer_is_stored_and_replayed(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id

    with dynamodb_fault("TransactWriteItems", lose_answers=1):
        first = post_message(api, deal, "Appraisal is booked", key="browser-retry-1")
    again = post_message(api, deal, "Appraisal is booked", key="browser-retry-1")

    assert first.status == 201
    assert again.status == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json == first.json
    assert messages(api, deal).count("Appraisal is booked") == 1


def test_an_admin_reactivation_whose_answer_is_lost_reactivates_once(seeded, api):
    alex = api.get("/v1/me", as_user=AGENT).json["id"]
    assert api.post(f"/v1/admin/users/{alex}/deactivate", {"reason": "left"}, as_user=ADMIN).status == 200

    with dynamodb_fault("TransactWriteItems", lose_answers=1) as fault:
        back = api.post(f"/v1/admin/users/{alex}/reactivate", {"reason": "rehired"}, as_user=ADMIN)

    assert fault.delivered == 1
    assert back.status == 200 and back.json["status"] == "active"
    assert api.get("/v1/deals", as_user=AGENT).status == 200
    log = [e["type"] for e in api.get("/v1/admin/activity", as_user=ADMIN).json["items"]]
    assert log.count("user.reactivated") == 1


def test_a_patch_whose_answer_is_lost_is_not_refused_as_stale(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    version = api.get(f"/v1/deals/{deal}", as_user=COORDINATOR).json["version"]

    with dynamodb_fault("TransactWriteItems", lose_answers=1):
        reply = api.patch(
            f"/v1/deals/{deal}",
            {"title": "Park purchase — renamed"},
            as_user=COORDINATOR,
            headers={"If-Match": f'"{version}"'},
        )

    assert reply.status == 200 and reply.json["version"] == version + 1
    assert api.get(f"/v1/deals/{deal}", as_user=COORDINATOR).json["version"] == version + 1


# -- faults that outlast the SDK's retries ----------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(NO_ANSWER))
def test_no_answer_at_all_is_a_503_with_retry_after_and_nothing_written(seeded, api, kind):
    deal = seeded.deals["park_purchase"].deal_id
    with dynamodb_fault("TransactWriteItems", no_answer=kind) as fault:
        reply = post_message(api, deal, f"never sent ({kind})")
    assert fault.attempts == 3  # botocore tried three times
    assert reply.status == 503 and reply.error_code == "database_unreachable"
    assert reply.headers["Retry-After"] == "1"
    assert f"never sent ({kind})" not in messages(api, deal)


def test_a_read_that_times_out_is_a_503_not_a_500(seeded, api):
    with dynamodb_fault("Query", no_answer="read timeout"):
        reply = api.get("/v1/deals", as_user=COORDINATOR)
    assert reply.status == 503 and reply.error_code == "database_unreachable"
    assert reply.headers["Retry-After"] == "1"


@pytest.mark.parametrize(
    ("error", "reasons", "status", "code"),
    [
        ("ProvisionedThroughputExceededException", None, 503, "retry_later"),
        ("ThrottlingException", None, 503, "retry_later"),
        ("InternalServerError", None, 503, "retry_later"),
        ("TransactionInProgressException", None, 503, "database_unreachable"),
        ("cancelled", [{"Code": "TransactionConflict"}, {"Code": "None"}], 409, "write_conflict"),
        ("cancelled", [{"Code": "ThrottlingError"}, {"Code": "None"}], 503, "retry_later"),
    ],
)
def test_each_dynamodb_fault_gives_its_documented_answer(seeded, api, error, reasons, status, code):
    deal = seeded.deals["park_purchase"].deal_id
    with dynamodb_fault("TransactWriteItems", error=error, reasons=reasons):
        reply = post_message(api, deal, "faulted")
    assert reply.status == status and reply.error_code == code, reply.json
    assert ("Retry-After" in reply.headers) == (status == 503)
    assert "faulted" not in messages(api, deal)


def test_a_token_reused_for_another_write_is_refused_by_dynamodb_and_writes_nothing(seeded, api, monkeypatch):
    """IdempotentParameterMismatch, produced by the emulator itself: two different units sharing a token."""
    deal = seeded.deals["park_purchase"].deal_id
    monkeypatch.setattr(unit_of_work.UnitOfWork, "client_request_token", lambda self: "0" * 36)
    assert post_message(api, deal, "first").status == 201
    reply = post_message(api, deal, "second")
    assert reply.status == 503 and reply.error_code == "retry_later"
    assert reply.headers["Retry-After"] == "1"
    assert "second" not in messages(api, deal)


# -- the Idempotency-Key claim after a fault ----------------------------------------------------------


def test_a_commit_that_never_landed_leaves_the_key_free_for_the_retry(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    with dynamodb_fault("TransactWriteItems", no_answer="connection reset"):
        failed = post_message(api, deal, "Keys are at the office", key="k-never-landed")
    retried = post_message(api, deal, "Keys are at the office", key="k-never-landed")
    assert failed.status == 503
    assert retried.status == 201 and "Idempotent-Replayed" not in retried.headers
    assert messages(api, deal).count("Keys are at the office") == 1


def test_a_commit_that_landed_but_never_answered_is_never_applied_twice_nor_in_progress_for_a_day(
    seeded, api
):
    deal = seeded.deals["park_purchase"].deal_id
    with dynamodb_fault("TransactWriteItems", lose_answers=3):  # every attempt's answer is lost
        failed = post_message(api, deal, "Closing at 10am", key="k-lost")
    assert failed.status == 503 and failed.error_code == "database_unreachable"

    soon = post_message(api, deal, "Closing at 10am", key="k-lost")
    assert soon.status == 409 and soon.error_code == "idempotency_in_progress"

    clock.freeze(clock.now() + timedelta(minutes=1))  # the first request is certainly over
    later = post_message(api, deal, "Closing at 10am", key="k-lost")
    assert later.status == 409 and later.error_code == "idempotency_answer_lost"
    assert messages(api, deal).count("Closing at 10am") == 1
