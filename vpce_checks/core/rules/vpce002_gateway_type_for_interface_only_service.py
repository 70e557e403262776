"""VPCE002: a Gateway endpoint for a service that has none."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation
from vpce_checks.core.services import gateway_services_text


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
    Flags an endpoint of type Gateway for any service but S3, DynamoDB and S3 Express One Zone
    (`s3express`), the only services with Gateway endpoints (the list is kept, with its sources, in
    `vpce_checks/core/services.json`). An omitted `vpc_endpoint_type` counts: the provider's
    default is Gateway, so an ECR or SSM endpoint written without a type is a Gateway endpoint.

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
    - [Networking for directory buckets: gateway endpoints for S3 Express One Zone](https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-networking.html)
    - [aws_vpc_endpoint: `vpc_endpoint_type` defaults to Gateway](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint)
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
                f"Endpoint for {endpoint.service_phrase} {why}, but only {gateway_services_text()} have Gateway "
                'endpoints: the apply fails. Set vpc_endpoint_type = "Interface".',
                attribute="vpc_endpoint_type" if written else "service_name",
            )
