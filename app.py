"""The Chalice app: middleware, blueprints and event handlers are registered here — nothing else."""

from __future__ import annotations

from typing import Any

from chalice import Chalice, ConvertToMiddleware, Rate

from chalicelib.api import accounts as issue_13_accounts  # accounts and invitee follow-up (issue 13)
from chalicelib.api import (  # api_clients and calendar: integrations, issue 16
    activity,
    admin,
    api_clients,
    calendar,
    change_requests,
    contacts,
    deals,
    documents,
    esign,
    exports,
    health,
    intake,
    invitations,
    leads,
    me,
    messages,
    middleware,
    notifications,
    parties,
    reports,
    staff_notifications,
    tasks,
    workflows,
)
from chalicelib.api import templates as org_templates  # org-owned templates (docs/TEMPLATES.md)
from chalicelib.api import webhooks as webhook_routes  # outbound webhooks (docs/INTEGRATIONS.md)
from chalicelib.config import event_source, settings
from chalicelib.observability import metrics, tracing
from chalicelib.runbooks import handlers as runbooks

settings()  # fail fast on a misconfigured stage, at cold start rather than on the first request

app = Chalice(app_name="threshold", configure_logs=False)
app.register_middleware(middleware.http, "http")
app.register_middleware(ConvertToMiddleware(metrics.log_metrics), "all")
app.register_middleware(tracing, "all")

app.register_blueprint(health.health)
app.register_blueprint(me.me)
app.register_blueprint(deals.deals)
app.register_blueprint(parties.parties)
app.register_blueprint(activity.activity)
app.register_blueprint(tasks.tasks)
app.register_blueprint(messages.messages)
app.register_blueprint(invitations.invitations)
app.register_blueprint(admin.admin)
app.register_blueprint(exports.exports)
app.register_blueprint(reports.reports)
app.register_blueprint(notifications.notifications)
app.register_blueprint(documents.documents)
app.register_blueprint(workflows.workflows)
app.register_blueprint(change_requests.change_requests)
app.register_blueprint(webhook_routes.webhooks)  # outbound webhooks
# integrations, issue 16: API clients for machines, calendar feeds
app.register_blueprint(api_clients.api_clients)
app.register_blueprint(calendar.calendar)
# accounts and invitee follow-up (issue 13)
app.register_blueprint(issue_13_accounts.accounts)
# Staff notification list (the reference portal's resend list, issue 17)
app.register_blueprint(staff_notifications.staff_notifications)
app.register_blueprint(org_templates.templates)  # org-owned templates (docs/TEMPLATES.md)
# e-signature (docs/ESIGN.md)
app.register_blueprint(esign.esign)
# intake, contacts and properties (docs/INTAKE.md)
app.register_blueprint(intake.intake)
app.register_blueprint(leads.leads)
app.register_blueprint(contacts.contacts)
# CRM in (issue 16): signed inbound leads (docs/CRM_IN.md)
from chalicelib.api import inbound_leads  # noqa: E402

app.register_blueprint(inbound_leads.inbound_leads)

middleware.register_preflight_routes(app)

app.lambda_function(name="runbook_deactivate_user")(runbooks.deactivate_user)
app.lambda_function(name="runbook_reactivate_user")(runbooks.reactivate_user)
app.lambda_function(name="runbook_change_staff_role")(runbooks.change_staff_role)
app.lambda_function(name="runbook_reassign_tasks")(runbooks.reassign_tasks)
app.lambda_function(name="runbook_resend_invitation")(runbooks.resend_invitation)
app.lambda_function(name="runbook_revoke_invitation")(runbooks.revoke_invitation)
app.lambda_function(name="runbook_revoke_party")(runbooks.revoke_party)
app.lambda_function(name="runbook_export_activity")(runbooks.export_activity)
app.lambda_function(name="runbook_archive_deal_documents")(runbooks.archive_deal_documents)
app.lambda_function(name="runbook_override_stage")(runbooks.override_stage)
app.lambda_function(name="runbook_correct_document")(runbooks.correct_document)
app.lambda_function(name="runbook_resend_notification")(runbooks.resend_notification)


@app.on_dynamodb_record(stream_arn=event_source("TABLE_STREAM_ARN"), name="outbox")
def outbox_handler(event: Any) -> dict[str, Any]:
    from chalicelib.events import outbox  # event handlers load on their own function's first call

    return outbox.handle(event)


@app.schedule(Rate(15, unit=Rate.MINUTES), name="reminder_sweep")
def reminder_sweep(event: Any) -> dict[str, int]:
    from chalicelib.events import reminders

    return reminders.handle(event)


@app.on_sns_message(topic=event_source("SES_FEEDBACK_TOPIC_NAME"), name="ses_feedback")
def ses_feedback(event: Any) -> None:
    from chalicelib.events import feedback

    feedback.handle(event)


@app.on_sqs_message(queue=event_source("UPLOAD_QUEUE_NAME"), batch_size=10, name="ingest_uploads")
def ingest_uploads(event: Any) -> dict[str, Any]:
    from chalicelib.events import ingest

    return ingest.ingest_uploads(event)


# -- outbound webhooks (docs/INTEGRATIONS.md): attempt every due delivery ------------------------------
@app.schedule(Rate(1, unit=Rate.MINUTES), name="webhook_sweep")
def webhook_sweep(event: Any) -> dict[str, int]:
    from chalicelib.events import webhooks

    return webhooks.handle(event)


# -- exports worker (issue 18): large exports advance on their own, one queue message per slice --------
@app.on_sqs_message(queue=event_source("EXPORT_QUEUE_NAME"), batch_size=1, name="export_worker")
def export_worker(event: Any) -> dict[str, Any]:
    from chalicelib.events import exports as export_events

    return export_events.handle(event)
