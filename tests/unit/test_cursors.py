from __future__ import annotations

import pytest

from chalicelib.domain.errors import BadRequest
from chalicelib.store import cursors

KEY = {"PK": {"S": "DEAL#dl_1"}, "SK": {"S": "ACT#2026"}}


def test_a_cursor_round_trips_in_its_own_list():
    token = cursors.encode("activity:dl_1:u_1", KEY)
    assert token is not None and "DEAL" not in token  # opaque
    assert cursors.decode("activity:dl_1:u_1", token) == KEY


def test_no_more_pages_is_no_cursor():
    assert cursors.encode("s", None) is None and cursors.decode("s", None) is None


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-1], lambda t: "x" + t, lambda t: t.replace(".", ""), lambda t: "."]
)
def test_a_tampered_cursor_is_a_bad_request(mangle):
    token = cursors.encode("s", KEY)
    assert token is not None
    with pytest.raises(BadRequest):
        cursors.decode("s", mangle(token))


def test_a_cursor_is_bound_to_its_list():
    token = cursors.encode("activity:dl_1:u_1", KEY)
    with pytest.raises(BadRequest):
        cursors.decode("activity:dl_1:u_2", token)
