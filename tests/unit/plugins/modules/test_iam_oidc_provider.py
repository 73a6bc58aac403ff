"""iam_oidc_provider end to end: main() in process against the emulator, state
read back with boto3; check mode and refused inputs make no mutating call."""

from __future__ import annotations

import boto3
import pytest
from ansible_collections.ecap.platform.plugins.modules import iam_oidc_provider

REGION = "us-west-2"


@pytest.fixture
def run(run_module):
    return run_module


@pytest.fixture(scope="module")
def aws(emulator):
    def make(service):
        return boto3.client(
            service,
            endpoint_url=emulator.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    return make


def test_oidc_provider_scenario(run, aws, emulator) -> None:
    iam = aws("iam")
    issuer = "https://oidc.eks.us-west-2.amazonaws.com/id/9C2B1D0E8F7A6B5C4D3E2F1A0B9C8D7E"
    arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/9C2B1D0E8F7A6B5C4D3E2F1A0B9C8D7E"
    args = {"url": issuer, "tags": {"Project": "ecap"}}
    before = emulator.counters()["mutating"]
    checked = run(iam_oidc_provider, args, check_mode=True)
    assert checked["changed"] and checked["arn"] == arn and checked["client_ids"] == ["sts.amazonaws.com"]
    assert emulator.counters()["mutating"] == before
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []

    created = run(iam_oidc_provider, args)
    assert created["changed"] and created["arn"] == arn and created["thumbprints"] == []
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert (provider["ClientIDList"], provider["ThumbprintList"]) == (["sts.amazonaws.com"], [])

    before = emulator.counters()
    again = run(iam_oidc_provider, args)
    after = emulator.counters()
    assert not again["changed"] and again["tags"] == {"Project": "ecap"}
    assert after["mutating"] == before["mutating"]
    assert (
        after["services"]["iam"].get("GetOpenIDConnectProvider", 0)
        - before["services"]["iam"].get("GetOpenIDConnectProvider", 0)
        == 1
    )
    assert after["total"] - before["total"] == 2, "GetCallerIdentity + GetOpenIDConnectProvider"

    update = {**args, "client_ids": ["sts.amazonaws.com", "ecap-app"], "thumbprints": ["a" * 40], "tags": {"Team": "x"}}
    updated = run(iam_oidc_provider, update)
    assert updated["changed"] and updated["diff"]["before"]["client_ids"] == ["sts.amazonaws.com"]
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert sorted(provider["ClientIDList"]) == ["ecap-app", "sts.amazonaws.com"]
    assert provider["ThumbprintList"] == ["a" * 40]
    assert {t["Key"]: t["Value"] for t in provider["Tags"]} == {"Team": "x"}
    assert not run(iam_oidc_provider, update)["changed"]
    fewer = run(iam_oidc_provider, {**update, "client_ids": ["ecap-app"]})
    assert fewer["changed"] and fewer["client_ids"] == ["ecap-app"]

    bad = run(iam_oidc_provider, {"url": "http://example.com", "thumbprints": ["nothex"]}, failed=True)
    assert "https://" in bad["msg"] and "40 hex" in bad["msg"]

    absent = {"url": issuer, "state": "absent"}
    assert run(iam_oidc_provider, absent, check_mode=True)["changed"]
    assert run(iam_oidc_provider, absent)["changed"]
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    assert not run(iam_oidc_provider, absent)["changed"]
