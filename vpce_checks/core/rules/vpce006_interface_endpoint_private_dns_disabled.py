"""VPCE006: an Interface endpoint for an AWS service with private DNS off."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation
from vpce_checks.core.services import GATEWAY_SERVICES, WITHOUT_PRIVATE_DNS


@rule(
    id="VPCE006",
    slug="interface-endpoint-private-dns-disabled",
    severity=Severity.WARNING,
    category="reliability",
    title="Interface endpoint for an AWS service has private DNS disabled",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags an Interface endpoint for an AWS service whose `private_dns_enabled` is false, which is
    the provider default when it is omitted. Endpoint services of other accounts
    (`com.amazonaws.vpce.…`) are not flagged; neither is an S3 or DynamoDB Interface endpoint in a
    VPC that also has a Gateway endpoint for that service (the usual design: the Gateway serves the
    VPC, the Interface endpoint's own DNS names serve on-premises clients), nor a second endpoint
    for a service whose private DNS another endpoint in the VPC already has, nor an endpoint whose
    service name a private Route 53 zone of the configuration answers instead
    (`sqs.eu-west-1.amazonaws.com`, the usual design for endpoints shared with other VPCs), nor an
    endpoint with no subnet at all (VPCE003 says that), nor an endpoint for a service that offers no
    private DNS (DynamoDB and DynamoDB Streams: clients use the endpoint's own DNS names; the list,
    with its sources, is in `vpce_checks/core/services.json`). Private DNS set by an
    `aws_vpc_endpoint_private_dns` resource counts.

    ## Why is this bad?
    Without private DNS, the service's usual name (`ecr.api.us-east-1.amazonaws.com`) still
    resolves to public addresses. SDKs, the ECS agent and the SSM agent keep using the public path
    (through a NAT, or not at all) and the endpoint sits unused while it is billed, unless every
    client is configured with the endpoint's own DNS name.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "ecr_dkr" {
      vpc_id             = aws_vpc.main.id
      service_name       = "com.amazonaws.us-east-1.ecr.dkr"
      vpc_endpoint_type  = "Interface"
      subnet_ids         = aws_subnet.private[*].id
      security_group_ids = [aws_security_group.endpoints.id]
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "ecr_dkr" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.ecr.dkr"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = aws_subnet.private[*].id
      security_group_ids  = [aws_security_group.endpoints.id]
      private_dns_enabled = true
    }
    ```

    ## References
    - [Private DNS for interface endpoints](https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns)
    - [AWS services that integrate with AWS PrivateLink](https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html)
    - [AWS PrivateLink for DynamoDB: no private DNS](https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-interface-endpoints.html)
    - [AWS PrivateLink for DynamoDB Streams: no private DNS](https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-streams.html)
    """
    for endpoint in network.endpoints:
        if not (endpoint.resource.certain and endpoint.is_interface and endpoint.service.is_aws):
            continue
        if endpoint.private_dns is not False or endpoint.subnets.certainly_empty:
            continue  # with no subnet at all, the missing subnets are the problem (VPCE003)
        name = endpoint.service.name
        if name is None or name in WITHOUT_PRIVATE_DNS:
            continue  # the service has no private DNS to turn on
        neighbours = [other for other in network.same_vpc(endpoint) if other.resource.certain]
        if any(other.serves(name, "Interface", endpoint.region) and other.private_dns is True for other in neighbours):
            continue  # only one endpoint per service and VPC can have private DNS (VPCE011)
        if name in GATEWAY_SERVICES and any(other.serves(name, "Gateway") for other in neighbours):
            continue
        if network.private_zone_may_answer(endpoint):
            continue  # DNS is handled by a private hosted zone for the service's name
        written = endpoint.resource.get("private_dns_enabled") is not None
        how = "is set to false" if written else "is omitted (the provider default is false)"
        yield violation(
            endpoint.resource,
            f"{endpoint.description}: private_dns_enabled {how}, so the service's usual "
            "name keeps resolving to its public endpoint and clients bypass this endpoint. "
            "Set private_dns_enabled = true.",
            attribute="private_dns_enabled",
        )
