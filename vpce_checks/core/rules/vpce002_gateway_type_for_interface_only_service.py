"""VPCE002: a Gateway endpoint for a service that has none."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation


@rule(
    id="VPCE002",
    slug="gateway-endpoint-for-interface-only-service",
    severity=Severity.ERROR,
    category="correctness",
    title="Gateway endpoint for a service that only has Interface endpoints",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags an endpoint of type Gateway for any service but S3 and DynamoDB, the only two services
    with Gateway endpoints. An omitted `vpc_endpoint_type` counts: the provider's default is
    Gateway, so an ECR or SSM endpoint written without a type is a Gateway endpoint.

    ## Why is this bad?
    `terraform apply` fails when AWS refuses to create the endpoint, usually after the rest of the
    network was created, leaving a half-built VPC.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "ecr_api" {
      vpc_id       = aws_vpc.main.id
      service_name = "com.amazonaws.us-east-1.ecr.api"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "ecr_api" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.ecr.api"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = aws_subnet.private[*].id
      security_group_ids  = [aws_security_group.endpoints.id]
      private_dns_enabled = true
    }
    ```

    ## References
    - [Gateway endpoints](https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)
    - [AWS services that integrate with PrivateLink](https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html)
    """
    for endpoint in network.endpoints:
        if endpoint.resource.certain and endpoint.impossible_gateway:
            written = endpoint.resource.has("vpc_endpoint_type")
            why = (
                "is of type Gateway"
                if written
                else "has no vpc_endpoint_type, so the provider makes it a Gateway endpoint"
            )
            yield violation(
                endpoint.resource,
                f"Endpoint for {endpoint.label} {why}, but only S3 and DynamoDB have Gateway endpoints: "
                'the apply fails. Set vpc_endpoint_type = "Interface".',
                attribute="vpc_endpoint_type" if written else "service_name",
            )
