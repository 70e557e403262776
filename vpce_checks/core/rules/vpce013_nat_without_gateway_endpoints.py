"""VPCE013: S3 (and DynamoDB, where it is used) traffic paying for a NAT or Transit Gateway path."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.prices import HOURS_PER_MONTH
from vpce_checks.core.registry import Violation, rule, violation
from vpce_checks.core.routing import costs, where
from vpce_checks.core.services import display_name


@rule(
    id="VPCE013",
    slug="nat-without-gateway-endpoints",
    severity=Severity.WARNING,
    category="cost",
    title="S3 or DynamoDB traffic pays a NAT or Transit Gateway path that a free Gateway endpoint would avoid",
    resource_types=("aws_vpc",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags a VPC whose workload route tables send `0.0.0.0/0` over a path that costs money, and
    that has no S3 Gateway endpoint, or no DynamoDB Gateway endpoint while the configuration shows
    DynamoDB in use (an `aws_dynamodb_table`, a DynamoDB Interface endpoint, an IAM policy naming
    `dynamodb:` actions). A DynamoDB Interface endpoint does not count as the Gateway endpoint: it
    is billed by the hour. With no sign of DynamoDB use, the missing DynamoDB Gateway endpoint is
    VPCE015's (info) instead.

    The paid paths, and what the message says they cost:

    - a **NAT gateway** (`nat_gateway_id`, or `gateway_id` naming an `aws_nat_gateway`): its
      per-GB data processing, at the list price of the VPC's region;
    - a **NAT instance** (`instance_id` or `network_interface_id` of an instance or interface with
      `source_dest_check = false`): no per-GB charge, but the traffic takes the instance's
      bandwidth, and crosses AZs from subnets in other AZs;
    - a **Transit Gateway** (`transit_gateway_id`, the usual route to a central egress VPC): its
      data processing per GB, and the NAT processing of the egress VPC behind it.

    Route tables that serve only Transit Gateway attachment subnets or Network Firewall subnets
    (a central egress or inspection VPC) carry other VPCs' traffic, which a Gateway endpoint in this
    VPC cannot serve: they are left out. Routes are read from inline `route` blocks and `aws_route`
    resources, on `aws_route_table`, `aws_default_route_table` and the VPC's default route table
    (`aws_vpc.x.default_route_table_id`), each counted once. An IPv6 `::/0` route to an egress-only
    internet gateway is not a NAT. Only VPCs declared in the scanned configuration are judged.

    ## Why is this bad?
    Traffic from those subnets to S3 and DynamoDB goes through the NAT gateway, the NAT instance or
    the Transit Gateway, and pays for it, for nothing: Gateway endpoints for these services are free,
    their routes are more specific than `0.0.0.0/0`, and they keep the traffic on the AWS network.

    ## Example
    ```hcl
    resource "aws_route_table" "private" {
      vpc_id = aws_vpc.main.id
      route {
        cidr_block     = "0.0.0.0/0"
        nat_gateway_id = aws_nat_gateway.main.id
      }
    }
    # no S3 Gateway endpoint
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
    - [Gateway endpoints for Amazon S3](https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html)
    - [Gateway endpoints for Amazon DynamoDB: no additional charge; not usable through a transit gateway](https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html)
    - [NAT gateway pricing](https://aws.amazon.com/vpc/pricing/)
    - [aws_route: `gateway_id` accepts a NAT gateway ID](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/route)
    - [NAT instances: source/destination check disabled](https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html)
    - [Centralized egress: Transit Gateway data processing on top of the NAT gateway](https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-egress-to-internet.html)
    - [Transit Gateway pricing](https://aws.amazon.com/transit-gateway/pricing/)
    """
    evidence = network.dynamodb_use
    for vpc in network.vpcs.values():
        tables = vpc.egress_route_tables
        if not tables:
            continue
        missing = [service for service in ("s3", "dynamodb") if vpc.lacks(service, "Gateway")]
        if evidence is None and "dynamodb" in missing:
            missing.remove("dynamodb")  # no cost is proven: VPCE015 recommends it
        if not missing:
            continue
        prices = network.prices(vpc)
        services = " and ".join(display_name(service) for service in missing)
        extra = ""
        if "dynamodb" in missing:
            extra = f" (the configuration uses DynamoDB: {evidence})"
            if vpc.has_endpoint("dynamodb", "Interface"):
                monthly = round(prices.interface_hour * HOURS_PER_MONTH, 2)
                extra += (
                    f"; the DynamoDB Interface endpoint costs about ${monthly}/month per AZ plus "
                    f"${prices.interface_gb}/GB"
                )
        yield violation(
            vpc.resource,
            f"VPC {vpc.address} sends 0.0.0.0/0 to {where(tables)} and has no {services} Gateway endpoint"
            f"{extra}: {costs(tables, f'{services} traffic from those subnets', prices)}, while a Gateway "
            f"endpoint is free. Add a Gateway endpoint for {services} on these route tables.",
            vpc=vpc.address,
        )
