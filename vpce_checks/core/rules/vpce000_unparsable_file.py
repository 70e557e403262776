"""VPCE000: a Terraform file that cannot be read."""

from typing import Iterator

from vpce_checks.core.findings import Severity
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Violation, rule


@rule(
    id="VPCE000",
    slug="unparsable-terraform-file",
    severity=Severity.ERROR,
    category="input",
    title="Terraform file cannot be parsed",
    resource_types=(),
)
def check(network: Network) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `.tf`, `.tf.json` or `.tfvars` file that is not valid HCL or JSON, at the line where
    reading stopped. The other files of the directory are still scanned.

    ## Why is this bad?
    Nothing in the file can be checked, so every rule is blind to its resources; Terraform
    itself would refuse the configuration.

    ## Example
    ```hcl
    resource "aws_vpc_endpoint" "s3" {
      vpc_id = aws_vpc.main.id
      service_name =
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc_endpoint" "s3" {
      vpc_id       = aws_vpc.main.id
      service_name = "com.amazonaws.us-east-1.s3"
    }
    ```

    ## References
    - [Terraform configuration syntax](https://developer.hashicorp.com/terraform/language/syntax/configuration)
    """
    for problem in network.config.problems:
        yield Violation(address="", location=problem.location, message=problem.message)
