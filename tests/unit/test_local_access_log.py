"""Local mode's access log never prints a credential that travels in a path or a query."""

from __future__ import annotations

import pytest

from devstack.local_api import mask_request_line

TOKEN = "Zx8-very-secret_invitation-token"


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        (f"GET /v1/invitations/{TOKEN} HTTP/1.1", "GET /v1/invitations/*** HTTP/1.1"),
        (f"POST /v1/invitations/{TOKEN}/accept HTTP/1.1", "POST /v1/invitations/***/accept HTTP/1.1"),
        (f"POST /v1/unsubscribe/{TOKEN} HTTP/1.1", "POST /v1/unsubscribe/*** HTTP/1.1"),
        (f"GET /v1/calendar/{TOKEN}.ics HTTP/1.1", "GET /v1/calendar/*** HTTP/1.1"),
        (f"GET /v1/deals?cursor={TOKEN}&limit=5 HTTP/1.1", "GET /v1/deals?… HTTP/1.1"),
        ("GET /v1/deals/dl_abc HTTP/1.1", "GET /v1/deals/dl_abc HTTP/1.1"),
    ],
)
def test_tokens_in_paths_and_queries_are_masked(line, shown):
    assert mask_request_line(line) == shown
    assert TOKEN not in mask_request_line(line)
