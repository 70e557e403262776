"""The command line: formats, exit codes, options, errors; run in-process and as a real process."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Callable

import pytest

import vpce_checks
from vpce_checks.cli import COMMANDS, Environment, build_parser, main
from vpce_checks.core.registry import all_rules
from vpce_checks.terminal import Progress, progress_enabled

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
    assert f"{tmp_path}/mod/main.tf:8:1: VPCE001 [error] Gateway endpoint for s3" in out
    assert out.splitlines()[0].endswith("[aws_vpc_endpoint.s3]")


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
    import vpce_checks.loader.module as loader

    module(tmp_path, ERROR, "a")
    module(tmp_path, ERROR, "b")
    real = loader.load_directory

    def failing(directory: str, display: str, options: object = None) -> object:
        if directory.endswith("a"):
            raise ValueError("boom")
        return real(directory, display, options)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_directory", failing)
    code, out, err = run([str(tmp_path), "-f", "json"], capsys)
    findings = json.loads(out)["findings"]
    assert code == 1 and err == f"vpce-checks: note: {tmp_path}/a: {json.loads(out)['notes'][0]['message']}\n"
    assert "the rules that judge a whole VPC were not run" in err
    assert {(f["rule_id"], Path(f["file"]).name) for f in findings} == {("VPCE000", "a"), ("VPCE001", "main.tf")}
    assert "internal error" in findings[0]["message"] or "internal error" in findings[1]["message"]


# --- a terminal and a pipe --------------------------------------------------------------------------


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run_in(
    args: list[str],
    stdout: io.StringIO,
    stderr: io.StringIO,
    environ: dict[str, str] | None = None,
    clock: Callable[[], float] = lambda: 0.0,
) -> int:
    return main(args, Environment(stdout, stderr, environ or {}, date(2026, 1, 1), clock))


@pytest.mark.parametrize(
    ("mode", "terminal", "environ", "coloured"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # an empty NO_COLOR does not count
        ("auto", True, {"TERM": "dumb"}, False),
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", True, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, True),  # force-color.org: forcing wins
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_follows_the_terminal_the_flag_and_the_variables(
    tmp_path: Path, mode: str, terminal: bool, environ: dict[str, str], coloured: bool
) -> None:
    stdout = Terminal() if terminal else io.StringIO()
    code = run_in([str(module(tmp_path, ERROR)), "--color", mode], stdout, io.StringIO(), environ)
    assert code == 1 and ("\x1b[" in stdout.getvalue()) is coloured
    assert "VPCE001" in stdout.getvalue()


def test_colour_is_for_the_text_format_only(tmp_path: Path) -> None:
    stdout = Terminal()
    run_in([str(module(tmp_path, ERROR)), "-f", "json", "--color", "always"], stdout, io.StringIO())
    assert json.loads(stdout.getvalue())["findings"][0]["rule_id"] == "VPCE001"


def test_a_report_written_to_a_file_has_no_escape_codes(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    run_in([str(module(tmp_path, ERROR)), "-o", str(target)], Terminal(), io.StringIO())
    assert "VPCE001" in target.read_text() and "\x1b" not in target.read_text()


def pty_run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI as a process whose standard output and error are a pseudo-terminal."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    environ = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), **env}
    for name in ("NO_COLOR", "FORCE_COLOR", "CI"):
        if name not in env:
            environ.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "vpce_checks", *args], stdout=slave, stderr=slave, env=environ, close_fds=True
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed (EIO on Linux)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_a_real_terminal_gets_colour_and_a_pipe_does_not(tmp_path: Path) -> None:
    directory = str(module(tmp_path, ERROR))
    code, screen = pty_run([directory, "--jobs", "1", "--no-cache"], {"TERM": "xterm"})
    assert code == 1 and "\x1b[1;31m[error]\x1b[0m" in screen and "\x1b[1mVPCE001\x1b[0m" in screen
    code, screen = pty_run([directory, "--jobs", "1", "--no-cache"], {"TERM": "xterm", "NO_COLOR": "1"})
    assert code == 1 and "VPCE001 [error]" in screen and "\x1b[1;31m" not in screen
    piped = subprocess.run(
        [sys.executable, "-m", "vpce_checks", directory, "--jobs", "1"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "TERM": "xterm"},
        check=False,
    )
    assert piped.returncode == 1 and "VPCE001 [error]" in piped.stdout and "\x1b" not in piped.stdout + piped.stderr


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_appears_on_a_terminal_only_after_the_delay_and_is_erased() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, enabled=True, clock=clock)
    progress.update(1, 48)
    assert stream.getvalue() == ""  # a quick scan prints nothing extra
    clock.now += 1.5
    progress.update(12, 48)
    assert stream.getvalue() == "\r\x1b[Kvpce-checks: scanning 12/48 modules"
    progress.finish()
    assert stream.getvalue().endswith("modules\r\x1b[K")
    idle = Progress(Terminal(), enabled=False, clock=clock)
    clock.now += 5
    idle.update(1, 1)
    assert idle.stream.getvalue() == ""


@pytest.mark.parametrize(
    ("terminal", "environ", "quiet", "shown"),
    [
        (True, {}, False, True),
        (False, {}, False, False),  # a pipe or a file
        (True, {"CI": "true"}, False, False),  # a CI log
        (True, {"TERM": "dumb"}, False, False),
        (True, {}, True, False),  # --quiet
    ],
)
def test_progress_only_on_an_interactive_terminal(
    terminal: bool, environ: dict[str, str], quiet: bool, shown: bool
) -> None:
    assert progress_enabled(Terminal() if terminal else io.StringIO(), environ, quiet) is shown


def test_a_slow_scan_shows_progress_on_standard_error(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        module(tmp_path, CLEAN, name)
    ticks = iter(range(0, 1000, 2))  # every reading of the clock is two seconds later

    def slow() -> float:
        return float(next(ticks))

    stdout, stderr = io.StringIO(), Terminal()
    assert run_in([str(tmp_path), "--jobs", "1"], stdout, stderr, clock=slow) == 0
    assert stderr.getvalue() == (
        "\r\x1b[Kvpce-checks: scanning 1/3 modules\r\x1b[Kvpce-checks: scanning 2/3 modules"
        "\r\x1b[Kvpce-checks: scanning 3/3 modules\r\x1b[K"
    )
    assert "\r" not in stdout.getvalue()
    stderr = Terminal()
    assert run_in([str(tmp_path), "--jobs", "1"], io.StringIO(), stderr, {"CI": "true"}, slow) == 0
    assert stderr.getvalue() == ""
    stderr = Terminal()
    assert run_in([str(tmp_path), "--jobs", "1"], io.StringIO(), stderr) == 0  # a quick scan: the clock stands
    assert stderr.getvalue() == ""


# --- summary, notes, quiet ----------------------------------------------------------------------------


def test_the_summary_says_what_was_scanned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module(tmp_path, CLEAN, "a")
    (module(tmp_path, CLEAN, "b") / "extra.tf").write_text("")
    code, out, err = run([str(tmp_path)], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == f"{len(all_rules())} rules checked in 2 root modules, 3 files."


def test_nothing_to_scan_is_a_warning_and_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "README.md").write_text("no Terraform here")
    code, out, err = run([str(tmp_path)], capsys)
    assert code == 0 and err == f"vpce-checks: warning: no Terraform files under {tmp_path}\n"
    assert "No findings." in out and "0 root modules, 0 files" in out
    code, out, err = run([str(tmp_path), "-q"], capsys)
    assert (code, out, err) == (0, "", "")


def test_excluded_modules_are_said_in_the_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    module(tmp_path, ERROR, "legacy")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".vpce-checks.yaml").write_text("exclude: [legacy]\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["."], capsys)
    assert code == 0 and "no Terraform files under . outside the configuration's exclude patterns" in err


UNKNOWN_COUNT = (
    CLEAN
    + """
variable "create" {
  type = bool
}
resource "aws_vpc_endpoint" "maybe" {
  count        = var.create ? 1 : 0
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.ecr.api"
}
"""
)


def test_notes_go_to_stderr_once_and_into_json_and_sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = module(tmp_path, UNKNOWN_COUNT)
    note = (
        "aws_vpc_endpoint.maybe: `count        = var.create ? 1 : 0` is unknown here,"
        " so no rule judges its instances (they may or may not exist)"
    )
    code, out, err = run([str(directory)], capsys)
    assert code == 0 and err == f"vpce-checks: note: {directory}/main.tf:18: {note}\n"
    _, out, _ = run([str(directory), "-f", "json"], capsys)
    assert json.loads(out)["notes"] == [{"message": note, "file": f"{directory}/main.tf", "line": 18}]
    _, out, _ = run([str(directory), "-f", "sarif"], capsys)
    (notification,) = json.loads(out)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"] == note
    assert run([str(directory), "-q"], capsys) == (0, "", "")  # --quiet: findings only
    # With a value the count is known: no note, and the endpoint is judged.
    code, out, err = run([str(directory), "--var", "create=true"], capsys)
    assert code == 1 and err == "" and "VPCE002" in out


def test_a_note_when_a_parse_error_keeps_the_vpc_rules_silent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = module(tmp_path, ERROR.replace('"s3"', '"ecr"').replace(".s3", ".ecr.dkr"))
    (directory / "broken.tf").write_text('resource "aws_vpc" "x" {\n  cidr_block = \n}\n')
    code, out, err = run([str(directory)], capsys)
    assert code == 1 and "VPCE000" in out and "VPCE008" not in out
    assert err == (
        f"vpce-checks: note: {directory}: the rules that judge a whole VPC were not run for this module,"
        " because of the VPCE000 finding in broken.tf\n"
    )


# --- options and commands ------------------------------------------------------------------------------


def test_top_level_help_shows_the_scan_options_and_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    for option in ("--format", "--fail-on", "--baseline", "--show-source", "--statistics", "--color", "--jobs"):
        assert option in out
    for command in COMMANDS:
        assert re.search(rf"^  {command}\b", out, re.M), command
    assert run(["scan", "--help"], capsys)[1] == out


def test_version_works_before_and_after_scan(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"], capsys)[:2] == (0, f"vpce-checks {vpce_checks.__version__}\n")
    assert run(["scan", "--version"], capsys)[:2] == (0, f"vpce-checks {vpce_checks.__version__}\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fromat", "json"], "unrecognized arguments: --fromat (did you mean --format?)"),
        (["--show-sorce"], "(did you mean --show-source?)"),
        (["-f", "jsn"], "invalid choice: 'jsn'"),
        (["-f", "jsn"], "(did you mean 'json'?)"),
        (["rulse"], "rulse: no such file or directory (did you mean `vpce-checks rules`?)"),
        (["explian", "VPCE001"], "explian: no such file or directory (did you mean `vpce-checks explain`?)"),
        (["explain", "VPCE08"], "unknown rule 'VPCE08'; did you mean VPCE008?"),
        (["rules", "--format", "yaml"], "invalid choice: 'yaml'"),
    ],
)
def test_a_mistyped_flag_or_command_gets_a_suggestion(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(args, capsys)
    assert code == 2 and out == "" and message in err


def test_no_suggestion_when_nothing_is_close(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["--zzzz"], capsys)
    assert code == 2 and "unrecognized arguments: --zzzz\n" in err and "did you mean" not in err


@pytest.mark.parametrize("alias", ["--soft-fail", "--exit-zero"])
def test_soft_fail_and_exit_zero_are_fail_on_never(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], alias: str
) -> None:
    code, out, _ = run([str(module(tmp_path, ERROR)), alias], capsys)
    assert code == 0 and "VPCE001" in out
    code, _, err = run([str(module(tmp_path, ERROR)), alias, "--fail-on", "error"], capsys)
    assert code == 2 and "not allowed with argument" in err


def test_list_rules_is_the_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--list-rules"], capsys) == run(["rules"], capsys)
    assert run(["--list-rules", "-f", "json"], capsys) == run(["rules", "--format", "json"], capsys)
    code, _, err = run(["--list-rules", "-f", "sarif"], capsys)
    assert code == 2 and "--list-rules prints text, json, markdown, not sarif" in err


def test_rules_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "--format", "json"], capsys)
    document = json.loads(out)
    assert code == 0 and document["version"] == 1
    assert [item["id"] for item in document["rules"]] == [item.id for item in all_rules()]
    vpce001 = document["rules"][1]
    assert vpce001 == {
        "id": "VPCE001",
        "slug": "gateway-endpoint-without-route-table",
        "severity": "error",
        "category": "reliability",
        "title": "Gateway endpoint has no route table",
        "resource_types": ["aws_vpc_endpoint"],
        "docs_url": "https://github.com/vpce-checks/vpce-checks/blob/main/docs/rules/VPCE001.md",
    }
    docs = (Path(__file__).resolve().parent.parent / "docs" / "json-output.md").read_text()
    assert json.loads(docs.split("```json\n")[-1].split("```")[0]) == {"version": 1, "rules": [vpce001]}


def test_statistics_and_show_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = module(tmp_path, ERROR)
    code, out, _ = run([str(directory), "--statistics"], capsys)
    assert code == 1 and "main.tf:8:1" not in out
    assert out.splitlines()[1].startswith("  1  VPCE001  error    gateway-endpoint-without-route-table  https://")
    code, out, _ = run([str(directory), "--show-source"], capsys)
    lines = out.splitlines()
    assert code == 1 and lines[0].startswith(f"{directory}/main.tf:8:1: VPCE001 [error] ")
    assert lines[1:6] == [
        '>  8 | resource "aws_vpc_endpoint" "s3" {',
        "   9 |   vpc_id          = aws_vpc.main.id",
        '  10 |   service_name    = "com.amazonaws.us-east-1.s3"',
        "  11 | }",
        "",
    ]


def test_quiet_prints_the_findings_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([str(module(tmp_path, ERROR)), "-q"], capsys)
    assert code == 1 and err == ""
    assert out == f"{tmp_path}/mod/main.tf:8:1: VPCE001 [error] " + out.split("[error] ", 1)[1]
    assert len(out.splitlines()) == 1


def test_commands_are_one_table() -> None:
    assert list(COMMANDS) == ["scan", "rules", "explain", "checkov-dir", "cost", "diagram"]
    for name, command in COMMANDS.items():
        assert command.name == name and command.help
        assert build_parser(name).prog == ("vpce-checks" if name == "scan" else f"vpce-checks {name}")


# --- symbolic links ---------------------------------------------------------------------------------------


def test_directory_links_inside_the_tree_are_followed_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "tree"
    module(tree, ERROR, "real")
    module(tmp_path, ERROR, "outside")
    os.symlink("real", tree / "again")  # the same module twice: scanned once, under its own path
    os.symlink("..", tree / "real" / "up")  # a loop
    (tree / "stacks").mkdir()
    os.symlink("../real", tree / "stacks" / "linked")
    module(tree, ERROR, "shared/net")
    os.symlink("../shared", tree / "stacks" / "shared")  # a directory reached only through... itself too
    os.symlink(str(tmp_path / "outside"), tree / "elsewhere")
    code, out, err = run([str(tree), "-f", "json"], capsys)
    report = json.loads(out)
    assert code == 1
    assert sorted({finding["file"] for finding in report["findings"]}) == [
        f"{tree}/real/main.tf",
        f"{tree}/shared/net/main.tf",
    ]
    assert report["scanned"] == {"modules": 2, "files": 2, "plans": 0}
    assert report["notes"] == [
        {
            "message": f"symbolic link to {tmp_path / 'outside'}, outside the scanned tree: not followed",
            "file": f"{tree}/elsewhere",
            "line": 0,
        }
    ]
    assert err == f"vpce-checks: note: {tree}/elsewhere: {report['notes'][0]['message']}\n"


def test_a_directory_reached_only_through_a_link_is_scanned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hidden = tmp_path / ".generated"  # hidden directories are not walked, but a link to one is a directory
    module(hidden, ERROR, "mod")
    os.symlink(".generated/mod", tmp_path / "current")
    code, out, _ = run([str(tmp_path), "-f", "json"], capsys)
    assert code == 1 and [f["file"] for f in json.loads(out)["findings"]] == [f"{tmp_path}/current/main.tf"]
