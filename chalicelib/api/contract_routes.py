"""Per-route facts for the OpenAPI document (api/contract.py reads them): which routes page, take If-Match,
set ETag or Location, their query parameters, the error codes their own rules raise, and the links the
stateful tests (and a frontend developer) follow from a created record to what can be done with it."""

from __future__ import annotations

from typing import Any

Route = tuple[str, str]

DEALS = "/v1/deals"
DEAL = "/v1/deals/{deal_id}"
TASKS = "/v1/deals/{deal_id}/tasks"
TASK = "/v1/deals/{deal_id}/tasks/{task_id}"
REQUESTS = "/v1/deals/{deal_id}/document-requests"
UPLOADS = "/v1/deals/{deal_id}/document-requests/{request_id}/uploads"
PARTIES = "/v1/deals/{deal_id}/parties"
PARTY = "/v1/deals/{deal_id}/parties/{user_id}"
MESSAGES = "/v1/deals/{deal_id}/messages"
TRANSITIONS = "/v1/deals/{deal_id}/transitions"
ACTIVITY = "/v1/deals/{deal_id}/activity"

PAGED: set[Route] = {
    ("GET", DEALS),
    ("GET", TASKS),
    ("GET", MESSAGES),
    ("GET", ACTIVITY),
    ("GET", "/v1/notifications"),
    ("GET", "/v1/admin/pipeline"),
    ("GET", "/v1/admin/activity"),
    ("GET", "/v1/admin/review-queue"),
    ("GET", "/v1/admin/reports/{name}"),
}
EXPORTS = ("/v1/admin/deals/{deal_id}/activity-export", "/v1/admin/activity-export")
EXPORT = "/v1/admin/exports/{export_id}"
# Success statuses a route answers besides its own, with the same body: an export still running is a 202
# whose Location is polled (docs/ADMIN.md).
ALSO_ANSWERS: dict[Route, list[int]] = {
    **{("POST", path): [202] for path in EXPORTS},
    ("GET", EXPORT): [202],
}
# If-Match: required (True) or optional (False).
IF_MATCH: dict[Route, bool] = {("PATCH", DEAL): True, ("PATCH", TASK): True, ("POST", TRANSITIONS): False}
ETAG: set[Route] = {
    ("GET", TASK),
    ("GET", REQUESTS + "/{request_id}"),
    ("POST", REQUESTS),
    ("POST", DEALS),
    ("GET", DEAL),
    ("PATCH", DEAL),
    ("POST", TRANSITIONS),
    ("POST", TASKS),
    ("PATCH", TASK),
}
LOCATION: set[Route] = {
    ("POST", DEALS),
    ("POST", REQUESTS),
    ("POST", TASKS),
    *(("POST", path) for path in EXPORTS),
    ("GET", EXPORT),
}
# GETs that answer 304 Not Modified when If-None-Match names the current ETag.
IF_NONE_MATCH: set[Route] = {("GET", DEAL)}
NO_STORE: set[Route] = {("GET", "/v1/health"), ("GET", "/v1/openapi.json")}
OPTIONAL_BODIES: dict[Route, str] = {
    ("POST", "/v1/admin/notifications/{notification_id}/resend"): "NotificationResendIn"
}

# Query strings: an empty value is the same as leaving the parameter out, so no `minLength`.
_ID: dict[str, Any] = {"type": "string"}
_ORG = ("org_id", False, _ID, "The org, for staff of several orgs")
_WORKFLOW = (
    "workflow",
    False,
    {"type": "string"},
    "A workflow, e.g. `purchase`",
)
_STAGE = ("stage", False, {"type": "string"}, "A stage of `workflow` (needs `workflow`)")
_DAY = {"type": "string", "format": "date"}
QUERY: dict[Route, tuple[tuple[str, bool, dict[str, Any], str], ...]] = {
    ("GET", DEALS): (_ORG, _WORKFLOW, _STAGE),
    ("GET", TASKS): (
        (
            "status",
            False,
            {"type": "string", "enum": ["open", "done", "cancelled"]},
            "Only tasks in this status",
        ),
    ),
    ("GET", "/v1/admin/pipeline"): (_ORG, _WORKFLOW, _STAGE),
    ("GET", "/v1/admin/activity"): (_ORG,),
    ("GET", "/v1/admin/review-queue"): (_ORG,),
    ("GET", "/v1/admin/reports/{name}"): (
        _ORG,
        _WORKFLOW,
        ("from", False, _DAY, "First day (activation: invitations created from)"),
        ("to", False, _DAY, "Last day"),
    ),
    ("DELETE", "/v1/admin/invitations/{invitation_id}"): (
        ("reason", False, {"type": "string", "maxLength": 1000}, "Why, for the log (3 to 1000 characters)"),
    ),
}

# The codes a route's own rules raise, beyond those api/contract.py derives.
_DEAL_REFUSALS = {403: ["forbidden"], 404: ["not_found"]}
_OPS = {422: ["org_id_required"]}
ROUTE_ERRORS: dict[Route, dict[int, list[str]]] = {
    ("GET", DEALS): {403: ["forbidden"], 404: ["not_found"], 422: ["org_id_required", "workflow_required"]},
    ("POST", DEALS): {
        403: ["staff_only", "no_active_lease"],
        404: ["not_found"],
        409: ["external_id_taken"],
        422: [
            "org_id_required",
            "unknown_workflow",
            "unknown_key_date",
            "duplicate_party",
            "unknown_stage",
            "not_org_staff",
        ],
    },
    ("PATCH", DEAL): {
        412: ["stale_version"],
        422: ["unknown_key_date", "title_required", "property_required", "not_org_staff"],
    },
    ("POST", TRANSITIONS): {
        403: ["override_not_allowed"],
        409: ["definition_of_done_unmet", "not_the_next_stage", "deal_closed", "already_in_stage"],
        422: ["reason_required", "unknown_stage"],
    },
    ("GET", TASKS): {422: ["invalid_status"]},
    ("POST", TASKS): {
        409: ["deal_closed"],
        422: [
            "unknown_dependency",
            "dependency_cycle",
            "unknown_task_template",
            "unknown_stage",
            "not_a_party",
        ],
    },
    ("PATCH", TASK): {
        403: ["not_your_task", "owner_may_only_complete"],
        409: ["already_answered", "deal_closed", "dependencies_open", "task_changed"],
        422: [
            "dependency_cycle",
            "unknown_dependency",
            "proof_required",
            "invalid_proof",
            "invalid_status",
            "not_a_work_order",
            "not_a_party",
            "reason_required",
            "unknown_stage",
        ],
    },
    ("POST", PARTIES): {409: ["already_a_party"]},
    ("DELETE", PARTY): {403: ["cannot_revoke_self"]},
    ("POST", MESSAGES): {403: ["parties_only", "work_order_only"], 422: ["not_a_party"]},
    ("POST", REQUESTS): {
        409: ["deal_closed"],
        422: [
            "unknown_document_template",
            "type_and_label_required",
            "unknown_stage",
            "not_a_party",
            "unsupported_type",
        ],
    },
    ("POST", UPLOADS): {
        403: ["not_a_target"],
        409: ["request_closed"],
        413: ["file_too_large"],
        422: ["empty_file", "type_not_accepted", "unsupported_type", "unknown_file_type"],
    },
    ("GET", "/v1/workflows/{workflow}/versions/{version}"): {404: ["workflow_not_found"]},
    ("POST", "/v1/deals/{deal_id}/documents/{document_id}/review"): {
        409: ["not_awaiting_review", "request_closed"],
        422: ["reason_required"],
    },
    ("GET", "/v1/deals/{deal_id}/documents/{document_id}/download"): {
        409: ["scan_pending", "scan_failed"],
        503: ["storage_unavailable"],
    },
    ("GET", "/v1/admin/review-queue"): _OPS,
    ("PATCH", "/v1/admin/deals/{deal_id}/documents/{document_id}"): {
        409: ["nothing_to_correct", "not_awaiting_review"],
        412: ["stale_version"],
        422: ["nothing_to_correct", "unknown_document_template"],
    },
    ("POST", "/v1/admin/deals/{deal_id}/activity-export"): {
        422: ["invalid_range", "range_too_long", "export_too_large"],
        503: ["storage_unavailable"],
    },
    ("POST", "/v1/admin/activity-export"): {
        422: ["org_id_required", "invalid_range", "range_too_long", "export_too_large"],
        503: ["storage_unavailable"],
    },
    ("GET", "/v1/admin/pipeline"): {422: ["org_id_required", "workflow_required", "unknown_workflow"]},
    ("GET", "/v1/admin/activity"): _OPS,
    ("GET", "/v1/admin/reports/{name}"): {
        404: ["unknown_report"],
        422: ["org_id_required", "unknown_workflow", "invalid_date"],
    },
    ("POST", "/v1/admin/users/{user_id}/deactivate"): {403: ["cannot_manage_self", "shared_user"]},
    ("POST", "/v1/admin/users/{user_id}/reactivate"): {403: ["cannot_manage_self", "shared_user"]},
    ("PUT", "/v1/admin/users/{user_id}/staff-role"): {403: ["cannot_manage_self", "shared_user"]},
    ("POST", "/v1/admin/tasks/reassign"): {
        422: ["same_user", "unknown_user", "user_inactive", "org_id_required"]
    },
    ("POST", "/v1/admin/invitations/{invitation_id}/resend"): {
        409: ["invitation_already_used", "invitation_revoked"]
    },
    ("DELETE", "/v1/admin/invitations/{invitation_id}"): {
        409: ["invitation_already_used", "invitation_revoked"],
        422: ["invalid_reason"],
    },
    ("POST", "/v1/admin/notifications/{notification_id}/resend"): {409: ["conflict"]},
    ("GET", "/v1/admin/orgs/{org_id}/notification-rules"): {},
    ("PUT", "/v1/admin/orgs/{org_id}/notification-rules"): {422: ["unknown_event_type"]},
    ("GET", "/v1/invitations/{token}"): {404: ["invitation_not_found"]},
    ("POST", "/v1/invitations/{token}/accept"): {
        403: ["invitation_email_mismatch"],
        404: ["invitation_not_found"],
        409: ["invitation_already_used", "invitation_revoked", "invitation_expired"],
    },
    ("PUT", "/v1/me/preferences"): {
        412: ["stale_version"],
        422: ["unknown_time_zone", "unknown_category", "invalid_time"],
    },
    ("POST", "/v1/notifications/{notification_id}/read"): {404: ["not_found"]},
    ("POST", "/v1/unsubscribe/{token}"): {404: ["invalid_link"]},
}


# Change requests (docs/CHANGE_REQUESTS.md): every route of the family may meet any of these rules.
_CHANGE_REQUESTS = {
    403: ["may_not_submit", "own_change_request", "not_an_approver", "not_the_submitter", "staff_only"],
    409: [
        "already_approved",
        "change_request_closed",
        "change_request_changed",
        "deal_moved",
        "not_a_party",
        "already_a_party",
        "not_resubmittable",
        "deal_closed",
        "stale_version",
        "dependencies_open",
    ],
    422: [
        "unknown_change_request_type",
        "invalid_fields",
        "invalid_status",
        "invalid_date",
        "org_id_required",
        "unknown_key_date",
    ],
}


def route_errors(method: str, path: str) -> dict[int, list[str]]:
    found = {status: list(codes) for status, codes in ROUTE_ERRORS.get((method, path), {}).items()}
    if "change-request" in path:
        for status, codes in _CHANGE_REQUESTS.items():
            found.setdefault(status, []).extend(c for c in codes if c not in found[status])
    if "{deal_id}" in path or path.startswith("/v1/admin/"):
        for status, codes in _DEAL_REFUSALS.items():
            found.setdefault(status, []).extend(c for c in codes if c not in found[status])
    if "{" in path:
        # a path parameter with characters no id has (`;`, `/`...) may leave the path matching no route: the
        # gateway's 404 (api/middleware.py: no_route)
        found.setdefault(404, []).extend(c for c in ["route_not_found"] if c not in found[404])
    return found


DESCRIPTIONS: dict[Route, str] = {
    ("GET", DEAL): "The workspace: the deal, its parties, stage history, tasks and document requests with "
    "their versions, filtered for the caller. `waiting_on` lists who owns the next move in the current "
    'stage. Served with `ETag` (`"<version>.<digest>"`: it changes whenever anything this caller sees '
    "changes); `If-None-Match` with it answers 304. `If-Match` on the deal takes it or the bare `version`.",
    ("PATCH", DEAL): "Details and key dates. A key date moved re-dates the open tasks and requests derived "
    "from it in the same write. Needs `If-Match`.",
    ("GET", DEAL + "/template"): "The template this deal runs — the built-in version it pinned, or its org "
    "template's version (docs/TEMPLATES.md) — in the shape of "
    "`GET /v1/workflows/{workflow}/versions/{version}`: the stage ladder with labels and each stage's "
    "definition of done, leaving out documents and tasks the caller may not see. Any party of the deal; 404 "
    "for anyone else.",
}

_NEW_DEAL_EXAMPLE = {
    "workflow": "purchase",
    "title": "Purchase of 12 Harbor Lane",
    "property": {
        "address": {"line1": "12 Harbor Lane", "city": "Boston", "state": "MA", "postal_code": "02110"}
    },
    "key_dates": {"offer_accepted": "2026-12-01"},
    "parties": [{"email": "client@mail.example", "role": "client", "name": "Casey Client"}],
}
REQUEST_EXAMPLES: dict[Route, Any] = {
    ("POST", DEALS): _NEW_DEAL_EXAMPLE,
    ("PATCH", DEAL): {"key_dates": {"closing": "2027-01-15"}},
    ("POST", TRANSITIONS): {"to": "under_contract"},
    ("POST", TASKS): {"title": "Order the home inspection", "stage": "due_diligence"},
    ("PATCH", TASK): {"status": "done", "proof": {"note": "Inspection booked for Tuesday"}},
    ("POST", REQUESTS): {"template_key": "proof_of_funds"},
    ("POST", UPLOADS): {"file_name": "statement.pdf", "content_type": "application/pdf", "size": 120000},
    ("POST", PARTIES): {"email": "lender@bank.example", "role": "lender", "name": "Lee Lender"},
    ("POST", MESSAGES): {"body": "The appraisal is booked for Friday."},
}


def _deal_from_body() -> dict[str, str]:
    return {"deal_id": "$response.body#/id"}


def _same_deal() -> dict[str, str]:
    return {"deal_id": "$request.path.deal_id"}


LINKS: dict[Route, dict[str, Any]] = {
    ("POST", DEALS): {
        "GetDeal": {"operationId": "get_v1_deals_deal_id", "parameters": _deal_from_body()},
        "PatchDeal": {
            "operationId": "patch_v1_deals_deal_id",
            "parameters": {**_deal_from_body(), "header.If-Match": "$response.body#/version"},
        },
        "AddTask": {"operationId": "post_v1_deals_deal_id_tasks", "parameters": _deal_from_body()},
        "ListTasks": {"operationId": "get_v1_deals_deal_id_tasks", "parameters": _deal_from_body()},
        "RequestDocument": {
            "operationId": "post_v1_deals_deal_id_document_requests",
            "parameters": _deal_from_body(),
        },
        "InviteParty": {"operationId": "post_v1_deals_deal_id_parties", "parameters": _deal_from_body()},
        "PostMessage": {"operationId": "post_v1_deals_deal_id_messages", "parameters": _deal_from_body()},
        "Transition": {"operationId": "post_v1_deals_deal_id_transitions", "parameters": _deal_from_body()},
        "Activity": {"operationId": "get_v1_deals_deal_id_activity", "parameters": _deal_from_body()},
    },
    ("POST", TASKS): {
        "PatchTask": {
            "operationId": "patch_v1_deals_deal_id_tasks_task_id",
            "parameters": {
                **_same_deal(),
                "task_id": "$response.body#/id",
                "header.If-Match": "$response.body#/version",
            },
        }
    },
    ("POST", REQUESTS): {
        "Upload": {
            "operationId": "post_v1_deals_deal_id_document_requests_request_id_uploads",
            "parameters": {**_same_deal(), "request_id": "$response.body#/id"},
        }
    },
    ("POST", PARTIES): {
        "RevokeParty": {
            "operationId": "delete_v1_deals_deal_id_parties_user_id",
            "parameters": {**_same_deal(), "user_id": "$response.body#/user_id"},
        }
    },
}


# -- intake, leads, contacts and properties (docs/INTAKE.md) -------------------------------------------------
INTAKE_FORM = "/v1/orgs/{org_slug}/intake-form"
INTAKE = "/v1/orgs/{org_slug}/intake"
LEADS = "/v1/admin/leads"
LEAD = "/v1/admin/leads/{lead_id}"
CONTACTS = "/v1/contacts"
PROPERTIES = "/v1/properties"
_ORG_STAFF = {403: ["staff_only"], 404: ["not_found"], 422: ["org_id_required"]}
_LEAD_REFUSALS = {403: ["own_leads_only"], 404: ["not_found"]}
PAGED |= {("GET", LEADS), ("GET", CONTACTS), ("GET", PROPERTIES)}
ETAG |= {("GET", LEAD), ("POST", LEAD + "/status")}
LOCATION |= {("POST", CONTACTS), ("POST", PROPERTIES), ("POST", LEAD + "/convert")}
IF_MATCH[("POST", LEAD + "/status")] = False
OPTIONAL_BODIES[("POST", INTAKE)] = "IntakeSubmission"  # read by the view, after the per-address limit
QUERY.update(
    {
        ("GET", LEADS): (
            _ORG,
            (
                "status",
                False,
                {"type": "string", "enum": ["new", "contacted", "qualified", "converted", "disqualified"]},
                "Only leads in this status",
            ),
            ("owner", False, _ID, "Only leads routed to this user id"),
        ),
        ("GET", CONTACTS): (
            _ORG,
            ("name", False, {"type": "string", "maxLength": 60}, "Contacts whose name starts with this"),
            ("email", False, {"type": "string", "maxLength": 254}, "Contacts whose email starts with this"),
            ("phone", False, {"type": "string", "maxLength": 40}, "Contacts whose phone starts with this"),
        ),
        ("GET", PROPERTIES): (
            _ORG,
            (
                "address",
                False,
                {"type": "string", "maxLength": 200},
                "Properties whose street address starts with this",
            ),
        ),
    }
)
ROUTE_ERRORS.update(
    {
        ("GET", INTAKE_FORM): {404: ["org_not_found"], 429: ["rate_limited"]},
        ("POST", INTAKE): {404: ["org_not_found"], 429: ["rate_limited"]},
        ("GET", LEADS): {
            **_ORG_STAFF,
            403: ["staff_only", "own_leads_only"],
            422: ["org_id_required", "invalid_status"],
        },
        ("GET", LEAD): _LEAD_REFUSALS,
        ("POST", LEAD + "/status"): {
            **_LEAD_REFUSALS,
            409: ["lead_closed", "invalid_lead_move", "lead_changed"],
            422: ["use_convert", "reason_required"],
        },
        ("POST", LEAD + "/convert"): {
            **_LEAD_REFUSALS,
            409: ["lead_closed", "lead_changed", "already_exists", "contact_changed"],
            422: ["property_required", "unknown_scenario", "unknown_key_date"],
        },
        ("POST", CONTACTS): {
            **_ORG_STAFF,
            409: ["contact_exists"],
            422: ["org_id_required", "email_or_phone_required"],
        },
        ("GET", CONTACTS): {**_ORG_STAFF, 422: ["org_id_required", "one_search_at_a_time", "invalid_search"]},
        ("GET", CONTACTS + "/{contact_id}"): {404: ["not_found"]},
        ("POST", PROPERTIES): {**_ORG_STAFF, 409: ["property_exists"]},
        ("GET", PROPERTIES): {**_ORG_STAFF, 422: ["org_id_required", "invalid_search"]},
        ("GET", PROPERTIES + "/{property_id}"): {404: ["not_found"]},
    }
)
_MERGES = {
    403: ["forbidden"],
    404: ["not_found"],
    409: ["already_merged", "not_merged", "merge_expired", "contact_changed", "property_changed"],
    422: ["same_record", "unknown_merge_target"],
}
ROUTE_ERRORS.update(
    {
        ("POST", f"/v1/admin/{kind}/{{{param}}}/{action}"): _MERGES
        for kind, param in (("contacts", "contact_id"), ("properties", "property_id"))
        for action in ("merge", "unmerge")
    }
)

# -- CRM in (issue 16): signed inbound leads (docs/CRM_IN.md) ---------------------------------------------
INBOUND_SETTINGS = "/v1/admin/inbound-leads"
INBOUND = "/v1/orgs/{org_slug}/leads/inbound"
_INBOUND_ADMIN = {403: ["forbidden"], 404: ["not_found"], 422: ["org_id_required"]}
OPTIONAL_BODIES[("POST", INBOUND_SETTINGS + "/secret")] = "InboundSecretRotation"
OPTIONAL_BODIES[("POST", INBOUND)] = "InboundLead"  # read by the view, once the signature holds
QUERY.update({(method, path): (_ORG,) for method, path in (
    ("GET", INBOUND_SETTINGS), ("POST", INBOUND_SETTINGS + "/secret"), ("DELETE", INBOUND_SETTINGS)
)})  # fmt: skip
ROUTE_ERRORS.update(
    {
        ("GET", INBOUND_SETTINGS): _INBOUND_ADMIN,
        ("POST", INBOUND_SETTINGS + "/secret"): {**_INBOUND_ADMIN, 409: ["inbound_changed"]},
        ("DELETE", INBOUND_SETTINGS): {**_INBOUND_ADMIN, 409: ["inbound_changed"]},
        ("POST", INBOUND): {
            401: ["invalid_signature"],
            409: ["webhook_id_reused", "write_conflict"],
            429: ["rate_limited"],
        },
    }
)
# The Standard Webhooks headers the receiver verifies (a missing one is the same 401 as a bad signature).
HEADER_PARAMETERS: dict[Route, list[dict[str, Any]]] = {
    ("POST", INBOUND): [
        {
            "name": name,
            "in": "header",
            "required": True,
            "description": description,
            "schema": {"type": "string"},
        }
        for name, description in (
            ("webhook-id", "The sender's message id (1–255 visible ASCII characters): the idempotency key"),
            ("webhook-timestamp", "Unix seconds, within 5 minutes of the receiver's clock"),
            ("webhook-signature", "`v1,<base64 HMAC-SHA256 of {id}.{timestamp}.{body}>`, space-separated"),
        )
    ]
}


# -- outbound webhooks (docs/INTEGRATIONS.md) -----------------------------------------------------------
WEBHOOKS = "/v1/admin/webhooks"
WEBHOOK = "/v1/admin/webhooks/{webhook_id}"
PAGED |= {("GET", WEBHOOKS), ("GET", WEBHOOK + "/deliveries")}
IF_MATCH[("PATCH", WEBHOOK)] = True
ETAG |= {("POST", WEBHOOKS), ("GET", WEBHOOK), ("PATCH", WEBHOOK)}
LOCATION.add(("POST", WEBHOOKS))
QUERY[("GET", WEBHOOKS)] = (_ORG,)
ROUTE_ERRORS.update(
    {
        ("GET", WEBHOOKS): _OPS,
        ("POST", WEBHOOKS): {409: ["too_many_webhooks"], 422: ["org_id_required"]},
        ("PATCH", WEBHOOK): {412: ["stale_version"]},
        ("DELETE", WEBHOOK): {409: ["webhook_changed"]},
        ("POST", WEBHOOK + "/rotate-secret"): {409: ["webhook_changed"]},
        ("POST", WEBHOOK + "/deliveries/{delivery_id}/replay"): {
            409: ["delivery_pending", "delivery_changed"]
        },
    }
)
REQUEST_EXAMPLES.update(
    {
        ("POST", WEBHOOKS): {
            "url": "https://crm.brokerage.example/hooks/threshold",
            "event_types": ["deal.stage_changed", "document.approved"],
            "description": "Our CRM",
        },
        ("PATCH", WEBHOOK): {"enabled": True},
        ("POST", WEBHOOK + "/rotate-secret"): {"overlap_hours": 24},
    }
)
LINKS[("POST", WEBHOOKS)] = {
    "GetWebhook": {
        "operationId": "get_v1_admin_webhooks_webhook_id",
        "parameters": {"webhook_id": "$response.body#/id"},
    },
    "Deliveries": {
        "operationId": "get_v1_admin_webhooks_webhook_id_deliveries",
        "parameters": {"webhook_id": "$response.body#/id"},
    },
    "TestEvent": {
        "operationId": "post_v1_admin_webhooks_webhook_id_test",
        "parameters": {"webhook_id": "$response.body#/id"},
    },
}
# -- integrations, issue 16: API clients (docs/API_CLIENTS.md) and calendar feeds (docs/CALENDAR.md) ----
API_CLIENTS = "/v1/admin/api-clients"
API_CLIENT = API_CLIENTS + "/{client_id}"
PAGED.add(("GET", API_CLIENTS))
LOCATION.add(("POST", API_CLIENTS))
QUERY[("GET", API_CLIENTS)] = (_ORG,)
ROUTE_ERRORS.update(
    {
        ("POST", API_CLIENTS): {**_OPS, 409: ["api_client_limit_reached"]},
        ("GET", API_CLIENTS): _OPS,
        ("GET", API_CLIENT): {},
        ("DELETE", API_CLIENT): {},
        ("POST", API_CLIENT + "/revoke"): {},
        ("GET", "/v1/calendar/{token}"): {404: ["not_found"], 429: ["too_many_requests"]},
    }
)
DESCRIPTIONS.update(
    {
        ("POST", API_CLIENTS): "Admins of the org. Creates an OAuth 2.0 client-credentials client holding "
        "exactly `scopes`; `client_secret` is in this answer only. The client trades id and secret for an "
        "access token at `token_endpoint` and calls the routes its scopes open (docs/API_CLIENTS.md).",
        ("GET", "/v1/calendar/{token}"): "No login: the feed URL is the credential. RFC 5545 (text/calendar) "
        "with the key dates of the person's deals and their own open tasks and document requests. An "
        "unknown, rotated or revoked URL is a 404 (docs/CALENDAR.md).",
    }
)
# -- accounts and invitee follow-up (issue 13; docs/ACCOUNTS.md) ---------------------------------------
ACCOUNTS = "/v1/accounts"
ACCOUNT = "/v1/accounts/{account_id}"
_ACCOUNT_REFUSALS = {403: ["forbidden"], 404: ["not_found"]}
PAGED |= {("GET", ACCOUNTS), ("GET", ACCOUNT + "/deals")}
IF_MATCH[("PATCH", ACCOUNT)] = True
ETAG |= {
    ("POST", ACCOUNTS),
    ("GET", ACCOUNT),
    ("PATCH", ACCOUNT),
    ("POST", ACCOUNT + "/members"),
    ("DELETE", ACCOUNT + "/members/{member_id}"),
}
LOCATION |= {("POST", ACCOUNTS)}
QUERY[("GET", ACCOUNTS)] = (
    _ORG,
    ("kind", False, {"type": "string"}, "Only accounts of this kind (`household`, `investor_entity`, ...)"),
    ("q", False, {"type": "string", "maxLength": 200}, "Accounts whose name starts with this"),
    ("email", False, {"type": "string", "maxLength": 320}, "Accounts this person (by email) is a member of"),
)
ROUTE_ERRORS.update(
    {
        ("POST", ACCOUNTS): {**_ACCOUNT_REFUSALS, 422: ["org_id_required", "duplicate_member"]},
        ("GET", ACCOUNTS): {**_ACCOUNT_REFUSALS, 422: ["org_id_required", "invalid_kind", "invalid_query"]},
        ("GET", ACCOUNT): _ACCOUNT_REFUSALS,
        ("PATCH", ACCOUNT): {**_ACCOUNT_REFUSALS, 409: ["account_merged"], 422: ["name_and_kind_required"]},
        ("POST", ACCOUNT + "/members"): {
            **_ACCOUNT_REFUSALS,
            409: ["account_merged", "already_a_member", "too_many_members"],
        },
        ("DELETE", ACCOUNT + "/members/{member_id}"): {**_ACCOUNT_REFUSALS, 409: ["account_merged"]},
        ("GET", ACCOUNT + "/deals"): _ACCOUNT_REFUSALS,
        ("POST", "/v1/deals/{deal_id}/account-access"): {
            409: ["already_a_party"],
            422: ["no_account", "unknown_account", "role_not_allowed"],
        },
        ("POST", "/v1/admin/account-merges"): {
            403: ["ops_only"],
            409: ["account_merged", "too_many_members", "account_changed", "merge_undone"],
            422: ["same_account"],
        },
        ("POST", "/v1/admin/account-merges/{merge_id}/undo"): {
            403: ["ops_only"],
            409: ["merge_undone", "undo_window_closed", "account_changed"],
        },
        ("GET", "/v1/deals/{deal_id}/invitations"): {},
        ("PATCH", "/v1/admin/invitations/{invitation_id}"): {
            409: ["invitation_already_used", "invitation_revoked", "already_a_party"],
            422: ["same_email"],
        },
    }
)
for _route in (("POST", DEALS), ("PATCH", DEAL)):
    ROUTE_ERRORS[_route].setdefault(422, []).append("unknown_account")
# Staff notification list (the reference portal's resend list, issue 17)
_STAFF_NOTIFICATIONS: Route = ("GET", "/v1/admin/users/{user_id}/notifications")
PAGED.add(_STAFF_NOTIFICATIONS)
QUERY[_STAFF_NOTIFICATIONS] = (
    _ORG,
    (
        "channel",
        False,
        {"type": "string", "enum": ["email", "sms", "in_app"]},
        "The channel (default `email`)",
    ),
    ("deal_id", False, _ID, "Only notifications about this deal"),
)
ROUTE_ERRORS[_STAFF_NOTIFICATIONS] = {422: ["org_id_required", "invalid_channel"]}
# -- org-owned templates (docs/TEMPLATES.md) -----------------------------------------------------------------
_TEMPLATES = "/v1/admin/templates"
_TEMPLATE = "/v1/admin/templates/{template_id}"
_MIGRATION = "/v1/deals/{deal_id}/template-migration"
_TEMPLATE_REFUSALS: dict[int, list[str]] = {
    403: ["forbidden"],
    404: ["not_found", "template_not_found"],
    422: ["org_id_required"],
    503: ["storage_unavailable"],  # a definition too large for its item is written to S3
}
_READ_ONLY = {409: ["read_only_template"]}
_INVALID = {422: ["invalid_template"]}
_TEMPLATE_ORG = ("org_id", False, _ID, "The org, for staff of several orgs")
_VERSION_OR_DRAFT = {"type": "string", "pattern": "^([1-9][0-9]{0,5}|draft)?$"}  # empty: the default
IF_MATCH.update({("PUT", _TEMPLATE + "/draft"): True, ("POST", _TEMPLATE + "/import"): True})
IF_MATCH[("POST", _TEMPLATE + "/publish")] = False
QUERY.update(
    {
        ("GET", _TEMPLATES): (_TEMPLATE_ORG,),
        **{
            (method, _TEMPLATE + tail): (_TEMPLATE_ORG,)
            for method, tail in (
                ("GET", ""),
                ("PUT", "/draft"),
                ("POST", "/validate"),
                ("POST", "/publish"),
                ("GET", "/versions"),
                ("GET", "/versions/{version}"),
                ("POST", "/import"),
            )
        },
        ("GET", _TEMPLATE + "/diff"): (
            _TEMPLATE_ORG,
            ("from", True, _VERSION_OR_DRAFT, "The version to compare from (a number, or `draft`)"),
            ("to", False, _VERSION_OR_DRAFT, "The version to compare to (default: `draft`)"),
        ),
        ("GET", _TEMPLATE + "/export"): (
            _TEMPLATE_ORG,
            ("version", False, _VERSION_OR_DRAFT, "A published version, or `draft` (the default)"),
            ("format", False, {"type": "string", "enum": ["json", "yaml"]}, "The file format (default json)"),
        ),
    }
)
ROUTE_ERRORS.update(
    {
        ("GET", _TEMPLATES): _TEMPLATE_REFUSALS,
        ("POST", _TEMPLATES): _TEMPLATE_REFUSALS,
        ("GET", _TEMPLATE): _TEMPLATE_REFUSALS,
        ("PUT", _TEMPLATE + "/draft"): {**_TEMPLATE_REFUSALS, **_READ_ONLY},
        ("POST", _TEMPLATE + "/validate"): {**_TEMPLATE_REFUSALS, **_READ_ONLY},
        ("POST", _TEMPLATE + "/publish"): {
            **_TEMPLATE_REFUSALS,
            409: ["read_only_template", "already_published", "state_served_by_another_template"],
            422: ["org_id_required", "invalid_template"],
        },
        ("GET", _TEMPLATE + "/versions"): _TEMPLATE_REFUSALS,
        ("GET", _TEMPLATE + "/versions/{version}"): {
            **_TEMPLATE_REFUSALS,
            422: ["org_id_required", "invalid_version"],
        },
        ("GET", _TEMPLATE + "/diff"): {**_TEMPLATE_REFUSALS, 422: ["org_id_required", "invalid_version"]},
        ("GET", _TEMPLATE + "/export"): {
            **_TEMPLATE_REFUSALS,
            422: ["org_id_required", "invalid_version", "invalid_format"],
        },
        ("POST", _TEMPLATE + "/import"): {
            **_TEMPLATE_REFUSALS,
            **_READ_ONLY,
            422: ["org_id_required", "invalid_template", "unreadable_file", "yaml_aliases_not_allowed"],
        },
        ("POST", _MIGRATION): {
            404: ["template_not_found"],
            409: ["deal_closed", "stage_not_in_template"],
            422: ["template_workflow_mismatch"],
        },
    }
)
ROUTE_ERRORS[("POST", DEALS)] = {
    **ROUTE_ERRORS[("POST", DEALS)],
    404: [*ROUTE_ERRORS[("POST", DEALS)][404], "template_not_found"],
    422: [*ROUTE_ERRORS[("POST", DEALS)][422], "template_workflow_mismatch"],
}
REQUEST_EXAMPLES.update(
    {
        ("POST", _TEMPLATES): {"from_template": "purchase", "name": "New York purchase", "states": ["NY"]},
        ("POST", _MIGRATION): {"version": 2, "dry_run": True},
        ("POST", _TEMPLATE + "/import"): {"format": "yaml", "content": "format: threshold.template/1\n..."},
    }
)
# the pipeline refuses a stage neither the built-in nor an org template of the workflow has
ROUTE_ERRORS[("GET", "/v1/admin/pipeline")] = {
    **ROUTE_ERRORS[("GET", "/v1/admin/pipeline")],
    422: [*ROUTE_ERRORS[("GET", "/v1/admin/pipeline")][422], "unknown_stage"],
}


# e-signature (docs/ESIGN.md)
_SIGNATURE = "/v1/deals/{deal_id}/document-requests/{request_id}/signature"
_CONNECT = "/v1/integrations/docusign/connect/{org_id}"
ETAG.update({("POST", _SIGNATURE), ("GET", _SIGNATURE)})
ROUTE_ERRORS.update(
    {
        ("POST", _SIGNATURE): {
            409: [
                "request_closed",
                "pdf_not_accepted",
                "no_document",
                "not_a_pdf",
                "no_signers",
                "too_many_signers",
                "signer_cannot_see_document",
                "already_signed",
                "already_out_for_signature",
                "signature_in_progress",
                "signature_changed",
                "esign_not_configured",
            ],
            503: ["esign_unavailable", "storage_unavailable"],
        },
        ("GET", _SIGNATURE): {404: ["no_signature"]},
        ("POST", _SIGNATURE + "/void"): {
            409: ["not_out_for_signature", "signature_changed", "esign_not_configured"],
            503: ["esign_unavailable"],
        },
        ("POST", _CONNECT): {401: ["invalid_signature"], 409: ["signature_changed", "already_exists"]},
    }
)
DESCRIPTIONS.update(
    {
        ("POST", _SIGNATURE): "Sends the request's newest PDF version to the org's e-signature provider "
        "(DocuSign): the signers are the deal's parties in the roles and order the document template names "
        "(default: the clients together). The signed PDF comes back through the provider's webhook as a new "
        "version, checked by the upload ingest. A retry never creates a second envelope.",
        ("POST", _CONNECT): "DocuSign Connect (JSON SIM). `X-DocuSign-Signature-1` (and `-2`… while keys "
        "rotate) must be base64(HMAC-SHA256(secret, raw body)) for one of the org's Connect secrets: "
        "anything else is a 401 that says nothing more. `envelope-completed`, `envelope-declined` and "
        "`envelope-voided` are applied once; repeats answer `duplicate`, other events `ignored`.",
    }
)
