"""VPCE010: Session Manager endpoints without the whole set."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation

SESSION_MANAGER = ("ssm", "ssmmessages", "ec2messages")


@rule(
    id="VPCE010",
    slug="session-manager-endpoints-incomplete",
    severity=Severity.ERROR,
    category="reliability",
    title="Session Manager endpoints incomplete (ssm, ssmmessages, ec2messages)",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags a VPC with an `ssmmessages` or `ec2messages` endpoint that lacks any of `ssm`,
    `ssmmessages` and `ec2messages`. An `ssm` endpoint alone is not flagged: it serves Parameter
    Store. Only VPCs declared in the scanned configuration are judged.

    ## Why is this bad?
    The SSM agent needs all three to register and to open sessions from a private subnet. With one
    missing, instances show as not managed and Session Manager cannot connect, unless the missing
    traffic leaves through a NAT gateway.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "ssm"         { ... service_name = "com.amazonaws.us-east-1.ssm" ... }
    resource "aws_vpc_endpoint" "ssmmessages" { ... service_name = "com.amazonaws.us-east-1.ssmmessages" ... }
    # no ec2messages endpoint
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "ssm" {
      for_each            = toset(["ssm", "ssmmessages", "ec2messages"])
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.${each.key}"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = aws_subnet.private[*].id
      security_group_ids  = [aws_security_group.endpoints.id]
      private_dns_enabled = true
    }
    ```

    ## References
    - [Use VPC endpoints for Systems Manager](https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html)
    """
    for vpc in network.vpcs.values():
        if not vpc.absences_known:
            continue
        present = [service for service in SESSION_MANAGER if vpc.endpoints_for(service)]
        if not set(present) & {"ssmmessages", "ec2messages"} or len(present) == len(SESSION_MANAGER):
            continue
        missing = [service for service in SESSION_MANAGER if service not in present]
        anchor = next(service for service in ("ssmmessages", "ec2messages", "ssm") if service in present)
        yield violation(
            vpc.endpoints_for(anchor)[0].resource,
            f"VPC {vpc.address} has Session Manager endpoints ({', '.join(present)}) but not "
            f"{' and '.join(missing)}: the SSM agent needs ssm, ssmmessages and ec2messages to connect. "
            f"Add Interface endpoints for {' and '.join(missing)}.",
            vpc=vpc.address,
        )
