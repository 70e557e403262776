"""The result cache: the same report cold, warm, corrupt, shared by processes, after any input changed.

A warm run must answer from the cache without loading a module, and a run after a change must give
what a run without the cache gives; each change below is made so that it changes the findings,
so a stale entry cannot pass unnoticed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable

import pytest
from helpers import tree_snapshot

import vpce_checks.scan as scan_module
from vpce_checks.cli import main
from vpce_checks.loader import cache as cache_module
from vpce_checks.loader import inputs

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ["vpce000_malformed_file_next_to_valid", "shape_tf_json", "shape_count_index", "shape_locals", "shape_splat"]

APP = {
    "main.tf": """
        variable "private_dns" {
          type    = bool
          default = true
        }

        locals {
          services = jsondecode(file("${path.module}/services.json"))
        }

        resource "aws_vpc" "main" {
          cidr_block           = "10.0.0.0/16"
          enable_dns_support   = true
          enable_dns_hostnames = true
        }

        resource "aws_subnet" "a" {
          vpc_id            = aws_vpc.main.id
          availability_zone = "eu-west-1a"
        }

        resource "aws_subnet" "b" {
          vpc_id            = aws_vpc.main.id
          availability_zone = "eu-west-1b"
        }

        resource "aws_security_group" "endpoints" {
          vpc_id = aws_vpc.main.id
          ingress {
            from_port   = 443
            to_port     = 443
            protocol    = "tcp"
            cidr_blocks = ["10.0.0.0/16"]
          }
        }

        resource "aws_vpc_endpoint" "interface" {
          for_each            = toset(local.services)
          vpc_id              = aws_vpc.main.id
          service_name        = "com.amazonaws.eu-west-1.${each.value}"
          vpc_endpoint_type   = "Interface"
          subnet_ids          = [aws_subnet.a.id, aws_subnet.b.id]
          security_group_ids  = [aws_security_group.endpoints.id]
          private_dns_enabled = var.private_dns
        }

        resource "aws_vpc_endpoint" "sts" {
          count               = fileexists("${path.module}/sts.flag") ? 1 : 0
          vpc_id              = aws_vpc.main.id
          service_name        = "com.amazonaws.eu-west-1.sts"
          vpc_endpoint_type   = "Interface"
          subnet_ids          = [aws_subnet.a.id]
          security_group_ids  = [aws_security_group.endpoints.id]
          private_dns_enabled = true
        }

        module "logs" {
          source     = "../modules/logs"
          vpc_id     = aws_vpc.main.id
          subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
          groups     = [aws_security_group.endpoints.id]
        }
    """,
    "services.json": '["ssm", "ssmmessages", "ec2messages"]',
    "terraform.tfvars": "private_dns = true\n",
}
LOGS = {
    "main.tf": """
        variable "vpc_id" {}
        variable "subnet_ids" {}
        variable "groups" {}

        resource "aws_vpc_endpoint" "logs" {
          vpc_id              = var.vpc_id
          service_name        = "com.amazonaws.eu-west-1.logs"
          vpc_endpoint_type   = "Interface"
          subnet_ids          = var.subnet_ids
          security_group_ids  = var.groups
          private_dns_enabled = true
        }
    """,
}


def write(directory: Path, files: dict[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text).lstrip())


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Examples, some fixtures (valid and broken, HCL and JSON, a downloaded module), and a root calling a module."""
    target = tmp_path / "tree"
    shutil.copytree(ROOT / "examples", target / "examples")
    for case in [*FIXTURES, "module_downloaded_modules_json"]:
        shutil.copytree(ROOT / "fixtures" / case, target / case)
    write(target / "app", APP)
    write(target / "modules" / "logs", LOGS)
    return target


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("VPCE_CHECKS_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The directories loaded (not answered from the cache or skipped), in this process."""
    loaded: list[str] = []
    real = scan_module.load_root

    def counting(directory: str, *arguments: object) -> object:
        loaded.append(os.path.basename(directory))
        return real(directory, *arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "load_root", counting)
    return loaded


def scan(tree: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(tree), "-f", "json", "--fail-on", "never", "--quiet", "--jobs", "1", *extra])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def entries(cache: Path) -> list[Path]:
    """The result entries (one per root module loaded)."""
    return sorted(path for path in cache.rglob("*.json") if scan_module.TRIAGE_DIRECTORY not in path.parts)


def triage_entries(cache: Path) -> list[Path]:
    """The triage entries (one per distinct directory content)."""
    return sorted((cache / scan_module.TRIAGE_DIRECTORY).rglob("*.json"))


def test_cold_warm_and_uncached_runs_agree_and_a_warm_run_loads_nothing(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str], loads: list[str]
) -> None:
    before = tree_snapshot(tree)
    reference = scan(tree, capsys, "--no-cache", "--full-parse")
    assert not cache.exists(), "--no-cache must not write the cache"
    loads.clear()
    assert scan(tree, capsys) == reference
    cold = sorted(loads)
    assert "app" in cold and "logs" not in cold  # a called module is read through its caller only
    stored = entries(cache)
    assert len(stored) == len(cold)
    loads.clear()
    assert scan(tree, capsys) == reference
    assert loads == []
    assert entries(cache) == stored
    assert not list(cache.rglob("*.tmp")), "a temporary file was left behind"
    assert tree_snapshot(tree) == before


def test_two_jobs_give_the_same_report_in_the_same_order(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_module, "POOL_THRESHOLD", 2)
    one = scan(tree, capsys, "--no-cache")
    assert scan(tree, capsys, "--no-cache", "--jobs", "2") == one
    assert scan(tree, capsys, "--jobs", "2") == one  # cold cache, written from two processes
    assert scan(tree, capsys, "--jobs", "2") == one


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


CHANGES: dict[str, Callable[[Path], None]] = {
    "a file of the root": lambda tree: _edit(tree / "app" / "main.tf", '"eu-west-1b"', '"eu-west-1a"'),
    "a file of a called local module": lambda tree: _edit(
        tree / "modules" / "logs" / "main.tf", "private_dns_enabled = true", "private_dns_enabled = false"
    ),
    "a downloaded module (modules.json)": lambda tree: _edit(
        tree / "module_downloaded_modules_json" / ".terraform" / "modules" / "endpoints" / "main.tf",
        '"Gateway"\n}',
        '"Gateway"\n  route_table_ids   = var.route_table_ids\n}',
    ),
    "modules.json": lambda tree: (
        tree / "module_downloaded_modules_json" / ".terraform" / "modules" / "modules.json"
    ).write_text('{"Modules": []}'),
    "a tfvars file": lambda tree: _edit(tree / "app" / "terraform.tfvars", "true", "false"),
    "an auto.tfvars file added": lambda tree: (tree / "app" / "off.auto.tfvars").write_text("private_dns = false\n"),
    "a file read by file()": lambda tree: (tree / "app" / "services.json").write_text('["ssm"]'),
    "a file fileexists() looks for": lambda tree: (tree / "app" / "sts.flag").write_text(""),
    "an override file added": lambda tree: (tree / "app" / "main_override.tf").write_text(
        'resource "aws_vpc_endpoint" "interface" {\n  private_dns_enabled = false\n}\n'
    ),
    "a .tofu file shadowing a .tf file": lambda tree: (tree / "modules" / "logs" / "main.tofu").write_text(
        (tree / "modules" / "logs" / "main.tf").read_text().replace("= true", "= false")
    ),
    "a file of a fixture": lambda tree: _edit(
        tree / "shape_splat" / next(p.name for p in (tree / "shape_splat").glob("*.tf")),
        "resource",
        "# a comment\nresource",
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_any_input_is_seen(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str], loads: list[str], change: str
) -> None:
    before = scan(tree, capsys)
    assert scan(tree, capsys) == before  # warm
    CHANGES[change](tree)
    loads.clear()
    after = scan(tree, capsys)
    assert after == scan(tree, capsys, "--no-cache")
    if change != "a file of a fixture":  # a comment changes nothing but lines
        assert after != before, "the change was meant to change the report"
    assert loads, "the changed module must be read again"
    loads.clear()
    assert scan(tree, capsys) == after and loads == []


@pytest.mark.parametrize(
    "options",
    [["--select", "VPCE006"], ["--max-expansion", "2"], ["--full-parse"], ["--var", "private_dns=false"]],
    ids=lambda options: " ".join(options),
)
def test_the_question_asked_is_part_of_the_key(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    plain = scan(tree, capsys)
    stored = set(entries(cache))
    asked = scan(tree, capsys, *options)
    assert asked == scan(tree, capsys, "--no-cache", *options)
    assert set(entries(cache)) > stored, "the question must have entries of its own"
    if options != ["--full-parse"]:  # a full parse gives the same report: that is its point
        assert asked != plain
    assert scan(tree, capsys) == plain


def test_a_var_file_is_read_again_when_it_changes(tree: Path, cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = tree.parent / "values.tfvars"
    values.write_text("private_dns = true\n")
    before = scan(tree / "app", capsys, "--var-file", str(values))
    values.write_text("private_dns = false\n")
    after = scan(tree / "app", capsys, "--var-file", str(values))
    assert after != before and after == scan(tree / "app", capsys, "--no-cache", "--var-file", str(values))


def test_a_severity_from_the_configuration_is_part_of_the_key(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = scan(tree, capsys)
    (tree / ".vpce-checks.yaml").write_text("severity:\n  VPCE006: error\n")
    monkeypatch.chdir(tree)
    changed = scan(tree, capsys)
    assert (
        changed != plain
        and '"rule_id": "VPCE006",\n      "slug": "interface-endpoint-private-dns-disabled",\n      "severity": "error"'
        in changed[1]
    )


@pytest.mark.parametrize("part", ["version", "parser", "package files"])
def test_another_tool_never_reads_this_ones_entries(
    tree: Path,
    cache: Path,
    capsys: pytest.CaptureFixture[str],
    loads: list[str],
    monkeypatch: pytest.MonkeyPatch,
    part: str,
) -> None:
    reference = scan(tree, capsys)
    stored = set(entries(cache))
    if part == "version":
        monkeypatch.setattr(cache_module, "__version__", "0.0.0-other")
    elif part == "parser":
        monkeypatch.setattr(cache_module, "_distribution_versions", lambda: ("python_hcl2=0.0.1", "lark=0.0.1"))
    else:
        monkeypatch.setattr(cache_module, "_package_fingerprint", lambda: "an-edited-checkout")
    cache_module.tool_identity.cache_clear()
    try:
        loads.clear()
        assert scan(tree, capsys) == reference
        assert loads, "entries of another tool were used"
        assert set(entries(cache)) > stored  # its own, beside the others'
    finally:
        cache_module.tool_identity.cache_clear()


def test_a_replacement_parser_is_part_of_the_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    import vpce_checks.loader.syntax as syntax

    plain = cache_module.parser_identity()
    monkeypatch.setattr(syntax, "parser_identity", lambda: "lark-rebuilt-grammar", raising=False)
    assert cache_module.parser_identity() != plain
    assert "python_hcl2=" in plain and "lark=" in plain


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:100] + bytes([data[100] ^ 0x20]) + data[101:],  # one flipped bit
        lambda data: b"",
        lambda data: b"not a checksum\n{}",
        lambda data: _resigned(data.replace(b'"observations"', b'"observationz"')),  # a valid checksum, wrong shape
        lambda data: _resigned(data.replace(b'"findings":[', b'"findings":[7,')),  # findings that are no findings
    ],
    ids=["truncated", "bit-flip", "empty", "garbage", "edited", "bad-findings"],
)
def test_a_corrupt_entry_is_rebuilt_never_trusted(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str], damage: Callable[[bytes], bytes]
) -> None:
    reference = scan(tree, capsys)
    assert triage_entries(cache)
    for entry in [*entries(cache), *triage_entries(cache)]:
        entry.write_bytes(damage(entry.read_bytes()))
    assert scan(tree, capsys) == reference
    assert scan(tree, capsys) == reference


def _resigned(data: bytes) -> bytes:
    """An entry edited after the fact with its checksum made right again (what a careful tamperer does)."""
    import hashlib

    payload = data.partition(b"\n")[2]
    return hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def test_an_entry_whose_observations_do_not_hold_is_not_used(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str], loads: list[str]
) -> None:
    reference = scan(tree, capsys)
    for entry in entries(cache):
        payload = json.loads(entry.read_bytes().partition(b"\n")[2])
        payload["observations"] = [[kind, path, "0" * 64] for kind, path, _ in payload["observations"]]
        payload["result"]["findings"] = []
        entry.write_bytes(_resigned(b"x\n" + json.dumps(payload).encode()))
    loads.clear()
    assert scan(tree, capsys) == reference
    assert loads


def test_a_well_formed_entry_for_another_key_is_not_used(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = scan(tree, capsys)
    stored = entries(cache)
    swapped = stored[0].read_bytes()
    stored[0].write_bytes(stored[1].read_bytes())  # valid checksum, wrong key
    stored[1].write_bytes(swapped)
    assert scan(tree, capsys) == reference


def test_a_file_that_changes_while_it_is_read_is_not_cached() -> None:
    """Two reads of one file that disagree (it was being saved): the result may mix them, so it is not kept."""
    with inputs.recording(1024) as recording:
        inputs.file_read("main.tf", b"one")
        inputs.file_read("main.tf", b"two")
    assert recording.unstable


def test_an_unwritable_cache_directory_only_costs_speed(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = scan(tree, capsys, "--no-cache")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("VPCE_CHECKS_CACHE_DIR", str(blocker / "cache"))
    assert scan(tree, capsys) == reference


def test_the_cache_defaults_to_the_user_cache_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VPCE_CHECKS_CACHE_DIR")
    assert "vpce-checks" in cache_module.default_directory()
    monkeypatch.setenv("VPCE_CHECKS_CACHE_DIR", os.sep + "elsewhere")
    assert cache_module.default_directory() == os.sep + "elsewhere"


def test_a_failing_parse_phase_falls_back_to_full_parses(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vpce_checks.loader.preparse as preparse

    reference = scan(tree, capsys, "--no-cache")

    def broken(*_: object) -> None:
        raise KeyError("a bug in the parse phase")

    monkeypatch.setattr(preparse, "preparse", broken)
    assert scan(tree, capsys, "--no-cache") == reference


def test_processes_scanning_at_once_share_the_cache_safely(tree: Path, cache: Path) -> None:
    """What pre-commit does when it runs hooks in parallel: several processes, one cache, cold and then warm."""
    command = [sys.executable, "-m", "vpce_checks", str(tree), "-f", "json", "--fail-on", "never", "-q", "--jobs", "1"]
    reference = subprocess.run([*command, "--no-cache"], capture_output=True, text=True, check=True).stdout
    for _ in range(2):  # cold: every process writes; then warm: every process reads while others replace
        processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
        outputs = [process.communicate() for process in processes]
        assert [(out.decode(), err.decode()) for out, err in outputs] == [(reference, "")] * 4
    assert not list(cache.rglob("*.tmp"))


def test_every_fixture_and_a_generated_monorepo_give_the_full_parse_report_cold_and_warm(
    tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str], loads: list[str]
) -> None:
    """The result cache extends the equivalence with ``--no-cache --full-parse`` to every fixture."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    target = tmp_path / "all"
    shutil.copytree(ROOT / "fixtures", target / "fixtures")
    generator.generate(str(target / "monorepo"), modules=30, resources_per_module=30, network_share=0.2)
    capsys.readouterr()
    arguments = [str(target), "-f", "json", "--fail-on", "never", "--quiet", "--jobs", "1"]
    main([*arguments, "--no-cache", "--full-parse"])
    reference = capsys.readouterr()
    loads.clear()
    for _ in ("cold", "warm"):
        main(arguments)
        assert capsys.readouterr() == reference
    assert len(loads) == len(entries(cache)) > 0  # the warm run loaded nothing


QUIET = {
    "main.tf": """
        resource "aws_s3_bucket" "logs" {
          bucket = "logs"
        }
    """,
}


def test_a_warm_run_searches_no_bytes_again_and_sees_a_file_that_changed(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Triage is cached by content: a warm run only reads and hashes, and an edited file is triaged afresh."""
    import vpce_checks.loader.triage as triage_module

    write(tree / "quiet", QUIET)
    judged: list[list[str]] = []
    real = triage_module._judge

    def counting(names: list[str], *arguments: object) -> object:
        judged.append(names)
        return real(names, *arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(triage_module, "_judge", counting)
    reference = scan(tree, capsys)
    assert 0 < len(triage_entries(cache)) <= len(judged)  # one per distinct content
    judged.clear()
    assert scan(tree, capsys) == reference
    assert judged == []
    assert "aws_vpc_endpoint.quiet" not in reference[1]

    # The bucket module now holds an endpoint: its bytes changed, so it is triaged and loaded again.
    (tree / "quiet" / "main.tf").write_text((tree / "quiet" / "main.tf").read_text() + textwrap.dedent(LOGS["main.tf"]))
    (tree / "quiet" / "main.tf").write_text(
        (tree / "quiet" / "main.tf").read_text().replace('"logs" {\n  vpc_id', '"quiet" {\n  vpc_id')
    )
    changed = scan(tree, capsys)
    assert len(judged) == 1 and "aws_vpc_endpoint.quiet" in changed[1]
    assert changed == scan(tree, capsys, "--no-cache", "--full-parse")


def test_a_call_is_resolved_afresh_when_a_link_moves(
    tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The triage entry keeps a call's source as written; where it leads (a symbolic link) is looked up each run."""
    root = tmp_path / "tree"
    write(root / "app", {"main.tf": 'module "logs" {\n  source = "../shared"\n  vpc_id = "vpc-1"\n}\n'})
    write(root / "quiet", QUIET)
    write(root / "logs", {"main.tf": LOGS["main.tf"].replace('variable "vpc_id" {}', "")})
    (root / "shared").symlink_to(root / "quiet", target_is_directory=True)
    first = scan(root / "app", capsys)
    assert "aws_vpc_endpoint.logs" not in first[1]
    (root / "shared").unlink()
    (root / "shared").symlink_to(root / "logs", target_is_directory=True)
    second = scan(root / "app", capsys)
    assert second == scan(root / "app", capsys, "--no-cache", "--full-parse")
    assert second != first
