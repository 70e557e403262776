"""VPCE007: attachments that belong to the other endpoint type."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation


@rule(
    id="VPCE007",
    slug="endpoint-attachment-of-other-type",
    severity=Severity.WARNING,
    category="correctness",
    title="Route tables on an Interface endpoint, or subnets/security groups on a Gateway endpoint",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags route tables attached to an Interface endpoint, and subnets or security groups attached to
    a Gateway endpoint (a Gateway endpoint by the provider default counts), whether written inline or
    through the association resources. A Gateway endpoint for a service that has no Gateway
    endpoints is left to VPCE002.

    ## Why is this bad?
    These attachments do not apply to that type of endpoint: AWS rejects them or ignores them. The
    configuration usually shows a confusion about the type, so the endpoint does not work the way
    its author expected (for example, an S3 endpoint meant to be a Gateway that is an Interface).

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "dynamodb" {
      vpc_id            = aws_vpc.main.id
      service_name      = "com.amazonaws.us-east-1.dynamodb"
      subnet_ids        = aws_subnet.private[*].id
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "dynamodb" {
      vpc_id            = aws_vpc.main.id
      service_name      = "com.amazonaws.us-east-1.dynamodb"
      vpc_endpoint_type = "Gateway"
      route_table_ids   = [aws_route_table.private.id]
    }
    ```

    ## References
    - [aws_vpc_endpoint arguments](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint#argument-reference)
    """
    for endpoint in network.endpoints:
        if not endpoint.resource.certain:
            continue
        if endpoint.is_interface and endpoint.route_tables.certainly_present:
            yield violation(
                endpoint.resource,
                f"{endpoint.description} has route tables attached; route tables apply "
                "only to Gateway endpoints. Remove them or change the endpoint type.",
                attribute="route_table_ids",
            )
        if endpoint.is_gateway and not endpoint.impossible_gateway:
            wrong = [
                name
                for name, attachment in (("subnets", endpoint.subnets), ("security groups", endpoint.security_groups))
                if attachment.certainly_present
            ]
            if wrong:
                written = endpoint.resource.has("vpc_endpoint_type")
                how = "" if written else " (its type is omitted: the provider default)"
                yield violation(
                    endpoint.resource,
                    f"{endpoint.description}{how} has {' and '.join(wrong)} attached; they apply "
                    'only to Interface endpoints. Use route_table_ids, or set vpc_endpoint_type = "Interface".',
                    attribute="subnet_ids" if endpoint.subnets.certainly_present else "security_group_ids",
                )
