"""VPCE013: S3 and DynamoDB traffic paying for a NAT gateway."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.prices import HOURS_PER_MONTH, price_note
from vpce_checks.core.registry import Violation, rule, violation

NAMES = {"s3": "S3", "dynamodb": "DynamoDB"}


@rule(
    id="VPCE013",
    slug="nat-without-gateway-endpoints",
    severity=Severity.WARNING,
    category="cost",
    title="NAT gateway carries S3 or DynamoDB traffic that a free Gateway endpoint would take",
    resource_types=("aws_vpc",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags a VPC whose route tables send `0.0.0.0/0` to a NAT gateway (inline `route` blocks or
    `aws_route` resources) and that has no S3 Gateway endpoint, or no DynamoDB Gateway endpoint
    (a DynamoDB Interface endpoint does not count: it is billed by the hour). The message gives the
    NAT's per-GB price, and what an Interface endpoint would cost instead. Only VPCs declared in the
    scanned configuration are judged.

    ## Why is this bad?
    Traffic from private subnets to S3 and DynamoDB then goes through the NAT gateway and pays its
    per-GB processing charge, for nothing: Gateway endpoints for these two services are free and
    keep the traffic on the AWS network.

    ## Example
    ```hcl
    resource "aws_route_table" "private" {
      vpc_id = aws_vpc.main.id
      route {
        cidr_block     = "0.0.0.0/0"
        nat_gateway_id = aws_nat_gateway.main.id
      }
    }
    # no S3 or DynamoDB Gateway endpoint
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "gateway" {
      for_each          = toset(["s3", "dynamodb"])
      vpc_id            = aws_vpc.main.id
      service_name      = "com.amazonaws.us-east-1.${each.key}"
      vpc_endpoint_type = "Gateway"
      route_table_ids   = [aws_route_table.private.id]
    }
    ```

    ## References
    - [Gateway endpoints](https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)
    - [NAT gateway pricing](https://aws.amazon.com/vpc/pricing/)
    """
    for vpc in network.vpcs.values():
        if not vpc.nat_route_tables:
            continue
        missing = [service for service in NAMES if vpc.lacks(service, "Gateway")]
        if not missing:
            continue
        prices = network.prices(vpc)
        tables = ", ".join(table.address for table in vpc.nat_route_tables)
        services = " and ".join(NAMES[service] for service in missing)
        extra = ""
        if "dynamodb" in missing and vpc.has_endpoint("dynamodb", "Interface"):
            monthly = round(prices.interface_hour * HOURS_PER_MONTH, 2)
            extra = (
                f" The DynamoDB Interface endpoint costs about ${monthly}/month per AZ plus ${prices.interface_gb}/GB."
            )
        yield violation(
            vpc.resource,
            f"VPC {vpc.address} sends 0.0.0.0/0 to a NAT gateway ({tables}) and has no {services} Gateway "
            f"endpoint: {services} traffic from those subnets pays the NAT's ${prices.nat_gb}/GB "
            f"({price_note(prices)}), while a Gateway endpoint is free.{extra} "
            f"Add a Gateway endpoint for {services} on these route tables.",
            vpc=vpc.address,
        )
