"""VPCE009: only one of the two ECR endpoints."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation


@rule(
    id="VPCE009",
    slug="ecr-endpoint-pair-incomplete",
    severity=Severity.ERROR,
    category="reliability",
    title="Only one of the ecr.api and ecr.dkr endpoints",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags a VPC with an `ecr.api` endpoint but no `ecr.dkr` endpoint, or the reverse (for the
    same region: a cross-region endpoint, with `service_region`, pairs only with one for its own
    region). Only VPCs declared in the scanned configuration are judged.

    ## Why is this bad?
    A pull needs both: `ecr.api` for authentication and the registry API, `ecr.dkr` for the Docker
    registry protocol. With one of them, pulls from private subnets fail (or go out through a NAT
    for the missing half, which the endpoint was meant to avoid).

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "ecr_dkr" { ... service_name = "com.amazonaws.us-east-1.ecr.dkr" ... }
    # no ecr.api endpoint
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "ecr" {
      for_each            = toset(["ecr.api", "ecr.dkr"])
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.${each.key}"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = aws_subnet.private[*].id
      security_group_ids  = [aws_security_group.endpoints.id]
      private_dns_enabled = true
    }
    ```

    ## References
    - [Amazon ECR interface VPC endpoints](https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html)
    """
    for vpc in network.vpcs.values():
        api, dkr = vpc.endpoints_for("ecr.api"), vpc.endpoints_for("ecr.dkr")
        if bool(api) == bool(dkr):
            continue
        present, missing = ("ecr.api", "ecr.dkr") if api else ("ecr.dkr", "ecr.api")
        if not vpc.lacks(missing, region=(api or dkr)[0].region):
            continue
        yield violation(
            (api or dkr)[0].resource,
            f"VPC {vpc.address} has an {present} endpoint but no {missing} endpoint: image pulls need both. "
            f"Add an Interface endpoint for {missing}.",
            vpc=vpc.address,
        )
