"""The notification fixtures (the outbox fed from the table stream, SES and SNS recorded), shared here."""

from tests.notifications.conftest import outbox, providers, sent  # noqa: F401
