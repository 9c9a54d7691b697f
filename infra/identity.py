"""Who signs in: the Cognito user pool (invitation only) and the portal's app client.

Invitees get their user when they are invited (chalicelib/store/accounts.py: AdminCreateUser with a
verified email); Cognito mails them a temporary password, through the stage's SES identity, with the
message below. docs/DEPLOY.md ("Invitees") walks a first-time invitee from the email to the workspace.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from chalicelib.domain.api_clients import RESOURCE_SERVER, SCOPE_DESCRIPTIONS
from infra.stages import StageConfig

INVITATION_SUBJECT = "Your Threshold sign-in"
INVITATION_BODY = (
    "You have been invited to a deal on Threshold.<br><br>"
    "Sign in with this email address ({username}) and the temporary password {####} from the "
    "invitation link you received, or at {portal}. You will choose your own password at once. "
    "The temporary password works for 7 days; after that, ask for a new invitation."
)


class Identity(Construct):
    def __init__(
        self,
        scope: Construct,
        cid: str,
        *,
        config: StageConfig,
        sender_domain: str,
        configuration_set_name: str,
        ses_identity: Construct,
    ) -> None:
        super().__init__(scope, cid)
        # Cognito's mail (temporary passwords, recovery codes) goes through the stage's SES identity
        # (DEVELOPER): its sending limits, reputation, configuration set and feedback, rather than
        # Cognito's default sender (50 mails a day). `cognito_email: cognito` is for a first deploy
        # whose SES domain is not verified yet (docs/DEPLOY.md).
        email = (
            cognito.UserPoolEmail.with_ses(
                from_email=config.sender_email,
                from_name="Threshold",
                configuration_set_name=configuration_set_name,
                ses_verified_domain=sender_domain,
                ses_region=Stack.of(self).region,  # the stack's own: SES is in the pool's region
            )
            if config.cognito_email == "ses"
            else cognito.UserPoolEmail.with_cognito()
        )
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=config.prefix,
            # Invitation only: the API's invitations create users; nobody signs themselves up.
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
                fullname=cognito.StandardAttribute(required=False, mutable=True),
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(7),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=config.retain_data,
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
            email=email,
            user_invitation=cognito.UserInvitationConfig(
                email_subject=INVITATION_SUBJECT,
                email_body=INVITATION_BODY.replace("{portal}", config.portal_url),
                sms_message="Threshold: your username is {username} and temporary password is {####}",
            ),
        )
        if config.cognito_email == "ses":
            self.user_pool.node.add_dependency(ses_identity)  # Cognito checks the identity it sends from
        if config.cognito_domain:
            self.domain = self.user_pool.add_domain(
                "Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=config.cognito_domain)
            )
        self.client = self.user_pool.add_client(
            "PortalClient",
            user_pool_client_name=f"{config.prefix}-portal",
            generate_secret=False,  # a browser app cannot keep a secret
            auth_flows=cognito.AuthFlow(user_srp=True),
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callback_urls=[f"{config.portal_url}/auth/callback"],
                logout_urls=[f"{config.portal_url}/"],
            ),
        )

        # API clients (issue 16, docs/API_CLIENTS.md): the resource server whose scopes machine clients
        # hold. Each API client is its own app client, made at run time (CreateUserPoolClient, by the API).
        self.resource_server = self.user_pool.add_resource_server(
            "ApiResourceServer",
            identifier=RESOURCE_SERVER,
            user_pool_resource_server_name=f"{config.prefix}-api",
            scopes=[
                cognito.ResourceServerScope(scope_name=scope.value, scope_description=description)
                for scope, description in SCOPE_DESCRIPTIONS.items()
            ],
        )
        # Clients trade id and secret for an access token at the domain's token endpoint: without a
        # domain (`cognito_domain`) a stage has none, and the API says so (`token_endpoint: null`).
        self.oauth_token_url = (
            f"https://{config.cognito_domain}.auth.{Stack.of(self).region}.amazoncognito.com/oauth2/token"
            if config.cognito_domain
            else ""
        )

    @property
    def issuer(self) -> str:
        """The `iss` of the pool's tokens: https://cognito-idp.{region}.amazonaws.com/{pool id}."""
        return f"https://{self.user_pool.user_pool_provider_url}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"
