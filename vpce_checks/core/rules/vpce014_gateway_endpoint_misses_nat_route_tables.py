"""VPCE014: a Gateway endpoint that leaves out route tables which use a NAT."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Endpoint, Network
from vpce_checks.core.registry import Violation, rule, violation
from vpce_checks.core.routing import costs, where
from vpce_checks.core.services import display_name


@rule(
    id="VPCE014",
    slug="gateway-endpoint-misses-nat-route-tables",
    severity=Severity.WARNING,
    category="cost",
    title="Gateway endpoint leaves out route tables that send traffic to a NAT or Transit Gateway",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags a Gateway endpoint that is attached to some route tables of its VPC but not to every
    workload route table that sends `0.0.0.0/0` over a paid path: a NAT gateway (also when named
    through `gateway_id`), a NAT instance or a Transit Gateway, as VPCE013 reads them. A route
    table is one table however it is named (`aws_route_table.x.id`,
    `aws_vpc.x.default_route_table_id`, the `aws_default_route_table` that adopts it), and tables
    that serve only Transit Gateway attachment or firewall subnets of a central egress or
    inspection VPC are left out. Only VPCs declared in the scanned configuration are judged, and
    only when every attached route table is known.

    ## Why is this bad?
    Subnets behind the left-out route tables still reach S3 or DynamoDB through the NAT gateway (its
    per-GB charge), the NAT instance (its bandwidth) or the Transit Gateway (its data processing and
    the egress VPC's NAT); a common slip when a route table per AZ is added later.

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
    - [Gateway endpoints for Amazon S3: not usable through a transit gateway](https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html)
    - [Centralized egress: Transit Gateway data processing on top of the NAT gateway](https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-egress-to-internet.html)
    """
    for vpc in network.vpcs.values():
        if not (vpc.judged and vpc.egress_route_tables):
            continue
        for endpoint in vpc.endpoints:
            attached = endpoint.route_tables
            service = endpoint.service.name
            if not (endpoint.resource.certain and endpoint.is_gateway and attached.complete and attached.items):
                continue
            if service is None or endpoint.impossible_gateway:
                continue
            # Some write one Gateway endpoint per AZ route table: together they may cover every table.
            siblings = [other for other in vpc.candidates if other.could_serve(service, "Gateway")]
            if siblings[0] is not endpoint or not all(_attachments_known(network, other) for other in siblings):
                continue
            covered = {network.routing.table_key(item) for other in siblings for item in other.route_tables.items}
            left_out = [table for table in vpc.egress_route_tables if table.key not in covered]
            if left_out:
                name = display_name(service)
                prices = network.prices(vpc)
                yield violation(
                    endpoint.resource,
                    f"{endpoint.description} is not attached to the route tables that send 0.0.0.0/0 to "
                    f"{where(left_out)}: "
                    f"{costs(left_out, f'{name} traffic from those subnets', prices)}. Attach them too "
                    "(route_table_ids or an aws_vpc_endpoint_route_table_association).",
                    attribute="route_table_ids",
                    vpc=vpc.address,
                )


def _attachments_known(network: Network, endpoint: Endpoint) -> bool:
    """True when the endpoint certainly exists and every route table it is attached to is known."""
    attached = endpoint.route_tables
    return (
        endpoint.resource.certain
        and attached.complete
        and all(network.routing.table_key(item) is not None for item in attached.items)
    )
