"""SES bounce / complaint / delivery notifications arriving through SNS (`ses_feedback`)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.observability import logger
from chalicelib.services import feedback


def handle(event: Any) -> None:
    try:
        message = json.loads(event.message)
    except (TypeError, ValueError):
        logger.warning("SES feedback that is not JSON was ignored")
        return
    if isinstance(message, dict):
        feedback.record_feedback(message)
