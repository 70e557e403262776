"""The evaluator: what can be known statically is known; the rest is unknown, never an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import load_hcl

from vpce_checks.core.values import PartialString, ResourceRef, Unknown, is_unknown
from vpce_checks.loader.module import LoadOptions, load_directory


def value_of(tmp_path: Path, expression: str, prelude: str = "", options: LoadOptions | None = None) -> Any:
    """Evaluate one expression as the attribute of a resource, with variables and locals around."""
    config = load_hcl(tmp_path, f'{prelude}\nresource "test_thing" "probe" {{\n  value = {expression}\n}}\n', options)
    probe = config.resource("test_thing.probe")
    assert probe is not None
    return probe.get("value")


PRELUDE = """
variable "azs" { default = ["us-east-1a", "us-east-1b", "us-east-1c"] }
variable "services" { default = { ssm = "Interface", s3 = "Gateway" } }
variable "region" { default = "us-east-1" }
variable "no_default" {}
variable "nothing" { default = null }
locals {
  prefix  = "com.amazonaws.${var.region}"
  names   = ["ssm", "ec2messages"]
  nested  = [["a", "b"], ["c"]]
  self_a  = local.self_b
  self_b  = local.self_a
}
data "aws_region" "current" {}
"""


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"plain"', "plain"),
        ("42", 42),
        ("1.5", 1.5),
        ("-3", -3),
        ("true", True),
        ("null", None),
        ("!false", True),
        ("(1 + 2) * 3", 9),
        ("7 % 4", 3),
        ("10 / 4", 2.5),
        ('"a" == "a"', True),
        ("2 > 1 && 1 > 2", False),
        ("false || true", True),
        ('var.region == "us-east-1" ? "yes" : "no"', "yes"),
        ('"${local.prefix}.s3"', "com.amazonaws.us-east-1.s3"),
        ('"a\\"b\\n"', 'a"b\n'),
        ('"$${literal}"', "${literal}"),
        ("var.azs[1]", "us-east-1b"),
        ('var.services["s3"]', "Gateway"),
        ("var.services.ssm", "Interface"),
        ("var.nothing", None),
        ("[for s in local.names : upper(s)]", ["SSM", "EC2MESSAGES"]),
        ('[for s in local.names : s if s != "ssm"]', ["ec2messages"]),
        ("{ for k, v in var.services : k => lower(v) }", {"s3": "gateway", "ssm": "interface"}),
        ("{ for s in local.names : substr_missing(s) => s }", Unknown),
        ("[for i, z in var.azs : i]", [0, 1, 2]),
        ('{ s3 = 1, "a-b" = 2 }', {"s3": 1, "a-b": 2}),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ("tolist(var.azs)", ["us-east-1a", "us-east-1b", "us-east-1c"]),
        ("length(var.azs)", 3),
        ("element(var.azs, 4)", "us-east-1b"),
        ('concat(local.names, ["ssmmessages"])', ["ssm", "ec2messages", "ssmmessages"]),
        ('merge(var.services, { dynamodb = "Gateway" })', {"ssm": "Interface", "s3": "Gateway", "dynamodb": "Gateway"}),
        ('lookup(var.services, "ecr", "Interface")', "Interface"),
        ("keys(var.services)", ["s3", "ssm"]),
        ("values(var.services)", ["Gateway", "Interface"]),
        ('format("com.amazonaws.%s.%s", var.region, "s3")', "com.amazonaws.us-east-1.s3"),
        ('replace("com.amazonaws.REGION.s3", "REGION", var.region)', "com.amazonaws.us-east-1.s3"),
        ('lower("ABC")', "abc"),
        ('upper("abc")', "ABC"),
        ('join(".", ["com", "amazonaws"])', "com.amazonaws"),
        ('split(",", "a,b")', ["a", "b"]),
        ('distinct(["a", "b", "a"])', ["a", "b"]),
        ("flatten(local.nested)", ["a", "b", "c"]),
        ('coalesce(var.nothing, "fallback")', "fallback"),
        ('try(var.services["missing"], "default")', "default"),
        ("try(var.azs[9], var.azs[0])", "us-east-1a"),
        ('can(var.services["missing"])', False),
        ('contains(local.names, "ssm")', True),
        ('contains(local.names, "s3")', False),
        ("range(3)", [0, 1, 2]),
        ('"${var.azs[0]}"', "us-east-1a"),
        ('cidrsubnet("10.0.0.0/16", 8, 1)', "10.0.1.0/24"),
        ("path.module", "."),
        ('"%{ if true }x%{ endif }"', "x"),
        ('"%{ for s in local.names }${s};%{ endfor }"', "ssm;ec2messages;"),
        ('"%{ if var.region == "us-east-1" }east%{ else }other%{ endif }"', "east"),
        ('"%{ for i, s in local.names }${i}=${s} %{ endfor }"', "0=ssm 1=ec2messages "),
        ('"%{ for k, v in var.services }${k}:${v},%{ endfor }"', "s3:Gateway,ssm:Interface,"),
        ('"%{ for k, v in toset(["b", "a"]) }${k}${v}%{ endfor }"', "aabb"),
        ("<<EOT\n${var.region}\nEOT", "us-east-1\n"),
        ("<<-EOT\n    a ${var.region}\n      b\n    EOT", "a us-east-1\n  b\n"),
        ("<<EOT\n%{ for s in local.names ~}\n${s}\n%{ endfor ~}\nEOT", "ssm\nec2messages\n"),
        ('<<EOT\na  \n${~ "x" ~}\n  b\nEOT', "axb\n"),
        (
            "<<EOT\nliteral $${not.interpolated} %%{ nor_a_directive }\nEOT",
            "literal ${not.interpolated} %{ nor_a_directive }\n",
        ),
        ('[for i, s in toset(["b", "a"]) : i]', ["a", "b"]),
        ('try(var.no_default, "default")', Unknown),
        ("can(var.no_default)", Unknown),
        ("<<EOT\nline\nEOT", "line\n"),
        # An operator that starts a continuation line (python-hcl2 folds the line break into its token).
        ("(true\n    && false)", False),
        ("(1\n    + 2)", 3),
        ('(var.region\n    == "us-east-1")', True),
    ],
)
def test_known_values(tmp_path: Path, expression: str, expected: Any) -> None:
    value = value_of(tmp_path, expression, PRELUDE)
    if expected is Unknown:
        assert isinstance(value, Unknown)
    else:
        assert value == expected


@pytest.mark.parametrize(
    "expression",
    [
        "var.no_default",
        "data.aws_region.current.name",
        "module.vpc.vpc_id",
        "local.self_a",
        "var.no_default ? 1 : 2",
        "length(var.no_default)",
        "concat(var.no_default, [1])",
        "[for s in var.no_default : s]",
        "var.no_default[0]",
        "var.services.missing_key",
        "var.azs[10]",
        "path.cwd",
        '"%{ if var.no_default }x%{ endif }"',
        "timestamp()",
        "uuid()",
    ],
)
def test_unknown_values(tmp_path: Path, expression: str) -> None:
    assert isinstance(value_of(tmp_path, expression, PRELUDE), Unknown)


def test_unknown_keeps_its_origin(tmp_path: Path) -> None:
    value = value_of(tmp_path, "var.no_default", PRELUDE)
    assert isinstance(value, Unknown) and value.origin == "var.no_default"


def test_partial_string_keeps_the_known_parts(tmp_path: Path) -> None:
    value = value_of(tmp_path, '"com.amazonaws.${data.aws_region.current.name}.ecr.dkr"', PRELUDE)
    assert isinstance(value, PartialString)
    assert value.known_prefix == "com.amazonaws." and value.known_suffix == ".ecr.dkr"


def test_format_with_unknown_argument_is_partial(tmp_path: Path) -> None:
    value = value_of(tmp_path, 'format("com.amazonaws.%s.s3", var.no_default)', PRELUDE)
    assert isinstance(value, PartialString) and value.known_suffix == ".s3"


def test_short_circuit_with_unknown(tmp_path: Path) -> None:
    assert value_of(tmp_path, "false && var.no_default", PRELUDE) is False
    assert value_of(tmp_path, "true || var.no_default", PRELUDE) is True
    assert isinstance(value_of(tmp_path, "true && var.no_default", PRELUDE), Unknown)


RESOURCES = """
variable "azs" { default = ["us-east-1a", "us-east-1b"] }
resource "aws_subnet" "private" {
  count             = length(var.azs)
  availability_zone = var.azs[count.index]
}
resource "aws_subnet" "by_key" {
  for_each          = { a = "us-east-1a", b = "us-east-1b" }
  availability_zone = each.value
}
resource "aws_subnet" "single" {
  availability_zone = "us-east-1a"
}
"""


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            "aws_subnet.private[*].id",
            [ResourceRef("aws_subnet.private[0]", "id"), ResourceRef("aws_subnet.private[1]", "id")],
        ),
        (
            "aws_subnet.private.*.id",
            [ResourceRef("aws_subnet.private[0]", "id"), ResourceRef("aws_subnet.private[1]", "id")],
        ),
        ("aws_subnet.private[1].id", ResourceRef("aws_subnet.private[1]", "id")),
        ("aws_subnet.private.0.id", ResourceRef("aws_subnet.private[0]", "id")),
        (
            "[for s in aws_subnet.by_key : s.id]",
            [ResourceRef('aws_subnet.by_key["a"]', "id"), ResourceRef('aws_subnet.by_key["b"]', "id")],
        ),
        ("values(aws_subnet.by_key)[*].availability_zone", ["us-east-1a", "us-east-1b"]),
        ('aws_subnet.by_key["b"].availability_zone', "us-east-1b"),
        ("aws_subnet.single.id", ResourceRef("aws_subnet.single", "id")),
        ('"${aws_subnet.single.id}"', ResourceRef("aws_subnet.single", "id")),
        ("aws_subnet.single[*].id", [ResourceRef("aws_subnet.single", "id")]),
        ("aws_subnet.private[0].availability_zone", "us-east-1a"),
        ("length(aws_subnet.private)", 2),
    ],
)
def test_resource_references(tmp_path: Path, expression: str, expected: Any) -> None:
    assert value_of(tmp_path, expression, RESOURCES) == expected


def test_instances_of_count_and_for_each(tmp_path: Path) -> None:
    config = load_hcl(tmp_path, RESOURCES + 'resource "aws_subnet" "none" {\n  count = 0\n}\n')
    addresses = [resource.address for resource in config.resources]
    assert addresses == [
        "aws_subnet.private[0]",
        "aws_subnet.private[1]",
        'aws_subnet.by_key["a"]',
        'aws_subnet.by_key["b"]',
        "aws_subnet.single",
    ]
    assert config.resource("aws_subnet.private[1]").get("availability_zone") == "us-east-1b"  # type: ignore[union-attr]


def test_unknown_count_makes_an_uncertain_instance(tmp_path: Path) -> None:
    config = load_hcl(tmp_path, 'variable "on" {}\nresource "aws_subnet" "maybe" {\n  count = var.on ? 1 : 0\n}\n')
    (maybe,) = config.resources
    assert maybe.address == "aws_subnet.maybe[*]" and not maybe.certain


def test_dynamic_blocks_are_expanded(tmp_path: Path) -> None:
    config = load_hcl(
        tmp_path,
        """
        variable "routes" { default = { nat = "0.0.0.0/0" } }
        resource "aws_route_table" "private" {
          route {
            cidr_block = "10.1.0.0/16"
          }
          dynamic "route" {
            for_each = var.routes
            content {
              cidr_block     = route.value
              nat_gateway_id = route.key
            }
          }
        }
        """,
    )
    table = config.resource("aws_route_table.private")
    assert table is not None
    assert table.get("route") == [{"cidr_block": "10.1.0.0/16"}, {"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat"}]


def test_variable_sources_in_terraform_order(tmp_path: Path) -> None:
    files = {
        "main.tf": 'variable "a" { default = "default" }\nvariable "b" { default = "default" }\n'
        'variable "c" { default = "default" }\nvariable "d" { default = "default" }\n'
        'resource "test_thing" "probe" {\n  value = [var.a, var.b, var.c, var.d]\n}\n',
        "terraform.tfvars": 'a = "tfvars"\nb = "tfvars"\nc = "tfvars"\n',
        "x.auto.tfvars": 'b = "auto"\nc = "auto"\n',
    }
    extra = tmp_path / "extra.tfvars"
    module = tmp_path / "module"
    module.mkdir()
    extra.write_text('c = "file"\n')
    config = load_hcl(module, files, LoadOptions(var_files=[str(extra)], variables={"d": "cli"}))
    probe = config.resource("test_thing.probe")
    assert probe is not None and probe.get("value") == ["tfvars", "auto", "file", "cli"]


def test_command_line_variable_structured_value(tmp_path: Path) -> None:
    options = LoadOptions(variables={"azs": '["x", "y"]'})
    assert value_of(tmp_path, "length(var.azs)", 'variable "azs" {}', options) == 2


def test_legacy_interpolation_syntax(tmp_path: Path) -> None:
    prelude = 'variable "names" { default = ["a", "b"] }'
    assert value_of(tmp_path, '"${var.names}"', prelude) == ["a", "b"]
    assert value_of(tmp_path, '"${length(var.names)}"', prelude) == 2


def test_json_syntax(tmp_path: Path) -> None:
    config = load_hcl(
        tmp_path,
        {
            "main.tf.json": """
            {
              "variable": {"region": {"default": "eu-west-1"}},
              "resource": {
                "aws_subnet": {"a": {"availability_zone": "${var.region}a"}},
                "test_thing": {"probe": {
                  "value": "com.amazonaws.${var.region}.s3",
                  "ref": "${aws_subnet.a.id}",
                  "quoted": "${lookup({\\"k\\" = \\"v\\"}, \\"k\\")}",
                  "list": ["${var.region}", 1],
                  "directive": "%{ if var.region == \\"eu-west-1\\" }eu%{ else }other%{ endif }"
                }}
              }
            }
            """
        },
    )
    probe = config.resource("test_thing.probe")
    assert probe is not None
    assert probe.get("value") == "com.amazonaws.eu-west-1.s3"
    assert probe.get("ref") == ResourceRef("aws_subnet.a", "id")
    assert probe.get("quoted") == "v"
    assert probe.get("list") == ["eu-west-1", 1]
    assert probe.get("directive") == "eu"
    assert config.resource("aws_subnet.a").get("availability_zone") == "eu-west-1a"  # type: ignore[union-attr]


def test_reference_cycle_between_resources_is_unknown(tmp_path: Path) -> None:
    config = load_hcl(
        tmp_path,
        'resource "test_thing" "a" {\n  value = test_thing.b.value\n}\n'
        'resource "test_thing" "b" {\n  value = test_thing.a.value\n}\n',
    )
    assert all(isinstance(resource.get("value"), Unknown) for resource in config.resources)


def test_a_broken_template_in_a_json_string_is_unknown_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text(
        '{"variable": {"region": {"default": "${eu-central-1"}},'
        ' "resource": {"aws_vpc_endpoint": {"s3": {"service_name": "com.amazonaws.${var.region}.s3"}}}}',
        encoding="utf-8",
    )
    config = load_directory(str(tmp_path), "mod")
    assert not config.problems
    assert is_unknown(config.resources[0].get("service_name"))
