"""The activity export's CSV opens in a spreadsheet as text: no cell runs as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from chalicelib.domain.entities import ActivityEvent
from chalicelib.domain.exports import render
from chalicelib.domain.roles import Visibility

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def test_cells_that_start_like_formulas_are_written_as_text():
    # Given events whose actor label and summary a user typed to look like formulas
    events = [
        ActivityEvent(
            event_id=f"ev_{i}",
            type="message.posted",
            at=datetime(2026, 4, 1, tzinfo=UTC),
            actor_user_id="u_x",
            actor_label=text,
            visibility=Visibility.PARTIES,
            summary=text,
            deal_id="dl_x",
        )
        for i, text in enumerate(FORMULAS)
    ]
    # When the log is exported as CSV
    rows = list(csv.DictReader(io.StringIO(render(events, "csv").decode())))
    # Then no cell starts with a formula trigger, and the text is still there to read
    for row, text in zip(rows, FORMULAS, strict=True):
        for cell in (row["actor_label"], row["summary"]):
            assert cell[0] not in "=+-@", cell
            assert cell.lstrip("'").replace("\\|", "|") == text


def test_plain_numbers_stay_numbers():
    event = ActivityEvent(
        event_id="ev_n",
        type="message.posted",
        at=datetime(2026, 4, 1, tzinfo=UTC),
        actor_user_id="u_x",
        actor_label="-12.5",
        visibility=Visibility.PARTIES,
        summary="ok",
    )
    [row] = csv.DictReader(io.StringIO(render([event], "csv").decode()))
    assert row["actor_label"] == "-12.5"
