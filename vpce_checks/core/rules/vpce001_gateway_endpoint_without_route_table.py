"""VPCE001: a Gateway endpoint that no route table uses."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation


@rule(
    id="VPCE001",
    slug="gateway-endpoint-without-route-table",
    severity=Severity.ERROR,
    category="reliability",
    title="Gateway endpoint has no route table",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags a Gateway endpoint (including one whose `vpc_endpoint_type` is omitted, the provider
    default) that has no route table attached, neither in `route_table_ids` nor through an
    `aws_vpc_endpoint_route_table_association`. A Gateway endpoint for a service that has no
    Gateway endpoints is left to VPCE002.

    ## Why is this bad?
    A Gateway endpoint works only through the prefix-list route it adds to route tables. With none,
    no traffic reaches it: S3 or DynamoDB traffic keeps going through a NAT gateway (and pays for
    it) or fails.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "s3" {
      vpc_id            = aws_vpc.main.id
      service_name      = "com.amazonaws.us-east-1.s3"
      vpc_endpoint_type = "Gateway"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "s3" {
      vpc_id            = aws_vpc.main.id
      service_name      = "com.amazonaws.us-east-1.s3"
      vpc_endpoint_type = "Gateway"
      route_table_ids   = [aws_route_table.private.id]
    }
    ```

    ## References
    - [Gateway endpoints](https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)
    - [aws_vpc_endpoint](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint)
    """
    for endpoint in network.endpoints:
        if (
            endpoint.resource.certain
            and endpoint.is_gateway
            and not endpoint.impossible_gateway
            and endpoint.route_tables.certainly_empty
        ):
            yield violation(
                endpoint.resource,
                f"{endpoint.description} has no route table: no traffic is routed to it. "
                "Add route_table_ids or an aws_vpc_endpoint_route_table_association.",
            )
