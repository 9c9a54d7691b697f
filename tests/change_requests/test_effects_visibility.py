"""What an applied change request says it changed is filtered like the deal itself: a client reads the
re-dated items they may see, never the titles of internal tasks (found through the reference portal, which
shows a request's effects to the client)."""

from __future__ import annotations

from tests.change_requests.support import AGENT, CLIENT, deal_with_everyone, decide, submit
from tests.support.plans import COORDINATOR

EXTENSION = {"new_date": "2027-01-08", "reason": "Appraisal is late"}


def test_a_client_never_reads_an_internal_tasks_title_in_a_change_requests_effects(seeded, api):
    # Given a closing extension was approved and applied: it re-dated internal tasks too
    deal = deal_with_everyone(api, "purchase")
    cr = submit(api, deal["id"], "closing_extension", EXTENSION, AGENT).json
    decide(api, deal["id"], cr["id"], "approve", CLIENT)
    applied = decide(api, deal["id"], cr["id"], "approve", COORDINATOR)
    assert applied.json["status"] == "applied", applied.json
    staff_tasks = api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json["tasks"]
    internal = {t["id"]: t["title"] for t in staff_tasks if t["visibility"] == "internal"}
    path = f"/v1/deals/{deal['id']}/change-requests/{cr['id']}"
    staff_view = api.get(path, as_user=COORDINATOR).json["effects"]
    assert {e["id"] for e in staff_view if e["effect"] == "redated"} & set(internal), "staff see them all"

    # When the client reads the request, alone and in the list
    client_tasks = {t["id"] for t in api.get(f"/v1/deals/{deal['id']}", as_user=CLIENT).json["tasks"]}
    for effects in (
        api.get(path, as_user=CLIENT).json["effects"],
        api.get(f"/v1/deals/{deal['id']}/change-requests", as_user=CLIENT).json["items"][0]["effects"],
    ):
        # Then the key date's move is there, and only re-dated items the client sees on the deal
        assert [e for e in effects if e["effect"] == "key_date_moved"]
        redated = [e for e in effects if e["effect"] == "redated"]
        assert redated and not {e["id"] for e in redated} & set(internal)
        assert not {e["title"] for e in redated} & set(internal.values())
        assert {e["id"] for e in redated if e["kind"] == "task"} <= client_tasks
