"""`make smoke`: walk the product's main journey against a running stack and say, step by step, what works.

    make smoke                          # against `make run` (ports from THRESHOLD_API_PORT / _EMULATOR_PORT)
    make smoke STACK=threshold-dev      # against a deployed stage, found by its CloudFormation outputs

A coordinator opens a deal and invites a new client; the client signs in and accepts; the client uploads
a PDF through the presigned POST the API hands out; the ingest records it; the coordinator approves it;
the client downloads it; the client's in-app notification of the approval is delivered. Each step prints
PASS or FAIL with what to check when it fails; the first failure stops the walk; the exit code is 0 only
when every step passed.

Where the two targets differ (scripts/smoke_targets.py): local mode signs people in with the local key
pair (`make token`) and reads the invitation email from the emulator's SES outbox; a deployed stage signs
in through Cognito and takes the invitation link from the invitee's real mailbox (docs/DEVELOPING.md).
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from scripts.smoke_targets import Target, aws_target, local_target

PDF = b"%PDF-1.4\n% Threshold smoke test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WAIT_SECONDS = 60


class StepFailed(Exception):
    def __init__(self, what: str, check: str) -> None:
        super().__init__(what)
        self.check = check


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def call(method: str, url: str, token: str | None = None, body: Any = None) -> Reply:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            raw = answer.read()
            return Reply(answer.status, json.loads(raw) if raw else None, dict(answer.headers))
    except urllib.error.HTTPError as refused:
        raw = refused.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return Reply(refused.code, parsed, dict(refused.headers))


def expect(reply: Reply, status: int, what: str, check: str) -> Any:
    if reply.status != status:
        raise StepFailed(f"{what}: answered {reply.status} {json.dumps(reply.body)[:300]}", check)
    return reply.body


def eventually(probe: Callable[[], Any], what: str, check: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(1)
    raise StepFailed(f"{what}: not within {WAIT_SECONDS} s", check)


def post_form(url: str, fields: dict[str, str], file_name: str, content: bytes, content_type: str) -> int:
    """A browser's multipart POST of a presigned form: every field, then the file."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(  # noqa: S310
        url,
        data=b"".join(parts),
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


class Journey:
    def __init__(self, target: Target) -> None:
        self.t = target
        self.api = target.api_url.rstrip("/")
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.client_email = target.invitee_email(stamp)
        self.state: dict[str, Any] = {}

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("the API answers", self.health),
            ("a coordinator opens a deal", self.open_deal),
            ("the coordinator invites a new client", self.invite),
            ("the client signs in and accepts the invitation", self.accept),
            ("the client uploads a PDF through the presigned POST", self.upload),
            ("the upload is ingested as version 1", self.ingested),
            ("the coordinator approves the document", self.approve),
            ("the client downloads the document", self.download),
            ("the client's notification of the approval is delivered", self.notified),
        ]

    def health(self) -> str:
        expect(call("GET", f"{self.api}/v1/health"), 200, "GET /v1/health", "is the stack up? (`make run`)")
        return self.api

    def open_deal(self) -> str:
        self.state["coordinator"] = self.t.staff_token()
        body = {
            "workflow": "purchase",
            "title": f"Smoke test — {self.client_email}",
            "property": {
                "address": {
                    "line1": "1 Smoke Test Way",
                    "city": "Boston",
                    "state": "MA",
                    "postal_code": "02101",
                }
            },
            "key_dates": {"offer_accepted": date.today().isoformat()},
        }
        deal = expect(
            call("POST", f"{self.api}/v1/deals", self.state["coordinator"], body),
            201,
            "POST /v1/deals",
            "the coordinator must be staff of one org (admin or coordinator); see the API log for the error",
        )
        self.state["deal"] = deal["id"]
        return deal["id"]

    def invite(self) -> str:
        party = expect(
            call(
                "POST",
                f"{self.api}/v1/deals/{self.state['deal']}/parties",
                self.state["coordinator"],
                {"email": self.client_email, "role": "client", "name": "Smoke Client"},
            ),
            201,
            "POST /v1/deals/{id}/parties",
            "invitations: docs/API.md; the sender identity must be verified in SES",
        )
        self.state["client_id"] = party["user_id"]
        return party["invitation_id"]

    def accept(self) -> str:
        token = eventually(
            lambda: self.t.invitation_token(self.client_email),
            "the invitation email",
            "SES sending (sandbox: the recipient must be verified); the API log",
        )
        self.state["client"] = self.t.sign_in(self.client_email)
        expect(
            call("POST", f"{self.api}/v1/invitations/{token}/accept", self.state["client"]),
            200,
            "POST /v1/invitations/{token}/accept",
            "the client's verified email must be the invited one",
        )
        return self.client_email.split("@")[0][:3] + "…"  # never print a whole email

    def upload(self) -> str:
        request = expect(
            call(
                "POST",
                f"{self.api}/v1/deals/{self.state['deal']}/document-requests",
                self.state["coordinator"],
                {"template_key": "proof_of_funds", "target_user_ids": [self.state["client_id"]]},
            ),
            201,
            "POST /v1/deals/{id}/document-requests",
            "the purchase template's proof_of_funds (docs/WORKFLOWS.md)",
        )
        self.state["request"] = request["id"]
        form = expect(
            call(
                "POST",
                f"{self.api}/v1/deals/{self.state['deal']}/document-requests/{request['id']}/uploads",
                self.state["client"],
                {"file_name": "statement.pdf", "content_type": "application/pdf"},
            ),
            201,
            "POST …/uploads",
            "the client must be targeted by the request",
        )
        status = post_form(form["url"], form["fields"], "statement.pdf", PDF, "application/pdf")
        if status not in (200, 201, 204):
            raise StepFailed(
                f"S3 refused the presigned POST ({status})", "the bucket's CORS and policy; the form's expiry"
            )
        return f"S3 answered {status}"

    def ingested(self) -> str:
        def submitted() -> Any:
            reply = call(
                "GET", f"{self.api}/v1/deals/{self.state['deal']}/document-requests", self.state["client"]
            )
            mine = [r for r in (reply.body or {}).get("items", []) if r["id"] == self.state["request"]]
            return mine[0]["documents"] if mine and mine[0]["status"] == "submitted" else None

        documents = eventually(
            submitted,
            "the request did not become submitted",
            "the upload queue and the ingest function (its DLQ; quarantine/ in the bucket; `last_refusal`)",
        )
        self.state["document"] = documents[0]["id"]
        return f"version {documents[0]['version']}"

    def approve(self) -> str:
        expect(
            call(
                "POST",
                f"{self.api}/v1/deals/{self.state['deal']}/documents/{self.state['document']}/review",
                self.state["coordinator"],
                {"decision": "approve"},
            ),
            200,
            "POST …/review",
            "approvals are for admins and coordinators of the deal's org",
        )
        return "approved"

    def download(self) -> str:
        link = expect(
            call(
                "GET",
                f"{self.api}/v1/deals/{self.state['deal']}/documents/{self.state['document']}/download",
                self.state["client"],
            ),
            200,
            "GET …/download",
            "malware scanning may hold the file (GuardDuty tag NO_THREATS_FOUND)",
        )
        with urllib.request.urlopen(link["url"], timeout=30) as answer:  # noqa: S310 (a presigned GET)
            content = answer.read()
        if content != PDF:
            raise StepFailed(
                "the downloaded bytes differ from the upload", "the bucket's objects under the deal"
            )
        return f"{len(content)} bytes"

    def notified(self) -> str:
        def delivered() -> Any:
            feed = call("GET", f"{self.api}/v1/notifications", self.state["client"]).body or {}
            return [
                n
                for n in feed.get("items", [])
                if n["deal_id"] == self.state["deal"] and n["type"] == "document.approved"
            ]

        found = eventually(
            delivered,
            "no in-app notification of the approval",
            "the table stream → outbox function (its DLQ and the OutboxLag alarm)",
        )
        return found[0]["id"]


def walk(target: Target) -> int:
    journey = Journey(target)
    for number, (name, step) in enumerate(journey.steps(), start=1):
        try:
            detail = step()
        except StepFailed as failed:
            print(f"FAIL {number}. {name}: {failed}\n     check: {failed.check}", flush=True)
            return 1
        except (OSError, KeyError, ValueError) as broken:
            print(f"FAIL {number}. {name}: {type(broken).__name__}: {broken}", flush=True)
            return 1
        print(f"PASS {number}. {name} ({detail})", flush=True)
    print("smoke test passed", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Walk the main journey against `make run` or a deployed stage."
    )
    parser.add_argument("--stack", help="CloudFormation stack of a deployed stage (default: local mode)")
    parser.add_argument("--region", help="the stack's region (default: the AWS configuration's)")
    args = parser.parse_args(argv)
    target = aws_target(args.stack, args.region) if args.stack else local_target()
    return walk(target)


if __name__ == "__main__":
    raise SystemExit(main())
