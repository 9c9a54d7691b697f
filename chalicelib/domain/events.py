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
    # -- outbound webhooks (docs/INTEGRATIONS.md) --
    WEBHOOK_CREATED = "webhook.created"
    WEBHOOK_UPDATED = "webhook.updated"
    WEBHOOK_DELETED = "webhook.deleted"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated"  # noqa: S105 (an event name)
    WEBHOOK_DISABLED = "webhook.disabled"
    WEBHOOK_DELIVERY_REPLAYED = "webhook.delivery_replayed"
    WEBHOOK_TESTED = "webhook.tested"
    # integrations, issue 16: API clients and calendar feeds
    API_CLIENT_CREATED = "api_client.created"
    API_CLIENT_REVOKED = "api_client.revoked"
    CALENDAR_FEED_ISSUED = "calendar.feed_issued"
    CALENDAR_FEED_ROTATED = "calendar.feed_rotated"
    CALENDAR_FEED_REVOKED = "calendar.feed_revoked"
    # accounts and invitee reminders (issue 13; docs/ACCOUNTS.md)
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_UPDATED = "account.updated"
    ACCOUNT_MEMBER_ADDED = "account.member_added"
    ACCOUNT_MEMBER_REMOVED = "account.member_removed"
    ACCOUNTS_MERGED = "account.merged"
    ACCOUNT_MERGE_UNDONE = "account.merge_undone"
    ACCOUNT_DEALS_MOVED = "account.deals_moved"
    DEAL_ACCOUNT_ACCESS_GRANTED = "deal.account_access_granted"
    INVITATION_CORRECTED = "invitation.corrected"
    INVITATION_REMINDED = "invitation.reminded"
    INVITATION_NOT_ACCEPTED = "invitation.not_accepted"
    # org-owned templates (docs/TEMPLATES.md)
    TEMPLATE_DRAFT_CHANGED = "template.draft_changed"
    TEMPLATE_PUBLISHED = "template.published"
    DEAL_TEMPLATE_MIGRATED = "deal.template_migrated"
    # e-signature (docs/ESIGN.md)
    DOCUMENT_SIGNATURE_STARTED = "document.signature_started"
    DOCUMENT_SENT_FOR_SIGNATURE = "document.sent_for_signature"
    DOCUMENT_SIGNATURE_FAILED = "document.signature_failed"
    DOCUMENT_SIGNED = "document.signed"
    DOCUMENT_SIGNATURE_DECLINED = "document.signature_declined"
    DOCUMENT_SIGNATURE_VOIDED = "document.signature_voided"


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

# -- outbound webhooks (docs/INTEGRATIONS.md): an org's own audit trail; never delivered to a webhook --------
CATALOG.update(
    {
        EventType.WEBHOOK_CREATED: EventSpec(
            _C.AUDIT, ("webhook_id", "url", "event_types"), "an admin added a webhook endpoint"
        ),
        EventType.WEBHOOK_UPDATED: EventSpec(
            _C.AUDIT, ("webhook_id", "changes"), "an admin changed a webhook endpoint"
        ),
        EventType.WEBHOOK_DELETED: EventSpec(
            _C.AUDIT, ("webhook_id", "url"), "an admin removed a webhook endpoint"
        ),
        EventType.WEBHOOK_SECRET_ROTATED: EventSpec(
            _C.AUDIT,
            ("webhook_id", "previous_secret_until"),
            "a webhook's signing secret was rotated; the old one signs too until `previous_secret_until`",
        ),
        EventType.WEBHOOK_DISABLED: EventSpec(
            _C.ACCOUNT,
            ("webhook_id", "url", "delivery_id", "attempts"),
            "a webhook endpoint failed every retry for a day and was disabled; the org's admins are told "
            "(in-app and email, by the webhook sweep)",
        ),
        EventType.WEBHOOK_DELIVERY_REPLAYED: EventSpec(
            _C.AUDIT, ("webhook_id", "delivery_id"), "an admin replayed a webhook delivery"
        ),
        EventType.WEBHOOK_TESTED: EventSpec(
            _C.AUDIT, ("webhook_id", "delivery_id"), "an admin sent a test event to a webhook endpoint"
        ),
    }
)


# integrations, issue 16: API clients (docs/API_CLIENTS.md) and calendar feeds (docs/CALENDAR.md)
CATALOG.update(
    {
        EventType.API_CLIENT_CREATED: EventSpec(
            _C.AUDIT, ("client_id", "name", "scopes"), "an admin created an API client (never its secret)"
        ),
        EventType.API_CLIENT_REVOKED: EventSpec(
            _C.AUDIT, ("client_id", "name"), "an admin revoked an API client: its tokens stop working"
        ),
        EventType.CALENDAR_FEED_ISSUED: EventSpec(
            _C.AUDIT, (), "a person's private calendar feed URL was created (never the URL itself)"
        ),
        EventType.CALENDAR_FEED_ROTATED: EventSpec(
            _C.AUDIT, (), "a person replaced their calendar feed URL: the old one stopped working"
        ),
        EventType.CALENDAR_FEED_REVOKED: EventSpec(_C.AUDIT, (), "a person revoked their calendar feed URL"),
    }
)


# accounts and invitee reminders (issue 13; docs/ACCOUNTS.md)
_ACCOUNT = ("account_id", "name")
CATALOG.update(
    {
        EventType.ACCOUNT_CREATED: EventSpec(
            _C.AUDIT, (*_ACCOUNT, "kind", "members"), "an account was created"
        ),
        EventType.ACCOUNT_UPDATED: EventSpec(
            _C.AUDIT, (*_ACCOUNT, "changes"), "an account's name, kind or notes changed"
        ),
        EventType.ACCOUNT_MEMBER_ADDED: EventSpec(
            _C.AUDIT, (*_ACCOUNT, "member_id", "role"), "a person was added to an account"
        ),
        EventType.ACCOUNT_MEMBER_REMOVED: EventSpec(
            _C.AUDIT, (*_ACCOUNT, "member_id"), "a person was removed from an account"
        ),
        EventType.ACCOUNTS_MERGED: EventSpec(
            _C.AUDIT,
            ("merge_id", "survivor_id", "duplicate_id", "added_member_ids", "reason"),
            "a duplicate account was merged into another (reversible for 30 days)",
        ),
        EventType.ACCOUNT_MERGE_UNDONE: EventSpec(
            _C.AUDIT, ("merge_id", "survivor_id", "duplicate_id", "reason"), "a merge of accounts was undone"
        ),
        EventType.ACCOUNT_DEALS_MOVED: EventSpec(
            _C.AUDIT,
            ("merge_id", "from_account_id", "to_account_id", "deal_ids"),
            "a merge (or its undo) moved deals",
        ),
        EventType.DEAL_ACCOUNT_ACCESS_GRANTED: EventSpec(
            _C.ACCOUNT,
            ("account_id", "role", "invited", "already_parties"),
            "an account's members were invited to the deal in one step",
        ),
        EventType.INVITATION_CORRECTED: EventSpec(
            _C.AUDIT,
            ("invitation_id", "from_user_id", "user_id", "reason"),
            "ops corrected a misspelled invitation address: the old link died, a new one went out",
        ),
        EventType.INVITATION_REMINDED: EventSpec(
            _C.REMINDERS,
            ("invitation_id", "user_id", "role", "threshold", "valid_until"),
            "an invitee who has not accepted was reminded (day 2, day 5)",
        ),
        EventType.INVITATION_NOT_ACCEPTED: EventSpec(
            _C.REMINDERS,
            ("invitation_id", "user_id", "role", "valid_until"),
            "the deal's coordinator was told an invitee has not accepted (day 6)",
        ),
    }
)


# org-owned templates (docs/TEMPLATES.md): a draft change and a publication carry their diff (RFC 6902,
# bounded: `diff` holds at most 50 operations / 8 KB, `diff_operations` counts them all)
CATALOG.update(
    {
        EventType.TEMPLATE_DRAFT_CHANGED: EventSpec(
            _C.AUDIT,
            ("template_id", "draft_version", "diff", "diff_operations"),
            "an org template's draft changed; `diff` is what changed (JSON Patch)",
        ),
        EventType.TEMPLATE_PUBLISHED: EventSpec(
            _C.AUDIT,
            ("template_id", "version", "states", "diff", "diff_operations"),
            "an org template version was published; `diff` is against the previous version",
        ),
        EventType.DEAL_TEMPLATE_MIGRATED: EventSpec(
            _C.AUDIT,
            ("from", "to", "added", "redated", "cancelled"),
            "a deal moved to a newer template version; lists what was added, re-dated and cancelled",
        ),
    }
)

# e-signature (docs/ESIGN.md)
_SIG = ("request_id", "label", "provider")
CATALOG.update(
    {
        EventType.DOCUMENT_SIGNATURE_STARTED: EventSpec(
            _C.AUDIT, (*_SIG, "attempt_id"), "a send for signature began (its envelope may not exist yet)"
        ),
        EventType.DOCUMENT_SENT_FOR_SIGNATURE: EventSpec(
            _C.DOCUMENTS,
            (*_SIG, "document_id", "envelope_id", "target_user_ids"),
            "a document went out for e-signature; `target_user_ids` are the signers",
        ),
        EventType.DOCUMENT_SIGNATURE_FAILED: EventSpec(
            _C.AUDIT, (*_SIG, "reason"), "the provider refused a send for signature; it may be sent again"
        ),
        EventType.DOCUMENT_SIGNED: EventSpec(
            _C.DOCUMENTS,
            (*_SIG, "envelope_id", "upload_id"),
            "everyone signed; the signed PDF goes through the ingest as a new version",
        ),
        EventType.DOCUMENT_SIGNATURE_DECLINED: EventSpec(
            _C.DOCUMENTS, (*_SIG, "envelope_id", "reason"), "a signer declined to sign; `reason` is theirs"
        ),
        EventType.DOCUMENT_SIGNATURE_VOIDED: EventSpec(
            _C.DOCUMENTS, (*_SIG, "envelope_id", "reason"), "the envelope was voided before everyone signed"
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
