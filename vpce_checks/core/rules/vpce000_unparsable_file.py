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
    Reports a `.tf`, `.tf.json`, `.tofu`, `.tofu.json` or `.tfvars` file that is not valid HCL or
    JSON, at the line where reading stopped. When the file's top-level blocks can be told apart,
    only the blocks that hold an error are left out (each is reported, naming the block) and the
    others are read. It also reports what Terraform rejects in override files: an override block
    that matches no block of the other files, `depends_on` in an override block, and `moved` or
    `import` blocks there. The other files of the directory are still scanned.

    A plan given to the scanner (the JSON of `terraform show -json`) that cannot be read as one is
    reported the same way, at the line JSON gives: text that is not JSON or is cut off, the JSON
    of a state or a `terraform.tfstate` given instead, the binary plan file itself, or a
    `format_version` whose major version this release does not read. The other inputs are still
    scanned.

    ## Why is this bad?
    What is not read cannot be checked, so every rule is blind to its resources; Terraform itself
    would refuse the configuration. While part of a module is missing, the rules about a whole
    VPC stay silent for it, since what they miss may be in the part not read.

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
    - [Terraform: Override Files](https://developer.hashicorp.com/terraform/language/files/override)
    - [OpenTofu: Files and Directories](https://opentofu.org/docs/language/files/)
    - [Terraform: JSON Output Format](https://developer.hashicorp.com/terraform/internals/json-format)
    """
    for problem in network.config.problems:
        yield Violation(address="", location=problem.location, message=problem.message)
