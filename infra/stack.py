"""One stage of Threshold as one stack: data, documents, events, email and SMS, identity, the app, alarms,
runbooks. Read top to bottom, it is the list of what `cdk deploy` creates (docs/DEPLOY.md)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import alarms, environment, messaging, nag, runbooks, scanning, storage
from infra.exports import ExportQueue
from infra.functions import ChaliceApp
from infra.identity import Identity
from infra.permissions import Resources
from infra.stages import StageConfig


class ThresholdStack(Stack):
    def __init__(self, scope: Construct, config: StageConfig, *, build_dir: Path, **kwargs: object) -> None:
        super().__init__(
            scope,
            config.stack_name,
            stack_name=config.stack_name,
            description=f"Threshold {config.name}: real estate client portal backend",
            **kwargs,
        )
        self.config = config
        key = messaging.stage_key(self, config)
        self.table = storage.Table(self, "Data", config=config).table
        self.documents = storage.Documents(self, "Documents", config=config, key=key)
        self.scanning: scanning.MalwareScanning | None = None
        if config.malware_scanning == "guardduty":
            self.scanning = scanning.MalwareScanning(
                self, "MalwareScanning", bucket=self.documents.bucket, key=key
            )
        self.events = messaging.DomainEvents(self, "DomainEvents", config=config)
        self.email = messaging.Email(self, "Email", config=config, key=key)
        self.alarm_topic = messaging.Alarms(self, "AlarmTopic", config=config, key=key).topic
        self.identity = Identity(
            self,
            "Identity",
            config=config,
            sender_domain=self.email.sender_domain,
            configuration_set_name=self.email.configuration_set_name,
            ses_identity=self.email.identity,
        )
        self.stream_dlq = storage.encrypted_queue(
            self, "OutboxDlq", f"{config.prefix}-outbox-dlq", retention_period=Duration.days(14)
        )
        self.async_dlq = storage.encrypted_queue(
            self, "AsyncDlq", f"{config.prefix}-async-dlq", retention_period=Duration.days(14)
        )
        self.exports = ExportQueue(self, "Exports", config=config)  # exports worker (issue 18)
        self.cursor_secret = cursor_secret = secretsmanager.Secret(
            self,
            "CursorSecret",
            description="Signs paging cursors (CURSOR_SECRET); rotate by redeploying, see docs/DEPLOY.md",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=RemovalPolicy.DESTROY,
        )
        assert self.table.table_stream_arn is not None
        env = environment.function_environment(
            config,
            environment.StageValues(
                table_name=self.table.table_name,
                table_stream_arn=self.table.table_stream_arn,
                documents_bucket=self.documents.bucket.bucket_name,
                event_bus_name=self.events.bus.event_bus_name,
                token_issuer=self.identity.issuer,
                jwks_url=self.identity.jwks_url,
                token_audience=self.identity.client.user_pool_client_id,
                user_pool_id=self.identity.user_pool.user_pool_id,
                cursor_secret=cursor_secret.secret_value.unsafe_unwrap(),  # {{resolve:...}}, not the value
                ses_configuration_set=self.email.configuration_set_name,
                oauth_token_url=self.identity.oauth_token_url,  # issue 16: API clients
            ),
        )
        self.app = ChaliceApp(
            self,
            "App",
            config=config,
            env=env,
            resources=Resources(
                table_arn=self.table.table_arn,
                table_stream_arn=self.table.table_stream_arn,
                bucket_arn=self.documents.bucket.bucket_arn,
                key=key,
                upload_queue=self.documents.upload_queue,
                event_bus_arn=self.events.bus.event_bus_arn,
                ses_identity_arn=self.email.identity_arn,
                ses_configuration_set_arn=self.email.configuration_set_arn,
                sender_email=config.sender_email,
                user_pool_arn=self.identity.user_pool.user_pool_arn,
                ses_recipient_identity_arns=tuple(self.email.recipient_identity_arns),
                feedback_topic_arn=self.email.feedback_topic.topic_arn,
                export_queue=self.exports.queue,
            ),
            user_pool=self.identity.user_pool,
            async_dlq=self.async_dlq,
            stream_dlq=self.stream_dlq,
            build_dir=build_dir,
        )
        self.runbooks = runbooks.Runbooks(
            self, "Runbooks", config=config, functions=self.app.functions, schemas=self.app.runbook_schemas
        )
        self._api_gateway_logging()
        # intake (docs/INTAKE.md): a rate-based WAF rule in front of the public routes
        if self.app.rest_api is not None:
            from infra.waf import PublicRoutesFirewall

            self.firewall = PublicRoutesFirewall(self, "Firewall", config=config, rest_api=self.app.rest_api)
        self.alarms = alarms.Alarms(
            self,
            "Alarms",
            config=config,
            topic=self.alarm_topic,
            dlqs=[self.documents.upload_dlq, self.stream_dlq, self.async_dlq, self.exports.dlq],
            functions=self.app.functions,
            api_name=config.prefix if self.app.rest_api is not None else None,
        )
        self._outputs()
        nag.suppress(self)

    def _api_gateway_logging(self) -> None:
        """API Gateway writes logs through one role per account and region (an account setting): the stack
        sets it, and keeps the role on deletion so another stage in the account still logs."""
        self.api_gateway_logs_role = role = iam.Role(
            self,
            "ApiGatewayLogsRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
        )
        role.apply_removal_policy(RemovalPolicy.RETAIN)
        account = apigateway.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn)
        account.apply_removal_policy(RemovalPolicy.RETAIN)
        if self.app.rest_api is not None:
            self.app.rest_api.node.add_dependency(account)

    def _outputs(self) -> None:
        CfnOutput(self, "UserPoolId", value=self.identity.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.identity.client.user_pool_client_id)
        CfnOutput(self, "TokenIssuer", value=self.identity.issuer)
        CfnOutput(self, "DocumentsBucket", value=self.documents.bucket.bucket_name)
        CfnOutput(self, "TableName", value=self.table.table_name)
        CfnOutput(self, "EventBusName", value=self.events.bus.event_bus_name)
        CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.topic_arn)
