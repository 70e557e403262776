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
    title="Interface endpoint keeps the VPC's default security group",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags an Interface endpoint that ends up with the VPC's default security group:

    - it has no security group at all, neither in `security_group_ids` nor through an
      `aws_vpc_endpoint_security_group_association`; or
    - it has no `security_group_ids` and gets its groups from
      `aws_vpc_endpoint_security_group_association` resources, none of which sets
      `replace_default_association = true`: AWS attached the default group when it created the
      endpoint, and associating more groups leaves it there.

    ## Why is this bad?
    The VPC's default security group is rarely what the endpoint needs: often it lets nothing in
    (HTTPS from the workloads is refused and calls time out), and where it was opened up it admits
    more than port 443 from the VPC (by default, everything from every member of the group).

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "ssm" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.ssm"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = aws_subnet.private[*].id
      private_dns_enabled = true
    }

    resource "aws_vpc_endpoint_security_group_association" "ssm" {
      vpc_endpoint_id   = aws_vpc_endpoint.ssm.id
      security_group_id = aws_security_group.endpoints.id
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint_security_group_association" "ssm" {
      vpc_endpoint_id             = aws_vpc_endpoint.ssm.id
      security_group_id           = aws_security_group.endpoints.id
      replace_default_association = true
    }
    ```

    Or give the endpoint `security_group_ids` with a group that admits HTTPS from the workloads.

    ## References
    - [Access an AWS service using an interface VPC endpoint: the default security group is associated by default](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)
    - [aws_vpc_endpoint: `security_group_ids`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint)
    - [aws_vpc_endpoint_security_group_association: `replace_default_association`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_security_group_association)
    - [aws_default_security_group: the rules AWS gives a default group (all traffic from its members)](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group)
    """
    for endpoint in network.endpoints:
        if not (endpoint.resource.certain and endpoint.is_interface):
            continue
        if endpoint.security_groups.certainly_empty:
            yield violation(
                endpoint.resource,
                f"{endpoint.description} has no security group, so the VPC's default security group is "
                "attached. Add security_group_ids with a group that allows HTTPS from the workloads.",
            )
        elif (
            endpoint.security_groups.complete
            and endpoint.security_groups.associations
            and network.keeps_default_group(endpoint)
        ):
            names = ", ".join(association.address for association in endpoint.security_groups.associations)
            yield violation(
                endpoint.resource,
                f"{endpoint.description} gets its security groups from {names}, but none sets "
                "replace_default_association = true, so the VPC's default security group stays attached as "
                "well. Set replace_default_association = true on one of them.",
            )
