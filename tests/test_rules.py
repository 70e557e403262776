"""Each rule on small inline configurations: it fires where it must and stays silent elsewhere.

Every case lists the complete set of (rule, address) findings for the rule under test, so a rule
that fires too often fails as surely as one that misses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import NETWORK, findings_of

from vpce_checks.core.registry import all_rules


def interface(name: str, service: str, extra: str = "", subnets: str = "[aws_subnet.a.id, aws_subnet.b.id]") -> str:
    """A complete Interface endpoint, with ``extra`` lines added."""
    return f"""
resource "aws_vpc_endpoint" "{name}" {{
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.{service}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = {subnets}
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
  {extra}
}}
"""


def gateway(name: str, service: str, extra: str = "route_table_ids = [aws_route_table.private.id]") -> str:
    """A Gateway endpoint, attached to the private route table unless ``extra`` says otherwise."""
    return f"""
resource "aws_vpc_endpoint" "{name}" {{
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.{service}"
  vpc_endpoint_type = "Gateway"
  {extra}
}}
"""


NAT_TABLE = """
resource "aws_route_table" "nat_a" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.a.id
  }
}
resource "aws_nat_gateway" "a" {
  subnet_id = aws_subnet.a.id
}
"""

NAT_TABLES = NAT_TABLE + NAT_TABLE.replace("nat_a", "nat_b").replace('"a"', '"b"').replace(".a.id", ".b.id")
"""Two AZs, each private route table to its own NAT gateway."""

CASES: dict[str, tuple[str, str, set[tuple[str, str]]]] = {
    # rule, terraform, expected findings of that rule
    "001 gateway without route table": ("VPCE001", gateway("s3", "s3", extra=""), {("VPCE001", "aws_vpc_endpoint.s3")}),
    "001 default type without route table": (
        "VPCE001",
        'resource "aws_vpc_endpoint" "s3" {\n  vpc_id = aws_vpc.main.id\n'
        '  service_name = "com.amazonaws.us-east-1.s3"\n}\n',
        {("VPCE001", "aws_vpc_endpoint.s3")},
    ),
    "001 attached by association": (
        "VPCE001",
        gateway("s3", "s3", extra="") + 'resource "aws_vpc_endpoint_route_table_association" "s3" {\n'
        "  vpc_endpoint_id = aws_vpc_endpoint.s3.id\n  route_table_id = aws_route_table.private.id\n}\n",
        set(),
    ),
    "001 attached inline": ("VPCE001", gateway("s3", "s3"), set()),
    "001 route tables unknown": (
        "VPCE001",
        'variable "tables" {}\n' + gateway("s3", "s3", extra="route_table_ids = var.tables"),
        set(),
    ),
    "001 association to an unknown endpoint": (
        "VPCE001",
        'variable "endpoint" {}\n'
        + gateway("s3", "s3", extra="")
        + 'resource "aws_vpc_endpoint_route_table_association" "x" {\n'
        "  vpc_endpoint_id = var.endpoint\n  route_table_id = aws_route_table.private.id\n}\n",
        set(),
    ),
    "002 omitted type on ecr": (
        "VPCE002",
        'resource "aws_vpc_endpoint" "ecr" {\n  vpc_id = aws_vpc.main.id\n'
        '  service_name = "com.amazonaws.us-east-1.ecr.api"\n}\n',
        {("VPCE002", "aws_vpc_endpoint.ecr")},
    ),
    "002 explicit gateway on sts": ("VPCE002", gateway("sts", "sts"), {("VPCE002", "aws_vpc_endpoint.sts")}),
    "002 gateway for dynamodb": ("VPCE002", gateway("ddb", "dynamodb"), set()),
    "002 interface for ecr": ("VPCE002", interface("ecr", "ecr.api"), set()),
    "002 service unknown": (
        "VPCE002",
        'variable "svc" {}\n'
        'resource "aws_vpc_endpoint" "x" {\n  vpc_id = aws_vpc.main.id\n  service_name = var.svc\n}\n',
        set(),
    ),
    "003 interface without subnet": (
        "VPCE003",
        interface("sts", "sts", subnets="[]"),
        {("VPCE003", "aws_vpc_endpoint.sts")},
    ),
    "003 subnets by association": (
        "VPCE003",
        interface("sts", "sts", subnets="null") + 'resource "aws_vpc_endpoint_subnet_association" "a" {\n'
        "  vpc_endpoint_id = aws_vpc_endpoint.sts.id\n  subnet_id = aws_subnet.a.id\n}\n",
        set(),
    ),
    "003 subnets unknown": ("VPCE003", 'variable "s" {}\n' + interface("sts", "sts", subnets="var.s"), set()),
    "004 no security group": (
        "VPCE004",
        interface("sts", "sts").replace("  security_group_ids  = [aws_security_group.endpoints.id]\n", ""),
        {("VPCE004", "aws_vpc_endpoint.sts")},
    ),
    "004 security group by association keeps the default group": (
        "VPCE004",
        interface("sts", "sts").replace("  security_group_ids  = [aws_security_group.endpoints.id]\n", "")
        + 'resource "aws_vpc_endpoint_security_group_association" "a" {\n'
        "  vpc_endpoint_id = aws_vpc_endpoint.sts.id\n  security_group_id = aws_security_group.endpoints.id\n}\n",
        {("VPCE004", "aws_vpc_endpoint.sts")},
    ),
    "004 security group association replaces the default group": (
        "VPCE004",
        interface("sts", "sts").replace("  security_group_ids  = [aws_security_group.endpoints.id]\n", "")
        + 'resource "aws_vpc_endpoint_security_group_association" "a" {\n'
        "  vpc_endpoint_id = aws_vpc_endpoint.sts.id\n  security_group_id = aws_security_group.endpoints.id\n"
        "  replace_default_association = true\n}\n",
        set(),
    ),
    "004 replacing the default group is unknown": (
        "VPCE004",
        'variable "replace" {}\n'
        + interface("sts", "sts").replace("  security_group_ids  = [aws_security_group.endpoints.id]\n", "")
        + 'resource "aws_vpc_endpoint_security_group_association" "a" {\n'
        "  vpc_endpoint_id = aws_vpc_endpoint.sts.id\n  security_group_id = aws_security_group.endpoints.id\n"
        "  replace_default_association = var.replace\n}\n",
        set(),
    ),
    "004 inline groups: no default group to keep": (
        "VPCE004",
        interface("sts", "sts")
        + 'resource "aws_security_group" "more" {\n  vpc_id = aws_vpc.main.id\n}\n'
        + 'resource "aws_vpc_endpoint_security_group_association" "a" {\n'
        "  vpc_endpoint_id = aws_vpc_endpoint.sts.id\n  security_group_id = aws_security_group.more.id\n}\n",
        set(),
    ),
    "005 one az": (
        "VPCE005",
        interface("sts", "sts", subnets="[aws_subnet.a.id]"),
        {("VPCE005", "aws_vpc_endpoint.sts")},
    ),
    "005 two subnets one az": (
        "VPCE005",
        'resource "aws_subnet" "a2" {\n  vpc_id = aws_vpc.main.id\n  availability_zone = "us-east-1a"\n}\n'
        + interface("sts", "sts", subnets="[aws_subnet.a.id, aws_subnet.a2.id]"),
        {("VPCE005", "aws_vpc_endpoint.sts")},
    ),
    "005 two azs": ("VPCE005", interface("sts", "sts"), set()),
    "005 az unknown": (
        "VPCE005",
        'variable "az" {}\nresource "aws_subnet" "u" {\n  vpc_id = aws_vpc.main.id\n  availability_zone = var.az\n}\n'
        + interface("sts", "sts", subnets="[aws_subnet.a.id, aws_subnet.u.id]"),
        set(),
    ),
    "005 literal subnet ids, azs unknown": (
        "VPCE005",
        interface("sts", "sts", subnets='["subnet-1", "subnet-2"]'),
        set(),
    ),
    "005 one subnet of unknown az": (
        "VPCE005",
        'variable "subnet" {}\n' + interface("sts", "sts", subnets="[var.subnet]"),
        {("VPCE005", "aws_vpc_endpoint.sts")},
    ),
    "006 private dns omitted": (
        "VPCE006",
        interface("sts", "sts").replace("  private_dns_enabled = true\n", ""),
        {("VPCE006", "aws_vpc_endpoint.sts")},
    ),
    "006 private dns false": (
        "VPCE006",
        interface("sts", "sts").replace("private_dns_enabled = true", "private_dns_enabled = false"),
        {("VPCE006", "aws_vpc_endpoint.sts")},
    ),
    "006 custom endpoint service": (
        "VPCE006",
        interface("partner", "sts")
        .replace("com.amazonaws.us-east-1.sts", "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0")
        .replace("  private_dns_enabled = true\n", ""),
        set(),
    ),
    "006 s3 interface beside s3 gateway": (
        "VPCE006",
        gateway("s3", "s3")
        + interface("s3_interface", "s3").replace("private_dns_enabled = true", "private_dns_enabled = false"),
        set(),
    ),
    "006 private dns set by its own resource": (
        "VPCE006",
        interface("sts", "sts").replace("  private_dns_enabled = true\n", "")
        + 'resource "aws_vpc_endpoint_private_dns" "sts" {\n'
        "  vpc_endpoint_id = aws_vpc_endpoint.sts.id\n  private_dns_enabled = true\n}\n",
        set(),
    ),
    "006 dynamodb interface beside dynamodb gateway": (
        "VPCE006",
        gateway("ddb", "dynamodb")
        + interface("ddb_interface", "dynamodb").replace("private_dns_enabled = true", "private_dns_enabled = false"),
        set(),
    ),
    "006 s3 interface beside s3 gateway in an input vpc": (
        "VPCE006",
        'variable "vpc_id" {}\n'
        + (
            gateway("s3", "s3")
            + interface("s3_interface", "s3").replace("private_dns_enabled = true", "private_dns_enabled = false")
        ).replace("aws_vpc.main.id", "var.vpc_id"),
        set(),
    ),
    "006 private zone for the service answers instead": (
        "VPCE006",
        interface("ecr_api", "ecr.api").replace("private_dns_enabled = true", "private_dns_enabled = false")
        + 'resource "aws_route53_zone" "ecr" {\n  name = "api.ecr.us-east-1.amazonaws.com"\n'
        "  vpc {\n    vpc_id = aws_vpc.main.id\n  }\n}\n",
        set(),
    ),
    "006 private zone of an unknown region for the service": (
        "VPCE006",
        'variable "region" {}\n'
        + interface("sts", "sts").replace("private_dns_enabled = true", "private_dns_enabled = false")
        + 'resource "aws_route53_zone" "sts" {\n  name = "sts.${var.region}.amazonaws.com"\n'
        "  vpc {\n    vpc_id = aws_vpc.main.id\n  }\n}\n",
        set(),
    ),
    "006 public zone or a company zone does not answer": (
        "VPCE006",
        interface("sts", "sts").replace("private_dns_enabled = true", "private_dns_enabled = false")
        + 'resource "aws_route53_zone" "public" {\n  name = "sts.us-east-1.amazonaws.com"\n}\n'
        + 'resource "aws_route53_zone" "corp" {\n  name = "corp.internal"\n'
        "  vpc {\n    vpc_id = aws_vpc.main.id\n  }\n}\n",
        {("VPCE006", "aws_vpc_endpoint.sts")},
    ),
    "006 no subnet is left to VPCE003": (
        "VPCE006",
        interface("sts", "sts", subnets="[]").replace("private_dns_enabled = true", "private_dns_enabled = false"),
        set(),
    ),
    "014 one gateway endpoint per az route table": (
        "VPCE014",
        NAT_TABLES
        + gateway("s3_a", "s3", extra="route_table_ids = [aws_route_table.nat_a.id]")
        + gateway("s3_b", "s3", extra="route_table_ids = [aws_route_table.nat_b.id]"),
        set(),
    ),
    "014 per-az gateway endpoints leave a table out": (
        "VPCE014",
        NAT_TABLES + gateway("s3_a", "s3", extra="route_table_ids = [aws_route_table.nat_a.id]"),
        {("VPCE014", "aws_vpc_endpoint.s3_a")},
    ),
    "007 route tables on interface": (
        "VPCE007",
        interface("sts", "sts", extra="route_table_ids = [aws_route_table.private.id]"),
        {("VPCE007", "aws_vpc_endpoint.sts")},
    ),
    "007 subnets on default-type dynamodb": (
        "VPCE007",
        'resource "aws_vpc_endpoint" "ddb" {\n  vpc_id = aws_vpc.main.id\n'
        '  service_name = "com.amazonaws.us-east-1.dynamodb"\n  route_table_ids = [aws_route_table.private.id]\n'
        "  subnet_ids = [aws_subnet.a.id]\n}\n",
        {("VPCE007", "aws_vpc_endpoint.ddb")},
    ),
    "007 clean gateway": ("VPCE007", gateway("ddb", "dynamodb"), set()),
    "008 ecr without s3": (
        "VPCE008",
        interface("ecr_api", "ecr.api") + interface("ecr_dkr", "ecr.dkr"),
        {("VPCE008", "aws_vpc_endpoint.ecr_dkr")},
    ),
    "008 ecr with s3 gateway": (
        "VPCE008",
        interface("ecr_api", "ecr.api") + interface("ecr_dkr", "ecr.dkr") + gateway("s3", "s3"),
        set(),
    ),
    "008 ecr with s3 interface and private dns": (
        "VPCE008",
        interface("ecr_api", "ecr.api") + interface("ecr_dkr", "ecr.dkr") + interface("s3", "s3"),
        set(),
    ),
    "008 s3 gateway in another vpc": (
        "VPCE008",
        'resource "aws_vpc" "other" {\n  cidr_block = "10.1.0.0/16"\n}\n'
        + interface("ecr_api", "ecr.api")
        + interface("ecr_dkr", "ecr.dkr")
        + gateway("s3", "s3").replace("aws_vpc.main.id", "aws_vpc.other.id"),
        {("VPCE008", "aws_vpc_endpoint.ecr_dkr")},
    ),
    "008 vpc not declared here": (
        "VPCE008",
        (interface("ecr_api", "ecr.api") + interface("ecr_dkr", "ecr.dkr")).replace("aws_vpc.main.id", "var.vpc_id")
        + 'variable "vpc_id" {}\n',
        set(),
    ),
    "008 maybe an s3 endpoint": (
        "VPCE008",
        'variable "with_s3" {}\n'
        + interface("ecr_api", "ecr.api")
        + interface("ecr_dkr", "ecr.dkr")
        + gateway("s3", "s3", extra="count = var.with_s3 ? 1 : 0\n  route_table_ids = [aws_route_table.private.id]"),
        set(),
    ),
    "008 partner endpoint does not hide a missing s3": (
        "VPCE008",
        interface("ecr_api", "ecr.api")
        + interface("ecr_dkr", "ecr.dkr")
        + interface("partner", "x").replace("com.amazonaws.us-east-1.x", "com.amazonaws.vpce.us-east-1.vpce-svc-0abc"),
        {("VPCE008", "aws_vpc_endpoint.ecr_dkr")},
    ),
    "008 endpoint of unknown vpc that is not s3": (
        "VPCE008",
        'variable "other_vpc" {}\n'
        + interface("ecr_api", "ecr.api")
        + interface("ecr_dkr", "ecr.dkr")
        + interface("sts", "sts").replace("aws_vpc.main.id", "var.other_vpc"),
        {("VPCE008", "aws_vpc_endpoint.ecr_dkr")},
    ),
    "008 endpoint of unknown vpc that could be s3": (
        "VPCE008",
        'variable "other_vpc" {}\n'
        + interface("ecr_api", "ecr.api")
        + interface("ecr_dkr", "ecr.dkr")
        + gateway("s3", "s3").replace("aws_vpc.main.id", "var.other_vpc"),
        set(),
    ),
    "008 silent when a file of the module cannot be read": (
        "VPCE008",
        interface("ecr_api", "ecr.api") + interface("ecr_dkr", "ecr.dkr") + "\nresource {\n",
        set(),
    ),
    "009 dkr alone": (
        "VPCE009",
        interface("ecr_dkr", "ecr.dkr") + gateway("s3", "s3"),
        {("VPCE009", "aws_vpc_endpoint.ecr_dkr")},
    ),
    "009 both": ("VPCE009", interface("ecr_api", "ecr.api") + interface("ecr_dkr", "ecr.dkr"), set()),
    "010 ssm set incomplete": (
        "VPCE010",
        interface("ssm", "ssm") + interface("ssmmessages", "ssmmessages"),
        {("VPCE010", "aws_vpc_endpoint.ssmmessages")},
    ),
    "010 ssm alone is parameter store": ("VPCE010", interface("ssm", "ssm"), set()),
    "010 a maybe-existing s3 endpoint does not hide it": (
        "VPCE010",
        'variable "with_s3" {}\n'
        + interface("ssm", "ssm")
        + interface("ssmmessages", "ssmmessages")
        + gateway("s3", "s3", extra="count = var.with_s3 ? 1 : 0"),
        {("VPCE010", "aws_vpc_endpoint.ssmmessages")},
    ),
    "010 a maybe-existing ec2messages endpoint": (
        "VPCE010",
        'variable "with_ec2messages" {}\n'
        + interface("ssm", "ssm")
        + interface("ssmmessages", "ssmmessages")
        + interface("ec2messages", "ec2messages", extra="count = var.with_ec2messages ? 1 : 0"),
        set(),
    ),
    "010 full set": (
        "VPCE010",
        interface("ssm", "ssm") + interface("ssmmessages", "ssmmessages") + interface("ec2messages", "ec2messages"),
        set(),
    ),
    "011 duplicate private dns": (
        "VPCE011",
        interface("sts", "sts") + interface("sts_again", "sts"),
        {("VPCE011", "aws_vpc_endpoint.sts_again")},
    ),
    "011 second without private dns": (
        "VPCE011",
        interface("sts", "sts") + interface("sts_again", "sts").replace("= true", "= false"),
        set(),
    ),
    "011 same unknown vpc": (
        "VPCE011",
        'variable "vpc_id" {}\n'
        + (interface("sts", "sts") + interface("sts_again", "sts")).replace("aws_vpc.main.id", "var.vpc_id"),
        {("VPCE011", "aws_vpc_endpoint.sts_again")},
    ),
    "012 hostnames omitted": (
        "VPCE012",
        NETWORK.replace("  enable_dns_hostnames = true\n", "") + interface("sts", "sts"),
        {("VPCE012", "aws_vpc_endpoint.sts")},
    ),
    "012 dns support false": (
        "VPCE012",
        NETWORK.replace("enable_dns_support   = true", "enable_dns_support   = false") + interface("sts", "sts"),
        {("VPCE012", "aws_vpc_endpoint.sts")},
    ),
    "012 both on": ("VPCE012", interface("sts", "sts"), set()),
    "013 nat without gateway endpoints": ("VPCE013", NAT_TABLE, {("VPCE013", "aws_vpc.main")}),
    "013 nat by aws_route": (
        "VPCE013",
        'resource "aws_route" "nat" {\n  route_table_id = aws_route_table.private.id\n'
        '  destination_cidr_block = "0.0.0.0/0"\n  nat_gateway_id = "nat-123"\n}\n',
        {("VPCE013", "aws_vpc.main")},
    ),
    "013 nat in the default route table": (
        "VPCE013",
        'resource "aws_default_route_table" "main" {\n'
        "  default_route_table_id = aws_vpc.main.default_route_table_id\n"
        '  route {\n    cidr_block = "0.0.0.0/0"\n    nat_gateway_id = "nat-1"\n  }\n}\n',
        {("VPCE013", "aws_vpc.main")},
    ),
    "013 nat with both gateways": (
        "VPCE013",
        NAT_TABLE
        + gateway("s3", "s3", extra="route_table_ids = [aws_route_table.nat_a.id]")
        + gateway("ddb", "dynamodb", extra="route_table_ids = [aws_route_table.nat_a.id]"),
        set(),
    ),
    "013 no nat": ("VPCE013", "", set()),
    "014 gateway misses a nat table": (
        "VPCE014",
        NAT_TABLE
        + gateway("s3", "s3")
        + gateway("ddb", "dynamodb", extra="route_table_ids = [aws_route_table.nat_a.id]"),
        {("VPCE014", "aws_vpc_endpoint.s3")},
    ),
    "014 gateway on every nat table": (
        "VPCE014",
        NAT_TABLE
        + gateway("s3", "s3", extra="route_table_ids = [aws_route_table.nat_a.id, aws_route_table.private.id]"),
        set(),
    ),
}


def route_table(name: str, route: str) -> str:
    """An ``aws_route_table`` in the main VPC with one inline route."""
    return f'resource "aws_route_table" "{name}" {{\n  vpc_id = aws_vpc.main.id\n  route {{\n{route}\n  }}\n}}\n'


NAT_INSTANCE = """
resource "aws_instance" "nat" {
  ami               = "ami-0123456789abcdef0"
  instance_type     = "t4g.nano"
  subnet_id         = aws_subnet.a.id
  source_dest_check = false
}
"""

NO_HTTPS_GROUP = """
resource "aws_security_group" "closed" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}
"""


def closed(service: str, name: str | None = None) -> str:
    """An Interface endpoint whose only security group admits SSH, not HTTPS."""
    return interface(name or service.replace(".", "_"), service).replace(
        "aws_security_group.endpoints.id", "aws_security_group.closed.id"
    )


def without_groups(name: str, service: str) -> str:
    """An Interface endpoint with no security group: the VPC's default group is attached."""
    return interface(name, service).replace("  security_group_ids  = [aws_security_group.endpoints.id]\n", "")


DEFAULT_GROUP = 'resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n}\n'

CASES.update(
    {
        # NAT detection: where 0.0.0.0/0 goes
        "013 nat gateway named through gateway_id": (
            "VPCE013",
            route_table("private_a", '    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_nat_gateway.a.id')
            + 'resource "aws_nat_gateway" "a" {\n  subnet_id = aws_subnet.a.id\n}\n',
            {("VPCE013", "aws_vpc.main")},
        ),
        "013 internet gateway through gateway_id is not a nat": (
            "VPCE013",
            route_table("public", '    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_internet_gateway.main.id')
            + 'resource "aws_internet_gateway" "main" {\n  vpc_id = aws_vpc.main.id\n}\n',
            set(),
        ),
        "013 nat instance": (
            "VPCE013",
            NAT_INSTANCE
            + route_table(
                "private_a",
                '    cidr_block = "0.0.0.0/0"\n'
                "    network_interface_id = aws_instance.nat.primary_network_interface_id",
            ),
            {("VPCE013", "aws_vpc.main")},
        ),
        "013 an instance that does not forward is not a nat": (
            "VPCE013",
            NAT_INSTANCE.replace("source_dest_check = false", "monitoring = true")
            + route_table("private_a", '    cidr_block = "0.0.0.0/0"\n    instance_id = aws_instance.nat.id'),
            set(),
        ),
        "013 transit gateway to a central egress vpc": (
            "VPCE013",
            route_table("private_a", '    cidr_block = "0.0.0.0/0"\n    transit_gateway_id = "tgw-0123456789abcdef0"'),
            {("VPCE013", "aws_vpc.main")},
        ),
        "013 ipv6 default route to an egress-only gateway is not a nat": (
            "VPCE013",
            route_table(
                "private_a",
                '    ipv6_cidr_block = "::/0"\n    egress_only_gateway_id = aws_egress_only_internet_gateway.main.id',
            )
            + 'resource "aws_egress_only_internet_gateway" "main" {\n  vpc_id = aws_vpc.main.id\n}\n',
            set(),
        ),
        "013 unknown gateway_id stays silent": (
            "VPCE013",
            'variable "gateway" {}\n'
            + route_table("private_a", '    cidr_block = "0.0.0.0/0"\n    gateway_id = var.gateway'),
            set(),
        ),
        "013 nat table serving only transit gateway attachment subnets": (
            "VPCE013",
            NAT_TABLE + 'resource "aws_route_table_association" "tgw_a" {\n'
            "  subnet_id      = aws_subnet.a.id\n  route_table_id = aws_route_table.nat_a.id\n}\n"
            + 'resource "aws_ec2_transit_gateway_vpc_attachment" "egress" {\n'
            '  transit_gateway_id = "tgw-0123456789abcdef0"\n  vpc_id = aws_vpc.main.id\n'
            "  subnet_ids = [aws_subnet.a.id]\n}\n",
            set(),
        ),
        "013 nat route on the default route table through aws_vpc default_route_table_id": (
            "VPCE013",
            'resource "aws_route" "nat" {\n  route_table_id = aws_vpc.main.default_route_table_id\n'
            '  destination_cidr_block = "0.0.0.0/0"\n  nat_gateway_id = "nat-0123456789abcdef0"\n}\n',
            {("VPCE013", "aws_vpc.main")},
        ),
        "013 gateway endpoint on default_route_table_id covers the adopted default table": (
            "VPCE013",
            'resource "aws_default_route_table" "main" {\n'
            "  default_route_table_id = aws_vpc.main.default_route_table_id\n"
            '  route {\n    cidr_block = "0.0.0.0/0"\n    nat_gateway_id = "nat-1"\n  }\n}\n'
            + gateway("s3", "s3", extra="route_table_ids = [aws_vpc.main.default_route_table_id]"),
            set(),
        ),
        "013 dynamodb named only where the configuration uses it": (
            "VPCE013",
            NAT_TABLE
            + gateway("s3", "s3", extra="route_table_ids = [aws_route_table.nat_a.id]")
            + 'resource "aws_iam_role_policy" "orders" {\n  role = "orders"\n'
            '  policy = "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"dynamodb:PutItem\\"}]}"\n}\n',
            {("VPCE013", "aws_vpc.main")},
        ),
        "015 dynamodb gateway endpoint missing, no use seen": (
            "VPCE015",
            NAT_TABLE + gateway("s3", "s3", extra="route_table_ids = [aws_route_table.nat_a.id]"),
            {("VPCE015", "aws_vpc.main")},
        ),
        "015 dynamodb in use is VPCE013's": (
            "VPCE015",
            NAT_TABLE
            + gateway("s3", "s3", extra="route_table_ids = [aws_route_table.nat_a.id]")
            + 'resource "aws_dynamodb_table" "orders" {\n  name = "orders"\n  hash_key = "id"\n}\n',
            set(),
        ),
        "015 dynamodb gateway endpoint present": (
            "VPCE015",
            NAT_TABLE + gateway("ddb", "dynamodb", extra="route_table_ids = [aws_route_table.nat_a.id]"),
            set(),
        ),
        "014 gateway endpoint misses the main route table set by association": (
            "VPCE014",
            route_table("private_a", '    cidr_block = "0.0.0.0/0"\n    nat_gateway_id = "nat-1"')
            + 'resource "aws_main_route_table_association" "main" {\n'
            "  vpc_id = aws_vpc.main.id\n  route_table_id = aws_route_table.private_a.id\n}\n"
            + 'resource "aws_route" "main" {\n  route_table_id = aws_vpc.main.main_route_table_id\n'
            '  destination_cidr_block = "10.8.0.0/16"\n  vpc_peering_connection_id = "pcx-1"\n}\n'
            + gateway("s3", "s3", extra="route_table_ids = [aws_vpc.main.default_route_table_id]"),
            {("VPCE014", "aws_vpc_endpoint.s3")},
        ),
        "014 gateway endpoint on main_route_table_id": (
            "VPCE014",
            route_table("private_a", '    cidr_block = "0.0.0.0/0"\n    nat_gateway_id = "nat-1"')
            + 'resource "aws_main_route_table_association" "main" {\n'
            "  vpc_id = aws_vpc.main.id\n  route_table_id = aws_route_table.private_a.id\n}\n"
            + gateway("s3", "s3", extra="route_table_ids = [aws_vpc.main.main_route_table_id]"),
            set(),
        ),
        # cross-region endpoints
        "011 same service in another region is not a duplicate": (
            "VPCE011",
            interface("kms", "kms")
            + interface("kms_west", "kms")
            .replace("us-east-1.kms", "us-west-2.kms")
            .replace("private_dns_enabled = true", 'private_dns_enabled = true\n  service_region = "us-west-2"'),
            set(),
        ),
        "011 two endpoints for the same remote region": (
            "VPCE011",
            interface("kms_west", "kms", extra='service_region = "us-west-2"').replace("us-east-1.kms", "us-west-2.kms")
            + interface("kms_west_2", "kms", extra='service_region = "us-west-2"').replace(
                "us-east-1.kms", "us-west-2.kms"
            ),
            {("VPCE011", "aws_vpc_endpoint.kms_west_2")},
        ),
        # endpoints that serve no AWS service by name
        "008 a resource endpoint is not an s3 path": (
            "VPCE008",
            interface("ecr_api", "ecr.api")
            + interface("ecr_dkr", "ecr.dkr")
            + 'resource "aws_vpc_endpoint" "db" {\n  vpc_id = aws_vpc.main.id\n  vpc_endpoint_type = "Resource"\n'
            '  resource_configuration_arn = "arn:aws:vpc-lattice:us-east-1:111122223333:resourceconfiguration/rcfg-1"\n'
            "  subnet_ids = [aws_subnet.a.id]\n}\n",
            {("VPCE008", "aws_vpc_endpoint.ecr_dkr")},
        ),
        "010 a service network endpoint is not ec2messages": (
            "VPCE010",
            interface("ssm", "ssm")
            + interface("ssmmessages", "ssmmessages")
            + 'resource "aws_vpc_endpoint" "lattice" {\n  vpc_id = aws_vpc.main.id\n'
            '  vpc_endpoint_type = "ServiceNetwork"\n'
            '  service_network_arn = "arn:aws:vpc-lattice:us-east-1:111122223333:servicenetwork/sn-1"\n'
            "  subnet_ids = [aws_subnet.a.id]\n}\n",
            {("VPCE010", "aws_vpc_endpoint.ssmmessages")},
        ),
        "005 gateway load balancer endpoint takes one subnet": (
            "VPCE005",
            'resource "aws_vpc_endpoint" "inspection" {\n  vpc_id = aws_vpc.main.id\n'
            '  service_name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"\n'
            '  vpc_endpoint_type = "GatewayLoadBalancer"\n  subnet_ids = [aws_subnet.a.id]\n}\n',
            set(),
        ),
        "005 default subnets give their zones": (
            "VPCE005",
            'resource "aws_default_subnet" "a" {\n  availability_zone = "us-east-1a"\n}\n'
            + 'resource "aws_default_subnet" "a2" {\n  availability_zone = "us-east-1a"\n}\n'
            + interface("sts", "sts", subnets="[aws_default_subnet.a.id, aws_default_subnet.a2.id]"),
            {("VPCE005", "aws_vpc_endpoint.sts")},
        ),
        # inbound-only private DNS on the S3 Interface endpoint
        "008 s3 interface endpoint answering on-premises only": (
            "VPCE008",
            interface("ecr_api", "ecr.api")
            + interface("ecr_dkr", "ecr.dkr")
            + interface(
                "s3", "s3", extra="dns_options {\n    private_dns_only_for_inbound_resolver_endpoint = true\n  }"
            ),
            {("VPCE008", "aws_vpc_endpoint.ecr_dkr")},
        ),
        # the route tables that matter for image pulls
        "008 s3 gateway on the public route table only": (
            "VPCE008",
            route_table("public", '    cidr_block = "0.0.0.0/0"\n    gateway_id = "igw-0123456789abcdef0"')
            + interface("ecr_api", "ecr.api")
            + interface("ecr_dkr", "ecr.dkr")
            + gateway("s3", "s3", extra="route_table_ids = [aws_route_table.public.id]"),
            {("VPCE008", "aws_vpc_endpoint.ecr_dkr")},
        ),
        "008 s3 gateway on the main route table the subnets use": (
            "VPCE008",
            interface("ecr_api", "ecr.api")
            + interface("ecr_dkr", "ecr.dkr")
            + gateway("s3", "s3", extra="route_table_ids = [aws_vpc.main.default_route_table_id]"),
            set(),
        ),
        "008 a route on an unknown table may be the way out": (
            "VPCE008",
            'variable "table" {}\nresource "aws_route" "maybe" {\n  route_table_id = var.table\n'
            '  destination_cidr_block = "0.0.0.0/0"\n  nat_gateway_id = "nat-1"\n}\n'
            + route_table("public", '    cidr_block = "0.0.0.0/0"\n    gateway_id = "igw-0123456789abcdef0"')
            + interface("ecr_api", "ecr.api")
            + interface("ecr_dkr", "ecr.dkr")
            + gateway("s3", "s3", extra="route_table_ids = [aws_route_table.public.id]"),
            set(),
        ),
        "008 route table of the endpoints' subnets unknown": (
            "VPCE008",
            'variable "table" {}\n' + 'resource "aws_route_table_association" "a" {\n  subnet_id = aws_subnet.a.id\n'
            "  route_table_id = var.table\n}\n"
            + interface("ecr_api", "ecr.api")
            + interface("ecr_dkr", "ecr.dkr")
            + gateway("s3", "s3", extra="route_table_ids = [aws_route_table.private.id]"),
            set(),
        ),
        # services without private DNS, gateway-capable services
        "006 dynamodb streams has no private dns": (
            "VPCE006",
            interface("streams", "dynamodb-streams").replace("= true", "= false"),
            set(),
        ),
        "002 s3 express one zone has gateway endpoints": ("VPCE002", gateway("s3express", "s3express"), set()),
        # the default VPC
        "012 default vpc with dns hostnames omitted": (
            "VPCE012",
            'resource "aws_default_vpc" "default" {}\n'
            + interface("sts", "sts").replace("aws_vpc.main.id", "aws_default_vpc.default.id"),
            set(),
        ),
        "012 default vpc with dns hostnames off": (
            "VPCE012",
            'resource "aws_default_vpc" "default" {\n  enable_dns_hostnames = false\n}\n'
            + interface("sts", "sts").replace("aws_vpc.main.id", "aws_default_vpc.default.id"),
            {("VPCE012", "aws_vpc_endpoint.sts")},
        ),
        # interface endpoints nothing can reach
        "016 security group admits no https": (
            "VPCE016",
            NO_HTTPS_GROUP + closed("sts"),
            {("VPCE016", "aws_vpc_endpoint.sts")},
        ),
        "016 https admitted by a rule resource": (
            "VPCE016",
            NO_HTTPS_GROUP + closed("sts") + 'resource "aws_security_group_rule" "https" {\n  type = "ingress"\n'
            "  security_group_id = aws_security_group.closed.id\n"
            '  from_port = 443\n  to_port = 443\n  protocol = "tcp"\n  cidr_blocks = ["10.0.0.0/16"]\n}\n',
            set(),
        ),
        "016 an egress rule does not admit https": (
            "VPCE016",
            NO_HTTPS_GROUP + closed("sts") + 'resource "aws_security_group_rule" "out" {\n  type = "egress"\n'
            "  security_group_id = aws_security_group.closed.id\n"
            '  from_port = 443\n  to_port = 443\n  protocol = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n',
            {("VPCE016", "aws_vpc_endpoint.sts")},
        ),
        "016 all traffic admitted by an ingress rule": (
            "VPCE016",
            NO_HTTPS_GROUP + closed("sts") + 'resource "aws_vpc_security_group_ingress_rule" "all" {\n'
            '  security_group_id = aws_security_group.closed.id\n  ip_protocol = "-1"\n'
            '  cidr_ipv4 = "10.0.0.0/16"\n}\n',
            set(),
        ),
        "016 a rule for an unknown group stays silent": (
            "VPCE016",
            'variable "group" {}\n'
            + NO_HTTPS_GROUP
            + closed("sts")
            + 'resource "aws_vpc_security_group_ingress_rule" "https" {\n'
            '  security_group_id = var.group\n  ip_protocol = "tcp"\n  from_port = 443\n  to_port = 443\n'
            '  cidr_ipv4 = "10.0.0.0/16"\n}\n',
            set(),
        ),
        "016 a group that is not in the configuration": (
            "VPCE016",
            interface("sts", "sts").replace("aws_security_group.endpoints.id", '"sg-0123456789abcdef0"'),
            set(),
        ),
        "016 smtp is not reached over https": ("VPCE016", NO_HTTPS_GROUP + closed("email-smtp"), set()),
        "016 the declared default group admits nothing": (
            "VPCE016",
            DEFAULT_GROUP + without_groups("sts", "sts"),
            {("VPCE016", "aws_vpc_endpoint.sts")},
        ),
        "016 the default group is not declared": ("VPCE016", without_groups("sts", "sts"), set()),
    }
)


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule_case(tmp_path: Path, case: str) -> None:
    rule_id, terraform, expected = CASES[case]
    findings = findings_of(tmp_path, NETWORK + terraform if 'aws_vpc" "main"' not in terraform else terraform)
    assert {(f.rule_id, f.address) for f in findings if f.rule_id == rule_id} == expected


def test_every_rule_has_failing_and_passing_cases() -> None:
    for item in all_rules():
        if item.id == "VPCE000":
            continue
        cases = [expected for rule_id, _, expected in CASES.values() if rule_id == item.id]
        assert any(cases), f"{item.id} has no failing case"
        assert any(not expected for expected in cases), f"{item.id} has no passing case"


def test_clean_network_has_no_findings(tmp_path: Path) -> None:
    terraform = (
        NETWORK
        + NAT_TABLE
        + gateway("s3", "s3", extra="route_table_ids = [aws_route_table.nat_a.id, aws_route_table.private.id]")
        + gateway("ddb", "dynamodb", extra="route_table_ids = [aws_route_table.nat_a.id, aws_route_table.private.id]")
        + interface("ecr_api", "ecr.api")
        + interface("ecr_dkr", "ecr.dkr")
    )
    assert findings_of(tmp_path, terraform) == []


def test_message_explains_nat_cost_for_ecr(tmp_path: Path) -> None:
    findings = findings_of(
        tmp_path, NETWORK + NAT_TABLE + interface("ecr_api", "ecr.api") + interface("ecr_dkr", "ecr.dkr")
    )
    (ecr,) = [f for f in findings if f.rule_id == "VPCE008"]
    assert "every image layer pays the NAT gateway's $0.045/GB data processing" in ecr.message
    assert ecr.vpc == "aws_vpc.main"


def test_message_says_pulls_fail_without_nat(tmp_path: Path) -> None:
    findings = findings_of(tmp_path, NETWORK + interface("ecr_api", "ecr.api") + interface("ecr_dkr", "ecr.dkr"))
    (ecr,) = [f for f in findings if f.rule_id == "VPCE008"]
    assert "every image pull fails" in ecr.message


def test_region_prices_follow_service_names(tmp_path: Path) -> None:
    terraform = (NETWORK + NAT_TABLE).replace("us-east-1", "ap-northeast-1")
    terraform += gateway("s3", "s3", extra="route_table_ids = [aws_route_table.nat_a.id]").replace(
        "us-east-1", "ap-northeast-1"
    )
    terraform += 'resource "aws_dynamodb_table" "orders" {\n  name = "orders"\n  hash_key = "id"\n}\n'
    (finding,) = [f for f in findings_of(tmp_path, terraform) if f.rule_id == "VPCE013"]
    assert "$0.062/GB data processing (ap-northeast-1 list price)" in finding.message
    assert "DynamoDB" in finding.message and "aws_dynamodb_table.orders" in finding.message


def test_prices_are_the_vpc_regions_beside_a_cross_region_endpoint(tmp_path: Path) -> None:
    """A cross-region endpoint names another region; the NAT is billed where the VPC is."""
    terraform = (NETWORK + NAT_TABLE).replace("us-east-1", "eu-west-1")
    terraform += interface("s3_east", "s3", extra='service_region = "us-east-1"').replace(
        "aws_subnet.a.id, aws_subnet.b.id", "aws_subnet.a.id"
    )
    (finding,) = [f for f in findings_of(tmp_path, terraform) if f.rule_id == "VPCE013"]
    assert "$0.048/GB data processing (eu-west-1 list price)" in finding.message


def test_paid_paths_are_worded_by_what_they_cost(tmp_path: Path) -> None:
    terraform = (
        NETWORK
        + NAT_INSTANCE
        + route_table("nat_instance", '    cidr_block = "0.0.0.0/0"\n    instance_id = aws_instance.nat.id')
        + route_table("transit", '    cidr_block = "0.0.0.0/0"\n    transit_gateway_id = "tgw-0123456789abcdef0"')
        + route_table("nat_gateway", '    cidr_block = "0.0.0.0/0"\n    gateway_id = "nat-0123456789abcdef0"')
    )
    (finding,) = [f for f in findings_of(tmp_path, terraform) if f.rule_id == "VPCE013"]
    message = finding.message
    assert "a NAT gateway (aws_route_table.nat_gateway)" in message
    assert "a NAT instance (aws_route_table.nat_instance)" in message
    assert "a Transit Gateway (aws_route_table.transit)" in message
    assert "pays the NAT gateway's $0.045/GB data processing" in message
    assert "runs through the NAT instance, taking its bandwidth" in message
    assert "pays Transit Gateway data processing per GB, and the NAT processing of the central egress VPC" in message


def test_the_default_route_table_is_one_table(tmp_path: Path) -> None:
    """An adopted default table, and routes on it named two other ways, are counted once."""
    terraform = (
        NETWORK + 'resource "aws_default_route_table" "main" {\n'
        "  default_route_table_id = aws_vpc.main.default_route_table_id\n"
        '  route {\n    cidr_block = "0.0.0.0/0"\n    nat_gateway_id = "nat-1"\n  }\n}\n'
        + 'resource "aws_route" "peer" {\n  route_table_id = aws_default_route_table.main.id\n'
        '  destination_cidr_block = "10.9.0.0/16"\n  vpc_peering_connection_id = "pcx-1"\n}\n'
        + 'resource "aws_route" "vpn" {\n  route_table_id = aws_vpc.main.main_route_table_id\n'
        '  destination_cidr_block = "192.168.0.0/16"\n  gateway_id = "vgw-1"\n}\n'
    )
    (finding,) = [f for f in findings_of(tmp_path, terraform) if f.rule_id == "VPCE013"]
    assert "a NAT gateway (aws_default_route_table.main) and has" in finding.message


def test_central_egress_vpc_judges_only_its_workload_tables(tmp_path: Path) -> None:
    terraform = (
        NETWORK + NAT_TABLES + 'resource "aws_route_table_association" "tgw_a" {\n'
        "  subnet_id      = aws_subnet.a.id\n  route_table_id = aws_route_table.nat_a.id\n}\n"
        + 'resource "aws_route_table_association" "app_b" {\n'
        "  subnet_id      = aws_subnet.b.id\n  route_table_id = aws_route_table.nat_b.id\n}\n"
        + 'resource "aws_ec2_transit_gateway_vpc_attachment" "egress" {\n'
        '  transit_gateway_id = "tgw-0123456789abcdef0"\n  vpc_id = aws_vpc.main.id\n'
        "  subnet_ids = [aws_subnet.a.id]\n}\n"
    )
    (finding,) = [f for f in findings_of(tmp_path, terraform) if f.rule_id == "VPCE013"]
    assert "(aws_route_table.nat_b)" in finding.message and "nat_a" not in finding.message


def test_private_dns_resource_reaches_the_vpc_dns_rule(tmp_path: Path) -> None:
    terraform = (
        NETWORK.replace("  enable_dns_hostnames = true\n", "")
        + interface("sts", "sts").replace("  private_dns_enabled = true\n", "")
        + 'resource "aws_vpc_endpoint_private_dns" "sts" {\n'
        "  vpc_endpoint_id = aws_vpc_endpoint.sts.id\n  private_dns_enabled = true\n}\n"
    )
    assert {f.rule_id for f in findings_of(tmp_path, terraform)} == {"VPCE012"}


def test_finding_points_at_attribute_line(tmp_path: Path) -> None:
    terraform = NETWORK + interface("sts", "sts").replace("private_dns_enabled = true", "private_dns_enabled = false")
    (finding,) = [f for f in findings_of(tmp_path, terraform) if f.rule_id == "VPCE006"]
    line = (tmp_path / "main.tf").read_text().splitlines()[finding.start_line - 1]
    assert "private_dns_enabled = false" in line


def test_suppression_comments(tmp_path: Path) -> None:
    terraform = NETWORK + interface(
        "sts",
        "sts",
        subnets="[aws_subnet.a.id]",
        extra="# checkov:skip=VPCE005:sandbox\n"
        "  # vpce-checks:skip=interface-endpoint-private-dns-disabled:uses endpoint DNS",
    ).replace("private_dns_enabled = true", "private_dns_enabled = false")
    findings = {f.rule_id: f for f in findings_of(tmp_path, terraform)}
    assert findings["VPCE005"].suppressed and findings["VPCE005"].suppression_reason == "sandbox"
    assert findings["VPCE006"].suppressed and findings["VPCE006"].suppression_reason == "uses endpoint DNS"


def test_unparsable_file_is_a_finding_and_other_files_still_scanned(tmp_path: Path) -> None:
    findings = findings_of(
        tmp_path,
        {
            "broken.tf": 'resource "aws_vpc_endpoint" "x" {\n  vpc_id =\n}\n',
            "main.tf": NETWORK + gateway("s3", "s3", extra=""),
        },
    )
    assert {(f.rule_id, f.address) for f in findings} == {("VPCE000", ""), ("VPCE001", "aws_vpc_endpoint.s3")}
    (broken,) = [f for f in findings if f.rule_id == "VPCE000"]
    assert broken.file == "mod/broken.tf" and broken.start_line in (2, 3) and "invalid HCL" in broken.message
