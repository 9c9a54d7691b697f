"""Which scope an API client's token needs for each route (docs/API_CLIENTS.md).

Every authenticated route has an entry: the scope that opens it to machines, or None — a route for people
only (`/v1/me`, notifications, invitations, user management, API clients themselves, calendar feeds),
which answers an API client 403 `not_for_api_clients`. tests/api/test_api_clients.py fails on a route
without an entry, so a new route must say which it is. Within a route, a client acts as an admin of its
org would (domain/api_clients.py); a deal of another org is a 404 as for anyone.
"""

from __future__ import annotations

# The values of domain/api_clients.py: Scope, as text: this table is read by every request, and importing
# the API clients' domain for it would load that feature with the API module (docs/BENCHMARKS.md).
# tests/machines/test_api_clients.py checks each is a Scope.
READ, WRITE = "deals:read", "deals:write"
DOCS_READ, DOCS_WRITE = "documents:read", "documents:write"
HOOKS = "webhooks:manage"

DEAL = "/v1/deals/{deal_id}"
ACCOUNT = "/v1/accounts/{account_id}"
TEMPLATE = "/v1/admin/templates/{template_id}"
CHANGE_REQUEST = DEAL + "/change-requests/{change_request_id}"

ROUTE_SCOPES: dict[tuple[str, str], str | None] = {
    # deals and what they hold
    ("GET", "/v1/deals"): READ,
    ("POST", "/v1/deals"): WRITE,
    ("GET", DEAL): READ,
    ("PATCH", DEAL): WRITE,
    ("POST", DEAL + "/transitions"): WRITE,
    ("GET", DEAL + "/activity"): READ,
    ("POST", DEAL + "/parties"): WRITE,
    ("DELETE", DEAL + "/parties/{user_id}"): WRITE,
    ("GET", DEAL + "/tasks"): READ,
    ("POST", DEAL + "/tasks"): WRITE,
    ("GET", DEAL + "/tasks/{task_id}"): READ,
    ("PATCH", DEAL + "/tasks/{task_id}"): WRITE,
    ("GET", DEAL + "/messages"): READ,
    ("POST", DEAL + "/messages"): WRITE,
    ("GET", DEAL + "/document-requests"): READ,
    ("POST", DEAL + "/document-requests"): WRITE,
    ("GET", DEAL + "/document-requests/{request_id}"): READ,
    ("GET", "/v1/workflows"): READ,
    ("GET", "/v1/workflows/{workflow}/versions/{version}"): READ,
    ("GET", DEAL + "/template"): READ,
    ("GET", "/v1/admin/pipeline"): READ,
    # documents
    ("POST", DEAL + "/document-requests/{request_id}/uploads"): DOCS_WRITE,
    ("GET", DEAL + "/uploads/{upload_id}"): DOCS_WRITE,
    ("POST", DEAL + "/documents/{document_id}/review"): DOCS_WRITE,
    ("PATCH", "/v1/admin/deals/{deal_id}/documents/{document_id}"): DOCS_WRITE,
    ("GET", DEAL + "/documents/{document_id}/download"): DOCS_READ,
    ("GET", "/v1/admin/review-queue"): DOCS_READ,
    # change requests: machines read them; asking, deciding and withdrawing are people's acts
    ("GET", DEAL + "/change-request-types"): READ,
    ("GET", DEAL + "/change-requests"): READ,
    ("GET", CHANGE_REQUEST): READ,
    ("POST", DEAL + "/change-requests"): None,
    ("POST", CHANGE_REQUEST + "/decisions"): None,
    ("POST", CHANGE_REQUEST + "/withdraw"): None,
    ("POST", CHANGE_REQUEST + "/resubmissions"): None,
    ("GET", "/v1/admin/change-requests"): None,
    ("GET", "/v1/admin/change-requests/time-to-decision"): None,
    ("PUT", "/v1/admin/orgs/{org_id}/change-request-settings"): None,
    # a person's own routes
    ("GET", "/v1/me"): None,
    ("GET", "/v1/me/preferences"): None,
    ("PUT", "/v1/me/preferences"): None,
    ("GET", "/v1/notifications"): None,
    ("POST", "/v1/notifications/{notification_id}/read"): None,
    ("POST", "/v1/invitations/{token}/accept"): None,
    ("GET", "/v1/me/calendar"): None,
    ("POST", "/v1/me/calendar/rotate"): None,
    ("DELETE", "/v1/me/calendar"): None,
    # the admin panel: people's accountability (users, staff roles, exports, resends, rules, clients)
    ("POST", "/v1/admin/users/{user_id}/deactivate"): None,
    ("POST", "/v1/admin/users/{user_id}/reactivate"): None,
    ("PUT", "/v1/admin/users/{user_id}/staff-role"): None,
    ("GET", "/v1/admin/activity"): None,
    ("POST", "/v1/admin/tasks/reassign"): None,
    ("POST", "/v1/admin/notifications/{notification_id}/resend"): None,
    ("GET", "/v1/admin/users/{user_id}/notifications"): None,
    ("GET", "/v1/admin/orgs/{org_id}/notification-rules"): None,
    ("PUT", "/v1/admin/orgs/{org_id}/notification-rules"): None,
    ("POST", "/v1/admin/invitations/{invitation_id}/resend"): None,
    ("DELETE", "/v1/admin/invitations/{invitation_id}"): None,
    ("POST", "/v1/admin/deals/{deal_id}/activity-export"): None,
    ("POST", "/v1/admin/activity-export"): None,
    ("GET", "/v1/admin/exports/{export_id}"): None,
    ("GET", "/v1/admin/reports/{name}"): None,
    ("POST", "/v1/admin/api-clients"): None,
    ("GET", "/v1/admin/api-clients"): None,
    ("GET", "/v1/admin/api-clients/{client_id}"): None,
    ("DELETE", "/v1/admin/api-clients/{client_id}"): None,
    ("POST", "/v1/admin/api-clients/{client_id}/revoke"): None,
    # intake (docs/INTAKE.md): a CRM reads the lead queue and keeps contacts and properties in step;
    # converting a lead and merging records are people's judgement
    ("GET", "/v1/admin/leads"): READ,
    ("GET", "/v1/admin/leads/{lead_id}"): READ,
    ("POST", "/v1/admin/leads/{lead_id}/status"): WRITE,
    ("POST", "/v1/admin/leads/{lead_id}/convert"): None,
    ("GET", "/v1/contacts"): READ,
    ("POST", "/v1/contacts"): WRITE,
    ("GET", "/v1/contacts/{contact_id}"): READ,
    ("GET", "/v1/properties"): READ,
    ("POST", "/v1/properties"): WRITE,
    ("GET", "/v1/properties/{property_id}"): READ,
    ("POST", "/v1/admin/contacts/{contact_id}/merge"): None,
    ("POST", "/v1/admin/contacts/{contact_id}/unmerge"): None,
    ("POST", "/v1/admin/properties/{property_id}/merge"): None,
    ("POST", "/v1/admin/properties/{property_id}/unmerge"): None,
    # CRM in (docs/CRM_IN.md): the inbound secret is handed over by a person, once
    ("GET", "/v1/admin/inbound-leads"): None,
    ("POST", "/v1/admin/inbound-leads/secret"): None,
    ("DELETE", "/v1/admin/inbound-leads"): None,
    # accounts (docs/ACCOUNTS.md): org records a CRM keeps in step; merging and correcting an invitation's
    # address are ops' acts
    ("GET", "/v1/accounts"): READ,
    ("POST", "/v1/accounts"): WRITE,
    ("GET", ACCOUNT): READ,
    ("PATCH", ACCOUNT): WRITE,
    ("POST", ACCOUNT + "/members"): WRITE,
    ("DELETE", ACCOUNT + "/members/{member_id}"): WRITE,
    ("GET", ACCOUNT + "/deals"): READ,
    ("POST", DEAL + "/account-access"): WRITE,
    ("GET", DEAL + "/invitations"): READ,
    ("POST", "/v1/admin/account-merges"): None,
    ("POST", "/v1/admin/account-merges/{merge_id}/undo"): None,
    ("PATCH", "/v1/admin/invitations/{invitation_id}"): None,
    # org-owned templates (docs/TEMPLATES.md): governed by people (admins publish, coordinators move deals)
    ("GET", "/v1/admin/templates"): None,
    ("POST", "/v1/admin/templates"): None,
    ("GET", TEMPLATE): None,
    ("PUT", TEMPLATE + "/draft"): None,
    ("POST", TEMPLATE + "/validate"): None,
    ("POST", TEMPLATE + "/publish"): None,
    ("GET", TEMPLATE + "/versions"): None,
    ("GET", TEMPLATE + "/versions/{version}"): None,
    ("GET", TEMPLATE + "/diff"): None,
    ("GET", TEMPLATE + "/export"): None,
    ("POST", TEMPLATE + "/import"): None,
    ("POST", DEAL + "/template-migration"): None,
    # e-signature (docs/ESIGN.md): sending and voiding are the deal team's acts
    ("POST", DEAL + "/document-requests/{request_id}/signature"): None,
    ("GET", DEAL + "/document-requests/{request_id}/signature"): DOCS_READ,
    ("POST", DEAL + "/document-requests/{request_id}/signature/void"): None,
    # outbound webhooks (docs/INTEGRATIONS.md): a CRM manages its own subscriptions
    ("GET", "/v1/admin/webhooks"): HOOKS,
    ("POST", "/v1/admin/webhooks"): HOOKS,
    ("GET", "/v1/admin/webhooks/{webhook_id}"): HOOKS,
    ("PATCH", "/v1/admin/webhooks/{webhook_id}"): HOOKS,
    ("DELETE", "/v1/admin/webhooks/{webhook_id}"): HOOKS,
    ("POST", "/v1/admin/webhooks/{webhook_id}/rotate-secret"): HOOKS,
    ("GET", "/v1/admin/webhooks/{webhook_id}/deliveries"): HOOKS,
    ("POST", "/v1/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/replay"): HOOKS,
    ("POST", "/v1/admin/webhooks/{webhook_id}/test"): HOOKS,
}


def scope_for(method: str, path: str) -> str | None:
    """The scope a route needs; None (and any route missing from the table) is closed to machines."""
    return ROUTE_SCOPES.get((method, path))
