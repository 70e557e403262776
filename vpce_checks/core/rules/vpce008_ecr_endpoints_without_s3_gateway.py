"""VPCE008: ECR endpoints in a VPC with no S3 path for the image layers."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Endpoint, Network, Vpc
from vpce_checks.core.prices import price_note
from vpce_checks.core.registry import Violation, rule, violation


@rule(
    id="VPCE008",
    slug="ecr-endpoints-without-s3-gateway",
    severity=Severity.ERROR,
    category="reliability",
    title="ECR endpoints without an S3 Gateway endpoint in the same VPC",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags a VPC that has `ecr.api` or `ecr.dkr` endpoints but no S3 Gateway endpoint. An S3
    Interface endpoint with private DNS and subnets is accepted as the S3 path. The finding is
    reported on the `ecr.dkr` endpoint (or `ecr.api` when it is alone). Only VPCs declared in the
    scanned configuration are judged.

    ## Why is this bad?
    ECR keeps image layers in S3: `docker pull`, ECS, Fargate and EKS fetch the manifest through
    ECR's endpoints and the layers from S3. With no NAT route, every image pull fails. With one,
    every layer is fetched through the NAT gateway and pays its per-GB charge, which the free S3
    Gateway endpoint avoids.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "ecr_api" { ... service_name = "com.amazonaws.us-east-1.ecr.api" ... }
    resource "aws_vpc_endpoint" "ecr_dkr" { ... service_name = "com.amazonaws.us-east-1.ecr.dkr" ... }
    # no S3 endpoint in the VPC
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "s3" {
      vpc_id            = aws_vpc.main.id
      service_name      = "com.amazonaws.us-east-1.s3"
      vpc_endpoint_type = "Gateway"
      route_table_ids   = aws_route_table.private[*].id
    }
    ```

    ## References
    - [Amazon ECR interface VPC endpoints: create the S3 gateway endpoint](https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html)
    """
    for vpc in network.vpcs.values():
        ecr = vpc.endpoints_for("ecr.dkr") or vpc.endpoints_for("ecr.api")
        if not (ecr and vpc.judged) or any(_could_be_s3_path(endpoint) for endpoint in vpc.candidates):
            continue
        yield violation(ecr[0].resource, _message(network, vpc), vpc=vpc.address)


def _could_be_s3_path(endpoint: Endpoint) -> bool:
    """False only for an endpoint that certainly gives image pulls no path to S3."""
    if endpoint.could_serve("s3", "Gateway"):
        return True
    return (
        endpoint.could_serve("s3", "Interface")
        and endpoint.private_dns is not False
        and not endpoint.subnets.certainly_empty
    )


def _message(network: Network, vpc: Vpc) -> str:
    start = f"VPC {vpc.address} has ECR endpoints but no S3 Gateway endpoint, and ECR serves image layers from S3"
    if vpc.nat_route_tables:
        prices = network.prices(vpc)
        return (
            f"{start}: every layer goes through the NAT gateway at ${prices.nat_gb}/GB "
            f"({price_note(prices)}). Add an S3 Gateway endpoint: it is free."
        )
    if vpc.nat_unknown:
        return f"{start}: image pulls fail unless another route to S3 exists. Add an S3 Gateway endpoint."
    return f"{start}: with no NAT route, every image pull fails. Add an S3 Gateway endpoint."
