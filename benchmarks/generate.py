"""Generate a realistic Terraform monorepo for benchmarks: many modules, mostly unrelated resources.

Each module is a directory of files the way teams write them: IAM roles and policies with JSON in
heredocs, S3 buckets with their satellite resources, Lambda functions, security groups, queues,
log groups, variables, locals and outputs, and a network file holding the module's share of
endpoint-related resources (VPC, subnets, route tables, NAT routes, endpoints), some of them
with the mistakes the rules catch.

    python benchmarks/generate.py OUT --modules 500 --resources-per-module 100 --endpoint-share 0.05
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import textwrap
from typing import Callable, Iterator

SERVICES = ["ssm", "ssmmessages", "ec2messages", "ecr.api", "ecr.dkr", "logs", "sts", "kms", "secretsmanager"]


def _iam_role(index: int) -> str:
    return f"""
resource "aws_iam_role" "role_{index}" {{
  name = "${{local.prefix}}-role-{index}"
  assume_role_policy = <<EOF
{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Effect": "Allow",
      "Principal": {{ "Service": ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"] }},
      "Action": "sts:AssumeRole",
      "Condition": {{ "StringEquals": {{ "aws:SourceAccount": "${{var.account_id}}" }} }}
    }}
  ]
}}
EOF
  tags = local.tags
}}
"""


def _iam_policy(index: int) -> str:
    statement = textwrap.dedent(
        """\
        {{
          "Sid": "Statement{index}x{number}",
          "Effect": "Allow",
          "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "kms:Decrypt"],
          "Resource": ["arn:aws:s3:::${{local.prefix}}-data-{index}/*", "arn:aws:s3:::${{local.prefix}}-data-{index}"]
        }}"""
    )
    statements = ",\n".join(
        textwrap.indent(statement.format(index=index, number=number), "      ") for number in range(4)
    )
    return f"""
resource "aws_iam_policy" "policy_{index}" {{
  name        = "${{local.prefix}}-policy-{index}"
  description = "Access for workload {index}"
  policy      = <<-POLICY
  {{
    "Version": "2012-10-17",
    "Statement": [
{statements}
    ]
  }}
  POLICY
}}

resource "aws_iam_role_policy_attachment" "attach_{index}" {{
  role       = aws_iam_role.role_{index}.name
  policy_arn = aws_iam_policy.policy_{index}.arn
}}
"""


def _bucket(index: int) -> str:
    return f"""
resource "aws_s3_bucket" "data_{index}" {{
  bucket        = "${{local.prefix}}-data-{index}"
  force_destroy = false
  tags          = merge(local.tags, {{ Name = "data-{index}" }})
}}

resource "aws_s3_bucket_versioning" "data_{index}" {{
  bucket = aws_s3_bucket.data_{index}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "data_{index}" {{
  bucket = aws_s3_bucket.data_{index}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "aws:kms" # customer managed key below
    }}
  }}
}}
"""


def _lambda(index: int) -> str:
    return f"""
resource "aws_lambda_function" "worker_{index}" {{
  function_name = "${{local.prefix}}-worker-{index}"
  role          = aws_iam_role.role_{index}.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "${{path.module}}/build/worker.zip"
  memory_size   = {128 * (1 + index % 4)}
  timeout       = 30
  environment {{
    variables = {{
      BUCKET    = aws_s3_bucket.data_{index}.bucket
      LOG_LEVEL = var.log_level
      QUEUE_URL = aws_sqs_queue.jobs_{index}.url
    }}
  }}
}}

resource "aws_sqs_queue" "jobs_{index}" {{
  name                       = "${{local.prefix}}-jobs-{index}"
  visibility_timeout_seconds = 60
  message_retention_seconds  = 86400
}}

resource "aws_cloudwatch_log_group" "worker_{index}" {{
  name              = "/aws/lambda/${{local.prefix}}-worker-{index}"
  retention_in_days = 14
}}
"""


def _security_group(index: int) -> str:
    return f"""
resource "aws_security_group" "app_{index}" {{
  name_prefix = "${{local.prefix}}-app-{index}-"
  description = "Application tier {index}"
  vpc_id      = var.vpc_id

  ingress {{
    description = "HTTPS from the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
"""


UNRELATED: list[tuple[int, Callable[[int], str]]] = [
    # (resources one call writes, template); cycled through in this order
    (1, _iam_role),
    (2, _iam_policy),
    (3, _bucket),
    (3, _lambda),
    (1, _security_group),
]

NETWORK_BASE = """
resource "aws_vpc" "main" {
  cidr_block           = "10.%(octet)d.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = element(["eu-west-1a", "eu-west-1b"], count.index)
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = var.nat_gateway_id
  }
}

resource "aws_security_group" "endpoints" {
  name   = "endpoints"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
"""

S3_GATEWAY = """
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.eu-west-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}
"""


def _network(count: int, module: int, rng: random.Random) -> str:
    """About ``count`` endpoint-related resources: a VPC, subnets, NAT route table, endpoints."""
    parts = [NETWORK_BASE % {"octet": module % 250}]
    made = 4  # the VPC, two subnets and the route table
    if rng.random() < 0.7:
        parts.append(S3_GATEWAY)
        made += 1
    for service in itertools.islice(itertools.cycle(SERVICES), rng.randrange(module % 9, 9), None):
        if made >= max(count, 6):
            break
        subnets = "[aws_subnet.private[0].id]" if rng.random() < 0.2 else "aws_subnet.private[*].id"
        parts.append(
            f'''
resource "aws_vpc_endpoint" "{service.replace(".", "_")}_{made}" {{
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.{service}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = {subnets}
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = {"true" if made % 7 else "false"}
}}
'''
        )
        made += 1
    return "".join(parts)


VARIABLES = """
variable "account_id" {
  type    = string
  default = "123456789012"
}

variable "log_level" {
  type    = string
  default = "INFO"
}

variable "vpc_id" {
  type = string
}

variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/8"
}

variable "nat_gateway_id" {
  type = string
}

locals {
  prefix = "team-%(module)d"
  tags = {
    Team        = "team-%(module)d"
    CostCenter  = "cc-%(module)d"
    Environment = "production"
  }
}
"""

OUTPUTS = """
output "vpc_id" {
  value = aws_vpc.main.id
}

output "role_arn" {
  value = aws_iam_role.role_0.arn
}
"""


def _unrelated_blocks(total: int) -> Iterator[str]:
    """Unrelated blocks, cycling through the templates, until about ``total`` resources."""
    made = 0
    for index in itertools.count():
        if made >= total:
            return
        size, template = UNRELATED[index % len(UNRELATED)]
        yield template(index // len(UNRELATED))
        made += size


def generate(out: str, modules: int, resources_per_module: int, endpoint_share: float, files_per_module: int) -> None:
    """Write the monorepo under ``out``: ``modules`` directories of ``files_per_module`` files each."""
    rng = random.Random(42)
    for module in range(modules):
        directory = os.path.join(out, f"services/team-{module // 20:03d}/svc-{module:04d}")
        os.makedirs(directory, exist_ok=True)
        network = round(resources_per_module * endpoint_share)
        workload_files: list[list[str]] = [[] for _ in range(max(1, files_per_module - 3))]
        for position, text in enumerate(_unrelated_blocks(resources_per_module - network)):
            workload_files[position % len(workload_files)].append(text)
        for number, parts in enumerate(workload_files):
            _write(os.path.join(directory, f"workload_{number:02d}.tf"), "".join(parts))
        _write(os.path.join(directory, "network.tf"), _network(network, module, rng))
        _write(os.path.join(directory, "variables.tf"), VARIABLES % {"module": module})
        _write(os.path.join(directory, "outputs.tf"), OUTPUTS)


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.lstrip("\n"))


def main() -> None:
    """Parse the arguments and generate the tree."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="directory to create the monorepo in")
    parser.add_argument("--modules", type=int, default=500)
    parser.add_argument("--resources-per-module", type=int, default=100)
    parser.add_argument("--endpoint-share", type=float, default=0.05, help="share of endpoint-related resources")
    parser.add_argument("--files-per-module", type=int, default=10)
    arguments = parser.parse_args()
    generate(
        arguments.out,
        arguments.modules,
        arguments.resources_per_module,
        arguments.endpoint_share,
        arguments.files_per_module,
    )


if __name__ == "__main__":
    main()
