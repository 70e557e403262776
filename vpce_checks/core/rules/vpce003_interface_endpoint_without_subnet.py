"""VPCE003: an Interface endpoint with no subnet."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation


@rule(
    id="VPCE003",
    slug="interface-endpoint-without-subnet",
    severity=Severity.ERROR,
    category="reliability",
    title="Interface endpoint has no subnet",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags an Interface endpoint with no subnet, neither in `subnet_ids` nor through an
    `aws_vpc_endpoint_subnet_association`.

    ## Why is this bad?
    An Interface endpoint is a network interface placed in each of its subnets. With no subnet it
    has no address in the VPC and nothing can reach it.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "sts" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.sts"
      vpc_endpoint_type   = "Interface"
      private_dns_enabled = true
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "sts" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.sts"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
      security_group_ids  = [aws_security_group.endpoints.id]
      private_dns_enabled = true
    }
    ```

    ## References
    - [Interface endpoints](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)
    """
    for endpoint in network.endpoints:
        if endpoint.resource.certain and endpoint.is_interface and endpoint.subnets.certainly_empty:
            yield violation(
                endpoint.resource,
                f"{endpoint.description} has no subnet, so it has no network interface "
                "and nothing can reach it. Add subnet_ids (one private subnet per AZ).",
            )
