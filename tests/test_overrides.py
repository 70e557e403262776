"""The override phase, alone and through the loader: Terraform's "Override Files" merging rules."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from helpers import NETWORK, findings_of, load_hcl, pairs

from vpce_checks.loader.overrides import merge_overrides
from vpce_checks.loader.syntax import Block, read_file


def blocks_of(tmp_path: Path, name: str, text: str) -> tuple[str, list[Block]]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path), read_file(str(path), name)


def merged_one(tmp_path: Path, base: str, override: str) -> Block:
    result = merge_overrides(
        [blocks_of(tmp_path, "main.tf", base)], [blocks_of(tmp_path, "override.tf", override)], True
    )
    assert result.problems == []
    [(_, [block])] = result.files
    return block


def shape(block: Block) -> Any:
    """Argument names and nested block types (with their arguments), as merged."""
    return (
        sorted(block.body.attributes),
        [(nested.type, nested.labels, sorted(nested.body.attributes)) for nested in block.body.blocks],
    )


def test_arguments_are_replaced_by_name_and_nested_blocks_by_type(tmp_path: Path) -> None:
    block = merged_one(
        tmp_path,
        """\
        resource "aws_security_group" "endpoints" {
          name   = "endpoints"
          vpc_id = "vpc-1"
          ingress {
            from_port = 443
          }
          ingress {
            from_port = 80
          }
          egress {
            from_port = 0
          }
        }
        """,
        """\
        resource "aws_security_group" "endpoints" {
          vpc_id = "vpc-2"
          ingress {
            to_port = 443
          }
        }
        """,
    )
    assert shape(block) == (
        ["name", "vpc_id"],
        [("egress", [], ["from_port"]), ("ingress", [], ["to_port"])],
    )
    assert block.body.attribute_lines == {"name": 2}  # vpc_id is now written in override.tf
    assert [location.file for location in block.overrides] == ["override.tf"]


def test_a_dynamic_block_counts_as_its_type_on_both_sides(tmp_path: Path) -> None:
    base = """\
    resource "aws_security_group" "endpoints" {
      dynamic "ingress" {
        for_each = var.ports
        content {
          from_port = ingress.value
        }
      }
      egress {
        from_port = 0
      }
    }
    """
    static = merged_one(
        tmp_path, base, 'resource "aws_security_group" "endpoints" {\n  ingress {\n    from_port = 1\n  }\n}\n'
    )
    assert [(nested.type, nested.labels) for nested in static.body.blocks] == [("egress", []), ("ingress", [])]
    dynamic = merged_one(
        tmp_path,
        base,
        """\
        resource "aws_security_group" "endpoints" {
          dynamic "egress" {
            for_each = var.ports
            content {
              to_port = egress.value
            }
          }
        }
        """,
    )
    assert [(nested.type, nested.labels) for nested in dynamic.body.blocks] == [
        ("dynamic", ["ingress"]),
        ("dynamic", ["egress"]),
    ]


def test_lifecycle_is_merged_argument_by_argument_in_a_resource(tmp_path: Path) -> None:
    block = merged_one(
        tmp_path,
        """\
        resource "aws_vpc_endpoint" "s3" {
          lifecycle {
            ignore_changes = [tags]
            prevent_destroy = false
          }
          provisioner "local-exec" {
            command = "one"
          }
        }
        """,
        """\
        resource "aws_vpc_endpoint" "s3" {
          lifecycle {
            prevent_destroy       = true
            create_before_destroy = true
          }
          provisioner "local-exec" {
            command = "two"
          }
        }
        """,
    )
    assert shape(block) == (
        [],
        [
            ("lifecycle", [], ["create_before_destroy", "ignore_changes", "prevent_destroy"]),
            ("provisioner", ["local-exec"], ["command"]),
        ],
    )


def test_variable_and_output_keep_their_own_nested_blocks(tmp_path: Path) -> None:
    variable = merged_one(
        tmp_path,
        'variable "azs" {\n  type = list(string)\n  validation {\n    condition = true\n  }\n}\n',
        'variable "azs" {\n  default = ["a", "b"]\n  validation {\n    condition = false\n  }\n}\n',
    )
    assert shape(variable) == (["default", "type"], [("validation", [], ["condition"])])
    [validation] = variable.body.blocks
    assert validation.location.file == "main.tf"


def test_locals_are_merged_value_by_value_whichever_block_holds_them(tmp_path: Path) -> None:
    config = load_hcl(
        tmp_path,
        {
            "main.tf": 'locals {\n  a = "base-a"\n}\nlocals {\n  b = "base-b"\n  c = "base-c"\n}\n'
            'resource "test_thing" "probe" {\n  value = [local.a, local.b, local.c]\n}\n',
            "override.tf": 'locals {\n  a = "override-a"\n  c = "override-c"\n}\n',
        },
    )
    probe = config.resource("test_thing.probe")
    assert probe is not None and probe.get("value") == ["override-a", "base-b", "override-c"]
    assert config.problems == []


def test_overrides_apply_in_lexical_order_later_ones_winning(tmp_path: Path) -> None:
    config = load_hcl(
        tmp_path,
        {
            "main.tf": 'variable "region" { default = "us-east-1" }\n'
            'resource "test_thing" "probe" {\n  value = var.region\n  other = "base"\n}\n',
            "a_override.tf": 'variable "region" { default = "eu-west-1" }\n',
            "override.tf": 'variable "region" { default = "ap-northeast-1" }\n',
            "z_override.tf.json": '{"resource": {"test_thing": {"probe": {"other": "json"}}}}',
        },
    )
    probe = config.resource("test_thing.probe")
    assert probe is not None
    assert (probe.get("value"), probe.get("other")) == ("ap-northeast-1", "json")


def test_a_json_module_call_takes_a_native_override(tmp_path: Path) -> None:
    (tmp_path / "net").mkdir()
    config = load_hcl(
        tmp_path,
        {
            "main.tf.json": '{"module": {"net": {"source": "./net", "cidr": "10.0.0.0/16"}}}',
            "net/main.tf": 'variable "cidr" {}\nresource "test_thing" "probe" {\n  value = var.cidr\n}\n',
            "override.tf": 'module "net" {\n  cidr = "10.9.0.0/16"\n}\n',
        },
    )
    probe = config.resource("module.net.test_thing.probe")
    assert probe is not None and probe.get("value") == "10.9.0.0/16"


def test_the_default_provider_is_overridden_or_added(tmp_path: Path) -> None:
    overridden = load_hcl(
        tmp_path,
        {
            "main.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n'
            'provider "aws" {\n  alias  = "west"\n  region = "us-west-2"\n}\n',
            "override.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n',
        },
    )
    assert overridden.region == "eu-west-1" and overridden.problems == []
    added = tmp_path / "added"
    added.mkdir()
    assert load_hcl(added, {"main.tf": "", "override.tf": 'provider "aws" {\n  region = "sa-east-1"\n}\n'}).region == (
        "sa-east-1"
    )


@pytest.mark.parametrize(
    ("override", "line", "words"),
    [
        ('resource "aws_vpc_endpoint" "s3_gateway" {\n  vpc_id = "x"\n}\n', 1, "Missing resource to override"),
        ('\ndata "aws_region" "other" {}\n', 2, "Missing data resource to override"),
        ('variable "nope" { default = 1 }\n', 1, "Missing base variable declaration to override"),
        ('output "nope" { value = 1 }\n', 1, "Missing base output definition to override"),
        ('module "nope" { source = "./x" }\n', 1, "Missing module call to override"),
        ("locals {\n  nope = 1\n}\n", 1, "Missing base local value definition to override"),
        ('provider "aws" {\n  alias = "east"\n}\n', 1, "Missing base provider configuration for override"),
        ("moved {\n  from = a.b\n  to   = a.c\n}\n", 1, "Cannot override 'moved' blocks"),
        ('resource "aws_vpc_endpoint" "s3" {\n  depends_on = [aws_vpc.main]\n}\n', 1, "Unsupported override"),
    ],
)
def test_what_terraform_rejects_is_a_problem_at_the_override_block(
    tmp_path: Path, override: str, line: int, words: str
) -> None:
    config = load_hcl(
        tmp_path,
        {"main.tf": 'resource "aws_vpc_endpoint" "s3" {\n  vpc_id = "vpc-1"\n}\n', "extra_override.tf": override},
    )
    [problem] = config.problems
    assert (problem.location.file, problem.location.start_line) == ("mod/extra_override.tf", line)
    assert words in problem.message
    assert [resource.address for resource in config.resources] == ["aws_vpc_endpoint.s3"]


def test_an_orphan_is_not_reported_when_its_original_may_be_in_a_block_that_was_not_read(tmp_path: Path) -> None:
    config = load_hcl(
        tmp_path,
        {
            "main.tf": 'resource "aws_vpc_endpoint" "s3" {\n  vpc_id = = "broken"\n}\n'
            'resource "aws_vpc_endpoint" "logs" {\n  vpc_id = "vpc-1"\n}\n',
            "override.tf": 'resource "aws_vpc_endpoint" "s3" {\n  vpc_id = "vpc-1"\n}\n',
        },
    )
    [problem] = config.problems  # the syntax error only: the override of s3 is dropped, unjudged
    assert problem.location.file == "mod/main.tf"
    assert [resource.address for resource in config.resources] == ["aws_vpc_endpoint.logs"]


def test_override_files_feed_the_rules_and_their_skip_comments_count(tmp_path: Path) -> None:
    endpoint = """
    resource "aws_vpc_endpoint" "ssm" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.us-east-1.sts"
      vpc_endpoint_type   = "Interface"
      subnet_ids          = [aws_subnet.a.id, aws_subnet.b.id]
      security_group_ids  = [aws_security_group.endpoints.id]
      private_dns_enabled = true
    }
    """
    override = """
    resource "aws_vpc_endpoint" "ssm" {
      # vpce-checks:skip=VPCE005:one AZ in the sandbox
      subnet_ids = [aws_subnet.a.id]
      private_dns_enabled = false
    }
    """
    found = findings_of(tmp_path, {"main.tf": NETWORK + endpoint, "main_override.tf": override})
    assert pairs(found) == {("VPCE006", "aws_vpc_endpoint.ssm")}
    assert {finding.rule_id for finding in found if finding.suppressed} == {"VPCE005"}
    assert {finding.file for finding in found} == {"mod/main.tf"}
