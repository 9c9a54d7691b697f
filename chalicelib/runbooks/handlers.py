"""The runbook Lambda handlers registered in app.py. Each loads its runbook (and pydantic) on first use, so
the API's cold start never pays for them (tests/unit/test_cold_start.py)."""

from __future__ import annotations

from typing import Any


def deactivate_user(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.users import DEACTIVATE_USER

    return DEACTIVATE_USER(event, context)


def reactivate_user(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.users import REACTIVATE_USER

    return REACTIVATE_USER(event, context)


def change_staff_role(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.users import CHANGE_STAFF_ROLE

    return CHANGE_STAFF_ROLE(event, context)


def reassign_tasks(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.work import REASSIGN_TASKS

    return REASSIGN_TASKS(event, context)


def resend_invitation(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.work import RESEND_INVITATION

    return RESEND_INVITATION(event, context)


def revoke_invitation(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.work import REVOKE_INVITATION

    return REVOKE_INVITATION(event, context)


def revoke_party(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.work import REVOKE_PARTY

    return REVOKE_PARTY(event, context)


def export_activity(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.work import EXPORT_ACTIVITY

    return EXPORT_ACTIVITY(event, context)


def archive_deal_documents(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.documents import ARCHIVE_DEAL_DOCUMENTS

    return ARCHIVE_DEAL_DOCUMENTS(event, context)


def override_stage(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.stages import OVERRIDE_STAGE

    return OVERRIDE_STAGE(event, context)


def correct_document(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.documents import CORRECT_DOCUMENT

    return CORRECT_DOCUMENT(event, context)


def resend_notification(event: Any, context: Any) -> dict[str, Any]:
    from chalicelib.runbooks.notifications import RESEND_NOTIFICATION

    return RESEND_NOTIFICATION(event, context)


# name of the Lambda function → handler (app.py registers each; `make runbook NAME=…` runs one locally)
HANDLERS = {
    "runbook_correct_document": correct_document,
    "runbook_override_stage": override_stage,
    "runbook_archive_deal_documents": archive_deal_documents,
    "runbook_deactivate_user": deactivate_user,
    "runbook_reactivate_user": reactivate_user,
    "runbook_change_staff_role": change_staff_role,
    "runbook_reassign_tasks": reassign_tasks,
    "runbook_resend_invitation": resend_invitation,
    "runbook_revoke_invitation": revoke_invitation,
    "runbook_revoke_party": revoke_party,
    "runbook_export_activity": export_activity,
    "runbook_resend_notification": resend_notification,
}
