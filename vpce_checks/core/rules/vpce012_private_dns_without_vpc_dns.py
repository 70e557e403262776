"""VPCE012: private DNS on an endpoint whose VPC does not resolve it."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation
from vpce_checks.core.values import as_bool

DNS_DEFAULTS: dict[str, dict[str, bool | None]] = {
    # A new VPC turns DNS hostnames off. An adopted default VPC keeps what it has unless the
    # configuration writes the attribute (and the provider's default for it changed between
    # versions): omitted there is unknown.
    "aws_vpc": {"enable_dns_support": True, "enable_dns_hostnames": False},
    "aws_default_vpc": {"enable_dns_support": True, "enable_dns_hostnames": None},
}


@rule(
    id="VPCE012",
    slug="private-dns-without-vpc-dns-support",
    severity=Severity.ERROR,
    category="correctness",
    title="Private DNS on an endpoint in a VPC without DNS support and DNS hostnames",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags an Interface endpoint with `private_dns_enabled = true` whose VPC, declared in the same
    configuration, does not turn on both `enable_dns_support` (default true) and
    `enable_dns_hostnames` (default **false** for `aws_vpc`). For an `aws_default_vpc` only an
    attribute written as false counts: the default VPC comes with both turned on, and the
    provider's default for an omitted `enable_dns_hostnames` has changed between versions.

    ## Why is this bad?
    Private DNS needs both VPC attributes: AWS refuses to create the endpoint otherwise, and the
    apply fails.

    ## Example
    ```hcl
    resource "aws_vpc" "main" {
      cidr_block = "10.0.0.0/16"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc" "main" {
      cidr_block           = "10.0.0.0/16"
      enable_dns_support   = true
      enable_dns_hostnames = true
    }
    ```

    ## References
    - [DNS attributes for your VPC](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html)
    - [Access an AWS service using an interface VPC endpoint: private DNS needs DNS hostnames and DNS resolution](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)
    - [aws_default_vpc](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_vpc)
    """
    for endpoint in network.endpoints:
        if not (endpoint.resource.certain and endpoint.is_interface and endpoint.private_dns is True):
            continue
        vpc = network.vpcs.get(endpoint.vpc or "")
        if vpc is None or not vpc.resource.certain:
            continue
        off = []
        for attribute, default in DNS_DEFAULTS[vpc.resource.type].items():
            value = as_bool(vpc.resource.get(attribute)) if vpc.resource.has(attribute) else default
            if value is False:
                how = "false" if vpc.resource.has(attribute) else "omitted (default false)"
                off.append(f"{attribute} is {how}")
        if off:
            yield violation(
                endpoint.resource,
                f"Private DNS for {endpoint.service_phrase or 'this endpoint'} needs DNS support and DNS hostnames "
                f"on VPC {vpc.address}, but {' and '.join(off)}: creating the endpoint fails. "
                "Set enable_dns_support and enable_dns_hostnames to true on the VPC.",
                attribute="private_dns_enabled",
                vpc=vpc.address,
            )
