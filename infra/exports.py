"""The export queue (issue 18): one message = one slice of an activity export job, consumed by the
`export_worker` function (chalicelib/services/export_worker.py). Encrypted, TLS only, with a dead-letter
queue (alarmed like every DLQ, infra/alarms.py) for a message delivered five times without being handled.

Timings follow from the worker's (chalicelib/domain/exports.py): the queue hides a message 6 × the
function's timeout, as Lambda advises for SQS sources.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.domain.exports import WORKER_TIMEOUT_SECONDS
from infra.stages import StageConfig
from infra.storage import encrypted_queue

MAX_RECEIVES = 5  # the worker itself fails a job whose message came back WORKER_MAX_FAILURES times


class ExportQueue(Construct):
    def __init__(self, scope: Construct, cid: str, *, config: StageConfig) -> None:
        super().__init__(scope, cid)
        name = export_queue_name(config)
        self.dlq = encrypted_queue(self, "ExportDlq", f"{name}-dlq", retention_period=Duration.days(14))
        self.queue = encrypted_queue(
            self,
            "ExportQueue",
            name,
            visibility_timeout=Duration.seconds(6 * WORKER_TIMEOUT_SECONDS),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dlq, max_receive_count=MAX_RECEIVES),
        )


def export_queue_name(config: StageConfig) -> str:
    return f"{config.prefix}-exports"
