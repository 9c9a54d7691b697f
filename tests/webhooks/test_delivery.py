"""Delivery from the domain events: signed (verified by the reference library), filtered to the org, once
per (event, endpoint) however often the stream repeats itself, logged."""

from __future__ import annotations

from chalicelib.services import webhook_delivery
from tests.support.plans import open_deal
from tests.webhooks.support import (
    ADMIN,
    ALL,
    CLIENT,
    RIVAL_ADMIN,
    Receiver,
    create,
    deliveries,
    message,
    sweep,
)


def _deal(api) -> dict:
    return open_deal(api, "purchase", [{"email": CLIENT, "role": "client", "name": "Bianca Reyes"}])


def test_an_event_reaches_the_endpoint_signed_and_is_logged(seeded, api, stream, receiver, ddb_calls):
    hook = create(api, receiver.url, ["message.posted", "deal.created"]).json
    receiver.secrets = [hook["secret"]]
    rival = Receiver().start()
    try:
        rival_hook = create(api, rival.url, ["message.posted", "deal.created"], as_user=RIVAL_ADMIN).json
        deal = _deal(api)
        message(api, deal["id"])
        stream.run()
        assert sweep()["succeeded"] == 2
    finally:
        rival.stop()
    assert rival.received == []  # another org's endpoint hears nothing of this org
    assert deliveries(api, rival_hook["id"], as_user=RIVAL_ADMIN) == []

    got = {r.json["type"]: r for r in receiver.received}
    assert set(got) == {"deal.created", "message.posted"}
    for request in receiver.received:
        assert request.verified_with == [0]  # the reference library verifies the signature
        assert request.headers["webhook-id"].startswith("msg_")
    posted = got["message.posted"].json
    assert posted["data"]["deal_id"] == deal["id"] and posted["data"]["org_id"] == deal["org_id"]
    assert posted["data"]["changes"]["excerpt"].startswith("The appraisal")
    assert "@" not in got["deal.created"].body.decode()  # no contact details: ids only

    ddb_calls.reset()
    log = deliveries(api, hook["id"])
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1}  # caller, endpoint, one page of its log
    assert {d["status"] for d in log} == {"succeeded"}
    assert {d["id"] for d in log} == {r.webhook_id for r in receiver.received}
    assert all(d["attempts"] == 1 and d["response_code"] == 200 and d["latency_ms"] is not None for d in log)


def test_a_duplicated_stream_record_delivers_once(seeded, api, stream, receiver):
    hook = create(api, receiver.url, ["message.posted"]).json
    receiver.secrets = [hook["secret"]]
    deal = _deal(api)
    stream.run()
    message(api, deal["id"])
    records = stream.records()
    assert stream.deliver(records)["batchItemFailures"] == []
    assert stream.deliver(records)["batchItemFailures"] == []  # Lambda hands the same batch again
    from chalicelib.store import webhooks as store
    from chalicelib.store.table import TableItem

    (image,) = [
        r["dynamodb"]["NewImage"]
        for r in records
        if r["dynamodb"].get("NewImage", {}).get("type", {}).get("S") == "message.posted"
    ]
    assert len(deliveries(api, hook["id"])) == 1
    # even the fan-out itself run again (the outbox resumed after a crash) writes nothing new
    event = TableItem.from_raw_data(image).to_entity()
    assert webhook_delivery.fan_out(event) == 0
    sweep()
    sweep()
    assert len(receiver.received) == 1
    assert store.get(hook["id"]) is not None


def test_a_test_event_is_sent_and_logged(seeded, api, receiver, ddb_calls):
    hook = create(api, receiver.url).json
    receiver.secrets = [hook["secret"]]
    ddb_calls.reset()
    reply = api.post(f"{ALL}/{hook['id']}/test", as_user=ADMIN)
    assert reply.status == 202, reply.json
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}
    assert reply.json["status"] == "pending" and reply.json["event_type"] == "webhook.test"
    sweep()
    (request,) = receiver.received
    assert request.json["type"] == "webhook.test" and request.verified_with == [0]
    assert request.webhook_id == reply.json["id"]
    assert deliveries(api, hook["id"])[0]["status"] == "succeeded"


def test_redirects_are_not_followed(seeded, api, receiver):
    hook = create(api, receiver.url).json
    receiver.statuses = [302]
    api.post(f"{ALL}/{hook['id']}/test", as_user=ADMIN)
    sweep()
    assert len(receiver.received) == 1  # the Location (the metadata service) was never asked
    (entry,) = deliveries(api, hook["id"])
    assert (
        entry["status"] == "pending" and entry["response_code"] == 302 and entry["last_error"] == "http_302"
    )


def test_a_name_that_does_not_resolve_fails_and_is_logged(seeded, api, dns):
    hook = create(api, "https://not-yet.brokerage.example/hooks").json
    api.post(f"{ALL}/{hook['id']}/test", as_user=ADMIN)
    sweep()
    (entry,) = deliveries(api, hook["id"])
    assert entry["last_error"] == "dns_unresolved" and entry["attempts"] == 1 and entry["next_attempt_at"]


def test_rebinding_to_a_private_address_is_refused_at_delivery(seeded, api, dns):
    dns["rebind.example"] = ["93.184.216.34"]
    hook = create(api, "https://rebind.example/hooks").json
    dns["rebind.example"] = ["10.0.0.5"]
    api.post(f"{ALL}/{hook['id']}/test", as_user=ADMIN)
    sweep()
    (entry,) = deliveries(api, hook["id"])
    assert entry["last_error"] == "address_not_allowed" and entry["response_code"] is None


def test_the_connection_goes_to_the_checked_address_with_the_name_for_tls_and_host(monkeypatch, dns):
    """No internet here: the HTTPS pool is captured to show what it was told to connect to."""
    import urllib3

    from chalicelib.domain import webhook_urls as urls

    seen: dict = {}

    class Pool:
        def __init__(self, host, **kw):
            seen.update(host=host, **kw)

        def urlopen(self, method, path, **kw):
            seen.update(method=method, path=path, **kw)

            class Answer:
                status = 204

                def drain_conn(self):
                    return None

            return Answer()

        def close(self):
            return None

    monkeypatch.setattr(urllib3, "HTTPSConnectionPool", Pool)
    target = urls.parse("https://crm.brokerage.example:8443/in?x=1")
    status = webhook_delivery._post(target, "93.184.216.34", {"webhook-id": "msg_1"}, b"{}")
    assert status == 204
    assert seen["host"] == "93.184.216.34"  # the checked address, never re-resolved
    assert seen["server_hostname"] == "crm.brokerage.example" == seen["assert_hostname"]
    assert seen["headers"]["Host"] == "crm.brokerage.example:8443"
    assert seen["redirect"] is False and seen["retries"] is False and seen["path"] == "/in?x=1"


def test_two_sweeps_at_once_send_an_attempt_once(seeded, api, receiver):
    """Both read the delivery as due; the claim (a conditional write on its version) lets one through."""
    from chalicelib import clock
    from chalicelib.store import webhooks as store

    hook = create(api, receiver.url).json
    test = api.post(f"{ALL}/{hook['id']}/test", as_user=ADMIN).json
    seen_by_both = store.get_delivery(hook["id"], test["id"])
    endpoint = store.get(hook["id"])
    assert seen_by_both is not None
    outcomes = [webhook_delivery.attempt(seen_by_both, endpoint, clock.now()) for _ in range(2)]
    assert outcomes == ["succeeded", None]
    assert len(receiver.received) == 1


def test_a_deleted_or_disabled_endpoint_gets_nothing_more(seeded, api, stream, receiver):
    hook = create(api, receiver.url, ["message.posted"]).json
    deal = _deal(api)
    stream.run()
    message(api, deal["id"])
    stream.run()  # a delivery is pending...
    assert api.delete(f"{ALL}/{hook['id']}", as_user=ADMIN).status == 200  # ...when the endpoint goes
    sweep()
    assert receiver.received == []
    from chalicelib.store import webhooks as store

    (gone,), _ = store.deliveries_page(hook["id"], limit=10, start=None)  # its log, kept 30 days
    assert gone.status == "failed" and gone.error == "endpoint_deleted"
    paused = create(api, receiver.url, ["message.posted"], enabled=False).json
    message(api, deal["id"], "Another one")
    stream.run()
    sweep()
    assert receiver.received == [] and deliveries(api, paused["id"]) == []
