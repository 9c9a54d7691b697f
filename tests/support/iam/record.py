"""Record every AWS call the deployed functions make while the test suite runs (docs/DEVELOPING.md,
"Permissions proven").

A botocore handler on `before-parameter-build`, installed in every botocore session before any client
exists (as moto installs its own), sees each API call — and each presigned URL, which the browser later
uses with the signing role's rights — with its parameters. A presigned POST is built without that event,
so `generate_presigned_post` is wrapped too. Each call is attributed to the Lambda function whose entry
point is on the stack (app.py's handlers and the modules they delegate to); a call made by test set-up
or by a test calling a service directly belongs to no function and is only counted.

Each pytest process (each xdist worker) writes its own file at session end; the evaluation reads them all
(tests/support/iam/plugin.py).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
from collections import Counter
from pathlib import Path
from types import CodeType
from typing import Any

import botocore.handlers
import botocore.signers

# Entry points app.py's handlers delegate to (imported lazily there); tests call some of them directly.
DELEGATES = {
    "outbox": ("chalicelib.events.outbox", "handle"),
    "reminder_sweep": ("chalicelib.events.reminders", "handle"),
    "ses_feedback": ("chalicelib.events.feedback", "handle"),
    "ingest_uploads": ("chalicelib.events.ingest", "ingest_uploads"),
    "webhook_sweep": ("chalicelib.events.webhooks", "handle"),  # outbound webhooks
    "export_worker": ("chalicelib.events.exports", "handle"),  # exports worker (issue 18)
}
# The names in the local environment a recorded call uses for the stack's resources (translated to the
# deployed names through the same variables of the synthesized template).
RESOURCE_VARIABLES = (
    "TABLE_NAME",
    "DOCUMENTS_BUCKET",
    "UPLOAD_QUEUE_NAME",
    "EVENT_BUS_NAME",
    "SENDER_EMAIL",
    "SES_FEEDBACK_TOPIC_NAME",
    "USER_POOL_ID",
    "AWS_REGION",
    "ESIGN_PARAMETER_PREFIX",  # e-signature (docs/ESIGN.md)
    "EXPORT_QUEUE_NAME",  # exports worker (issue 18)
)


class Recorder:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()  # json.dumps([function, service, operation, params]) → n
        self.unattributed = 0
        self._entries: dict[CodeType, str] | None = None
        self._lock = threading.Lock()

    # -- attribution -------------------------------------------------------------------------------

    def _entry_points(self) -> dict[CodeType, str]:
        if self._entries is None:
            app_module = sys.modules.get("app")
            if app_module is None:
                return {}
            from chalice.app import Chalice

            chalice_app = app_module.app
            entries: dict[CodeType, str] = {Chalice.__call__.__code__: "api_handler"}
            for declared in [*chalice_app.pure_lambda_functions, *chalice_app.event_sources]:
                entries[_code_of(chalice_app.handler_map[declared.name])] = declared.name
            for name, (module, attribute) in DELEGATES.items():
                entries[getattr(importlib.import_module(module), attribute).__code__] = name
            self._entries = entries
        return self._entries

    def function_on_stack(self) -> str | None:
        entries = self._entry_points()
        frame = sys._getframe(2)
        while frame is not None:
            name = entries.get(frame.f_code)
            if name is not None:
                return name
            frame = frame.f_back  # type: ignore[assignment]
        return None

    # -- recording ---------------------------------------------------------------------------------

    def add(self, service: str, operation: str, params: dict[str, Any]) -> None:
        function = self.function_on_stack()
        with self._lock:
            if function is None:
                self.unattributed += 1
                return
            self.calls[json.dumps([function, service, operation, _plain(params)], sort_keys=True)] += 1

    def on_parameter_build(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if getattr(_presigning, "post", False):
            return  # botocore builds a presigned POST's parameters on CreateBucket's model: not a call
        self.add(model.service_model.service_name, model.name, params)

    def write(self, path: Path) -> None:
        environment = {name: os.environ.get(name, "") for name in RESOURCE_VARIABLES}
        records = [{"call": json.loads(key), "count": count} for key, count in sorted(self.calls.items())]
        path.write_text(
            json.dumps({"environment": environment, "unattributed": self.unattributed, "records": records})
        )


def _code_of(handler: Any) -> CodeType:
    """The user's function inside chalice's wrappers (EventSourceHandler.func, PureLambdaWrapper)."""
    while not hasattr(handler, "__code__"):
        handler = getattr(handler, "func", None) or handler._original_func
    return handler.__code__


def _plain(value: Any) -> Any:
    """Parameters as JSON: bytes and streams become their length, dates their text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if k not in ("Body", "Payload")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(type(value).__name__)


RECORDER = Recorder()
_installed = False
_presigning = threading.local()


def install() -> None:
    """Before any botocore session exists (tests/conftest.py does it first)."""
    global _installed
    if _installed:
        return
    botocore.handlers.BUILTIN_HANDLERS.append(("before-parameter-build", RECORDER.on_parameter_build))
    presign_post = botocore.signers.generate_presigned_post

    def recorded_presigned_post(self: Any, Bucket: str, Key: str, Fields: Any = None, **kw: Any) -> Any:  # noqa: N803
        params = {"Bucket": Bucket, "Key": Key, "Fields": dict(Fields or {})}
        RECORDER.add("s3", "PresignedPost", params)
        _presigning.post = True
        try:
            return presign_post(self, Bucket, Key, Fields=Fields, **kw)
        finally:
            _presigning.post = False

    botocore.signers.generate_presigned_post = recorded_presigned_post  # type: ignore[assignment]
    _installed = True
