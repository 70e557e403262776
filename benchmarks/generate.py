"""Generate a realistic Terraform monorepo for benchmarks: many service modules, a few network modules.

A monorepo the way platform teams lay one out: ``services/`` holds the workloads (IAM roles and
policies with JSON in heredocs, some naming DynamoDB, S3 buckets with their satellite resources,
Lambda functions in the VPC with their security groups, queues (some through a shared module),
DynamoDB tables, log groups, variables, locals and outputs); ``network/`` holds the VPCs
(subnets in two AZs, NAT gateways, route tables and their associations, Gateway endpoints,
Interface endpoints (inline or through a shared module) guarded by a security group admitting
HTTPS from the VPC, flow logs with their IAM role), some of them with the mistakes the rules
catch; ``modules/`` holds the shared modules the others call.

    python benchmarks/generate.py OUT --modules 500 --network-share 0.1
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import textwrap
from typing import Callable, Iterator

SERVICES = ["ssm", "ssmmessages", "ec2messages", "ecr.api", "ecr.dkr", "logs", "sts", "kms", "secretsmanager"]
REGIONS = ["eu-west-1", "us-east-1", "ap-northeast-1"]


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


def _table(index: int) -> str:
    """A DynamoDB table and the inline policy that lets the workload's role use it."""
    return f"""
resource "aws_dynamodb_table" "items_{index}" {{
  name         = "${{local.prefix}}-items-{index}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {{
    name = "pk"
    type = "S"
  }}

  attribute {{
    name = "sk"
    type = "S"
  }}

  point_in_time_recovery {{
    enabled = true
  }}
}}

resource "aws_iam_role_policy" "items_{index}" {{
  name = "items-{index}"
  role = aws_iam_role.role_{index}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
      Resource = [aws_dynamodb_table.items_{index}.arn, "${{aws_dynamodb_table.items_{index}.arn}}/index/*"]
    }}]
  }})
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

  vpc_config {{
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.app_{index}.id]
  }}

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


WORKLOAD: list[tuple[int, Callable[[int], str]]] = [
    # (resources one call writes, template); cycled through in this order
    (1, _iam_role),
    (2, _iam_policy),
    (3, _bucket),
    (3, _lambda),
    (1, _security_group),
]

SERVICE_VARIABLES = """
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

variable "private_subnet_ids" {
  type    = list(string)
  default = []
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

SERVICE_OUTPUTS = """
output "role_arn" {
  value = aws_iam_role.role_0.arn
}

output "bucket" {
  value = aws_s3_bucket.data_0.bucket
}
"""

QUEUE_CALL = """
module "events" {
  source = "../../../modules/queue"

  name            = "${local.prefix}-events"
  max_receive     = 5
  consumer_role   = aws_iam_role.role_0.arn
  retention_hours = 96
}
"""

VERSIONS = """
terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "%(region)s"
}
"""


def _workload_blocks(total: int, tables: bool) -> Iterator[str]:
    """Workload blocks, cycling through the templates, until about ``total`` resources."""
    made = 0
    for index in itertools.count():
        if made >= total:
            return
        size, template = WORKLOAD[index % len(WORKLOAD)]
        yield template(index // len(WORKLOAD))
        made += size
        if tables and index % len(WORKLOAD) == 0 and (index // len(WORKLOAD)) % 4 == 0:
            yield _table(index // len(WORKLOAD))
            made += 2


def _service(directory: str, module: int, resources: int, files: int, rng: random.Random) -> None:
    """A service: workload resources spread over files, variables, outputs; some use DynamoDB or a shared queue."""
    workload_files: list[list[str]] = [[] for _ in range(max(1, files - 3))]
    for position, text in enumerate(_workload_blocks(resources, tables=rng.random() < 0.3)):
        workload_files[position % len(workload_files)].append(text)
    if rng.random() < 0.2:
        workload_files[0].append(QUEUE_CALL)
    for number, parts in enumerate(workload_files):
        _write(os.path.join(directory, f"workload_{number:02d}.tf"), "".join(parts))
    _write(os.path.join(directory, "variables.tf"), SERVICE_VARIABLES % {"module": module})
    _write(os.path.join(directory, "outputs.tf"), SERVICE_OUTPUTS)
    _write(os.path.join(directory, "versions.tf"), VERSIONS % {"region": REGIONS[module % len(REGIONS)]})


NETWORK_VPC = """
resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = %(dns_hostnames)s

  tags = merge(local.tags, { Name = local.name })
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
  tags   = merge(local.tags, { Name = local.name })
}

resource "aws_subnet" "public" {
  count                   = length(local.azs)
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, count.index)
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = true
  tags                    = merge(local.tags, { Name = "${local.name}-public-${local.azs[count.index]}" })
}

resource "aws_subnet" "private" {
  count             = length(local.azs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index + 10)
  availability_zone = local.azs[count.index]
  tags              = merge(local.tags, { Name = "${local.name}-private-${local.azs[count.index]}" })
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = merge(local.tags, { Name = "${local.name}-nat" })
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
  tags          = merge(local.tags, { Name = local.name })

  depends_on = [aws_internet_gateway.main]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    %(egress)s
  }
}

resource "aws_route_table_association" "public" {
  count          = length(local.azs)
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  count          = length(local.azs)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}
"""

TRANSIT_ATTACHMENT = """
variable "transit_gateway_id" {
  type = string
}

resource "aws_ec2_transit_gateway_vpc_attachment" "egress" {
  transit_gateway_id = var.transit_gateway_id
  vpc_id             = aws_vpc.main.id
  subnet_ids         = aws_subnet.private[*].id
  tags               = local.tags
}
"""

NETWORK_SECURITY = """
resource "aws_security_group" "endpoints" {
  name        = "${local.name}-vpc-endpoints"
  description = "HTTPS from the VPC to the interface endpoints"
  vpc_id      = aws_vpc.main.id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  security_group_id = aws_security_group.endpoints.id
  description       = "HTTPS from the VPC"
  cidr_ipv4         = var.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "endpoints_all" {
  security_group_id = aws_security_group.endpoints.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}
"""

NETWORK_FLOW_LOGS = """
resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "REJECT"
  iam_role_arn    = aws_iam_role.flow_logs.arn
  log_destination = aws_cloudwatch_log_group.flow_logs.arn
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/vpc/${local.name}/flow-logs"
  retention_in_days = 30
}

resource "aws_iam_role" "flow_logs" {
  name = "${local.name}-flow-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "flow_logs" {
  name = "flow-logs"
  role = aws_iam_role.flow_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]
      Resource = "*"
    }]
  })
}
"""

NETWORK_VARIABLES = """
variable "vpc_cidr" {
  type    = string
  default = "10.%(octet)d.0.0/16"
}

variable "environment" {
  type    = string
  default = "production"
}

locals {
  name   = "network-%(module)d"
  region = "%(region)s"
  azs    = ["%(region)sa", "%(region)sb"]
  tags = {
    Environment = var.environment
    Owner       = "platform"
  }
}
"""

NETWORK_OUTPUTS = """
output "vpc_id" {
  value = aws_vpc.main.id
}

output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}

output "endpoint_security_group_id" {
  value = aws_security_group.endpoints.id
}
"""

GATEWAY = """
resource "aws_vpc_endpoint" "%(service)s" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${local.region}.%(service)s"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [%(tables)s]
  tags              = local.tags
}
"""

INTERFACE = """
resource "aws_vpc_endpoint" "%(name)s" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${local.region}.%(service)s"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = %(subnets)s
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = %(private_dns)s
  tags                = local.tags
}
"""

ENDPOINTS_CALL = """
module "endpoints" {
  source = "../../modules/endpoints"

  vpc_id             = aws_vpc.main.id
  region             = local.region
  subnet_ids         = %(subnets)s
  security_group_ids = [aws_security_group.endpoints.id]
  services           = [%(services)s]
  tags               = local.tags
}
"""


def _network(directory: str, module: int, rng: random.Random) -> None:
    """A VPC with its subnets in two AZs, NAT, routes, Gateway and Interface endpoints, and flow logs."""
    region = REGIONS[module % len(REGIONS)]
    central = rng.random() < 0.3  # egress through a Transit Gateway to a central egress VPC
    egress = "transit_gateway_id = var.transit_gateway_id" if central else "nat_gateway_id = aws_nat_gateway.main.id"
    vpc = NETWORK_VPC % {"dns_hostnames": "false" if rng.random() < 0.05 else "true", "egress": egress}
    if central:
        vpc += TRANSIT_ATTACHMENT
    gateways = []
    if rng.random() < 0.75:
        tables = "aws_route_table.private.id" if rng.random() < 0.9 else "aws_route_table.public.id"
        gateways.append(GATEWAY % {"service": "s3", "tables": tables})
    if rng.random() < 0.4:
        gateways.append(GATEWAY % {"service": "dynamodb", "tables": "aws_route_table.private.id"})
    services = SERVICES[rng.randrange(0, 4) : rng.randrange(5, len(SERVICES) + 1)]
    subnets = "[aws_subnet.private[0].id]" if rng.random() < 0.15 else "aws_subnet.private[*].id"
    if rng.random() < 0.5:
        names = ", ".join(f'"{service}"' for service in services)
        interface = ENDPOINTS_CALL % {"subnets": subnets, "services": names}
    else:
        interface = "".join(
            INTERFACE
            % {
                "name": service.replace(".", "_"),
                "service": service,
                "subnets": subnets,
                "private_dns": "false" if rng.random() < 0.1 else "true",
            }
            for service in services
        )
    _write(os.path.join(directory, "versions.tf"), VERSIONS % {"region": region})
    _write(os.path.join(directory, "vpc.tf"), vpc)
    _write(os.path.join(directory, "endpoints.tf"), "".join(gateways) + interface)
    _write(os.path.join(directory, "security.tf"), NETWORK_SECURITY)
    _write(os.path.join(directory, "flow_logs.tf"), NETWORK_FLOW_LOGS)
    _write(
        os.path.join(directory, "variables.tf"),
        NETWORK_VARIABLES % {"octet": module % 250, "module": module, "region": region},
    )
    _write(os.path.join(directory, "outputs.tf"), NETWORK_OUTPUTS)


SHARED_ENDPOINTS = {
    "variables.tf": """
variable "vpc_id" {
  type = string
}

variable "region" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "security_group_ids" {
  type = list(string)
}

variable "services" {
  type = list(string)
}

variable "private_dns_enabled" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
""",
    "main.tf": """
resource "aws_vpc_endpoint" "this" {
  for_each = toset(var.services)

  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.${var.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = var.security_group_ids
  private_dns_enabled = var.private_dns_enabled
  tags                = merge(var.tags, { Name = each.value })
}
""",
    "outputs.tf": """
output "endpoint_ids" {
  value = { for service, endpoint in aws_vpc_endpoint.this : service => endpoint.id }
}
""",
}

SHARED_QUEUE = {
    "variables.tf": """
variable "name" {
  type = string
}

variable "max_receive" {
  type    = number
  default = 3
}

variable "consumer_role" {
  type = string
}

variable "retention_hours" {
  type    = number
  default = 24
}
""",
    "main.tf": """
resource "aws_sqs_queue" "dead_letters" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "this" {
  name                      = var.name
  message_retention_seconds = var.retention_hours * 3600
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letters.arn
    maxReceiveCount     = var.max_receive
  })
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.consumer_role }
      Action    = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
      Resource  = aws_sqs_queue.this.arn
    }]
  })
}
""",
    "outputs.tf": """
output "url" {
  value = aws_sqs_queue.this.url
}
""",
}


def generate(
    out: str,
    modules: int = 500,
    resources_per_module: int = 100,
    network_share: float = 0.1,
    files_per_module: int = 10,
) -> None:
    """Write the monorepo under ``out``: ``modules`` root modules (a ``network_share`` of them VPCs), shared modules."""
    rng = random.Random(42)
    for name, files in (("endpoints", SHARED_ENDPOINTS), ("queue", SHARED_QUEUE)):
        for file_name, text in files.items():
            _write(os.path.join(out, "modules", name, file_name), text)
    every = max(1, round(1 / network_share)) if network_share > 0 else 0
    for module in range(modules):
        if every and module % every == 0:
            directory = os.path.join(out, f"network/vpc-{module:04d}")
            _network(directory, module, rng)
        else:
            directory = os.path.join(out, f"services/team-{module // 20:03d}/svc-{module:04d}")
            _service(directory, module, resources_per_module, files_per_module, rng)


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.lstrip("\n"))


def main() -> None:
    """Parse the arguments and generate the tree."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="directory to create the monorepo in")
    parser.add_argument("--modules", type=int, default=500)
    parser.add_argument("--resources-per-module", type=int, default=100)
    parser.add_argument("--network-share", type=float, default=0.1, help="share of root modules that hold a VPC")
    parser.add_argument("--files-per-module", type=int, default=10)
    arguments = parser.parse_args()
    generate(
        arguments.out,
        arguments.modules,
        arguments.resources_per_module,
        arguments.network_share,
        arguments.files_per_module,
    )


if __name__ == "__main__":
    main()
