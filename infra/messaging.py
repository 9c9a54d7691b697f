"""Events and messages: the stage's key, the domain-event bus, SES feedback, SMS, and the alarm topic."""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.stages import StageConfig

# SES events published to the feedback topic (the `ses_feedback` handler): bounces and complaints suppress
# the address; deliveries and rejects complete a notification's delivery state (PRODUCT.md §5).
SES_FEEDBACK_EVENTS = ("bounce", "complaint", "delivery", "reject")
EVENT_ARCHIVE_DAYS = 30


def stage_key(scope: Construct, config: StageConfig) -> kms.Key:
    """The customer key of the stage: documents at rest, and the SNS topics CloudWatch and SES publish to."""
    key = kms.Key(
        scope,
        "Key",
        alias=f"alias/{config.prefix}",
        description=f"Threshold {config.name}: documents bucket and notification topics",
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
        pending_window=Duration.days(30 if config.retain_data else 7),
    )
    for service in ("cloudwatch.amazonaws.com", "ses.amazonaws.com"):
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"Publish{service.split('.')[0].capitalize()}ToEncryptedTopics",
                principals=[iam.ServicePrincipal(service)],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
            )
        )
    return key


def encrypted_topic(scope: Construct, cid: str, name: str, key: kms.IKey) -> sns.Topic:
    return sns.Topic(scope, cid, topic_name=name, master_key=key, enforce_ssl=True)


class DomainEvents(Construct):
    """The EventBridge bus the outbox publishes domain events to (`deal.stage_changed`, ...), with an archive
    so an integration that was down can replay what it missed."""

    def __init__(self, scope: Construct, cid: str, *, config: StageConfig) -> None:
        super().__init__(scope, cid)
        self.bus = events.EventBus(self, "Bus", event_bus_name=config.prefix)
        self.bus.archive(
            "Archive",
            archive_name=f"{config.prefix}-domain-events",
            description="Every domain event, replayable for integrations",
            event_pattern=events.EventPattern(account=[Aws.ACCOUNT_ID]),
            retention=Duration.days(EVENT_ARCHIVE_DAYS),
        )


class Email(Construct):
    """The SES sending identity, a configuration set, and bounce/complaint feedback to an SNS topic."""

    def __init__(self, scope: Construct, cid: str, *, config: StageConfig, key: kms.IKey) -> None:
        super().__init__(scope, cid)
        self.feedback_topic = encrypted_topic(self, "FeedbackTopic", config.ses_feedback_topic_name, key)
        self.feedback_topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="SesPublishesFeedback",
                principals=[iam.ServicePrincipal("ses.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.feedback_topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
            )
        )
        self.configuration_set_name = config.prefix
        configuration_set = ses.CfnConfigurationSet(
            self,
            "ConfigurationSet",
            name=self.configuration_set_name,
            delivery_options=ses.CfnConfigurationSet.DeliveryOptionsProperty(tls_policy="REQUIRE"),
            reputation_options=ses.CfnConfigurationSet.ReputationOptionsProperty(
                reputation_metrics_enabled=True
            ),
            sending_options=ses.CfnConfigurationSet.SendingOptionsProperty(sending_enabled=True),
            suppression_options=ses.CfnConfigurationSet.SuppressionOptionsProperty(
                suppressed_reasons=["BOUNCE", "COMPLAINT"]
            ),
        )
        destination = ses.CfnConfigurationSetEventDestination(
            self,
            "Feedback",
            configuration_set_name=self.configuration_set_name,
            event_destination=ses.CfnConfigurationSetEventDestination.EventDestinationProperty(
                name="feedback-to-sns",
                enabled=True,
                matching_event_types=list(SES_FEEDBACK_EVENTS),
                sns_destination=ses.CfnConfigurationSetEventDestination.SnsDestinationProperty(
                    topic_arn=self.feedback_topic.topic_arn
                ),
            ),
        )
        destination.node.add_dependency(configuration_set)
        # A domain identity (Easy DKIM): its DNS records are shown in the SES console after the first deploy.
        self.sender_domain = config.sender_email.rsplit("@", 1)[1]
        self.identity = ses.CfnEmailIdentity(
            self,
            "Identity",
            email_identity=self.sender_domain,
            configuration_set_attributes=ses.CfnEmailIdentity.ConfigurationSetAttributesProperty(
                configuration_set_name=self.configuration_set_name
            ),
        )
        self.identity.node.add_dependency(configuration_set)
        self.identity_arn = _identity_arn(self.sender_domain)
        # In the SES sandbox, SES authorizes a send against each recipient's identity too, and delivers
        # only to verified ones: the stage lists them, they are declared here (SES mails each address a
        # verification link on the first deploy) and the send policy names them (infra/permissions.py).
        self.recipient_identity_arns: list[str] = []
        for n, recipient in enumerate(config.ses_sandbox_recipients if config.ses_mode == "sandbox" else ()):
            ses.CfnEmailIdentity(self, f"SandboxRecipient{n}", email_identity=recipient)
            self.recipient_identity_arns.append(_identity_arn(recipient))
        self.configuration_set_arn = (
            f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}"
            f":configuration-set/{self.configuration_set_name}"
        )


def _identity_arn(identity: str) -> str:
    return f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:identity/{identity}"


class Alarms(Construct):
    """The topic every alarm notifies; ops subscribe to it (the stage's `alarm_email`, a pager, chat)."""

    def __init__(self, scope: Construct, cid: str, *, config: StageConfig, key: kms.IKey) -> None:
        super().__init__(scope, cid)
        self.topic = encrypted_topic(self, "Topic", f"{config.prefix}-alarms", key)
        alarms = f"arn:{Aws.PARTITION}:cloudwatch:{Aws.REGION}:{Aws.ACCOUNT_ID}:alarm:*"
        # A topic policy replaces SNS's default one (which let the account publish): without this
        # statement CloudWatch could not publish, and no alarm would notify anyone.
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchPublishesAlarms",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                    "ArnLike": {"aws:SourceArn": alarms},
                },
            )
        )
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
