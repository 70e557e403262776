"""VPCE015: no DynamoDB Gateway endpoint in a VPC with a paid egress path, with no DynamoDB use seen."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation
from vpce_checks.core.routing import egress_of, the, where


@rule(
    id="VPCE015",
    slug="nat-without-dynamodb-gateway-endpoint",
    severity=Severity.INFO,
    category="cost",
    title="No DynamoDB Gateway endpoint in a VPC with a NAT or Transit Gateway route (free, so recommended)",
    resource_types=("aws_vpc",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags a VPC whose workload route tables send `0.0.0.0/0` to a NAT gateway, a NAT instance or a
    Transit Gateway (as VPCE013 reads them) and that has no DynamoDB Gateway endpoint, when nothing
    in the configuration shows DynamoDB in use (no `aws_dynamodb_table`, no DynamoDB Interface
    endpoint, no IAM policy naming `dynamodb:` actions). Where DynamoDB use is shown, VPCE013
    says it, as a warning.

    ## Why is this bad?
    It may not be: no DynamoDB traffic, and so no cost, is proven. But a DynamoDB Gateway endpoint
    is free, and any DynamoDB call from those subnets (from a service whose tables and IAM policies
    live in another configuration, say) otherwise pays the NAT gateway's per-GB processing or the
    Transit Gateway's. Adding one costs nothing.

    ## Example
    ```hcl
    resource "aws_route_table" "private" {
      vpc_id = aws_vpc.main.id
      route {
        cidr_block     = "0.0.0.0/0"
        nat_gateway_id = aws_nat_gateway.main.id
      }
    }
    # an S3 Gateway endpoint, but none for DynamoDB
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "dynamodb" {
      vpc_id            = aws_vpc.main.id
      service_name      = "com.amazonaws.us-east-1.dynamodb"
      vpc_endpoint_type = "Gateway"
      route_table_ids   = [aws_route_table.private.id]
    }
    ```

    ## References
    - [Gateway endpoints for Amazon DynamoDB: no additional charge](https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html)
    - [NAT gateway pricing](https://aws.amazon.com/vpc/pricing/)
    - [Transit Gateway pricing](https://aws.amazon.com/transit-gateway/pricing/)
    """
    if network.dynamodb_use is not None:
        return
    for vpc in network.vpcs.values():
        tables = vpc.egress_route_tables
        if not tables or not vpc.lacks("dynamodb", "Gateway"):
            continue
        through = " or ".join(the(kind) for kind in egress_of(tables))
        yield violation(
            vpc.resource,
            f"VPC {vpc.address} sends 0.0.0.0/0 to {where(tables)} and has no DynamoDB Gateway endpoint. "
            "Nothing in this configuration shows DynamoDB in use, so no cost is proven, but the Gateway "
            f"endpoint is free and would keep any DynamoDB traffic off {through}. Consider adding one.",
            vpc=vpc.address,
        )
