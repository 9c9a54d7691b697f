"""`make run` as a newcomer sees it: the stack comes up, serves health, stops cleanly on Ctrl-C, starts
again on the same ports, and answers /v1/me for every demo token. (The session's shared stack, on spare
ports beside any stack you have up: tests/support/local_stack.py.)"""

from __future__ import annotations

from tests.support.local_stack import LocalStack


def test_make_run_serves_every_demo_user_then_stops_and_starts_again(local_stack: LocalStack):
    assert local_stack.get("/v1/health")[0] == 200

    # Ctrl-C stops it cleanly, and the same ports are free again at once
    assert local_stack.restart() == 0

    assert local_stack.get("/v1/health")[0] == 200
    tokens = local_stack.tokens()
    assert len(tokens) >= 15
    for email, token in tokens.items():
        status, me = local_stack.get("/v1/me", token)
        assert status == 200 and me["email"] == email
    status, deals = local_stack.get("/v1/deals", tokens["bianca.buyer@mail.example"])
    assert status == 200 and [d["title"] for d in deals["items"]] == ["Reyes purchase — 14 Elm St"]
