"""Valid HCL that python-hcl2 rejects is read anyway, as the equivalent text python-hcl2 accepts.

Each case is a pair: the construct as public Terraform writes it, and the same configuration
written the way python-hcl2 accepts, with every block and attribute on the same line. The
loader must give both the same parse tree (lines included), and python-hcl2 alone must reject
the first (so that each case shows a real gap; when a python-hcl2 release closes one, its case
fails here and the rewrite can go).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import hcl2
import pytest
from helpers import load_hcl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput
from strategies import mutated_fixtures, terraform_configurations

from vpce_checks.loader import compat, trees
from vpce_checks.loader.syntax import ParseError, parse_hcl

GAPS = {
    "for-object arrow on the next line": (
        """\
        locals {
          by_service = { for name, endpoint in var.endpoints : name
          => endpoint.service }
          after = 1
        }
        """,
        """\
        locals {
          by_service = { for name, endpoint in var.endpoints : name => endpoint.service }

          after = 1
        }
        """,
    ),
    "for-object arrow after a comment": (
        """\
        locals {
          ids = {
            for key, subnet in aws_subnet.private : key # one per AZ
            => subnet.id
          }
        }
        """,
        """\
        locals {
          ids = {
            for key, subnet in aws_subnet.private : key  => subnet.id

          }
        }
        """,
    ),
    "attribute access on the next line in parentheses": (
        """\
        locals {
          zone = (data.aws_availability_zones.available
            .names[0])
        }
        """,
        """\
        locals {
          zone = (data.aws_availability_zones.available.names[0])

        }
        """,
    ),
    "expansion on the next line in a call": (
        """\
        locals {
          ids = concat(var.a, var.b
          ...)
        }
        """,
        """\
        locals {
          ids = concat(var.a, var.b...)

        }
        """,
    ),
    "comment between block labels": (
        """\
        resource "aws_vpc_endpoint" /* gateway */ "s3" {
          vpc_id = "vpc-1"
        }
        """,
        """\
        resource "aws_vpc_endpoint" "s3" {
          vpc_id = "vpc-1"
        }
        """,
    ),
    "comments around the equals sign": (
        """\
        resource "aws_vpc_endpoint" "s3" {
          vpc_id /* the shared VPC */ = /* from the network stack */ "vpc-1"
        }
        """,
        """\
        resource "aws_vpc_endpoint" "s3" {
          vpc_id = "vpc-1"
        }
        """,
    ),
    "non-ASCII identifiers": (
        """\
        locals {
          région  = "eu-west-3"
          名前    = "endpoints"
          service = "com.amazonaws.${local.région}.s3"
        }
        """,
        None,
    ),
    "newlines inside an interpolation": (
        """\
        locals {
          name = "${
            var.prefix
          }-endpoints"
          after = 1
        }
        """,
        """\
        locals {
          name = "${var.prefix}-endpoints"


          after = 1
        }
        """,
    ),
    "strip markers on an interpolation": (
        """\
        locals {
          name = "vpce- ${~ var.env ~}  -s3"
        }
        """,
        """\
        locals {
          name = "vpce-${ var.env }-s3"
        }
        """,
    ),
}


VALUED_TOKENS = frozenset(
    {"NAME", "STRING_CHARS", "INT_LITERAL", "FLOAT_LITERAL", "HEREDOC_TEMPLATE", "HEREDOC_TEMPLATE_TRIM"}
    | {"ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE", "TEMPLATE_STRING"}
)


def normal(node: Any) -> Any:
    """An encoded tree with only the token texts that carry meaning.

    python-hcl2 folds the spaces, newlines and comments before some punctuation into its token
    (`` =``, ``# c\n?``); the type of such a token says all there is to say.
    """
    if len(node) == 2:
        return [node[0], node[1]] if node[0] in VALUED_TOKENS else [node[0]]
    return [*node[:3], [normal(child) for child in node[3]]]


def tree_of(text: str) -> Any:
    """The parse tree as the loader keeps it (lines of blocks and attributes, no comments)."""
    return normal(trees.encode(parse_hcl(textwrap.dedent(text), "main.tf")))


@pytest.mark.parametrize("case", sorted(GAPS), ids=str)
def test_python_hcl2_alone_rejects_the_construct(case: str) -> None:
    with pytest.raises(UnexpectedInput):
        hcl2.parses_to_tree(textwrap.dedent(GAPS[case][0]))


@pytest.mark.parametrize("case", sorted(name for name, (_, plain) in GAPS.items() if plain is not None), ids=str)
def test_the_construct_reads_as_its_plain_equivalent(case: str) -> None:
    tricky, plain = GAPS[case]
    assert plain is not None
    assert tree_of(tricky) == tree_of(plain)


def test_non_ascii_identifiers_keep_their_names_and_resolve(tmp_path: Path) -> None:
    config = load_hcl(
        tmp_path,
        GAPS["non-ASCII identifiers"][0]
        + 'resource "aws_vpc_endpoint" "s3" {\n  service_name = local.service\n  tags = { 名前 = local.名前 }\n}\n',
    )
    endpoint = config.resource("aws_vpc_endpoint.s3")
    assert endpoint is not None
    assert endpoint.get("service_name") == "com.amazonaws.eu-west-3.s3"
    assert endpoint.get("tags") == {"名前": "endpoints"}
    assert endpoint.line_of("tags") == 8


def test_strip_markers_strip_what_they_mean(tmp_path: Path) -> None:
    config = load_hcl(
        tmp_path,
        'variable "env" { default = "prod" }\n'
        'resource "aws_vpc_endpoint" "s3" {\n'
        '  service_name = "com.amazonaws. \\n ${~ "us-east-1" ~} \\t .s3"\n'
        '  kept         = "a ${"b"} c"\n'
        "}\n",
    )
    endpoint = config.resource("aws_vpc_endpoint.s3")
    assert endpoint is not None
    assert endpoint.get("service_name") == "com.amazonaws.us-east-1.s3"
    assert endpoint.get("kept") == "a b c"


@pytest.mark.parametrize(
    "text",
    [
        'locals {\n  a = "unterminated\n  b = { for k in var.l : k\n  => k }\n}\n',
        "locals {\n  a = <<EOF\n  never closed /* é */\n}\n",
        "locals {\n  a = [1, 2}\n  b = local.é\n}\n",
    ],
    ids=["unterminated-string", "unterminated-heredoc", "unbalanced-brackets"],
)
def test_text_the_rewrite_cannot_follow_is_parsed_unchanged(text: str) -> None:
    assert compat.prepare(text).text == text
    with pytest.raises(ParseError):
        parse_hcl(text, "main.tf")


def test_what_stays_invalid_in_terraform_stays_an_error() -> None:
    for text in (
        "locals {\n  a = local.caf\u00e9\u2026\n}\n",  # an ellipsis character is no identifier
        'resource "a" # c\n "b" {}\n',  # a line comment ends the block header
        "locals {\n  a =\n    1\n}\n",  # a newline after "=" is a missing value
    ):
        with pytest.raises(ParseError):
            parse_hcl(text, "main.tf")


def test_an_error_names_the_identifiers_as_written() -> None:
    with pytest.raises(ParseError) as raised:
        parse_hcl("locals {\n  a = [1 données]\n}\n", "main.tf")
    assert "données" in raised.value.problem.message and "vpceu" not in raised.value.problem.message
    assert raised.value.problem.location.start_line == 2


def test_heredocs_and_strings_are_never_rewritten() -> None:
    text = 'locals {\n  a = "/* é */ ${"=>"}"\n  b = <<EOT\n  x\n  => y /* z */ é\nEOT\n}\n'
    prepared = compat.prepare(text)
    assert prepared.text == text and prepared.names == {}


COMMENT_LINES = ["# données du réseau", "/* zone privée */", "  // ü", "/* a */ /* b */"]


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(st.one_of(terraform_configurations(), mutated_fixtures()), st.data())
def test_the_rewrite_changes_nothing_python_hcl2_already_reads(files: dict[str, bytes], data: st.DataObject) -> None:
    """Text with the rewrite's triggers (non-ASCII, inline comments) that python-hcl2 reads as it is."""
    try:
        lines = b"\n".join(files.values()).decode("utf-8").split("\n")
    except UnicodeDecodeError:
        assume(False)
    for _ in range(data.draw(st.integers(1, 4))):
        lines.insert(data.draw(st.integers(0, len(lines))), data.draw(st.sampled_from(COMMENT_LINES)))
    text = "\n".join(lines)
    try:
        original = hcl2.parses_to_tree(text)
    except Exception:  # noqa: BLE001 - whatever python-hcl2 cannot read is not this property's concern
        assume(False)
    assert normal(trees.encode(parse_hcl(text, "main.tf"))) == normal(trees.encode(original))


def test_json_arrays_of_objects_are_read_like_objects(tmp_path: Path) -> None:
    """HCL's JSON syntax takes an array of objects wherever it takes an object of blocks or labels."""
    document = [
        {"resource": [{"aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}}}]},
        {"resource": {"aws_vpc_endpoint": {"s3": [{"vpc_id": "${aws_vpc.main.id}"}]}}},
        {"provider": {"aws": [{"region": "eu-west-1"}, {"alias": "east", "region": "us-east-1"}]}},
    ]
    config = load_hcl(tmp_path, {"main.tf.json": json.dumps(document, indent=2)})
    assert config.problems == []
    assert sorted(resource.address for resource in config.resources) == ["aws_vpc.main", "aws_vpc_endpoint.s3"]
    assert config.region == "eu-west-1"
