"""Deal messages and internal notes: everyone posts where their role allows, and reads only what is
meant for them."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from tests.support.plans import task_by_key, workspace

AGENT = "alex.agent@harbormain.example"
CLIENT = "bianca.buyer@mail.example"
LENDER = "lena@firstharborbank.example"
VENDOR = "victor@fixitplumbing.example"
TENANT = "tara.tenant@mail.example"


def _post(api, deal, body, as_user):
    clock.freeze(clock.now() + timedelta(seconds=1))  # one message a second: newest-first is unambiguous
    return api.post(f"/v1/deals/{deal}/messages", body, as_user=as_user)


def _bodies(api, deal, as_user):
    reply = api.get(f"/v1/deals/{deal}/messages", as_user=as_user)
    assert reply.status == 200
    return [m["body"] for m in reply.json["items"]]


def test_clients_post_to_everyone_and_never_read_internal_notes(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    assert _post(api, deal, {"body": "Can we move the inspection to Friday?"}, CLIENT).status == 201
    note = _post(api, deal, {"body": "Seller is difficult; keep it short", "visibility": "internal"}, AGENT)
    assert note.status == 201 and note.json["kind"] == "note"
    assert _bodies(api, deal, AGENT) == [
        "Seller is difficult; keep it short",
        "Can we move the inspection to Friday?",
    ]
    for viewer in (CLIENT, LENDER):
        assert _bodies(api, deal, viewer) == ["Can we move the inspection to Friday?"]
    notes_in_log = [
        e
        for e in api.get(f"/v1/deals/{deal}/activity", as_user=CLIENT).json["items"]
        if e["type"] == "note.added"
    ]
    assert notes_in_log == []


def test_clients_may_not_write_notes_or_private_messages(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    note = _post(api, deal, {"body": "secret", "visibility": "internal"}, CLIENT)
    assert note.status == 403
    private = _post(api, deal, {"body": "just us", "visibility": "restricted", "restricted_to": []}, CLIENT)
    assert private.status == 403 and private.error_code == "parties_only"
    assert _bodies(api, deal, AGENT) == []  # nothing was written


def test_staff_write_to_some_parties_only(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    lender = next(p for p in workspace(api, deal, as_user=AGENT)["parties"] if p["role"] == "lender")
    sent = _post(
        api,
        deal,
        {
            "body": "Rate lock expires Friday",
            "visibility": "restricted",
            "restricted_to": [lender["user_id"]],
        },
        AGENT,
    )
    assert sent.status == 201
    assert _bodies(api, deal, LENDER) == ["Rate lock expires Friday"]
    assert _bodies(api, deal, CLIENT) == []
    stranger = _post(
        api, deal, {"body": "x", "visibility": "restricted", "restricted_to": ["u_" + "a" * 26]}, AGENT
    )
    assert stranger.status == 422 and stranger.error_code == "not_a_party"


def test_a_vendor_writes_only_about_their_work_order_and_staff_read_it(seeded, api):
    deal = seeded.deals["sink_repair"].deal_id
    general = _post(api, deal, {"body": "Hello all"}, VENDOR)
    assert general.status == 403 and general.error_code == "work_order_only"
    order = task_by_key(workspace(api, deal, as_user=VENDOR), deal, "accept_work_order")
    about = _post(
        api, deal, {"body": "Need the unit's water shut-off location", "task_id": order["id"]}, VENDOR
    )
    assert about.status == 201 and about.json["task_id"] == order["id"]
    assert _bodies(api, deal, "cora.coord@harbormain.example") == ["Need the unit's water shut-off location"]
    assert _bodies(api, deal, VENDOR) == ["Need the unit's water shut-off location"]
    assert _bodies(api, deal, TENANT) == []


def test_messages_of_a_deal_you_do_not_reach_are_404(seeded, api):
    deal = seeded.deals["rival_purchase"].deal_id
    assert api.get(f"/v1/deals/{deal}/messages", as_user=CLIENT).status == 404
    assert _post(api, deal, {"body": "hi"}, AGENT).status == 404


def test_a_page_of_messages_is_one_query_after_authorization(seeded, api, ddb_calls):
    deal = seeded.deals["park_purchase"].deal_id
    for n in range(3):
        _post(api, deal, {"body": f"message {n}"}, CLIENT)
    ddb_calls.reset()
    first = api.get(f"/v1/deals/{deal}/messages?limit=2", as_user=CLIENT)
    assert ddb_calls.by_operation() == {"Query": 3}  # caller, deal + parties, one page
    assert [m["body"] for m in first.json["items"]] == ["message 2", "message 1"]
    rest = api.get(f"/v1/deals/{deal}/messages?limit=2&cursor={first.json['next_cursor']}", as_user=CLIENT)
    assert [m["body"] for m in rest.json["items"]] == ["message 0"]


def test_only_a_coordinator_or_admin_sends_a_critical_message(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    refused = _post(api, deal, {"body": "Closing moved!", "critical": True}, AGENT)
    assert refused.status == 403
    sent = _post(
        api, deal, {"body": "Closing moved to Friday", "critical": True}, "cora.coord@harbormain.example"
    )
    assert sent.status == 201
    event = api.get(f"/v1/deals/{deal}/activity?limit=1", as_user=AGENT).json["items"][0]
    assert event["type"] == "message.posted" and event["data"]["critical"] is True
