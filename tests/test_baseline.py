"""Baselines: record once, then only new findings report and fail; line moves keep identity."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from test_cli import CLEAN, ERROR, WARNING_ONLY, module, run

from vpce_checks.baseline import BaselineError, apply_baseline, read_baseline, write_baseline
from vpce_checks.core.findings import Finding, Severity

ERRORS_TWO = (
    ERROR
    + """
resource "aws_vpc_endpoint" "s3_two" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.dynamodb"
}
"""
)


def make(rule_id: str, file: str, address: str, line: int = 1, suppressed: bool = False) -> Finding:
    return Finding(rule_id, "slug", Severity.ERROR, "message", file, line, line, address, suppressed=suppressed)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_file_format_is_versioned_sorted_and_counts_duplicates(in_tmp: Path) -> None:
    findings = [
        make("VPCE013", "b.tf", "aws_vpc.main", 9),
        make("VPCE001", "b.tf", "aws_vpc_endpoint.s3", 3),
        make("VPCE001", "a.tf", "aws_vpc_endpoint.s3", 5),
        make("VPCE010", "a.tf", "aws_vpc_endpoint.ssm", 7),
        make("VPCE010", "a.tf", "aws_vpc_endpoint.ssm", 7),
        make("VPCE004", "a.tf", "aws_vpc_endpoint.ssm", 7, suppressed=True),
    ]
    assert write_baseline("baseline.json", findings) == 5
    text = (in_tmp / "baseline.json").read_text()
    assert text.endswith("}\n")
    assert json.loads(text) == {
        "version": 1,
        "tool": "vpce-checks",
        "findings": [
            {"rule_id": "VPCE001", "file": "a.tf", "address": "aws_vpc_endpoint.s3", "count": 1},
            {"rule_id": "VPCE010", "file": "a.tf", "address": "aws_vpc_endpoint.ssm", "count": 2},
            {"rule_id": "VPCE001", "file": "b.tf", "address": "aws_vpc_endpoint.s3", "count": 1},
            {"rule_id": "VPCE013", "file": "b.tf", "address": "aws_vpc.main", "count": 1},
        ],
    }
    # The same findings in another order write the same bytes.
    write_baseline("again.json", list(reversed(findings)))
    assert (in_tmp / "again.json").read_text() == text


def test_matching_ignores_lines_and_counts_copies(in_tmp: Path) -> None:
    write_baseline("b.json", [make("VPCE010", "a.tf", "aws_vpc_endpoint.ssm", 7)] * 2)
    baseline = read_baseline("b.json")
    assert baseline.keys == Counter({("VPCE010", "a.tf", "aws_vpc_endpoint.ssm"): 2})
    moved = [make("VPCE010", "a.tf", "aws_vpc_endpoint.ssm", 70)] * 3
    result = apply_baseline(moved, baseline)
    assert result.hidden == 2 and len(result.findings) == 1  # the third copy is new
    other = [make("VPCE010", "b.tf", "aws_vpc_endpoint.ssm"), make("VPCE011", "a.tf", "aws_vpc_endpoint.ssm")]
    assert apply_baseline(other, baseline).findings == other  # another file or rule is another finding


def test_suppressed_findings_are_not_hidden(in_tmp: Path) -> None:
    write_baseline("b.json", [make("VPCE001", "a.tf", "x")])
    quiet = make("VPCE001", "a.tf", "x", suppressed=True)
    assert apply_baseline([quiet], read_baseline("b.json")).findings == [quiet]


def test_files_are_relative_to_the_baseline_so_the_scan_may_start_elsewhere(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "stacks").mkdir()
    write_baseline("b.json", [make("VPCE001", "stacks/main.tf", "x")])
    assert json.loads((in_tmp / "b.json").read_text())["findings"][0]["file"] == "stacks/main.tf"
    monkeypatch.chdir(in_tmp / "stacks")
    assert apply_baseline([make("VPCE001", "main.tf", "x")], read_baseline("../b.json")).hidden == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "b.json: baseline file not found; create it with --update-baseline"),
        ("{", "b.json: not a vpce-checks baseline (not valid JSON"),
        ("[]", 'b.json: not a vpce-checks baseline (expected an object with "tool": "vpce-checks")'),
        ('{"version": 2, "tool": "vpce-checks", "findings": []}', "baseline version 2 is not supported"),
        ('{"version": 1, "tool": "vpce-checks", "findings": {}}', '"findings" must be a list'),
        (
            '{"version": 1, "tool": "vpce-checks", "findings": [{"rule_id": "VPCE001", "file": "a.tf", "count": 1}]}',
            "findings[0] is not a baseline entry",
        ),
        (
            '{"version": 1, "tool": "vpce-checks", "findings": '
            '[{"rule_id": "VPCE001", "file": "a.tf", "address": "", "count": 0}]}',
            "findings[0] is not a baseline entry",
        ),
    ],
)
def test_broken_baseline_files(in_tmp: Path, content: str | None, message: str) -> None:
    if content is not None:
        (in_tmp / "b.json").write_text(content)
    with pytest.raises(BaselineError) as raised:
        read_baseline("b.json")
    assert message in str(raised.value)


# --- through the command line -------------------------------------------------------------------


def test_record_then_only_new_findings_fail(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = module(in_tmp, ERROR)
    code, out, err = run(["mod", "--baseline", "b.json", "--update-baseline"], capsys)
    assert code == 0 and out == "" and "recorded 1 finding in b.json" in err
    assert json.loads((in_tmp / "b.json").read_text())["findings"] == [
        {"rule_id": "VPCE001", "file": "mod/main.tf", "address": "aws_vpc_endpoint.s3", "count": 1}
    ]

    code, out, _ = run(["mod", "--baseline", "b.json"], capsys)
    assert code == 0 and out.splitlines()[0] == "No findings, 1 hidden by the baseline"

    # Moving the resource down does not make it new.
    (directory / "main.tf").write_text("\n\n\n# moved\n" + ERROR)
    assert run(["mod", "--baseline", "b.json"], capsys)[0] == 0

    # A second endpoint without route tables is new: it alone is reported and fails.
    (directory / "main.tf").write_text(ERRORS_TWO)
    code, out, _ = run(["mod", "--baseline", "b.json", "-f", "json"], capsys)
    report = json.loads(out)
    assert code == 1 and [f["address"] for f in report["findings"]] == ["aws_vpc_endpoint.s3_two"]
    assert report["summary"]["baselined"] == 1
    code, out, _ = run(["mod", "--baseline", "b.json", "-f", "markdown"], capsys)
    assert "(1 hidden by the baseline)" in out and "aws_vpc_endpoint.s3_two" in out

    # Fix the first one and re-record: it drops out of the baseline, so if it comes back it is new.
    (directory / "main.tf").write_text(CLEAN)
    assert run(["mod", "--baseline", "b.json", "--update-baseline"], capsys)[0] == 0
    assert json.loads((in_tmp / "b.json").read_text())["findings"] == []
    (directory / "main.tf").write_text(ERROR)
    assert run(["mod", "--baseline", "b.json"], capsys)[0] == 1


def test_baseline_from_the_config_file(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module(in_tmp, WARNING_ONLY)
    (in_tmp / "ci").mkdir()
    (in_tmp / "ci" / "vpce.yaml").write_text("baseline: known.json\nfail-on: warning\n")
    code, _, err = run(["mod", "--config", "ci/vpce.yaml", "--update-baseline"], capsys)
    assert code == 0 and (in_tmp / "ci" / "known.json").is_file()  # relative to the config file
    assert json.loads((in_tmp / "ci" / "known.json").read_text())["findings"][0]["file"] == "../mod/main.tf"
    assert run(["mod", "--config", "ci/vpce.yaml"], capsys)[0] == 0
    assert run(["mod", "--config", "ci/vpce.yaml", "--baseline", "other.json"], capsys)[0] == 2  # CLI wins: missing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--baseline", "missing.json"], "missing.json: baseline file not found; create it with --update-baseline"),
        (["--update-baseline"], "--update-baseline needs a baseline file"),
        (["--baseline", "corrupt.json"], "corrupt.json: not a vpce-checks baseline"),
        (["--baseline", "nodir/b.json", "--update-baseline"], "nodir/b.json: cannot write the baseline file"),
    ],
)
def test_baseline_errors_exit_2(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    module(in_tmp, ERROR)
    (in_tmp / "corrupt.json").write_text("not json")
    code, out, err = run(["mod", *args], capsys)
    assert code == 2 and out == "" and message in err and "Traceback" not in err
