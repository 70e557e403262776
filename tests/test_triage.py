"""What is skipped before any parsing, and that skipping it never changes a finding, a note or a count.

A module that names no anchor type (an endpoint or a VPC) and calls only modules that name none is
not parsed; a module that another scanned module calls is read only through its caller. The
reference is a scan that reads everything (``--no-cache --full-parse``).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

import vpce_checks.scan as scan_module
from vpce_checks.cli import main
from vpce_checks.core.engine import analyze, outcomes
from vpce_checks.core.model import Configuration
from vpce_checks.core.registry import all_rules, anchor_resource_types
from vpce_checks.loader.module import load_directory
from vpce_checks.loader.options import Limits
from vpce_checks.loader.triage import Anchors, triage
from vpce_checks.views.collect import module_view

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted({path.parent for pattern in ("*.tf", "*.tf.json") for path in (ROOT / "fixtures").rglob(pattern)})

SERVICE = """
resource "aws_iam_role" "worker" {
  name = "worker"
}

resource "aws_security_group" "worker" {
  vpc_id = var.vpc_id
  # aws_vpc_endpoint in a comment counts: the search is a superset
}

resource "aws_lambda_function" "worker" {
  filename = "${path.module}/build.zip"
  role     = aws_iam_role.worker.arn
}
"""
ENDPOINT = """
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = "vpc-1"
  service_name = "com.amazonaws.us-east-1.s3"
}
"""


def matters(tmp_path: Path, files: dict[str, str | bytes], others: dict[str, dict[str, str]] | None = None) -> bool:
    """Whether a directory of ``files`` (beside directories ``others``) is read at all."""
    module = tmp_path / "root"
    for directory, contents in {"root": files, **(others or {})}.items():
        (tmp_path / directory).mkdir(parents=True, exist_ok=True)
        for name, text in contents.items():
            path = tmp_path / directory / name
            path.write_bytes(text if isinstance(text, bytes) else textwrap.dedent(text).encode())
    work = scan_module._Work(all_rules(), scan_module.LoadOptions(), scan_module.ParseOptions(), False, None, None, 1)
    real = str(module.resolve())
    return work._matters(work._triage(str(module), real), (real,))


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"main.tf": 'resource "aws_iam_role" "r" {\n  name = "${path.module}"\n}\n'}, False),
        ({"main.tf": 'resource "aws_security_group" "sg" {}\nresource "aws_iam_policy" "p" {}\n'}, False),
        ({"main.tf": ENDPOINT}, True),
        ({"main.tf": 'resource aws_vpc main {\n  cidr_block = "10.0.0.0/16"\n}\n'}, True),  # bare labels
        ({"main.tf": 'resource "aws_default_vpc" "default" {}\n'}, True),
        ({"main.tf": '# resource "aws_vpc" "gone" {}\n'}, True),  # a comment counts: a superset
        ({"main.tf": 'resource "aws_vpc_endpoint_route_table_association" "a" {}\n'}, False),  # not the type
        ({"main.tf.json": '{"resource": {"aws_vpc": {"main": {}}}}'}, True),
        ({"main.tf.json": '{"resource": {"aws\\u005fvpc": {"main": {}}}}'}, True),  # an escape may spell a type
        ({"main.tf.json": '{"resource": '}, True),  # not JSON: the loader reports it
        ({"main.tf.json": '\ufeff{"resource": {}}'}, True),  # a byte order mark: reported too
        ({"main.tf": b'resource "aws_iam_role" "r" {\n  name = "\xff"\n}\n'}, True),  # not UTF-8: reported
        ({"main.tf": 'resource "aws_iam_role" "r" {\n  name = "\\u0061ws_vpc"\n}\n'}, True),
        ({"main.tf": 'module "x" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'}, True),  # a model, a download
        ({"main.tf": 'module "x" {\n  source = "./missing"\n}\n'}, True),  # the loader notes it
        ({"main.tf": "variable x {}\n", "override.tf": "variable x {}\n"}, True),  # merged; reported when unmatched
        ({"main.tf": "variable x {}\n", "main_override.tf": "variable x {}\n"}, True),
        ({"main.tf.json": '{"variable": {"x": {}}}'}, True),  # its shape is checked
        ({"main.tf.json": "[1]"}, True),  # JSON, but no Terraform object: reported
        ({"main.tofu": "variable x {}\n"}, True),  # OpenTofu's precedence
        ({"main.tf": "variable x {}\n", "terraform.tfvars": "x = \n"}, True),  # parsed, reported when broken
        ({"main.tf": "variable x {}\n", "prod.auto.tfvars": 'x = "a"\n'}, True),
        ({"main.tf": "variable x {}\n", "prod.tfvars": 'x = "a"\n'}, False),  # read only when named
        ({"main.tf": 'resource "aws_sqs_queue" "q" {}\n', "b.tf": 'resource "aws_sqs_queue" "q" {}\n'}, True),
        ({"main.tf": 'data "aws_region" "r" {}\ndata aws_region r {\n}\n'}, True),  # declared twice: reported
        ({"main.tf": 'resource "aws_sqs_queue" "q" {}\ndata "aws_sqs_queue" "q" {}\n'}, False),  # not twice
    ],
)
def test_what_the_bytes_decide(tmp_path: Path, files: dict[str, str | bytes], expected: bool) -> None:
    assert matters(tmp_path, files) is expected


@pytest.mark.parametrize(
    ("call", "callee", "expected"),
    [
        ('module "q" {\n  source = "../queue"\n}\n', {"main.tf": 'resource "aws_sqs_queue" "q" {}\n'}, False),
        ('module "q" {\n  source = "../queue"\n}\n', {"main.tf": ENDPOINT}, True),
        ('module "q" {\n  source = "../queue"\n  count  = 2\n}\n', {"main.tf": "variable x {}\n"}, True),
        ('module "q" {\n  source   = "../queue"\n  for_each = {}\n}\n', {"main.tf": "variable x {}\n"}, True),
        ('module "q" {\n  source = "../queue"\n}\n', {"main.tf": 'module "n" {\n  source = "../net"\n}\n'}, True),
        ('module "q" {\n  source = "../root"\n}\n', {}, True),  # calls itself: the loader notes it
        ('module "q" { source = "../queue" }\n', {"main.tf": "variable x {}\n"}, True),  # one line: not told apart
    ],
)
def test_what_calls_decide(tmp_path: Path, call: str, callee: dict[str, str], expected: bool) -> None:
    others = {"queue": callee, "net": {"main.tf": ENDPOINT}}
    assert matters(tmp_path, {"main.tf": call}, others) is expected


def test_an_override_or_a_duplicate_call_takes_the_loader(tmp_path: Path) -> None:
    call = 'module "q" {\n  source = "../queue"\n}\n'
    queue = {"queue": {"main.tf": "variable x {}\n"}}
    assert not matters(tmp_path / "plain", {"main.tf": call}, queue)
    assert matters(tmp_path / "override", {"main.tf": call, "override.tf": call}, queue)
    assert matters(tmp_path / "duplicate", {"main.tf": call, "other.tf": call}, queue)


def test_a_module_called_too_deep_matters(tmp_path: Path) -> None:
    others = {f"m{index}": {"main.tf": f'module "n" {{\n  source = "../m{index + 1}"\n}}\n'} for index in range(20)}
    others["m20"] = {"main.tf": "variable x {}\n"}
    assert matters(tmp_path, {"main.tf": 'module "n" {\n  source = "../m0"\n}\n'}, others)


def test_the_anchor_search_finds_whole_names_only() -> None:
    anchors = Anchors(anchor_resource_types())
    assert anchors.named(b'resource "aws_vpc" "x" {}')
    assert not anchors.named(b'resource "aws_vpc_ipam" "x" {}')
    assert not anchors.named(b'resource "my_aws_vpc" "x" {}')
    assert anchors.named(b'{"aws_vpc_endpoint": {}}')


def test_triage_reads_the_files_the_loader_reads(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(ENDPOINT)
    (tmp_path / "main.tofu").write_text("variable x {}\n")  # shadows main.tf: only it is read
    (tmp_path / ".#main.tf").write_text(ENDPOINT)  # an editor's lock file
    found = triage(str(tmp_path), Anchors(anchor_resource_types()), Limits())
    assert [Path(path).name for path in found.files] == ["main.tofu"]
    assert found.anchored  # OpenTofu's precedence takes the loader


def test_every_finding_outcome_and_view_is_about_an_anchor_or_a_problem() -> None:
    """What makes skipping a module without anchors exact: on every fixture, a model without them reports nothing."""
    anchors = anchor_resource_types()
    for fixture in FIXTURES:
        config = load_directory(str(fixture), "mod")
        findings = analyze(config, all_rules())
        types = {resource.address: resource.type for resource in config.resources}
        assert {types.get(f.address) for f in findings if f.rule_id != "VPCE000"} <= anchors, fixture
        assert {verdict.resource.type for verdict in outcomes(config, all_rules(), findings)} <= anchors
        stripped = Configuration(
            directory=config.directory,
            resources=[resource for resource in config.resources if resource.type not in anchors],
            problems=config.problems,
            region=config.region,
            complete=config.complete,
            escaped=config.escaped,
        )
        left = analyze(stripped, all_rules())
        assert {finding.rule_id for finding in left} <= {"VPCE000"}, fixture
        assert module_view(stripped, left).vpcs == ()


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(paths: list[str], capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, Any, str]:
    capsys.readouterr()
    code = main([*paths, "-f", "json", "--fail-on", "never", "--jobs", "1", *extra])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_skipping_changes_nothing_on_a_generated_monorepo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _load_generator().generate(str(tmp_path / "tree"), modules=40, resources_per_module=40, network_share=0.2)
    loaded: list[str] = []
    real = scan_module.load_root

    def counting(directory: str, *arguments: object) -> object:
        loaded.append(directory)
        return real(directory, *arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "load_root", counting)
    reference = run([str(tmp_path / "tree")], capsys, "--no-cache", "--full-parse")
    # Everything but the shared endpoints module, which its callers read (the queue module is read on its own).
    assert len(loaded) == 41 and not any(directory.endswith("endpoints") for directory in loaded)
    loaded.clear()
    assert run([str(tmp_path / "tree")], capsys, "--no-cache") == reference
    assert reference[1]["findings"] and reference[1]["cost"]["vpcs"]
    assert sorted(Path(directory).parent.name for directory in loaded) == ["network"] * 8  # the VPCs only


def test_skipping_changes_nothing_on_the_fixtures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "fixtures"
    shutil.copytree(ROOT / "fixtures", tree)
    service = tree / "service_only"
    service.mkdir()
    (service / "main.tf").write_text(
        SERVICE.replace("# aws_vpc_endpoint in a comment counts: the search is a superset", "")
    )
    assert run([str(tree)], capsys, "--no-cache") == run([str(tree)], capsys, "--no-cache", "--full-parse")


def test_a_module_read_through_its_caller_is_not_read_on_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when its caller is called with ``count = 0``, so that only the caller's own scan sees the call."""
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "main.tf").write_text('module "a" {\n  source = "../a"\n  count  = 0\n}\n')
    for name, text in {"a": 'module "b" {\n  source = "../b"\n}\n' + ENDPOINT, "b": ENDPOINT}.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(text)
    loaded: list[str] = []
    real = scan_module.load_root

    def counting(directory: str, *arguments: object) -> object:
        loaded.append(Path(directory).name)
        return real(directory, *arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "load_root", counting)
    reference = run([str(tmp_path)], capsys, "--no-cache", "--full-parse")
    assert sorted(loaded) == ["a", "b", "root"]
    loaded.clear()
    assert run([str(tmp_path)], capsys, "--no-cache") == reference
    assert sorted(loaded) == ["a", "b", "root"]  # b is called only by a's own scan, so a is read to learn it
    (tmp_path / "root" / "main.tf").write_text('module "a" {\n  source = "../a"\n}\n')
    loaded.clear()
    reference = run([str(tmp_path)], capsys, "--no-cache", "--full-parse")
    loaded.clear()
    assert run([str(tmp_path)], capsys, "--no-cache") == reference
    assert loaded == ["root"]


def test_problems_of_modules_without_anchors_are_reported_as_a_full_parse_reports_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the loader reports about files that name nothing a rule reads: a skip would hide it."""
    queue = 'resource "aws_sqs_queue" "q" {}\n'
    cases: dict[str, dict[str, str]] = {
        "twice": {"a.tf": queue, "b.tf": queue},
        "tfvars": {"main.tf": "variable x {}\n", "terraform.tfvars": "x = = 1\n"},
        "unmatched": {"main.tf": queue, "override.tf": 'resource "aws_sqs_queue" "other" {}\n'},
        "array": {"main.tf.json": "[1]"},
    }
    for name, files in cases.items():
        (tmp_path / name).mkdir()
        for file_name, text in files.items():
            (tmp_path / name / file_name).write_text(text)
    reference = run([str(tmp_path)], capsys, "--no-cache", "--full-parse")
    reported = {Path(finding["file"]).parent.name for finding in reference[1]["findings"]}
    assert reported == set(cases)  # each case is a problem the loader reports
    assert run([str(tmp_path)], capsys, "--no-cache") == reference
