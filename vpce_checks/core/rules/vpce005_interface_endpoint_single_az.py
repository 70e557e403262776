"""VPCE005: an Interface endpoint in fewer than two AZs."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule, violation


@rule(
    id="VPCE005",
    slug="interface-endpoint-single-az",
    severity=Severity.WARNING,
    category="reliability",
    title="Interface endpoint's subnets are in fewer than two AZs",
    resource_types=("aws_vpc_endpoint",),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Flags an Interface endpoint whose subnets all lie in one Availability Zone. The AZ of each
    subnet is read from the `availability_zone` or `availability_zone_id` of the `aws_subnet` (or
    `aws_default_subnet`) it refers to. A single subnet is one AZ even when its AZ is unknown;
    otherwise, when any subnet's AZ cannot be known, the rule stays silent. Gateway Load Balancer
    endpoints are not judged: they take one subnet by design.

    ## Why is this bad?
    The endpoint's network interfaces live only in that AZ. When the AZ fails, workloads in the
    other AZs lose the service (and with private DNS on, they have no other path to it). Workloads
    in other AZs also pay cross-AZ data charges on every call.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "ecr_api" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.ecr.api"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = [aws_subnet.private_a.id]
      security_group_ids  = [aws_security_group.endpoints.id]
      private_dns_enabled = true
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "ecr_api" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.ecr.api"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
      security_group_ids  = [aws_security_group.endpoints.id]
      private_dns_enabled = true
    }
    ```

    ## References
    - [Interface endpoint properties: subnets and AZs](https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html)
    - [Gateway Load Balancer endpoints: only one Availability Zone](https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)
    - [Reliability pillar: deploy across multiple AZs](https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/use-fault-isolation-to-protect-your-workload.html)
    """
    for endpoint in network.endpoints:
        if not (endpoint.resource.certain and endpoint.is_interface and endpoint.subnets.certainly_present):
            continue
        zones, all_known = network.subnet_zones(endpoint.subnets)
        # One subnet is one AZ, whether or not its AZ can be known.
        single = endpoint.subnets.exactly_one
        if single or (all_known and len(zones) < 2):
            where = ", ".join(sorted(zones)) or "its only subnet's AZ"
            yield violation(
                endpoint.resource,
                f"{endpoint.description} has subnets in only one AZ ({where}): an outage "
                "of that AZ cuts every workload off the service. Add a subnet in a second AZ.",
                attribute="subnet_ids",
            )
