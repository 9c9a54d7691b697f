"""The catalog of activity event types: the audit log's vocabulary and the outbox's input.

Every ActivityEvent.type is one of these. The notification rules key on them, the domain events published
to EventBridge are named after them, and docs/EVENTS.md documents each one's `data`. Emitting code uses
these constants (never a string literal) and fills at least the `data` keys listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """What a user tunes notifications by (PUT /v1/me/preferences `categories`)."""

    DEAL = "deal_updates"
    TASKS = "tasks"
    DOCUMENTS = "documents"
    MESSAGES = "messages"
    REMINDERS = "reminders"
    ACCOUNT = "account"
    CHANGE_REQUESTS = "change_requests"
    AUDIT = "audit"  # recorded, never notified


class EventType(StrEnum):
    DEAL_CREATED = "deal.created"
    DEAL_UPDATED = "deal.updated"
    DEAL_STAGE_CHANGED = "deal.stage_changed"
    DEAL_KEY_DATE_CHANGED = "deal.key_date_changed"
    PARTY_INVITED = "party.invited"
    PARTY_ACCEPTED = "party.accepted"
    PARTY_REVOKED = "party.revoked"
    INVITATION_RESENT = "invitation.resent"
    INVITATION_REVOKED = "invitation.revoked"
    TASK_CREATED = "task.created"
    TASK_ASSIGNED = "task.assigned"
    TASK_REDATED = "task.redated"
    TASK_COMPLETED = "task.completed"
    TASK_ACCEPTED = "task.accepted"
    TASK_DECLINED = "task.declined"
    TASK_CANCELLED = "task.cancelled"
    TASK_REOPENED = "task.reopened"
    TASK_UPDATED = "task.updated"
    DOCUMENT_REQUESTED = "document.requested"
    DOCUMENT_SUBMITTED = "document.submitted"
    DOCUMENT_UPLOAD_REFUSED = "document.upload_refused"
    DOCUMENT_APPROVED = "document.approved"
    DOCUMENT_REJECTED = "document.rejected"
    DOCUMENT_CORRECTED = "document.corrected"
    DOCUMENT_DOWNLOADED = "document.downloaded"
    DOCUMENT_REQUEST_CANCELLED = "document.request_cancelled"
    DOCUMENT_UPLOAD_FORM_ISSUED = "document.upload_form_issued"
    DOCUMENTS_ARCHIVED = "documents.archived"
    MESSAGE_POSTED = "message.posted"
    NOTE_ADDED = "note.added"
    REMINDER_SENT = "reminder.sent"
    REMINDER_ESCALATED = "reminder.escalated"
    NOTIFICATION_RESENT = "notification.resent"
    USER_REGISTERED = "user.registered"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    STAFF_ROLE_CHANGED = "staff.role_changed"
    ORG_CREATED = "org.created"
    ACTIVITY_EXPORTED = "activity.exported"
    DEALS_IMPORTED = "deals.imported"
    PARTY_FIRST_VISIT = "party.first_visit"
    TASKS_REASSIGNED = "tasks.reassigned"
    PREFERENCES_CHANGED = "notification.preferences_changed"
    EMAIL_UNSUBSCRIBED = "notification.unsubscribed"
    ADDRESS_SUPPRESSED = "notification.address_suppressed"
    NOTIFICATION_RULES_CHANGED = "notification.rules_changed"
    ORG_SETTINGS_CHANGED = "org.settings_changed"
    CHANGE_REQUEST_SUBMITTED = "change_request.submitted"
    CHANGE_REQUEST_RESUBMITTED = "change_request.resubmitted"
    CHANGE_REQUEST_APPROVAL_RECORDED = "change_request.approval_recorded"
    CHANGE_REQUEST_CHANGES_REQUESTED = "change_request.changes_requested"
    CHANGE_REQUEST_APPROVED = "change_request.approved"
    CHANGE_REQUEST_APPLIED = "change_request.applied"
    CHANGE_REQUEST_REJECTED = "change_request.rejected"
    CHANGE_REQUEST_WITHDRAWN = "change_request.withdrawn"
    # intake, contacts and properties (docs/INTAKE.md)
    LEAD_RECEIVED = "lead.received"
    LEAD_RESUBMITTED = "lead.resubmitted"
    LEAD_STATUS_CHANGED = "lead.status_changed"
    LEAD_CONVERTED = "lead.converted"
    LEAD_REMINDER_SENT = "lead.reminder_sent"
    LEAD_ESCALATED = "lead.escalated"
    CONTACT_CREATED = "contact.created"
    PROPERTY_CREATED = "property.created"
    CONTACT_MERGED = "contact.merged"
    CONTACT_UNMERGED = "contact.unmerged"
    PROPERTY_MERGED = "property.merged"
    PROPERTY_UNMERGED = "property.unmerged"
    # CRM in (issue 16): docs/CRM_IN.md
    INBOUND_LEADS_SECRET_ROTATED = "inbound_leads.secret_rotated"  # noqa: S105 - an event name
    INBOUND_LEADS_DISABLED = "inbound_leads.disabled"


@dataclass(frozen=True)
class EventSpec:
    category: Category
    data: tuple[str, ...]  # keys every event of this type carries in `data`
    summary: str  # what it means, for docs/EVENTS.md


_C = Category
CATALOG: dict[EventType, EventSpec] = {
    EventType.DEAL_CREATED: EventSpec(_C.DEAL, ("workflow", "stage", "parties"), "a deal was opened"),
    EventType.DEAL_UPDATED: EventSpec(
        _C.DEAL, ("changes",), "details changed; `changes` lists field, from, to"
    ),
    EventType.DEAL_STAGE_CHANGED: EventSpec(
        _C.DEAL, ("from", "to", "from_label", "to_label", "override"), "the deal moved to another stage"
    ),
    EventType.DEAL_KEY_DATE_CHANGED: EventSpec(
        _C.DEAL, ("key_date", "from", "to", "moved"), "a key date moved and re-dated what derives from it"
    ),
    EventType.PARTY_INVITED: EventSpec(_C.ACCOUNT, ("user_id", "role"), "someone was invited to the deal"),
    EventType.PARTY_ACCEPTED: EventSpec(_C.DEAL, ("user_id", "role"), "an invitee joined the deal"),
    EventType.PARTY_REVOKED: EventSpec(_C.AUDIT, ("user_id", "role"), "a party's access was revoked"),
    EventType.INVITATION_RESENT: EventSpec(
        _C.ACCOUNT, ("invitation_id", "user_id"), "a new invitation link was sent"
    ),
    EventType.INVITATION_REVOKED: EventSpec(
        _C.AUDIT, ("invitation_id", "user_id"), "an invitation was withdrawn"
    ),
    EventType.TASK_CREATED: EventSpec(
        _C.TASKS, ("task_id", "title", "owner_role", "due_at"), "a task was added"
    ),
    EventType.TASK_ASSIGNED: EventSpec(
        _C.TASKS, ("task_id", "title", "owner_user_id", "owner_role", "due_at"), "a task has a new owner"
    ),
    EventType.TASK_REDATED: EventSpec(
        _C.TASKS, ("task_id", "title", "from", "to"), "a task's due date moved"
    ),
    EventType.TASK_COMPLETED: EventSpec(_C.TASKS, ("task_id", "title"), "a task was completed"),
    EventType.TASK_ACCEPTED: EventSpec(_C.TASKS, ("task_id", "title"), "a vendor accepted a work order"),
    EventType.TASK_DECLINED: EventSpec(
        _C.TASKS, ("task_id", "title", "reason"), "a vendor declined a work order"
    ),
    EventType.TASK_CANCELLED: EventSpec(_C.AUDIT, ("task_id", "title"), "a task was cancelled"),
    EventType.TASK_REOPENED: EventSpec(_C.TASKS, ("task_id", "title"), "a done task was opened again"),
    EventType.TASK_UPDATED: EventSpec(
        _C.AUDIT, ("task_id", "title", "changes"), "a task's title, visibility or dependencies changed"
    ),
    EventType.DOCUMENT_REQUESTED: EventSpec(
        _C.DOCUMENTS, ("request_id", "type", "label", "target_user_ids", "due_at"), "a document was requested"
    ),
    EventType.DOCUMENT_SUBMITTED: EventSpec(
        _C.DOCUMENTS,
        ("request_id", "document_id", "version", "label"),
        "a file was uploaded and awaits review",
    ),
    EventType.DOCUMENT_UPLOAD_REFUSED: EventSpec(
        _C.DOCUMENTS, ("request_id", "reason"), "an upload was refused and quarantined; `reason` says why"
    ),
    EventType.DOCUMENT_APPROVED: EventSpec(
        _C.DOCUMENTS, ("request_id", "document_id", "version", "label"), "a document was approved"
    ),
    EventType.DOCUMENT_REJECTED: EventSpec(
        _C.DOCUMENTS,
        ("request_id", "document_id", "version", "label", "reason_code", "reason"),
        "a document was rejected and requested again",
    ),
    EventType.DOCUMENT_CORRECTED: EventSpec(
        _C.AUDIT, ("document_id", "changes"), "ops corrected a label or type"
    ),
    EventType.DOCUMENT_DOWNLOADED: EventSpec(
        _C.AUDIT, ("request_id", "document_id", "version"), "someone viewed a document"
    ),
    EventType.DOCUMENT_REQUEST_CANCELLED: EventSpec(
        _C.AUDIT, ("request_id", "label"), "a request was cancelled"
    ),
    EventType.DOCUMENT_UPLOAD_FORM_ISSUED: EventSpec(
        _C.AUDIT, ("request_id", "upload_id", "content_type"), "someone was handed an upload form"
    ),
    EventType.DOCUMENTS_ARCHIVED: EventSpec(
        _C.AUDIT,
        ("retention", "count", "withdrawn"),
        "a closed deal's files took their retention class; versions awaiting review were withdrawn",
    ),
    EventType.MESSAGE_POSTED: EventSpec(_C.MESSAGES, ("message_id", "excerpt"), "a message was posted"),
    EventType.NOTE_ADDED: EventSpec(_C.AUDIT, ("message_id",), "an internal note was added"),
    EventType.REMINDER_SENT: EventSpec(
        _C.REMINDERS, ("item_kind", "item_id", "title", "due_at", "threshold"), "a due-date reminder went out"
    ),
    EventType.REMINDER_ESCALATED: EventSpec(
        _C.REMINDERS, ("item_kind", "item_id", "title", "due_at"), "an overdue item was escalated"
    ),
    EventType.NOTIFICATION_RESENT: EventSpec(_C.AUDIT, ("notification_id",), "ops resent a notification"),
    EventType.USER_REGISTERED: EventSpec(_C.AUDIT, (), "a person signed in for the first time"),
    EventType.USER_DEACTIVATED: EventSpec(_C.AUDIT, ("reason",), "a user was deactivated"),
    EventType.USER_REACTIVATED: EventSpec(_C.AUDIT, ("reason",), "a user was reactivated"),
    EventType.STAFF_ROLE_CHANGED: EventSpec(
        _C.AUDIT, ("org_id", "from", "to", "reason"), "a staff role changed"
    ),
    EventType.ORG_CREATED: EventSpec(_C.AUDIT, (), "an organization was set up"),
    EventType.ACTIVITY_EXPORTED: EventSpec(
        _C.AUDIT, ("format", "from", "to", "count"), "an activity log was exported"
    ),
    EventType.DEALS_IMPORTED: EventSpec(
        _C.AUDIT, ("created", "skipped", "failed"), "deals were imported from a CSV"
    ),
    EventType.PARTY_FIRST_VISIT: EventSpec(
        _C.AUDIT, ("user_id", "invitation_id"), "an invitee opened the deal for the first time"
    ),
    EventType.TASKS_REASSIGNED: EventSpec(
        _C.TASKS,
        ("from_user_id", "to_user_id", "task_ids", "reason"),
        "ops moved open tasks from one person to another",
    ),
    EventType.PREFERENCES_CHANGED: EventSpec(
        _C.AUDIT, ("changes",), "a user changed their notification preferences"
    ),
    EventType.EMAIL_UNSUBSCRIBED: EventSpec(
        _C.AUDIT, ("channel",), "a user unsubscribed from email with the link in an email"
    ),
    EventType.NOTIFICATION_RULES_CHANGED: EventSpec(
        _C.AUDIT, ("overrides",), "an admin changed the org's notification rules"
    ),
    EventType.ADDRESS_SUPPRESSED: EventSpec(
        _C.AUDIT, ("feedback",), "SES reported a bounce or complaint: no more email to that address"
    ),
}

_CR = ("change_request_id", "type", "label")
CATALOG.update(
    {
        EventType.CHANGE_REQUEST_SUBMITTED: EventSpec(
            _C.CHANGE_REQUESTS,
            (*_CR, "waiting_on", "due_at"),
            "a change was asked for; `waiting_on` names the approver roles",
        ),
        EventType.CHANGE_REQUEST_RESUBMITTED: EventSpec(
            _C.CHANGE_REQUESTS,
            (*_CR, "waiting_on", "due_at", "round"),
            "a change request was resubmitted after changes were asked for",
        ),
        EventType.CHANGE_REQUEST_APPROVAL_RECORDED: EventSpec(
            _C.CHANGE_REQUESTS, (*_CR, "role", "waiting_on"), "one approver approved; others still have to"
        ),
        EventType.CHANGE_REQUEST_CHANGES_REQUESTED: EventSpec(
            _C.CHANGE_REQUESTS, (*_CR, "comment"), "an approver asked the submitter for changes"
        ),
        EventType.CHANGE_REQUEST_APPROVED: EventSpec(
            _C.CHANGE_REQUESTS, (*_CR, "effects"), "a change request was approved (nothing to apply)"
        ),
        EventType.CHANGE_REQUEST_APPLIED: EventSpec(
            _C.CHANGE_REQUESTS,
            (*_CR, "effects"),
            "a change request was approved and applied; `effects` lists what changed",
        ),
        EventType.CHANGE_REQUEST_REJECTED: EventSpec(
            _C.CHANGE_REQUESTS, (*_CR, "comment"), "a change request was rejected"
        ),
        EventType.ORG_SETTINGS_CHANGED: EventSpec(
            _C.AUDIT, ("changes",), "an admin changed an org setting (the cost-approval threshold)"
        ),
        EventType.CHANGE_REQUEST_WITHDRAWN: EventSpec(
            _C.CHANGE_REQUESTS, _CR, "a change request was withdrawn"
        ),
    }
)

# intake, contacts and properties (docs/INTAKE.md): org events (no deal), staff-only in the org's log
_LEAD = ("lead_id", "scenario")
CATALOG.update(
    {
        EventType.LEAD_RECEIVED: EventSpec(
            _C.DEAL,
            (*_LEAD, "owner_user_id", "person_user_id", "routed_by", "candidates"),
            "a prospective client used the public intake form; the person gets the welcome email with the "
            "scenario's checklist, the routed owner is told",
        ),
        EventType.LEAD_RESUBMITTED: EventSpec(
            _C.AUDIT,
            (*_LEAD, "submissions"),
            "the same person sent the same scenario again while their lead is open",
        ),
        EventType.LEAD_STATUS_CHANGED: EventSpec(
            _C.AUDIT, (*_LEAD, "from", "to"), "staff moved a lead (a disqualification carries `reason`)"
        ),
        EventType.LEAD_CONVERTED: EventSpec(
            _C.AUDIT, (*_LEAD, "deal_id"), "a lead was converted: its deal was opened"
        ),
        EventType.LEAD_REMINDER_SENT: EventSpec(
            _C.REMINDERS, (*_LEAD, "owner_user_id"), "a new lead was not contacted within the org's window"
        ),
        EventType.LEAD_ESCALATED: EventSpec(
            _C.REMINDERS,
            (*_LEAD, "owner_user_id"),
            "a new lead is still not contacted: its coordinators are told",
        ),
        EventType.CONTACT_CREATED: EventSpec(_C.AUDIT, ("contact_id",), "staff added a contact"),
        EventType.PROPERTY_CREATED: EventSpec(_C.AUDIT, ("property_id",), "staff added a property record"),
        EventType.CONTACT_MERGED: EventSpec(
            _C.AUDIT, ("contact_id", "into", "reason"), "a duplicate contact was merged into another"
        ),
        EventType.CONTACT_UNMERGED: EventSpec(
            _C.AUDIT, ("contact_id", "from", "reason"), "a merge was undone"
        ),
        EventType.PROPERTY_MERGED: EventSpec(
            _C.AUDIT, ("property_id", "into", "reason"), "a duplicate property record was merged into another"
        ),
        EventType.PROPERTY_UNMERGED: EventSpec(
            _C.AUDIT, ("property_id", "from", "reason"), "a merge was undone"
        ),
    }
)


def spec(event_type: str) -> EventSpec:
    return CATALOG[EventType(event_type)]


# CRM in (issue 16): an org's inbound-lead secret (docs/CRM_IN.md); never carries the secret
CATALOG.update(
    {
        EventType.INBOUND_LEADS_SECRET_ROTATED: EventSpec(
            _C.AUDIT,
            ("overlap_hours",),
            "an admin created or rotated the inbound-lead secret (`overlap_hours`: how long the old one "
            "still verifies)",
        ),
        EventType.INBOUND_LEADS_DISABLED: EventSpec(
            _C.AUDIT, (), "an admin disabled inbound leads: no secret verifies any more"
        ),
    }
)
