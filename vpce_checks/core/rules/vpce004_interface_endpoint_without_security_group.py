"""VPCE004: an Interface endpoint left with the VPC's default security group."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation


@rule(
    id="VPCE004",
    slug="interface-endpoint-without-security-group",
    severity=Severity.WARNING,
    category="security",
    title="Interface endpoint has no security group (the VPC default group is attached)",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags an Interface endpoint with no security group, neither in `security_group_ids` nor through
    an `aws_vpc_endpoint_security_group_association`.

    ## Why is this bad?
    AWS then attaches the VPC's default security group. Its rules are rarely what the endpoint
    needs: often it lets nothing in (HTTPS from the workloads is refused and calls time out), and
    where it was opened up it admits more than port 443 from the VPC.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "ssm" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.ssm"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = aws_subnet.private[*].id
      private_dns_enabled = true
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_security_group" "endpoints" {
      vpc_id = aws_vpc.main.id
      ingress {
        from_port   = 443
        to_port     = 443
        protocol    = "tcp"
        cidr_blocks = [aws_vpc.main.cidr_block]
      }
    }

    resource "aws_vpc_endpoint" "ssm" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.ssm"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = aws_subnet.private[*].id
      security_group_ids  = [aws_security_group.endpoints.id]
      private_dns_enabled = true
    }
    ```

    ## References
    - [Control access to VPC endpoints using security groups](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)
    """
    for endpoint in network.endpoints:
        if endpoint.resource.certain and endpoint.is_interface and endpoint.security_groups.certainly_empty:
            yield violation(
                endpoint.resource,
                f"Interface endpoint for {endpoint.label} has no security group, so the VPC's default "
                "security group is attached. Add security_group_ids with a group that allows HTTPS "
                "from the workloads.",
            )
