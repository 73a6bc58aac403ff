"""EC2 request handlers: CreateNatGateway and CreateFlowLogs with ClientToken idempotency."""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.responses import EC2Response
from moto.ec2.utils import add_tag_specification

from emulator.extensions import extension, original, override
from emulator.services.ec2.models import nat_lifecycle, pinned, remember, remembered


def _fingerprint(params: dict[str, Any]) -> str:
    """What makes two requests "the same" for a client token: every parameter but the token."""
    return json.dumps({k: v for k, v in params.items() if k != "ClientToken"}, sort_keys=True, default=str)


def create_nat_gateway(self: EC2Response) -> ActionResult:
    """CreateNatGateway (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html).

    The response carries the transitional state ``pending`` as AWS's does, even when the active
    profile makes the gateway ``available`` at once. A repeated ``ClientToken`` returns the gateway
    the first request made (moto 5.2.5 ignores the token and fails on the EIP already in use).
    """
    token = self._get_param("ClientToken")
    fingerprint = _fingerprint(self.params)
    backend = self.ec2_backend
    nat_id = remembered(backend, "CreateNatGateway", token, fingerprint)
    if nat_id is not None and nat_id in backend.nat_gateways:
        return ActionResult({"ClientToken": token, "NatGateway": backend.nat_gateways[nat_id]})
    nat = backend.create_nat_gateway(
        subnet_id=self._get_param("SubnetId"),
        allocation_id=self._get_param("AllocationId"),
        tags=add_tag_specification(self._get_param("TagSpecifications", [])),
        connectivity_type=self._get_param("ConnectivityType"),
    )
    remember(backend, "CreateNatGateway", token, fingerprint, nat.id)
    lifecycle = nat_lifecycle(nat)
    shown = pinned(nat, lifecycle.creating) if lifecycle is not None else nat
    return ActionResult({"ClientToken": token, "NatGateway": shown})


def create_flow_logs(self: EC2Response) -> ActionResult:
    """CreateFlowLogs (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html).

    A repeated ``ClientToken`` returns the flow logs the first request made; moto 5.2.5 answers
    ``FlowLogAlreadyExists`` instead, which breaks idempotent retries.
    """
    token = self._get_param("ClientToken")
    fingerprint = _fingerprint(self.params)
    backend = self.ec2_backend
    flow_log_ids = remembered(backend, "CreateFlowLogs", token, fingerprint)
    if flow_log_ids is not None and all(fl in backend.flow_logs for fl in flow_log_ids):
        return ActionResult({"ClientToken": token, "FlowLogIds": flow_log_ids, "Unsuccessful": []})
    result = original(EC2Response, "create_flow_logs")(self)
    body = dict(result.result)
    if body.get("FlowLogIds"):
        remember(backend, "CreateFlowLogs", token, fingerprint, list(body["FlowLogIds"]))
    if token:
        body["ClientToken"] = token
    return ActionResult(body)


def delete_vpc_endpoints(self: EC2Response) -> ActionResult:
    """DeleteVpcEndpoints (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html).

    Ids that do not exist (or are already deleted) come back in ``Unsuccessful`` with
    ``InvalidVpcEndpoint.NotFound``, as on AWS; moto 5.2.5 reports every id as deleted.
    """
    missing = self.ec2_backend.delete_vpc_endpoints(vpce_ids=self._get_param("VpcEndpointIds", []))
    unsuccessful = [
        {
            "ResourceId": vpce_id,
            "Error": {
                "Code": "InvalidVpcEndpoint.NotFound",
                "Message": f"The VpcEndpoint Id '{vpce_id}' does not exist",
            },
        }
        for vpce_id in missing or []
    ]
    return ActionResult({"Unsuccessful": unsuccessful})


@extension("ec2", "DeleteVpcEndpoints")
def vpc_endpoint_delete_response() -> None:
    """DeleteVpcEndpoints: report unknown or already deleted endpoints as AWS does (Unsuccessful)."""
    override(EC2Response, delete_vpc_endpoints)


@extension("ec2", "CreateNatGateway", "CreateFlowLogs")
def client_token_idempotency() -> None:
    """CreateNatGateway, CreateFlowLogs: honour ClientToken (same token → same resource, as AWS)."""
    override(EC2Response, create_nat_gateway)
    override(EC2Response, create_flow_logs)


def _update_rule_descriptions(direction: str):
    def handler(self: EC2Response) -> ActionResult:
        original(EC2Response, f"update_security_group_rule_descriptions_{direction}")(self)
        return ActionResult({"Return": True})

    handler.__name__ = f"update_security_group_rule_descriptions_{direction}"
    handler.__doc__ = (
        f"UpdateSecurityGroupRuleDescriptions{direction.capitalize()} "
        "(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
        f"API_UpdateSecurityGroupRuleDescriptions{direction.capitalize()}.html).\n\n"
        "AWS answers ``<return>true</return>``; moto 5.2.5 answers an empty body, so callers that read\n"
        "``Return`` (amazon.aws.ec2_security_group when only a rule description changes) fail with KeyError."
    )
    return handler


@extension("ec2", "UpdateSecurityGroupRuleDescriptionsIngress", "UpdateSecurityGroupRuleDescriptionsEgress")
def rule_description_return() -> None:
    """UpdateSecurityGroupRuleDescriptions{Ingress,Egress}: answer Return=true as AWS does."""
    override(EC2Response, _update_rule_descriptions("ingress"))
    override(EC2Response, _update_rule_descriptions("egress"))
