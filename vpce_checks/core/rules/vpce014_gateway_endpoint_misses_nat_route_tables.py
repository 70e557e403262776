"""VPCE014: a Gateway endpoint that leaves out route tables which use a NAT."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Endpoint, Network
from vpce_checks.core.registry import Violation, rule, violation
from vpce_checks.core.values import ResourceRef


@rule(
    id="VPCE014",
    slug="gateway-endpoint-misses-nat-route-tables",
    severity=Severity.WARNING,
    category="cost",
    title="Gateway endpoint leaves out route tables that send traffic to a NAT",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags a Gateway endpoint that is attached to some route tables of its VPC but not to every
    route table that sends `0.0.0.0/0` to a NAT gateway. Only VPCs declared in the scanned
    configuration are judged, and only when every attached route table is known.

    ## Why is this bad?
    Subnets behind the left-out route tables still reach S3 or DynamoDB through the NAT and pay its
    per-GB charge; a common slip when a route table per AZ is added later.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "s3" {
      vpc_id            = aws_vpc.main.id
      service_name      = "com.amazonaws.us-east-1.s3"
      vpc_endpoint_type = "Gateway"
      route_table_ids   = [aws_route_table.private_a.id] # private_b also routes to a NAT
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "s3" {
      vpc_id            = aws_vpc.main.id
      service_name      = "com.amazonaws.us-east-1.s3"
      vpc_endpoint_type = "Gateway"
      route_table_ids   = [aws_route_table.private_a.id, aws_route_table.private_b.id]
    }
    ```

    ## References
    - [Gateway endpoints: routing](https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html#gateway-endpoint-routing)
    """
    for vpc in network.vpcs.values():
        if not (vpc.judged and vpc.nat_route_tables):
            continue
        for endpoint in vpc.endpoints:
            attached = endpoint.route_tables
            if not (endpoint.resource.certain and endpoint.is_gateway and attached.complete and attached.items):
                continue
            # Some write one Gateway endpoint per AZ route table: together they may cover every table.
            siblings = [other for other in vpc.candidates if other.could_serve(endpoint.label, "Gateway")]
            if siblings[0] is not endpoint or not all(_attachments_known(other) for other in siblings):
                continue
            addresses = {
                item.address for other in siblings for item in other.route_tables.items if isinstance(item, ResourceRef)
            }
            left_out = [table.address for table in vpc.nat_route_tables if table.address not in addresses]
            if left_out:
                yield violation(
                    endpoint.resource,
                    f"Gateway endpoint for {endpoint.label} is not attached to {', '.join(left_out)}, which "
                    f"send 0.0.0.0/0 to a NAT: those subnets reach {endpoint.label} through the NAT and pay "
                    "per GB. Attach them too (route_table_ids or an aws_vpc_endpoint_route_table_association).",
                    attribute="route_table_ids",
                    vpc=vpc.address,
                )


def _attachments_known(endpoint: Endpoint) -> bool:
    """True when the endpoint certainly exists and every route table it is attached to is known."""
    attached = endpoint.route_tables
    return (
        endpoint.resource.certain
        and attached.complete
        and all(isinstance(item, ResourceRef) for item in attached.items)
    )
