"""The command line: formats, exit codes, options, errors; run in-process and as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vpce_checks.cli import main
from vpce_checks.core.registry import all_rules

CLEAN = """
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id]
}
"""
WARNING_ONLY = (
    CLEAN
    + """
resource "aws_vpc_endpoint" "sts" {
  vpc_id             = aws_vpc.main.id
  service_name       = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type  = "Interface"
  subnet_ids         = ["subnet-1", "subnet-2"]
  security_group_ids = ["sg-1"]
}
"""
)
ERROR = CLEAN.replace("  route_table_ids = [aws_route_table.private.id]\n", "")


def module(tmp_path: Path, text: str, name: str = "mod") -> Path:
    directory = tmp_path / name
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(text, encoding="utf-8")
    return directory


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_clean_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(module(tmp_path, CLEAN))], capsys)
    assert code == 0 and "No findings." in out


def test_error_finding_exit_1_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(module(tmp_path, ERROR))], capsys)
    assert code == 1
    assert "main.tf" in out and "VPCE001" in out and "aws_vpc_endpoint.s3" in out
    assert " 8 " in out or "8  VPCE001" in out


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 0), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str], fail_on: str, expected: int) -> None:
    code, out, _ = run([str(module(tmp_path, WARNING_ONLY)), "--fail-on", fail_on], capsys)
    assert "VPCE006" in out and code == expected


def test_fail_on_never_still_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(module(tmp_path, ERROR)), "--fail-on", "never"], capsys)
    assert code == 0 and "VPCE001" in out


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(module(tmp_path, ERROR)), "--format", "json"], capsys)
    report = json.loads(out)
    (finding,) = report["findings"]
    assert code == 1 and finding["rule_id"] == "VPCE001" and finding["start_line"] == 8
    assert finding["address"] == "aws_vpc_endpoint.s3" and finding["file"].endswith("mod/main.tf")


def test_sarif_format_to_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.sarif"
    code, out, _ = run([str(module(tmp_path, ERROR)), "-f", "sarif", "-o", str(target)], capsys)
    sarif = json.loads(target.read_text())
    assert code == 1 and out == ""
    assert sarif["runs"][0]["results"][0]["ruleId"] == "VPCE001"
    assert len(sarif["runs"][0]["tool"]["driver"]["rules"]) == len(all_rules())


def test_select_and_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = str(module(tmp_path, WARNING_ONLY))
    _, out, _ = run([directory, "--select", "VPCE001", "--fail-on", "info"], capsys)
    assert "VPCE006" not in out
    code, out, _ = run([directory, "--ignore", "interface-endpoint-private-dns-disabled", "--fail-on", "info"], capsys)
    assert "VPCE006" not in out and code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "VPCE999"], "unknown rule 'VPCE999'"),
        (["--format", "xml"], ""),
        (["--var", "novalue"], "expected NAME=VALUE"),
        (["--var-file", "missing.tfvars"], "no such file"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, _, err = run([str(module(tmp_path, CLEAN)), *args], capsys)
    assert code == 2 and message in err


def test_missing_path_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(tmp_path / "nope")], capsys)
    assert code == 2 and "no such file or directory" in err and "Traceback" not in err


def test_var_and_var_file_reach_the_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = 'variable "svc" {}\n' + CLEAN.replace('"com.amazonaws.us-east-1.s3"', "var.svc")
    directory = str(module(tmp_path, text))
    assert run([directory], capsys)[0] == 0  # unknown service: silent
    assert run([directory, "--var", "svc=com.amazonaws.us-east-1.ecr.api"], capsys)[0] == 1
    var_file = tmp_path / "values.tfvars"
    var_file.write_text('svc = "com.amazonaws.us-east-1.sts"\n')
    assert run([directory, "--var-file", str(var_file)], capsys)[0] == 1


def test_scans_every_module_below_a_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module(tmp_path, ERROR, "stacks/a")
    module(tmp_path, ERROR, "stacks/b")
    module(tmp_path, ERROR, "stacks/.terraform/modules/x")
    code, out, _ = run([str(tmp_path / "stacks"), "-f", "json"], capsys)
    files = sorted(f["file"] for f in json.loads(out)["findings"])
    assert code == 1 and [Path(f).parent.name for f in files] == ["a", "b"]


def test_a_file_path_scans_its_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = module(tmp_path, CLEAN)
    (directory / "extra.tf").write_text(
        'resource "aws_vpc_endpoint" "ecr" {\n  vpc_id = aws_vpc.main.id\n'
        '  service_name = "com.amazonaws.us-east-1.ecr.dkr"\n}\n'
    )
    _, out, _ = run([str(directory / "main.tf")], capsys)
    assert "VPCE002" in out


def test_output_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = str(module(tmp_path, WARNING_ONLY + ERROR.replace('aws_vpc_endpoint" "s3', 'aws_vpc_endpoint" "s3b')))
    outputs = {run([directory, "-f", fmt], capsys)[1] for fmt in ("json",) for _ in range(3)}
    assert len(outputs) == 1


def test_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules"], capsys)
    assert code == 0 and all(item.id in out for item in all_rules())
    code, out, _ = run(["explain", "ecr-endpoints-without-s3-gateway"], capsys)
    assert code == 0 and out.startswith("VPCE008") and "## Why is this bad?" in out
    code, _, err = run(["explain", "VPCE999"], capsys)
    assert code == 2 and "unknown rule" in err


def test_module_entry_point_runs_as_a_process(tmp_path: Path) -> None:
    directory = module(tmp_path, ERROR)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.run(
        [sys.executable, "-m", "vpce_checks", str(directory)], capture_output=True, text=True, env=env, check=False
    )
    assert process.returncode == 1 and "VPCE001" in process.stdout and process.stderr == ""


def test_scan_writes_nothing_into_the_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = module(tmp_path, ERROR)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for fmt in ("text", "json", "sarif"):
        run([str(directory), "-f", fmt], capsys)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_an_internal_error_in_one_module_does_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vpce_checks.scan as scan

    module(tmp_path, ERROR, "a")
    module(tmp_path, ERROR, "b")
    real = scan.load_directory

    def failing(directory: str, display: str, options: object = None) -> object:
        if directory.endswith("a"):
            raise ValueError("boom")
        return real(directory, display, options)  # type: ignore[arg-type]

    monkeypatch.setattr(scan, "load_directory", failing)
    code, out, err = run([str(tmp_path), "-f", "json"], capsys)
    findings = json.loads(out)["findings"]
    assert code == 1 and err == ""
    assert {(f["rule_id"], Path(f["file"]).name) for f in findings} == {("VPCE000", "a"), ("VPCE001", "main.tf")}
    assert "internal error" in findings[0]["message"] or "internal error" in findings[1]["message"]
