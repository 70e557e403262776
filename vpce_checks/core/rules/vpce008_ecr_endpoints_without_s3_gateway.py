"""VPCE008: ECR endpoints whose clients have no S3 path for the image layers."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Endpoint, Network, Vpc
from vpce_checks.core.registry import Violation, rule, violation
from vpce_checks.core.routing import Egress, RouteTable, costs

ECR = ("ecr.dkr", "ecr.api")


@rule(
    id="VPCE008",
    slug="ecr-endpoints-without-s3-gateway",
    severity=Severity.ERROR,
    category="reliability",
    title="ECR endpoints without an S3 Gateway endpoint on their subnets' route tables",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags a VPC that has `ecr.api` or `ecr.dkr` endpoints where image pulls have no S3 path:

    - the VPC has no S3 Gateway endpoint at all; or
    - its S3 Gateway endpoints are not attached to the route tables that matter: the route tables
      of the subnets the ECR endpoints sit in (a subnet's `aws_route_table_association`, else the
      VPC's main route table: the one an `aws_main_route_table_association` names, else the
      default route table, `aws_vpc.x.default_route_table_id`), leaving out public route tables
      (those whose `0.0.0.0/0` route goes to an internet gateway). An S3 Gateway endpoint on the
      public route table alone does not serve image pulls in private subnets. A left-out table
      with no default route at all is reported here (pulls fail); one that sends `0.0.0.0/0` to a
      NAT gateway, a NAT instance or a Transit Gateway still pulls, at a cost VPCE014 reports.

    An S3 Interface endpoint with private DNS and subnets is accepted as the S3 path, unless its
    private DNS answers inbound Resolver endpoints only
    (`dns_options { private_dns_only_for_inbound_resolver_endpoint = true }`): then, inside the
    VPC, S3's name resolves to the Gateway endpoint, and the Interface endpoint serves only
    on-premises clients. The finding is reported on the `ecr.dkr` endpoint (or `ecr.api` when it
    is alone). Only VPCs declared in the scanned configuration are judged, and the rule stays
    silent when a route table, a subnet's association or an attachment cannot be known, and when
    the S3 Gateway endpoint is attached to some other private route table (the workloads may sit
    behind that one, with the ECR endpoints in subnets of their own).

    ## Why is this bad?
    ECR keeps image layers in S3: `docker pull`, ECS, Fargate and EKS fetch the manifest through
    ECR's endpoints and the layers from S3, over the route table of the subnet they run in. With
    no route to S3 there, every image pull fails. With a NAT gateway, every layer pays its per-GB
    charge (through a Transit Gateway: its data processing and the central egress VPC's NAT),
    which the free S3 Gateway endpoint avoids.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "ecr_api" { ... service_name = "com.amazonaws.us-east-1.ecr.api" ... }
    resource "aws_vpc_endpoint" "ecr_dkr" { ... service_name = "com.amazonaws.us-east-1.ecr.dkr" ... }

    resource "aws_vpc_endpoint" "s3" {
      vpc_id            = aws_vpc.main.id
      service_name      = "com.amazonaws.us-east-1.s3"
      vpc_endpoint_type = "Gateway"
      route_table_ids   = [aws_route_table.public.id] # the ECR endpoints' subnets use aws_route_table.private
    }
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
    - [Amazon ECR interface VPC endpoints: create the Amazon S3 gateway endpoint](https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html)
    - [Gateway endpoints: routing](https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)
    - [Route tables: the main route table serves subnets without an explicit association](https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html)
    - [DNS options: private DNS only for inbound Resolver endpoints](https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html)
    - [Access an AWS service using an interface VPC endpoint: inbound-only private DNS needs the S3 Gateway endpoint](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)
    - [aws_default_route_table](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_route_table)
    - [aws_main_route_table_association](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/main_route_table_association)
    """
    for vpc in network.vpcs.values():
        ecr = vpc.endpoints_for("ecr.dkr") or vpc.endpoints_for("ecr.api")
        if not (ecr and vpc.judged):
            continue
        region = ecr[0].region
        if any(_interface_s3_path(endpoint, region) for endpoint in vpc.candidates):
            continue
        gateways = [endpoint for endpoint in vpc.candidates if endpoint.could_serve("s3", "Gateway", region)]
        if not gateways:
            yield violation(ecr[0].resource, _without_gateway(network, vpc), vpc=vpc.address)
            continue
        missing = _missing_tables(network, vpc, gateways, region)
        if missing:
            yield violation(ecr[0].resource, _without_tables(vpc, gateways, missing), vpc=vpc.address)


def _interface_s3_path(endpoint: Endpoint, region: str | None) -> bool:
    """False only for an endpoint that certainly gives the VPC's image pulls no S3 path by DNS."""
    return (
        endpoint.could_serve("s3", "Interface", region)
        and endpoint.private_dns is not False
        and endpoint.inbound_only_dns is not True
        and not endpoint.subnets.certainly_empty
    )


def _missing_tables(network: Network, vpc: Vpc, gateways: list[Endpoint], region: str | None) -> list[RouteTable]:
    """The private route tables of the ECR endpoints' subnets that no S3 Gateway endpoint is on.

    Empty when that cannot be known, or when an S3 Gateway endpoint is on another private table.
    """
    routing = network.routing
    if routing.unplaced:
        return []  # a route whose table cannot be known may give any table a way out
    covered: set[str] = set()
    for gateway in gateways:
        if not (gateway.resource.certain and gateway.vpc == vpc.address and gateway.route_tables.complete):
            return []
        for item in gateway.route_tables.items:
            key = routing.table_key(item)
            if key is None:
                return []
            covered.add(key)
    needed: dict[str, RouteTable] = {}
    for endpoint in vpc.endpoints:
        if not any(endpoint.serves(service, "Interface", region) for service in ECR):
            continue
        if not endpoint.subnets.complete:
            return []
        for item in endpoint.subnets.items:
            table = routing.tables.get(routing.subnet_table(item) or "")
            if table is None or table.egress in (None, Egress.OTHER):
                return []  # unknown, or a default route to a peer, a VPN or an appliance: cannot say
            if table.egress != Egress.INTERNET_GATEWAY:
                needed[table.key] = table
    for key in covered - needed.keys():
        table = routing.tables.get(key)
        if table is None or table.egress != Egress.INTERNET_GATEWAY:
            return []  # on a private table the ECR endpoints do not use: the workloads may be there
    # Where the table's default route costs money, pulls work and VPCE014 says what they cost.
    return [table for key, table in needed.items() if key not in covered and table.egress == Egress.NONE]


def _without_gateway(network: Network, vpc: Vpc) -> str:
    start = f"VPC {vpc.address} has ECR endpoints but no S3 Gateway endpoint, and ECR serves image layers from S3"
    if vpc.egress_route_tables:
        paid = costs(vpc.egress_route_tables, "every image layer", network.prices(vpc))
        return f"{start}: {paid}. Add an S3 Gateway endpoint: it is free."
    if vpc.nat_unknown:
        return f"{start}: image pulls fail unless another route to S3 exists. Add an S3 Gateway endpoint."
    return f"{start}: with no NAT route, every image pull fails. Add an S3 Gateway endpoint."


def _without_tables(vpc: Vpc, gateways: list[Endpoint], missing: list[RouteTable]) -> str:
    names = ", ".join(gateway.address for gateway in gateways)
    tables = ", ".join(table.address for table in missing)
    which = "route table" if len(missing) == 1 else "route tables"
    return (
        f"VPC {vpc.address} has ECR endpoints and an S3 Gateway endpoint ({names}), but it is not attached to "
        f"{tables}, the {which} of the private subnets the ECR endpoints sit in, with no other route to S3: "
        "ECR serves image layers from S3, so every image pull from those subnets fails. "
        f"Attach the S3 Gateway endpoint to {tables} (it is free)."
    )
