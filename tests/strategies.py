"""Hypothesis strategies for Terraform input: generated configurations and mutated fixtures.

Reusable by any front end's tests (the hcl2 loader here, the checkov adapter too): each strategy
gives file contents only, as ``{file name: bytes}``, so a test writes them where it needs them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_FILES = sorted(
    path for pattern in ("*.tf", "*.tf.json", "*.tfvars") for path in (ROOT / "fixtures").rglob(pattern)
) + sorted((ROOT / "examples").glob("*.tf"))

RELEVANT_TYPES = [
    "aws_vpc",
    "aws_subnet",
    "aws_route_table",
    "aws_route",
    "aws_vpc_endpoint",
    "aws_vpc_endpoint_route_table_association",
    "aws_vpc_endpoint_subnet_association",
    "aws_vpc_endpoint_private_dns",
    "aws_vpc_endpoint_security_group_association",
    "aws_default_vpc",
    "aws_default_subnet",
    "aws_default_route_table",
    "aws_main_route_table_association",
    "aws_route_table_association",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_dynamodb_table",
    "aws_iam_policy",
]
OTHER_TYPES = ["aws_iam_role", "aws_security_group", "aws_s3_bucket", "aws_lambda_function", "aws_instance"]
ATTRIBUTES = [
    "vpc_id",
    "service_name",
    "vpc_endpoint_type",
    "subnet_ids",
    "security_group_ids",
    "route_table_ids",
    "private_dns_enabled",
    "cidr_block",
    "availability_zone",
    "route_table_id",
    "vpc_endpoint_id",
    "subnet_id",
    "nat_gateway_id",
    "destination_cidr_block",
    "enable_dns_support",
    "enable_dns_hostnames",
    "name",
    "tags",
    "service_region",
    "gateway_id",
    "transit_gateway_id",
    "network_interface_id",
    "instance_id",
    "default_route_table_id",
    "security_group_id",
    "replace_default_association",
    "source_dest_check",
    "from_port",
    "to_port",
    "protocol",
    "ip_protocol",
    "type",
    "policy",
]
SERVICES = ["s3", "dynamodb", "ecr.api", "ecr.dkr", "ssm", "ssmmessages", "ec2messages", "logs", "sts"]
NAMES = st.sampled_from(["a", "b", "main", "private", "s3", "ssm", "x_1", "dup"])

_literal_strings = st.one_of(
    st.sampled_from(
        [f"com.amazonaws.us-east-1.{service}" for service in SERVICES]
        + ["Gateway", "Interface", "GatewayLoadBalancer", "Resource", "ServiceNetwork", "10.0.0.0/16", "0.0.0.0/0"]
        + ["eu-west-1a", "eu-west-1b", "us-west-2", "tcp", "-1", "ingress", "nat-1", "igw-1", "dynamodb:GetItem"]
    ),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),
)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return '"' + escaped.replace("${", "$${").replace("%{", "%%{") + '"'


def _references() -> st.SearchStrategy[str]:
    resource = st.builds(
        lambda kind, name, suffix: f"{kind}.{name}{suffix}",
        st.sampled_from(RELEVANT_TYPES + OTHER_TYPES),
        NAMES,
        st.sampled_from(
            [
                ".id",
                ".arn",
                "[0].id",
                "[*].id",
                '["k"].id',
                ".default_route_table_id",
                ".main_route_table_id",
                ".default_security_group_id",
                ".primary_network_interface_id",
                "",
            ]
        ),
    )
    other = st.sampled_from(
        [
            "var.vpc_id",
            "var.azs",
            "var.n",
            "local.ids",
            "local.self",
            "count.index",
            "each.key",
            "each.value",
            "data.aws_region.current.name",
            "path.module",
            "module.net.vpc_id",
        ]
    )
    return st.one_of(resource, other)


@cache
def expressions(depth: int = 2) -> st.SearchStrategy[str]:
    """HCL expressions: literals, references, templates, collections, calls, conditionals, for."""
    leaves = st.one_of(
        _literal_strings.map(_quote),
        st.integers(-5, 100_000).map(str),
        st.sampled_from(["true", "false", "null", "1.5", "0"]),
        _references(),
        st.builds(lambda ref, text: f'"{text}-${{{ref}}}"', _references(), st.sampled_from(["a", "com.amazonaws"])),
    )
    if depth == 0:
        return leaves
    inner = expressions(depth - 1)
    return st.one_of(
        leaves,
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(NAMES, inner, max_size=3).map(
            lambda items: "{" + ", ".join(f"{key} = {value}" for key, value in items.items()) + "}"
        ),
        st.builds(
            lambda name, args: f"{name}({', '.join(args)})",
            st.sampled_from(
                [
                    "concat",
                    "element",
                    "length",
                    "lookup",
                    "merge",
                    "toset",
                    "tolist",
                    "format",
                    "cidrsubnet",
                    "range",
                    "keys",
                    "values",
                    "flatten",
                    "coalesce",
                    "no_such_function",
                ]
            ),
            st.lists(inner, max_size=3),
        ),
        st.builds(lambda c, a, b: f"{c} ? {a} : {b}", inner, inner, inner),
        st.builds(
            lambda items, body: f"[for v in {items} : {body}]", inner, st.sampled_from(["v", "v.id", "upper(v)"])
        ),
        st.builds(lambda text: f"<<-EOT\n  {text}\n  EOT\n", st.sampled_from(["plain", "${var.x}", '{"a": 1}'])),
    )


def _attribute(name_strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda name, value: f"  {name} = {value}\n", name_strategy, expressions())


def _resource() -> st.SearchStrategy[str]:
    meta = st.sampled_from(
        [
            "",
            "  count = 2\n",
            "  count = var.n\n",
            '  for_each = toset(["a", "b"])\n',
            "  for_each = var.azs\n",
            "  count = 123456789\n",
        ]
    )
    nested = st.sampled_from(
        [
            "",
            '  route {\n    cidr_block = "0.0.0.0/0"\n    nat_gateway_id = "nat-1"\n  }\n',
            '  route {\n    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_nat_gateway.a.id\n  }\n',
            '  route {\n    ipv6_cidr_block = "::/0"\n    egress_only_gateway_id = "eigw-1"\n  }\n',
            '  ingress {\n    from_port = 443\n    to_port = 443\n    protocol = "tcp"\n  }\n',
            "  dns_options {\n    private_dns_only_for_inbound_resolver_endpoint = true\n  }\n",
            "  lifecycle {\n    ignore_changes = [tags]\n  }\n",
        ]
    )
    comment = st.sampled_from(
        [
            "",
            "  # checkov:skip=VPCE005:reason\n",
            "  // vpce-checks:skip=VPCE006\n",
            "  # checkov:skip=VPCE004:accepted:until=2020-01-31\n",
            "  # vpce-checks:skip=VPCE006:migrating:until=2999-12-31\n",
        ]
    )
    return st.builds(
        lambda kind, name, meta_text, attributes, nested_text, comment_text: (
            f'resource "{kind}" "{name}" {{\n{meta_text}{comment_text}{"".join(attributes)}{nested_text}}}\n'
        ),
        st.sampled_from(RELEVANT_TYPES + OTHER_TYPES),
        NAMES,
        meta,
        st.lists(_attribute(st.sampled_from(ATTRIBUTES)), max_size=5, unique_by=lambda text: text.split("=")[0]),
        nested,
        comment,
    )


def _other_block() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(
            lambda name, value: f'variable "{name}" {{\n  default = {value}\n}}\n',
            st.sampled_from(["vpc_id", "azs", "n", "unknown"]),
            expressions(2),
        ),
        st.builds(
            lambda attributes: "locals {\n" + "".join(attributes) + "}\n",
            st.lists(
                _attribute(st.sampled_from(["ids", "self", "a", "b"])),
                max_size=3,
                unique_by=lambda text: text.split("=")[0],
            ),
        ),
        st.builds(lambda value: f'provider "aws" {{\n  region = {value}\n}}\n', expressions(1)),
        st.builds(lambda value: f'output "o" {{\n  value = {value}\n}}\n', expressions(2)),
        st.just('data "aws_region" "current" {}\n'),
        st.just("/* a block comment { with braces */\n# and a line comment }\n"),
    )


@cache
def terraform_configurations() -> st.SearchStrategy[dict[str, bytes]]:
    """A module of one to three ``.tf`` files made of variables, locals, resources and other blocks."""
    file_text = st.lists(st.one_of(_resource(), _other_block()), min_size=1, max_size=6).map(
        lambda blocks: "\n".join(blocks).encode("utf-8")
    )
    return st.lists(file_text, min_size=1, max_size=2).map(
        lambda texts: {f"file_{index}.tf": text for index, text in enumerate(texts)}
    )


TOKEN = re.compile(rb'"(?:[^"\\\n]|\\.)*"|<<-?\w+|[A-Za-z_][\w-]*|\d+|\$\{|%\{|\S')


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["flip", "truncate", "delete", "duplicate", "insert"]))
    if not data:
        return data
    if kind == "flip":
        position = draw(st.integers(0, len(data) - 1))
        return data[:position] + bytes([data[position] ^ draw(st.integers(1, 255))]) + data[position + 1 :]
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data) - 1))]
    if kind == "insert":
        position = draw(st.integers(0, len(data)))
        inserted = draw(st.sampled_from([b"{", b"}", b'"', b"${", b"<<EOF\n", b"/*", b"\xff", b"\n"]))
        return data[:position] + inserted + data[position:]
    tokens = list(TOKEN.finditer(data))
    if not tokens:
        return data
    token = tokens[draw(st.integers(0, len(tokens) - 1))]
    if kind == "delete":
        return data[: token.start()] + data[token.end() :]
    return data[: token.end()] + b" " + token.group() + data[token.end() :]


@st.composite
def mutated_fixtures(draw: st.DrawFn) -> dict[str, bytes]:
    """A fixture or example file after one to three mutations (byte flips, truncation, token edits)."""
    path = draw(st.sampled_from(FIXTURE_FILES))
    data = path.read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate(data, draw)
    return {path.name: data}


@st.composite
def mutated_configurations(draw: st.DrawFn) -> dict[str, bytes]:
    """A generated configuration with one of its files mutated."""
    files = draw(terraform_configurations())
    name = draw(st.sampled_from(sorted(files)))
    return {**files, name: _mutate(files[name], draw)}


CASE_DIRECTORIES = sorted(path.parent for path in (ROOT / "fixtures").glob("*/expected.yaml"))


def _case_files(case: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(case)): path.read_bytes()
        for path in sorted(case.rglob("*"))
        if path.is_file() and path.name != "expected.yaml"
    }


@st.composite
def mutated_fixture_cases(draw: st.DrawFn) -> dict[str, bytes]:
    """A whole fixture case (its modules and tfvars too) with one of its Terraform files mutated, or none.

    Unlike :func:`mutated_fixtures`, the other files stay, so cross-file rules still have a whole
    configuration to judge. File names may hold directories (``modules/endpoints/main.tf``).
    """
    files = _case_files(draw(st.sampled_from(CASE_DIRECTORIES)))
    names = sorted(name for name in files if name.endswith((".tf", ".tf.json", ".tfvars")))
    if names and draw(st.booleans()):
        name = draw(st.sampled_from(names))
        for _ in range(draw(st.integers(1, 2))):
            files[name] = _mutate(files[name], draw)
    return files
