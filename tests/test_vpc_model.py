"""The model of terraform-aws-modules/vpc/aws: what it creates from its inputs, per release, and that
reading a copy of the module from .terraform/modules gives the same findings."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from helpers import pairs

from vpce_checks.core.community_modules import models
from vpce_checks.core.engine import analyze
from vpce_checks.core.model import Configuration
from vpce_checks.core.network import Network
from vpce_checks.core.values import ResourceRef, Unknown
from vpce_checks.loader import syntax
from vpce_checks.loader.module import load_directory
from vpce_checks.loader.syntax import Limits

PROVIDER = 'provider "aws" {\n  region = "eu-west-1"\n}\n'
THREE_AZS = """
  azs             = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  private_subnets = ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
  public_subnets  = ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]
"""


def vpc_call(arguments: str, version: str | None = "~> 5.0", source: str = "terraform-aws-modules/vpc/aws") -> str:
    """A root calling the VPC module with these arguments."""
    pin = f'  version = "{version}"\n' if version is not None else ""
    return f'{PROVIDER}module "vpc" {{\n  source  = "{source}"\n{pin}{textwrap.dedent(arguments)}\n}}\n'


def load(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> Configuration:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    for name, content in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return load_directory(str(tmp_path), "root")


def addresses(config: Configuration, resource_type: str) -> list[str]:
    return [resource.address for resource in config.of_type(resource_type)]


def test_a_single_nat_gateway_serves_every_private_subnet(tmp_path: Path) -> None:
    config = load(tmp_path, vpc_call(THREE_AZS + "enable_nat_gateway = true\nsingle_nat_gateway = true\n"))
    assert config.notes == [] and config.complete
    assert addresses(config, "aws_vpc") == ["module.vpc.aws_vpc.this[0]"]
    assert addresses(config, "aws_nat_gateway") == ["module.vpc.aws_nat_gateway.this[0]"]
    assert addresses(config, "aws_route_table") == [
        "module.vpc.aws_route_table.public[0]",
        "module.vpc.aws_route_table.private[0]",
    ]
    associations = [r for r in config.of_type("aws_route_table_association") if ".private[" in r.address]
    assert {str(r.get("route_table_id")) for r in associations} == {"module.vpc.aws_route_table.private[0].id"}
    route = config.resource("module.vpc.aws_route.private_nat_gateway[0]")
    assert route is not None and route.get("destination_cidr_block") == "0.0.0.0/0"
    assert route.get("nat_gateway_id") == ResourceRef("module.vpc.aws_nat_gateway.this[0]", "id")
    nat = config.resource("module.vpc.aws_nat_gateway.this[0]")
    assert nat is not None and nat.get("subnet_id") == ResourceRef("module.vpc.aws_subnet.public[0]", "id")
    vpc = Network(config).vpcs["module.vpc.aws_vpc.this[0]"]
    assert [table.address for table in vpc.nat_route_tables] == ["module.vpc.aws_route_table.private[0]"]


@pytest.mark.parametrize(
    ("arguments", "count"),
    [
        ("one_nat_gateway_per_az = true", 3),
        ("", 3),  # one per subnet index
        ("single_nat_gateway = true\none_nat_gateway_per_az = true", 1),  # single wins
    ],
)
def test_nat_gateways_per_az_or_per_subnet(tmp_path: Path, arguments: str, count: int) -> None:
    config = load(tmp_path, vpc_call(THREE_AZS + "enable_nat_gateway = true\n" + arguments))
    assert len(config.of_type("aws_nat_gateway")) == count
    tables = [r for r in config.of_type("aws_route_table") if ".private[" in r.address]
    assert len(tables) == count == len(Network(config).vpcs["module.vpc.aws_vpc.this[0]"].nat_route_tables)


def test_without_nat_gateways_the_private_route_tables_have_no_default_route(tmp_path: Path) -> None:
    config = load(tmp_path, vpc_call(THREE_AZS))
    assert config.of_type("aws_nat_gateway") == [] and config.of_type("aws_route") != []
    vpc = Network(config).vpcs["module.vpc.aws_vpc.this[0]"]
    assert vpc.nat_route_tables == [] and not vpc.nat_unknown


UNEVEN = """
  azs             = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  private_subnets = ["10.0.1.0/24", "10.0.2.0/24"]
  public_subnets  = ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]
  intra_subnets   = ["10.0.51.0/24", "10.0.52.0/24", "10.0.53.0/24", "10.0.54.0/24"]
  enable_nat_gateway = true
"""


@pytest.mark.parametrize(
    ("version", "count"),
    [
        ("~> 3.0", 2),  # 3.x counts private (and database, elasticache, redshift) subnets
        ("5.1.1", 4),  # 4.0.1 to 5.1.1 count public and intra subnets too
        ("~> 5.2", 3),  # since 5.1.2 intra subnets no longer count
        ("~> 5.0", None),  # 5.0.0 to 5.1.1 and 5.1.2 on disagree: unknown
    ],
)
def test_which_subnets_count_towards_the_nat_gateways_follows_the_release(
    tmp_path: Path, version: str, count: int | None
) -> None:
    config = load(tmp_path, vpc_call(UNEVEN, version))
    nat_gateways = config.of_type("aws_nat_gateway")
    if count is None:
        assert [(r.address, r.certain) for r in nat_gateways] == [("module.vpc.aws_nat_gateway.this[*]", False)]
        assert Network(config).vpcs["module.vpc.aws_vpc.this[0]"].nat_unknown
    else:
        assert len(nat_gateways) == count and all(r.certain for r in nat_gateways)


@pytest.mark.parametrize(
    ("version", "hostnames"),
    [("~> 3.14", False), ("~> 5.0", True), ("~> 4.0", True), (">= 3.0", None), (None, None), ("< 3.99", False)],
)
def test_the_dns_hostnames_default_follows_the_release(
    tmp_path: Path, version: str | None, hostnames: bool | None
) -> None:
    config = load(tmp_path, vpc_call(THREE_AZS, version))
    vpc = config.resource("module.vpc.aws_vpc.this[0]")
    assert vpc is not None
    value = vpc.get("enable_dns_hostnames")
    assert isinstance(value, Unknown) if hostnames is None else value is hostnames
    explicit = load(tmp_path, vpc_call(THREE_AZS + "enable_dns_hostnames = false", version))
    assert explicit.resource("module.vpc.aws_vpc.this[0]").get("enable_dns_hostnames") is False  # type: ignore[union-attr]


def test_a_git_ref_names_the_release_and_a_branch_admits_any() -> None:
    vpc = next(model for model in models() if model.name == "terraform-aws-modules/vpc/aws")
    assert vpc.use(None, "v3.19.0").defaults["enable_dns_hostnames"] is False
    assert isinstance(vpc.use(None, "main").defaults["enable_dns_hostnames"], Unknown)
    assert vpc.use("~> 5.0", "v3.19.0").defaults["enable_dns_hostnames"] is True  # the version argument wins


def test_a_constraint_outside_the_model_is_skipped_and_one_across_its_start_uses_the_releases_inside(
    tmp_path: Path,
) -> None:
    config = load(tmp_path, vpc_call(THREE_AZS, "~> 2.70"))
    assert config.resources == [] and not config.complete
    assert (
        "version '~> 2.70' admits no release the model of terraform-aws-modules/vpc/aws follows"
        in config.notes[0].message
    )
    across = load(tmp_path, vpc_call(THREE_AZS, ">= 2.0, < 4.0"))
    assert across.notes == []
    assert across.resource("module.vpc.aws_vpc.this[0]").get("enable_dns_hostnames") is False  # type: ignore[union-attr]


def test_subnets_are_placed_by_az_name_or_az_id(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        vpc_call('azs = ["euw1-az1", "euw1-az2"]\nprivate_subnets = ["10.0.1.0/24", "10.0.2.0/24"]\n'),
    )
    subnets = config.of_type("aws_subnet")
    assert [(s.get("availability_zone"), s.get("availability_zone_id")) for s in subnets] == [
        (None, "euw1-az1"),
        (None, "euw1-az2"),
    ]


def test_create_vpc_false_creates_nothing_and_unknown_create_vpc_may_create_anything(tmp_path: Path) -> None:
    endpoint = """
    resource "aws_vpc_endpoint" "s3" {
      vpc_id          = module.vpc.vpc_id
      service_name    = "com.amazonaws.eu-west-1.s3"
      route_table_ids = module.vpc.private_route_table_ids
    }
    """
    off = load(tmp_path, vpc_call(THREE_AZS + "create_vpc = false") + endpoint)
    assert [r.address for r in off.resources] == ["aws_vpc_endpoint.s3"]
    assert off.resources[0].get("vpc_id") is None and off.resources[0].get("route_table_ids") == []
    maybe = load(tmp_path, 'variable "create" {\n  type = bool\n}\n' + vpc_call(THREE_AZS + "create_vpc = var.create"))
    assert maybe.resources and not any(r.certain for r in maybe.resources)
    assert analyze(maybe) == []


def test_a_database_route_table_with_a_nat_route_counts_as_nat_route_table(tmp_path: Path) -> None:
    arguments = (
        THREE_AZS
        + """
    database_subnets                   = ["10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"]
    create_database_subnet_route_table = true
    create_database_nat_gateway_route  = true
    enable_nat_gateway                 = true
    single_nat_gateway                 = true
    """
    )
    config = load(tmp_path, vpc_call(arguments) + 'output "db" {\n  value = module.vpc.database_route_table_ids\n}\n')
    vpc = Network(config).vpcs["module.vpc.aws_vpc.this[0]"]
    assert {table.address for table in vpc.nat_route_tables} == {
        "module.vpc.aws_route_table.private[0]",
        "module.vpc.aws_route_table.database[0]",
    }


def test_routes_given_to_the_default_route_table_are_read(tmp_path: Path) -> None:
    arguments = (
        THREE_AZS
        + """
    manage_default_route_table = true
    default_route_table_routes = [{ cidr_block = "0.0.0.0/0", nat_gateway_id = "nat-0123456789abcdef0" }]
    """
    )
    config = load(tmp_path, vpc_call(arguments))
    vpc = Network(config).vpcs["module.vpc.aws_vpc.this[0]"]
    assert [table.address for table in vpc.nat_route_tables] == ["module.vpc.aws_default_route_table.default[0]"]


def test_an_input_the_model_does_not_know_is_noted_and_inert_ones_are_not(tmp_path: Path) -> None:
    inert = load(tmp_path, vpc_call(THREE_AZS + 'tags = { Team = "net" }\nenable_flow_log = true\nenable_ipv6 = true'))
    assert inert.notes == [] and inert.complete
    unknown = load(tmp_path, vpc_call(THREE_AZS + "use_ipam_pool = true\nipv4_netmask_length = 16"))
    assert not unknown.complete
    assert [note.message for note in unknown.notes] == [
        "module.vpc: the model of terraform-aws-modules/vpc/aws does not know what use_ipam_pool, "
        "ipv4_netmask_length change; what the module creates may differ"
    ]
    assert unknown.notes[0].location.start_line == 4
    behaviour = load(tmp_path, vpc_call(UNEVEN + "model_nat_counts_intra_subnets = true", "~> 5.2"))
    assert "model_nat_counts_intra_subnets" in behaviour.notes[0].message  # behaviours are no inputs
    assert len(behaviour.of_type("aws_nat_gateway")) == 3  # and a caller cannot change them


def test_findings_point_at_the_module_block_and_its_skip_comments_apply(tmp_path: Path) -> None:
    arguments = (
        THREE_AZS
        + """
    enable_dns_hostnames = false
    # vpce-checks:skip=VPCE013:egress is inspected centrally
    enable_nat_gateway = true
    """
    )
    endpoint = """
    resource "aws_vpc_endpoint" "sts" {
      vpc_id              = module.vpc.vpc_id
      service_name        = "com.amazonaws.eu-west-1.sts"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = module.vpc.private_subnets
      security_group_ids  = [module.vpc.default_security_group_id]
      private_dns_enabled = true
    }
    """
    config = load(tmp_path, vpc_call(arguments) + endpoint)
    vpc = config.resource("module.vpc.aws_vpc.this[0]")
    assert vpc is not None and vpc.location.file == "root/main.tf" and vpc.location.start_line == 4
    assert vpc.line_of("enable_dns_hostnames") == 12 and vpc.line_of("enable_dns_support") == 4
    found = {(f.rule_id, f.address): f for f in analyze(config)}
    assert set(found) == {
        ("VPCE012", "aws_vpc_endpoint.sts"),
        ("VPCE013", "module.vpc.aws_vpc.this[0]"),
        ("VPCE015", "module.vpc.aws_vpc.this[0]"),  # the NAT, and no DynamoDB Gateway endpoint
    }
    assert found[("VPCE013", "module.vpc.aws_vpc.this[0]")].suppressed


def test_a_counted_module_call_makes_one_vpc_per_instance(tmp_path: Path) -> None:
    text = vpc_call(THREE_AZS + "enable_nat_gateway = true\nsingle_nat_gateway = true").replace(
        'module "vpc" {', 'module "vpc" {\n  count = 2'
    )
    config = load(tmp_path, text)
    assert addresses(config, "aws_vpc") == ["module.vpc[0].aws_vpc.this[0]", "module.vpc[1].aws_vpc.this[0]"]
    assert pairs(analyze(config)) == {
        ("VPCE013", "module.vpc[0].aws_vpc.this[0]"),
        ("VPCE013", "module.vpc[1].aws_vpc.this[0]"),
        ("VPCE015", "module.vpc[0].aws_vpc.this[0]"),
        ("VPCE015", "module.vpc[1].aws_vpc.this[0]"),
    }


# A copy of the module as terraform init would leave it in .terraform/modules, written for this test
# from the module's documented interface (its README's inputs, outputs and resources, for a 5.x
# release): reading it must give the same findings as the model.
ON_DISK_VPC = """
variable "create_vpc" {
  default = true
}
variable "name" {
  default = ""
}
variable "cidr" {
  default = "10.0.0.0/16"
}
variable "azs" {
  default = []
}
variable "enable_dns_hostnames" {
  default = true
}
variable "enable_dns_support" {
  default = true
}
variable "public_subnets" {
  default = []
}
variable "private_subnets" {
  default = []
}
variable "intra_subnets" {
  default = []
}
variable "database_subnets" {
  default = []
}
variable "enable_nat_gateway" {
  default = false
}
variable "single_nat_gateway" {
  default = false
}
variable "one_nat_gateway_per_az" {
  default = false
}
variable "tags" {
  default = {}
}

locals {
  nat_gateways = (var.single_nat_gateway ? 1 : var.one_nat_gateway_per_az ? length(var.azs)
    : max(length(var.private_subnets), length(var.public_subnets), length(var.database_subnets)))
  by_name = [for zone in var.azs : length(split("-", zone)[0]) == 2]
}

resource "aws_vpc" "this" {
  count                = var.create_vpc ? 1 : 0
  cidr_block           = var.cidr
  enable_dns_hostnames = var.enable_dns_hostnames
  enable_dns_support   = var.enable_dns_support
  tags                 = merge({ Name = var.name }, var.tags)
}

resource "aws_subnet" "public" {
  count                = var.create_vpc ? length(var.public_subnets) : 0
  vpc_id               = aws_vpc.this[0].id
  cidr_block           = var.public_subnets[count.index]
  availability_zone    = local.by_name[count.index] ? var.azs[count.index] : null
  availability_zone_id = local.by_name[count.index] ? null : var.azs[count.index]
}

resource "aws_subnet" "private" {
  count                = var.create_vpc ? length(var.private_subnets) : 0
  vpc_id               = aws_vpc.this[0].id
  cidr_block           = var.private_subnets[count.index]
  availability_zone    = local.by_name[count.index] ? var.azs[count.index] : null
  availability_zone_id = local.by_name[count.index] ? null : var.azs[count.index]
}

resource "aws_subnet" "intra" {
  count                = var.create_vpc ? length(var.intra_subnets) : 0
  vpc_id               = aws_vpc.this[0].id
  cidr_block           = var.intra_subnets[count.index]
  availability_zone    = local.by_name[count.index] ? var.azs[count.index] : null
  availability_zone_id = local.by_name[count.index] ? null : var.azs[count.index]
}

resource "aws_subnet" "database" {
  count                = var.create_vpc ? length(var.database_subnets) : 0
  vpc_id               = aws_vpc.this[0].id
  cidr_block           = var.database_subnets[count.index]
  availability_zone    = local.by_name[count.index] ? var.azs[count.index] : null
  availability_zone_id = local.by_name[count.index] ? null : var.azs[count.index]
}

resource "aws_internet_gateway" "this" {
  count  = var.create_vpc && length(var.public_subnets) > 0 ? 1 : 0
  vpc_id = aws_vpc.this[0].id
}

resource "aws_route_table" "public" {
  count  = var.create_vpc && length(var.public_subnets) > 0 ? 1 : 0
  vpc_id = aws_vpc.this[0].id
}

resource "aws_route" "public_internet_gateway" {
  count                  = length(aws_route_table.public)
  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table" "private" {
  count  = var.create_vpc && length(var.private_subnets) > 0 ? local.nat_gateways : 0
  vpc_id = aws_vpc.this[0].id
}

resource "aws_route_table_association" "private" {
  count          = length(aws_subnet.private)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[var.single_nat_gateway ? 0 : count.index].id
}

resource "aws_route_table" "intra" {
  count  = var.create_vpc && length(var.intra_subnets) > 0 ? 1 : 0
  vpc_id = aws_vpc.this[0].id
}

resource "aws_nat_gateway" "this" {
  count     = var.create_vpc && var.enable_nat_gateway ? local.nat_gateways : 0
  subnet_id = aws_subnet.public[var.single_nat_gateway ? 0 : count.index].id
}

resource "aws_route" "private_nat_gateway" {
  count                  = length(aws_nat_gateway.this)
  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[count.index].id
}

resource "aws_default_route_table" "default" {
  count                  = var.create_vpc ? 1 : 0
  default_route_table_id = aws_vpc.this[0].default_route_table_id
}

output "vpc_id" {
  value = try(aws_vpc.this[0].id, null)
}
output "vpc_cidr_block" {
  value = try(aws_vpc.this[0].cidr_block, null)
}
output "azs" {
  value = var.azs
}
output "private_subnets" {
  value = aws_subnet.private[*].id
}
output "public_subnets" {
  value = aws_subnet.public[*].id
}
output "intra_subnets" {
  value = aws_subnet.intra[*].id
}
output "database_subnets" {
  value = aws_subnet.database[*].id
}
output "private_route_table_ids" {
  value = aws_route_table.private[*].id
}
output "public_route_table_ids" {
  value = aws_route_table.public[*].id
}
output "intra_route_table_ids" {
  value = aws_route_table.intra[*].id
}
output "database_route_table_ids" {
  value = aws_route_table.private[*].id
}
output "natgw_ids" {
  value = aws_nat_gateway.this[*].id
}
"""

ENDPOINTS = """
resource "aws_security_group" "vpce" {
  vpc_id = module.vpc.vpc_id
}
resource "aws_vpc_endpoint" "interface" {
  for_each            = toset(SERVICES)
  vpc_id              = module.vpc.vpc_id
  service_name        = "com.amazonaws.eu-west-1.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = SUBNETS
  security_group_ids  = [aws_security_group.vpce.id]
  private_dns_enabled = true
}
"""

EQUIVALENT_CASES = [
    # One NAT gateway, Session Manager without ec2messages in one private subnet.
    (
        THREE_AZS + "enable_nat_gateway = true\nsingle_nat_gateway = true",
        '["ssm", "ssmmessages"]',
        "[module.vpc.private_subnets[0]]",
        "",
    ),
    # A NAT gateway per AZ; S3 on the first private route table only.
    (
        THREE_AZS + "enable_nat_gateway = true\none_nat_gateway_per_az = true",
        '["sts"]',
        "module.vpc.private_subnets",
        """
        resource "aws_vpc_endpoint" "s3" {
          vpc_id          = module.vpc.vpc_id
          service_name    = "com.amazonaws.eu-west-1.s3"
          route_table_ids = [module.vpc.private_route_table_ids[0]]
        }
        """,
    ),
    # Intra subnets by AZ ID and no NAT: ECR without S3.
    (
        'azs = ["euw1-az1", "euw1-az2"]\nintra_subnets = ["10.0.51.0/24", "10.0.52.0/24"]',
        '["ecr.api", "ecr.dkr"]',
        "module.vpc.intra_subnets",
        "",
    ),
    # DNS hostnames off, with private DNS on the endpoints.
    (THREE_AZS + "enable_dns_hostnames = false", '["sts", "logs"]', "module.vpc.private_subnets", ""),
    # Nothing created.
    (THREE_AZS + "create_vpc = false\nenable_nat_gateway = true", '["sts"]', "module.vpc.private_subnets", ""),
]


@pytest.mark.parametrize(("arguments", "services", "subnets", "extra"), EQUIVALENT_CASES)
def test_the_model_and_the_downloaded_module_give_the_same_findings(
    tmp_path: Path, arguments: str, services: str, subnets: str, extra: str
) -> None:
    endpoints = ENDPOINTS.replace("SERVICES", services).replace("SUBNETS", subnets) + textwrap.dedent(extra)
    text = vpc_call(arguments + '\ntags = { Owner = "network" }') + endpoints

    def findings(root: Path, downloaded: bool) -> set[tuple[str, str, bool]]:
        files = {}
        if downloaded:
            manifest = {"Modules": [{"Key": "", "Dir": "."}, {"Key": "vpc", "Dir": ".terraform/modules/vpc"}]}
            files = {
                ".terraform/modules/modules.json": json.dumps(manifest),
                ".terraform/modules/vpc/main.tf": ON_DISK_VPC,
            }
        root.mkdir()
        config = load(root, text, files)
        assert config.notes == [] and config.complete
        vpcs = config.of_type("aws_vpc")
        shown_at = {resource.location.file for resource in vpcs}
        assert shown_at <= {"root/.terraform/modules/vpc/main.tf" if downloaded else "root/main.tf"}
        return {(f.rule_id, f.address, f.suppressed) for f in analyze(config)}

    modelled = findings(tmp_path / "modelled", downloaded=False)
    assert modelled == findings(tmp_path / "downloaded", downloaded=True)
    if "create_vpc = false" not in arguments:
        assert modelled, "each case should raise something"


def test_a_count_over_the_expansion_limit_inside_the_model_is_reported_at_the_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(syntax, "limits", Limits(max_expansion=2))
    config = load(tmp_path, vpc_call(THREE_AZS))
    problem = next(p for p in config.problems if "module.vpc.aws_subnet.private" in p.message)
    assert (problem.location.file, problem.location.start_line) == ("root/main.tf", 4)
