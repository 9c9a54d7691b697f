"""What a notification says: for each event, the deal, what happened, what to do next, and the link.

Rendered once per recipient (dates in their time zone) into a subject, a short text (the in-app feed and
SMS) and an email in text and HTML. Pure functions; snapshot-tested (tests/unit/test_notification_text.py).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.clock import parse_iso
from chalicelib.domain import workflows
from chalicelib.domain.change_request_effects import describe as describe_effects
from chalicelib.domain.entities import ActivityEvent, Deal
from chalicelib.domain.errors import Invalid
from chalicelib.domain.events import EventType
from chalicelib.domain.notifications import zone_of

SMS_LIMIT = 320  # two SMS segments
BRAND = "Threshold"


@dataclass(frozen=True)
class Message:
    subject: str
    happened: str  # what happened, one sentence
    next_step: str  # what to do next, one sentence
    link: str
    place: str = ""  # the property, as a client names the deal

    @property
    def text(self) -> str:
        return f"{self.happened} {self.next_step}"


@dataclass(frozen=True)
class Context:
    event: ActivityEvent
    deal: Deal
    time_zone: str

    def data(self, key: str, default: str = "") -> str:
        value = self.event.data.get(key)
        return default if value is None else str(value)

    def when(self, key: str) -> str:
        """A date from the event's data, in the recipient's time zone: "Fri, Dec 4, 5:00 PM EST"."""
        value = self.event.data.get(key)
        if not value:
            return "no date"
        try:
            moment = parse_iso(str(value)) if "T" in str(value) else None
        except ValueError:
            moment = None
        if moment is None:
            try:
                return date.fromisoformat(str(value)).strftime("%a, %b %-d, %Y")
            except ValueError:
                return str(value)
        return local_time(moment, self.time_zone)

    def next_step_of(self, stage_key: str) -> str:
        try:
            return workflows.of_deal(self.deal).stage(stage_key).next_step
        except Invalid:
            return "Open the deal to see what comes next."


def local_time(moment: datetime, time_zone: str) -> str:
    local = moment.astimezone(zone_of(time_zone))
    hour = local.strftime("%I").lstrip("0")
    return f"{local.strftime('%a, %b')} {local.day}, {hour}:{local.strftime('%M %p')} {local.tzname()}"


def _label(name: str) -> str:
    return name.replace("_", " ")


Writer = Callable[[Context], tuple[str, str, str]]  # (subject tail, what happened, what to do next)

WRITERS: dict[EventType, Writer] = {
    EventType.DEAL_CREATED: lambda c: (
        "your deal is open",
        f"{c.event.actor_label} opened {c.deal.title} on {BRAND}.",
        c.next_step_of(c.data("stage")),
    ),
    EventType.DEAL_STAGE_CHANGED: lambda c: (
        f"now {c.data('to_label')}",
        f"The deal moved from {c.data('from_label')} to {c.data('to_label')}.",
        c.next_step_of(c.data("to")),
    ),
    EventType.DEAL_KEY_DATE_CHANGED: lambda c: (
        f"{_label(c.data('key_date'))} moved",
        f"The {_label(c.data('key_date'))} date moved from {c.when('from')} to {c.when('to')}.",
        "Check your calendar; the tasks and documents that depend on it were re-dated.",
    ),
    EventType.PARTY_INVITED: lambda c: (
        "someone was invited",
        f"{c.event.summary}.",
        "Nothing to do unless they need help getting started.",
    ),
    EventType.PARTY_ACCEPTED: lambda c: (
        "someone joined",
        f"A new {_label(c.data('role'))} joined the deal.",
        "Say hello in the deal's messages.",
    ),
    EventType.TASK_CREATED: lambda c: (
        f"new task: {c.data('title')}",
        f"A task was added for you: {c.data('title')}, due {c.when('due_at')}.",
        "Open the deal to see the details and mark it done when finished.",
    ),
    EventType.TASK_ASSIGNED: lambda c: (
        f"task for you: {c.data('title')}",
        f"{c.event.actor_label} gave you a task: {c.data('title')}, due {c.when('due_at')}.",
        "Open the deal to see the details and mark it done when finished.",
    ),
    EventType.TASK_REDATED: lambda c: (
        f"new due date: {c.data('title')}",
        f"Your task {c.data('title')} is now due {c.when('to')}.",
        "Plan for the new date; nothing else changed.",
    ),
    EventType.TASK_COMPLETED: lambda c: (
        f"done: {c.data('title')}",
        f"{c.event.actor_label} completed {c.data('title')}.",
        "Review the proof if one was attached.",
    ),
    EventType.TASK_ACCEPTED: lambda c: (
        f"accepted: {c.data('title')}",
        f"{c.event.actor_label} accepted the work order {c.data('title')}.",
        "Confirm the visit time with the occupant.",
    ),
    EventType.TASK_DECLINED: lambda c: (
        f"declined: {c.data('title')}",
        f"{c.event.actor_label} declined the work order {c.data('title')}: {c.data('reason')}.",
        "Assign another vendor so the work is not delayed.",
    ),
    EventType.DOCUMENT_REQUESTED: lambda c: (
        f"please upload: {c.data('label')}",
        f"{c.event.actor_label} asked you for: {c.data('label')} (due {c.when('due_at')}).",
        "Upload it from the deal page; a photo or PDF is fine.",
    ),
    EventType.DOCUMENT_SUBMITTED: lambda c: (
        f"to review: {c.data('label')}",
        f"{c.event.actor_label} uploaded {c.data('label')} (version {c.data('version')}).",
        "Review it from the review queue.",
    ),
    EventType.DOCUMENT_UPLOAD_REFUSED: lambda c: (
        "your upload was not accepted",
        f"We could not accept your upload: {c.data('reason')}.",
        "Please upload the file again in one of the accepted formats.",
    ),
    EventType.DOCUMENT_APPROVED: lambda c: (
        f"approved: {c.data('label')}",
        f"Your {c.data('label')} was approved.",
        "Nothing more to do for this document.",
    ),
    EventType.DOCUMENT_REJECTED: lambda c: (
        f"action needed: {c.data('label')}",
        f"Your {c.data('label')} could not be accepted: {c.data('reason')}.",
        "Please upload a corrected version from the deal page.",
    ),
    EventType.MESSAGE_POSTED: lambda c: (
        f"new message from {c.event.actor_label}",
        f"{c.event.actor_label} wrote: “{c.data('excerpt')}”",
        "Reply from the deal page.",
    ),
    EventType.REMINDER_SENT: lambda c: (
        _reminder_subject(c),
        _reminder_happened(c),
        "Open the deal to take care of it; reminders stop once it is done.",
    ),
    EventType.REMINDER_ESCALATED: lambda c: (
        f"overdue: {c.data('title')}",
        f"{c.data('title')} was due {c.when('due_at')} and is still not done.",
        "Follow up with the person responsible, or reassign it.",
    ),
    EventType.CHANGE_REQUEST_SUBMITTED: lambda c: (
        f"approval needed: {c.data('label')}",
        f"{c.event.actor_label} asked for a {c.data('label').lower()}; "
        f"it needs your decision by {c.when('due_at')}.",
        "Open the deal to approve it, reject it or ask for changes.",
    ),
    EventType.CHANGE_REQUEST_RESUBMITTED: lambda c: (
        f"approval needed again: {c.data('label')}",
        f"{c.event.actor_label} updated their {c.data('label').lower()}; "
        f"it needs your decision by {c.when('due_at')}.",
        "Open the deal to approve it, reject it or ask for changes.",
    ),
    EventType.CHANGE_REQUEST_APPROVAL_RECORDED: lambda c: (
        f"your turn: {c.data('label')}",
        f"{c.event.actor_label} approved the {c.data('label').lower()}; it now waits on you.",
        "Open the deal to approve it, reject it or ask for changes.",
    ),
    EventType.CHANGE_REQUEST_CHANGES_REQUESTED: lambda c: (
        f"changes asked: {c.data('label')}",
        f"{c.event.actor_label} asked for changes to your {c.data('label').lower()}: "
        f"{c.data('comment', 'no comment')}.",
        "Update the request and resubmit it, or withdraw it.",
    ),
    EventType.CHANGE_REQUEST_REJECTED: lambda c: (
        f"not approved: {c.data('label')}",
        f"{c.event.actor_label} did not approve your {c.data('label').lower()}: "
        f"{c.data('comment', 'no reason given')}.",
        "Talk to your agent about what to do instead.",
    ),
    EventType.CHANGE_REQUEST_WITHDRAWN: lambda c: (
        f"withdrawn: {c.data('label')}",
        f"{c.event.actor_label} withdrew the {c.data('label').lower()}.",
        "Nothing to decide any more.",
    ),
    EventType.CHANGE_REQUEST_APPROVED: lambda c: (
        f"approved: {c.data('label')}",
        f"The {c.data('label').lower()} was approved.",
        "Nothing more to do for it.",
    ),
    EventType.CHANGE_REQUEST_APPLIED: lambda c: (
        f"approved and done: {c.data('label')}",
        f"The {c.data('label').lower()} was approved and is now in effect: "
        f"{describe_effects(c.event.data.get('effects') or [])}.",
        "Check the deal for the new dates and anything asked of you.",
    ),
    # e-signature (docs/ESIGN.md)
    EventType.DOCUMENT_SENT_FOR_SIGNATURE: lambda c: (
        f"please sign: {c.data('label')}",
        f"{c.event.actor_label} sent the {c.data('label')} for your e-signature.",
        "Open the signing email from DocuSign and sign; we file the signed copy on the deal for you.",
    ),
    EventType.DOCUMENT_SIGNED: lambda c: (
        f"signed: {c.data('label')}",
        f"Everyone signed the {c.data('label')}; the signed copy is being filed as a new version.",
        "Review and approve the signed version from the review queue.",
    ),
    EventType.DOCUMENT_SIGNATURE_DECLINED: lambda c: (
        f"signature declined: {c.data('label')}",
        f"A signer declined to sign the {c.data('label')}: {c.data('reason', 'no reason given')}.",
        "Talk to the signer, then send the document for signature again.",
    ),
    EventType.DOCUMENT_SIGNATURE_VOIDED: lambda c: (
        f"envelope voided: {c.data('label')}",
        f"The signature envelope for the {c.data('label')} was voided: "
        f"{c.data('reason', 'no reason given')}.",
        "Send the document for signature again when it is ready.",
    ),
}

# accounts and invitee reminders (issue 13). The reminder carries no link to the invitation: its token
# exists only in the invitation email (only its hash is stored), so the reminder points there.
WRITERS.update(
    {
        EventType.INVITATION_REMINDED: lambda c: (
            "your invitation is waiting",
            f"You were invited to follow {c.deal.title} as {_label(c.data('role'))}, "
            "and have not joined yet.",
            f"Open the invitation email we sent you; its link works until {c.when('valid_until')}. "
            "If you cannot find it, ask your agent for a new one.",
        ),
        EventType.INVITATION_NOT_ACCEPTED: lambda c: (
            "an invitee has not joined",
            f"{c.event.summary}.",
            "Call them, or resend the invitation from the admin panel before the link expires "
            f"({c.when('valid_until')}).",
        ),
        EventType.DEAL_ACCOUNT_ACCESS_GRANTED: lambda c: (
            "an account's members were invited",
            f"{c.event.summary}.",
            "Nothing to do unless they need help getting started.",
        ),
    }
)

_THRESHOLD_WORDS = {"upcoming": "due soon", "due": "due now", "overdue": "overdue"}


def _reminder_subject(c: Context) -> str:
    return f"{_THRESHOLD_WORDS.get(c.data('threshold'), 'reminder')}: {c.data('title')}"


def _reminder_happened(c: Context) -> str:
    threshold = c.data("threshold")
    if threshold == "upcoming":
        return f"{c.data('title')} is due {c.when('due_at')}."
    if threshold == "due":
        return f"{c.data('title')} is due now ({c.when('due_at')})."
    return f"{c.data('title')} was due {c.when('due_at')} and is overdue."


def deal_link(portal_url: str, deal_id: str) -> str:
    return f"{portal_url.rstrip('/')}/deals/{deal_id}"


def render(event: ActivityEvent, deal: Deal, *, time_zone: str, portal_url: str) -> Message | None:
    writer = WRITERS.get(EventType(event.type)) if event.type in EventType.__members__.values() else None
    if writer is None:
        return None
    tail, happened, next_step = writer(Context(event, deal, time_zone))
    return Message(
        subject=f"{deal.address.line1}: {tail}",
        happened=happened,
        next_step=next_step,
        link=deal_link(portal_url, deal.deal_id),
        place=deal.address.line1,
    )


# -- channel formats ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def email(items: list[Message], *, unsubscribe_url: str) -> Email:
    """One message, or a digest of several, with the unsubscribe link in the footer."""
    subject = items[0].subject if len(items) == 1 else f"{len(items)} updates on your deals"
    text_blocks, html_blocks = [], []
    for m in items:
        heading = f"{m.subject}\n" if len(items) > 1 else ""
        text_blocks.append(f"{heading}{m.happened}\nWhat to do next: {m.next_step}\nOpen the deal: {m.link}")
        html_blocks.append(
            f"<h2>{html.escape(m.subject)}</h2><p>{html.escape(m.happened)}</p>"
            f"<p><strong>What to do next:</strong> {html.escape(m.next_step)}</p>"
            f'<p><a href="{html.escape(m.link)}">Open the deal</a></p>'
        )
    footer = f"You get these emails from {BRAND}. Unsubscribe: {unsubscribe_url}"
    text = "\n\n".join(text_blocks) + f"\n\n--\n{footer}\n"
    body = (
        "<!doctype html><html><body>"
        + "".join(html_blocks)
        + f'<hr><p style="font-size:small">You get these emails from {BRAND}. '
        f'<a href="{html.escape(unsubscribe_url)}">Unsubscribe</a></p></body></html>'
    )
    return Email(subject=subject, text=text, html=body)


def sms(message: Message) -> str:
    tail = f" {message.link} Reply STOP to opt out."
    head = f"{BRAND} – {message.place}: {message.happened} Next: {message.next_step}"
    if len(head) + len(tail) > SMS_LIMIT:
        head = head[: SMS_LIMIT - len(tail) - 1].rstrip() + "…"
    return head + tail


def as_data(message: Message) -> dict[str, Any]:
    return {
        "subject": message.subject,
        "happened": message.happened,
        "next_step": message.next_step,
        "link": message.link,
        "place": message.place,
    }


def from_data(data: dict[str, Any]) -> Message:
    return Message(
        subject=str(data["subject"]),
        happened=str(data["happened"]),
        next_step=str(data["next_step"]),
        link=str(data["link"]),
        place=str(data.get("place", "")),
    )
