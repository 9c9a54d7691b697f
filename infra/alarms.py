"""CloudWatch alarms, all to the alarm topic: every DLQ's depth, every function's errors and throttles,
how far a stream consumer (the outbox) lags behind the table, and the API's 5xx rate."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.functions import Function
from infra.stages import StageConfig

FIVE_MINUTES = Duration.minutes(5)
API_5XX_RATE = 0.05  # 5% of requests in five minutes ...
API_MIN_REQUESTS = 20  # ... once there is enough traffic to call it a rate
STREAM_LAG = Duration.minutes(5)  # notifications more than five minutes behind the writes they announce


class Alarms(Construct):
    def __init__(
        self,
        scope: Construct,
        cid: str,
        *,
        config: StageConfig,
        topic: sns.ITopic,
        dlqs: Sequence[sqs.IQueue],
        functions: Sequence[Function],
        api_name: str | None,
    ) -> None:
        super().__init__(scope, cid)
        self._config = config
        self._action = actions.SnsAction(topic)
        self.alarms: list[cloudwatch.Alarm] = []
        for queue in dlqs:
            self._alarm(
                f"{queue.node.id}Depth",
                queue.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum"),
                f"messages are waiting in the dead-letter queue {queue.node.id}: see docs/DEPLOY.md, Alarms",
            )
        for fn in functions:
            dims = {"FunctionName": fn.resource.ref}
            for metric in ("Errors", "Throttles"):
                self._alarm(
                    f"{fn.logical_id}{metric}",
                    cloudwatch.Metric(
                        namespace="AWS/Lambda",
                        metric_name=metric,
                        dimensions_map=dims,
                        statistic="Sum",
                        period=FIVE_MINUTES,
                    ),
                    f"the {fn.name} function reported {metric.lower()}",
                )
            if "DynamoDB" in fn.events.values():
                self._alarm(
                    f"{fn.logical_id}StreamLag",
                    cloudwatch.Metric(
                        namespace="AWS/Lambda",
                        metric_name="IteratorAge",
                        dimensions_map=dims,
                        statistic="Maximum",
                        period=FIVE_MINUTES,
                    ),
                    f"the {fn.name} function is more than {STREAM_LAG.to_minutes()} minutes behind the table",
                    STREAM_LAG.to_milliseconds(),
                )
        if api_name is not None:
            self._api_5xx(api_name)

    def _api_5xx(self, api_name: str) -> None:
        def api_metric(name: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name=name,
                dimensions_map={"ApiName": api_name},
                statistic="Sum",
                period=FIVE_MINUTES,
            )

        rate = cloudwatch.MathExpression(
            expression=f"IF(requests >= {API_MIN_REQUESTS}, errors / requests, 0)",
            using_metrics={"errors": api_metric("5XXError"), "requests": api_metric("Count")},
            period=FIVE_MINUTES,
            label="5xx rate",
        )
        self._alarm(
            "Api5xxRate",
            rate,
            f"more than {API_5XX_RATE:.0%} of API requests failed with a 5xx",
            API_5XX_RATE,
        )

    def _alarm(self, cid: str, metric: cloudwatch.IMetric, description: str, threshold: float = 1) -> None:
        alarm = cloudwatch.Alarm(
            self,
            cid,
            alarm_name=f"{self._config.prefix}-{cid}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms.append(alarm)
