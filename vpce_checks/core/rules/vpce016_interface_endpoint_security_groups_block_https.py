"""VPCE016: an Interface endpoint whose security groups let no HTTPS in."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation
from vpce_checks.core.services import reached_over_https


@rule(
    id="VPCE016",
    slug="interface-endpoint-security-groups-block-https",
    severity=Severity.ERROR,
    category="reliability",
    title="Interface endpoint's security groups admit no HTTPS (TCP 443): nothing can reach it",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags an Interface endpoint for an AWS service whose security groups admit no TCP 443 from any
    source. A group's inbound rules are its inline `ingress` blocks and the
    `aws_security_group_rule` (`type = "ingress"`) and `aws_vpc_security_group_ingress_rule`
    resources that name it; a rule for all protocols (`-1`) or a TCP port range that holds 443
    admits HTTPS. With no `security_group_ids` (and no association with
    `replace_default_association = true`), the VPC's default security group is attached and
    judged too, when the configuration adopts it with `aws_default_security_group` (which removes
    every rule it does not write).

    The rule stays silent when any group's rules cannot be known: a group that is not in the
    configuration (a literal `sg-` ID, a data source, a module output), a rule whose group or ports
    come from outside, a group handed to a module that is not read. Services reached on other ports
    than 443 (SES SMTP and the other data-plane protocols listed in `vpce_checks/core/services.json`)
    and endpoint services of other accounts are not judged.

    ## Why is this bad?
    AWS SDKs, the CLI and the agents (ECS, SSM) call AWS services over HTTPS. The endpoint's network
    interfaces drop every connection their security groups do not admit, so with private DNS on,
    every call to the service from the VPC times out; the usual symptom is an ECS task or an SSM
    agent that hangs at start-up.

    ## Example
    ```hcl
    resource "aws_security_group" "endpoints" {
      name   = "vpc-endpoints"
      vpc_id = aws_vpc.main.id
      # no ingress
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

    ## Use instead
    ```hcl
    resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
      security_group_id = aws_security_group.endpoints.id
      cidr_ipv4         = aws_vpc.main.cidr_block
      ip_protocol       = "tcp"
      from_port         = 443
      to_port           = 443
    }
    ```

    ## References
    - [Access an AWS service using an interface VPC endpoint: the security group must allow inbound HTTPS](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)
    - [Amazon ECR interface VPC endpoints: allow port 443 from the private subnets](https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html)
    - [aws_default_security_group removes the rules it does not write](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group)
    - [AWS Config vpc-default-security-group-closed: the hardened default group admits nothing](https://docs.aws.amazon.com/config/latest/developerguide/vpc-default-security-group-closed.html)
    - [aws_vpc_security_group_ingress_rule](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_security_group_ingress_rule)
    - [Amazon SES SMTP endpoints use ports 25, 587, 2587, 465 and 2465](https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html)
    """
    config = network.config
    if config.problems or not config.complete:
        return
    for endpoint in network.endpoints:
        name = endpoint.service.name
        if not (endpoint.resource.certain and endpoint.is_interface and endpoint.service.is_aws and name):
            continue
        if not reached_over_https(name) or endpoint.subnets.certainly_empty:
            continue  # no subnet at all is VPCE003's
        groups = network.endpoint_groups(endpoint)
        if not groups or any(group is None for group in groups):
            continue
        known = [group for group in groups if group is not None]
        if all(network.security.admits_https(group) is False for group in known):
            names = ", ".join(group.name for group in known)
            which, verb = ("security group", "admits") if len(known) == 1 else ("security groups", "admit")
            yield violation(
                endpoint.resource,
                f"{endpoint.description}: its {which} ({names}) {verb} no TCP 443 from any source, so every "
                "HTTPS call to the service through this endpoint times out. Add an ingress rule for TCP 443 "
                "from the workloads' subnets or security groups.",
                attribute="security_group_ids",
            )
