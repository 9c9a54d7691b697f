from __future__ import annotations

import pytest

from chalicelib.domain.entities import SYSTEM
from chalicelib.domain.events import CATALOG, EventType
from chalicelib.services.activity import org_event


def test_every_event_type_is_catalogued():
    assert set(CATALOG) == set(EventType)


def test_an_event_missing_its_promised_data_is_refused():
    with pytest.raises(ValueError, match="reason"):
        org_event("o_x", SYSTEM, EventType.USER_DEACTIVATED, "deactivated", data={})
    assert org_event("o_x", SYSTEM, EventType.USER_DEACTIVATED, "ok", data={"reason": "left"}).data == {
        "reason": "left"
    }
