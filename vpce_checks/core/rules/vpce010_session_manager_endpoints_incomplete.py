"""VPCE010: Session Manager endpoints without the whole set."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation
from vpce_checks.core.routing import Egress, egress_of, the

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
    Store. Only VPCs declared in the scanned configuration are judged, and only an endpoint that
    certainly cannot be there counts as missing.

    ## Why is this bad?
    The SSM agent needs all three to register and to open sessions from a private subnet (SSM
    Agent 3.3.40.0 and later can use `ssmmessages` where `ec2messages` is missing; older agents
    cannot). With one missing, instances show as not managed and Session Manager cannot connect,
    or, with a NAT gateway, that traffic leaves through the NAT and pays its per-GB charge.

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
        present = [service for service in SESSION_MANAGER if vpc.endpoints_for(service)]
        missing = [service for service in SESSION_MANAGER if vpc.lacks(service)]
        if not (set(present) & {"ssmmessages", "ec2messages"} and missing):
            continue
        anchor = next(service for service in ("ssmmessages", "ec2messages", "ssm") if service in present)
        names = " and ".join(missing)
        kinds = list(egress_of(vpc.egress_route_tables))
        if kinds:
            through = " or ".join(the(kind) for kind in kinds)
            paid = "" if kinds == [Egress.NAT_INSTANCE] else ", and pays per GB for it"
            effect = f"the agent reaches {names} through {through} instead{paid}"
        else:
            effect = "instances cannot register or open sessions unless another route exists"
        if missing == ["ec2messages"]:
            effect += " (SSM Agent 3.3.40.0 and later can do without ec2messages; older agents cannot)"
        yield violation(
            vpc.endpoints_for(anchor)[0].resource,
            f"VPC {vpc.address} has Session Manager endpoints ({', '.join(present)}) but not {names}: "
            f"{effect}. Add Interface endpoints for {names}.",
            vpc=vpc.address,
        )
