"""A WAFv2 web ACL in front of the API stage (docs/INTAKE.md, "Abuse"): a rate-based rule per source
address on the public intake routes (`/v1/orgs/…`), answered 429 before any function runs. The app keeps
its own per-address and per-email counters (store/rate_limits.py): the WAF turns a flood away at the edge,
the app's limits hold in local mode and below the WAF's coarser window."""

from __future__ import annotations

from typing import Any

from aws_cdk import Fn, Stack
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.stages import StageConfig

PUBLIC_PREFIX = "/v1/orgs/"
# WAF counts over a 5-minute window per address; the app allows 20 submissions per 10 minutes, so this
# only turns away floods (a form read and a send are two requests).
REQUESTS_PER_5_MINUTES = 300


def _visibility(name: str) -> dict[str, Any]:
    return {"cloudWatchMetricsEnabled": True, "metricName": name, "sampledRequestsEnabled": True}


class PublicRoutesFirewall(Construct):
    def __init__(self, scope: Construct, cid: str, *, config: StageConfig, rest_api: Any) -> None:
        super().__init__(scope, cid)
        name = f"{config.prefix}-public"
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=name,
            scope="REGIONAL",
            default_action={"allow": {}},
            visibility_config=_visibility(name),
            custom_response_bodies={
                "rate_limited": {
                    "contentType": "APPLICATION_JSON",
                    "content": '{"error": {"code": "rate_limited", "message": "too many requests; wait"}}',
                }
            },
            rules=[
                {
                    "name": "intake-rate-per-address",
                    "priority": 0,
                    "action": {
                        "block": {
                            "customResponse": {
                                "responseCode": 429,
                                "customResponseBodyKey": "rate_limited",
                                "responseHeaders": [{"name": "Retry-After", "value": "300"}],
                            }
                        }
                    },
                    "statement": {
                        "rateBasedStatement": {
                            "limit": REQUESTS_PER_5_MINUTES,
                            "aggregateKeyType": "IP",
                            "scopeDownStatement": {
                                "byteMatchStatement": {
                                    "fieldToMatch": {"uriPath": {}},
                                    "positionalConstraint": "CONTAINS",
                                    "searchString": PUBLIC_PREFIX,
                                    "textTransformations": [{"priority": 0, "type": "NONE"}],
                                }
                            },
                        }
                    },
                    "visibilityConfig": _visibility(f"{name}-intake-rate"),
                }
            ],
        )
        api_id = Stack.of(self).resolve(rest_api.logical_id)
        # `<Api>.Stage` is SAM's reference to the stage it generates for the API: the association waits for it
        stage_arn = Fn.sub(
            "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Stage}",
            {"Api": rest_api.ref, "Stage": Fn.ref(f"{api_id}.Stage")},
        )
        self.association = wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
