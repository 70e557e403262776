"""VPCE011: two Interface endpoints for one service with private DNS in one VPC."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Endpoint, Network
from vpce_checks.core.registry import Violation, rule, violation


@rule(
    id="VPCE011",
    slug="duplicate-private-dns-endpoint",
    severity=Severity.ERROR,
    category="correctness",
    title="Two Interface endpoints for the same service with private DNS in one VPC",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags the second and later Interface endpoints, in declaration order, for the same service in
    the same region and the same VPC when private DNS is enabled on each. Two endpoints whose
    `vpc_id` comes from the same unknown input (say `var.vpc_id`) are in the same VPC. Endpoints
    for one service in different regions are not duplicates: a cross-region endpoint (with
    `service_region`, or a service name of another region) reaches the service in its own region,
    under that region's DNS name.

    ## Why is this bad?
    Private DNS creates a private hosted zone for the service's name, and a VPC can hold only one:
    AWS refuses to create the second endpoint and the apply fails halfway.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "sts" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.sts"
      vpc_endpoint_type   = "Interface"
      private_dns_enabled = true
      # ...
    }

    resource "aws_vpc_endpoint" "sts_again" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.sts"
      vpc_endpoint_type   = "Interface"
      private_dns_enabled = true
      # ...
    }
    ```

    ## Use instead
    Keep one endpoint per service, region and VPC, with subnets in every AZ that needs it. An
    endpoint for the service in another region is fine:

    ```hcl
    resource "aws_vpc_endpoint" "sts_us_west_2" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-west-2.sts"
      service_region      = "us-west-2"
      vpc_endpoint_type   = "Interface"
      private_dns_enabled = true
      # ...
    }
    ```

    ## References
    - [Private DNS for interface endpoints](https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns)
    - [Cross-region enabled AWS services: create an interface endpoint to a service in another Region](https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html)
    - [aws_vpc_endpoint: `service_region`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint)
    """
    groups: dict[tuple[str, str, str], list[Endpoint]] = {}
    for endpoint in network.endpoints:
        if (
            endpoint.resource.certain
            and endpoint.is_interface
            and endpoint.private_dns is True
            and endpoint.vpc is not None
            and endpoint.service.is_aws
            and endpoint.service.name is not None
            and endpoint.region_key is not None
        ):
            key = (endpoint.vpc, endpoint.service.name, endpoint.region_key)
            groups.setdefault(key, []).append(endpoint)
    for (vpc, service, _), endpoints in groups.items():
        first = endpoints[0]
        region = f" ({first.region})" if first.region else ""
        for duplicate in endpoints[1:]:
            yield violation(
                duplicate.resource,
                f"{first.address} already has private DNS for {service}{region} in this VPC; only one Interface "
                "endpoint per service, region and VPC can, so creating this one fails. Remove one of them.",
                attribute="private_dns_enabled",
                vpc=None if vpc.startswith("unknown:") else vpc,
            )
