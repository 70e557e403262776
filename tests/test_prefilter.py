"""The parse phase gives exactly what a full parse gives: the scanner, the selection, the equivalence."""

from __future__ import annotations

import importlib.util
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from vpce_checks.core.engine import analyze
from vpce_checks.core.model import Configuration
from vpce_checks.core.registry import all_rules, relevant_resource_types
from vpce_checks.loader.module import load_directory
from vpce_checks.loader.prefilter import FileBlocks, TopBlock, references, select_blocks, split_blocks
from vpce_checks.loader.preparse import Settings, preparse
from vpce_checks.loader.syntax import Limits, forget_provided

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted({path.parent for pattern in ("*.tf", "*.tf.json") for path in (ROOT / "fixtures").rglob(pattern)})


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(directory: Path, prefilter: bool) -> Configuration:
    if prefilter:
        preparse([str(directory)], Settings(Limits(), relevant_resource_types()))
    try:
        return load_directory(str(directory), "mod")
    finally:
        forget_provided()


def summary(config: Configuration) -> Any:
    """What the rules can see: resources of the types they read, problems, region, and the findings."""
    relevant = relevant_resource_types()
    resources = [
        (r.address, r.type, repr(dict(r.attributes)), r.location, dict(r.attribute_lines), r.certain, r.suppressions)
        for r in config.resources
        if r.type in relevant
    ]
    findings = [(f.rule_id, f.address, f.file, f.start_line, f.message, f.suppressed) for f in analyze(config)]
    return resources, config.problems, repr(config.region), findings


def split_types(text: str) -> list[tuple[str, tuple[str, ...], int]] | None:
    split = split_blocks(textwrap.dedent(text), max_depth=64)
    return [(block.type, block.labels, block.line) for block in split.blocks] if split.confident else None


def test_the_scanner_finds_blocks_past_strings_templates_heredocs_and_comments() -> None:
    text = """\
        # a comment with { and "
        resource "aws_iam_role" "r" {
          name   = "braces } in a string and ${var.x} and ${ {a = "}"}["a"] }"
          policy = <<-EOF
            { "unbalanced": [ ( "
          EOF
          /* a } block comment */ tags = { a = 1 } // and }
          escaped = "$${not a template} %%{ nor this } \\" }"
        }
        /* between */
        variable "x" {}
        locals {
          list = [for v in ["]"] : v if v != "}"]
        }
    """
    assert split_types(text) == [
        ("resource", ("aws_iam_role", "r"), 2),
        ("variable", ("x",), 11),
        ("locals", (), 12),
    ]


@pytest.mark.parametrize(
    "text",
    [
        'x = 1\nresource "a" "b" {}\n',  # an attribute at the top level
        'resource "a" "b" {} variable "v" {}\n',  # two blocks on one line
        'resource "a" "b" {\n  x = "unterminated\n}\n',
        'resource "a" "b" {\n  x = <<EOF\n  never closed\n}\n',
        'resource "a" "b" {\n  x = [1, 2}\n}\n',
        'resource "a" "b" {\n  /* never closed\n}\n',
        'resource "a" "b" {\n',
    ],
)
def test_the_scanner_gives_up_on_what_it_cannot_split_for_sure(text: str) -> None:
    assert split_types(text) is None


def test_nesting_deeper_than_the_limit_is_reported_with_its_line() -> None:
    text = "locals {\n  x = 1\n  deep = " + "[" * 10 + "]" * 10 + "\n}\n"
    split = split_blocks(text, max_depth=5)
    assert not split.confident and split.too_deep is not None and split.too_deep.line == 3
    assert split_blocks(text, max_depth=11).confident


def _file(*blocks: tuple[str, tuple[str, ...], set[tuple[str, str]]]) -> FileBlocks:
    return FileBlocks([TopBlock(kind, labels, 0, 0, 1) for kind, labels, _ in blocks], [refs for _, _, refs in blocks])


def test_selection_keeps_what_kept_blocks_refer_to_across_files_to_a_fixpoint() -> None:
    files = {
        "a.tf": _file(
            ("resource", ("aws_vpc_endpoint", "e"), {("aws_security_group", "sg")}),
            ("resource", ("aws_iam_role", "unused"), set()),
        ),
        "b.tf": _file(
            ("resource", ("aws_security_group", "sg"), {("aws_kms_key", "k")}),
            ("resource", ("aws_kms_key", "k"), set()),
            ("output", ("o",), {("aws_s3_bucket", "missing")}),
            ("resource", ("aws_s3_bucket", "other"), set()),
            ("resource", ("aws_s3_bucket", "third"), set()),
        ),
        "c.tf": _file(("resource", ("aws_lambda_function", "dup"), set())),
        "d.tf": _file(("resource", ("aws_lambda_function", "dup"), set())),
    }
    kept = select_blocks(files, {"aws_vpc_endpoint"})
    # a reference to an undeclared name keeps the first block of its type, so the type stays declared
    assert kept == {"a.tf": [0], "b.tf": [0, 1, 2, 3], "c.tf": [0], "d.tf": [0]}


def test_references_are_a_superset_of_resource_references() -> None:
    found = references('x = "${aws_iam_role.r.arn}" y = aws_s3_bucket.b[0].id z = data.aws_x.y.z w = 1.5')
    assert {("aws_iam_role", "r"), ("aws_s3_bucket", "b")} <= found
    assert not {("aws_x", "y"), ("data", "aws_x")} & found  # not a root, not a resource type


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_prefiltered_parse_equals_full_parse_on_every_fixture(module: Path, tmp_path: Path) -> None:
    full = summary(load(module, prefilter=False))
    assert summary(load(module, prefilter=True)) == full


def test_prefiltered_parse_equals_full_parse_on_a_generated_monorepo(tmp_path: Path) -> None:
    _load_generator().generate(str(tmp_path / "tree"), modules=12, resources_per_module=60, network_share=0.25)
    modules = sorted({path.parent for path in (tmp_path / "tree").rglob("*.tf")})
    assert len(modules) == 14  # and the two shared modules
    for module in modules:
        full = summary(load(module, prefilter=False))
        if module.parent.name == "network":
            assert full[3], "the generated networks should give findings"
        assert summary(load(module, prefilter=True)) == full


def test_every_resource_type_the_rules_read_is_relevant(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule or the network view reading a type left out of the relevant set fails here."""
    read: set[str] = set()
    original = Configuration.of_type

    def recording(self: Configuration, resource_type: str) -> Any:
        read.add(resource_type)
        return original(self, resource_type)

    monkeypatch.setattr(Configuration, "of_type", recording)
    for module in MODULES:
        analyze(load(module, prefilter=False), all_rules())
    assert read and read <= relevant_resource_types(), read - relevant_resource_types()


SKIPPED_BLOCK_WITH_GRAMMAR_ERROR = """
resource "aws_iam_role" "r" {
  name = = "two equals signs: only the full grammar sees this"
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = "vpc-1"
  service_name = "com.amazonaws.us-east-1.s3"
}
"""


def test_a_grammar_error_inside_a_skipped_block_needs_full_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The documented difference: what only python-hcl2's grammar rejects, in a block no rule reads."""
    from vpce_checks.cli import main

    (tmp_path / "main.tf").write_text(SKIPPED_BLOCK_WITH_GRAMMAR_ERROR)
    main([str(tmp_path), "-f", "json", "--jobs", "1", "--no-cache"])
    default = {finding["rule_id"] for finding in json.loads(capsys.readouterr().out)["findings"]}
    main([str(tmp_path), "-f", "json", "--jobs", "1", "--full-parse"])
    full = {finding["rule_id"] for finding in json.loads(capsys.readouterr().out)["findings"]}
    assert default == {"VPCE001"}  # the endpoint is read; the role's error goes unseen
    assert full == {"VPCE000", "VPCE001"}  # the role's block is reported and left out; the endpoint is read


def test_a_scanner_visible_error_inside_a_skipped_block_is_still_reported(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        SKIPPED_BLOCK_WITH_GRAMMAR_ERROR.replace('= = "two', '= "two').replace('sees this"', "sees this")
    )
    config = load(tmp_path, prefilter=True)
    assert len(config.problems) == 1 and "invalid HCL" in config.problems[0].message
    assert summary(config) == summary(load(tmp_path, prefilter=False))


def test_a_file_parsed_whole_still_keeps_what_it_refers_to_in_other_files(tmp_path: Path) -> None:
    # Two blocks on one line: the scanner gives up on this file and it is parsed whole.
    (tmp_path / "endpoints.tf").write_text(
        'variable "v" {} resource "aws_vpc_endpoint" "e" {\n'
        "  vpc_id             = aws_vpc.main.id\n"
        '  service_name       = "com.amazonaws.us-east-1.ssm"\n'
        '  vpc_endpoint_type  = "Interface"\n'
        "  subnet_ids         = aws_subnet.a[*].id\n"
        "  security_group_ids = aws_security_group.sg[*].id\n"
        "}\n"
    )
    (tmp_path / "other.tf").write_text(
        'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
        'resource "aws_subnet" "a" {\n  vpc_id = aws_vpc.main.id\n  availability_zone = "eu-west-1a"\n}\n'
        'resource "aws_security_group" "sg" {\n  count = 0\n}\n'
    )
    full = summary(load(tmp_path, prefilter=False))
    assert {finding[0] for finding in full[3]} >= {"VPCE004", "VPCE005"}
    assert summary(load(tmp_path, prefilter=True)) == full


def test_windows_line_endings_split_the_same(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "endpoints.tf").read_text() + 'locals {\n  policy = <<EOF\n{"a": 1}\nEOF\n}\n'
    crlf = text.replace("\n", "\r\n")
    assert split_types(crlf) == split_types(text) is not None
    (tmp_path / "main.tf").write_bytes(crlf.encode())
    (tmp_path / "old_mac.tf").write_bytes(b'resource "aws_vpc" "mac" {\r  cidr_block = "10.1.0.0/16"\r}\r')
    assert summary(load(tmp_path, prefilter=True)) == summary(load(tmp_path, prefilter=False))


def test_a_directory_read_without_an_explicit_parse_phase_is_prepared_on_demand(tmp_path: Path) -> None:
    """How a module loaded through its caller (another directory) still gets the parse phase."""
    from vpce_checks.loader.syntax import prepare_on_demand

    module = ROOT / "fixtures" / "shape_count_index"
    full = summary(load(module, prefilter=False))
    settings = Settings(Limits(), relevant_resource_types())
    prepared: list[str] = []

    def prepare(directory: str) -> None:
        prepared.append(directory)
        preparse([directory], settings)

    prepare_on_demand(prepare)
    try:
        assert summary(load(module, prefilter=False)) == full
    finally:
        prepare_on_demand(None)
    assert prepared == [str(module)]


def test_a_kept_block_that_does_not_parse_reads_its_file_whole_and_keeps_what_it_refers_to(tmp_path: Path) -> None:
    """The file is read as without the parse phase, and the blocks it reads refer to what the others must keep."""
    (tmp_path / "endpoints.tf").write_text(
        'resource "aws_vpc_endpoint" "e" {\n'
        "  vpc_id             = aws_vpc.main.id\n"
        '  service_name       = "com.amazonaws.us-east-1.ssm"\n'
        '  vpc_endpoint_type  = "Interface"\n'
        "  subnet_ids         = [aws_subnet.a.id]\n"
        "  private_dns_enabled = = true\n"
        "}\n"
        'resource "aws_lambda_function" "f" {\n'
        "  role = aws_iam_role.r.arn\n"
        "}\n"
    )
    (tmp_path / "other.tf").write_text(
        'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
        'resource "aws_subnet" "a" {\n  vpc_id = aws_vpc.main.id\n  availability_zone = "eu-west-1a"\n}\n'
        'resource "aws_iam_role" "r" {\n  name = "worker"\n}\n'
    )
    full = load(tmp_path, prefilter=False)
    prefiltered = load(tmp_path, prefilter=True)
    assert full.problems and summary(prefiltered) == summary(full)
    # The lambda, read only because its file was read whole, still finds the role it refers to.
    assert prefiltered.resource("aws_iam_role.r") is not None
