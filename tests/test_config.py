"""Configuration files: discovery, validation with clear messages, and their effect on a scan."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_cli import CLEAN, ERROR, WARNING_ONLY, module, run

from vpce_checks.config import Config, ConfigError, find_config_file, load_config
from vpce_checks.core.findings import Severity
from vpce_checks.core.registry import all_rules

PYPROJECT = """
[project]
name = "infra"

[tool.vpce-checks]
select = ["VPCE001", "interface-endpoint-private-dns-disabled"]
ignore = ["VPCE013"]
severity = { VPCE006 = "error", "gateway-endpoint-without-route-table" = "warning" }
fail-on = "warning"
exclude = ["legacy", "modules/*/examples"]
baseline = ".vpce-checks-baseline.json"
"""

YAML = """
select: [VPCE001, interface-endpoint-private-dns-disabled]
ignore: [VPCE013]
severity:
  VPCE006: error
  gateway-endpoint-without-route-table: warning
fail-on: warning
exclude: [legacy, "modules/*/examples"]
baseline: .vpce-checks-baseline.json
"""


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root stops the upward search
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("name", "text"), [("pyproject.toml", PYPROJECT), (".vpce-checks.yaml", YAML)])
def test_both_formats_load_to_the_same_settings(in_tmp: Path, name: str, text: str) -> None:
    (in_tmp / name).write_text(text)
    config = load_config(find_config_file())
    assert config.source == name and config.root == "."
    assert config.select == ("VPCE001", "VPCE006")
    assert config.ignore == ("VPCE013",)
    assert config.severity == {"VPCE006": Severity.ERROR, "VPCE001": Severity.WARNING}
    assert config.fail_on == "warning"
    assert config.exclude == ("legacy", "modules/*/examples")
    assert config.baseline == os.path.join(".", ".vpce-checks-baseline.json")


def test_discovery_walks_up_to_the_repository_root(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = in_tmp / "stacks" / "prod"
    deep.mkdir(parents=True)
    assert find_config_file(str(deep)) is None
    (in_tmp / ".vpce-checks.yaml").write_text("fail-on: info\n")
    monkeypatch.chdir(deep)
    found = find_config_file()
    assert found == os.path.join("..", "..", ".vpce-checks.yaml")
    assert load_config(found).root == os.path.join("..", "..")
    # A file above the repository root is not read.
    (in_tmp / ".vpce-checks.yaml").unlink()
    (in_tmp.parent / ".vpce-checks.yaml").write_text("fail-on: info\n")
    try:
        assert find_config_file() is None
    finally:
        (in_tmp.parent / ".vpce-checks.yaml").unlink()


def test_yaml_wins_over_pyproject_in_one_directory_and_nearer_wins_over_farther(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text(PYPROJECT)
    (in_tmp / ".vpce-checks.yaml").write_text("fail-on: info\n")
    assert find_config_file() == ".vpce-checks.yaml"
    sub = in_tmp / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[tool.vpce-checks]\nfail-on = "never"\n')
    assert find_config_file(str(sub)) == os.path.join("sub", "pyproject.toml")


def test_a_pyproject_without_our_table_is_passed_over(in_tmp: Path) -> None:
    sub = in_tmp / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    (in_tmp / "pyproject.toml").write_text(PYPROJECT)
    assert find_config_file(str(sub)) == "pyproject.toml"
    with pytest.raises(ConfigError, match=r"sub/pyproject.toml: has no \[tool.vpce-checks\] table"):
        load_config(str(sub / "pyproject.toml"))


def test_empty_yaml_is_an_empty_configuration(in_tmp: Path) -> None:
    (in_tmp / ".vpce-checks.yaml").write_text("# nothing yet\n")
    assert load_config(".vpce-checks.yaml") == Config(source=".vpce-checks.yaml", root=".")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selct: [VPCE001]\n", r"\.vpce-checks\.yaml:1: selct: unknown key \(known keys: select, ignore"),
        (
            "fail-on: error\nselect: VPCE001\n",
            r"\.vpce-checks\.yaml:2: select: expected a list of strings, got 'VPCE001'",
        ),
        ("ignore: [VPCE999]\n", r":1: ignore: unknown rule 'VPCE999'"),
        ("severity:\n  VPCE005: critical\n", r":1: severity: VPCE005: unknown severity 'critical' \(choose from info"),
        ("severity:\n  nope: error\n", r"severity: unknown rule 'nope'"),
        ("severity: [VPCE005]\n", r"severity: expected a mapping of rule to severity"),
        ("severity:\n  VPCE005: [error]\n", r"severity: VPCE005: unknown severity \['error'\]"),
        ("fail-on: sometimes\n", r"fail-on: expected one of error, warning, info, never, got 'sometimes'"),
        ("exclude: legacy\n", r"exclude: expected a list of strings"),
        ("baseline: 3\n", r"baseline: expected a file path, got 3"),
        ("- select\n", r"the top level must be a mapping"),
        ("select: [VPCE001\n", r"\.vpce-checks\.yaml:2:1: not valid YAML: expected ',' or ']', but got '<stream end>'"),
    ],
)
def test_invalid_yaml_names_the_file_line_and_key(in_tmp: Path, text: str, message: str) -> None:
    (in_tmp / ".vpce-checks.yaml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(".vpce-checks.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.vpce-checks]\nfail_on = "error"\n', r"pyproject\.toml:2: fail_on: unknown key"),
        (
            '[project]\nname = "x"\n\n[tool.vpce-checks]\nselect = "VPCE001"\n',
            r"pyproject\.toml:5: select: expected a list",
        ),
        ('[tool.vpce-checks]\nseverity = { VPCE005 = "high" }\n', r":2: severity: VPCE005: unknown severity 'high'"),
        (
            '[tool.vpce-checks]\n[tool.vpce-checks.severity]\nVPCE005 = "high"\n',
            r"pyproject\.toml:2: severity: VPCE005",
        ),
        (
            '[tool.ruff]\nselect = ["E"]\n[tool.vpce-checks]\nselect = ["E"]\n',
            r"pyproject\.toml:4: select: unknown rule",
        ),
        ('[tool.vpce-checks]\nselect = ["a" "b"]\n', r"pyproject\.toml: not valid TOML: .*line 2"),
        ("[tool]\nvpce-checks = 3\n", r"tool.vpce-checks must be a table"),
    ],
)
def test_invalid_pyproject_names_the_file_and_key(in_tmp: Path, text: str, message: str) -> None:
    (in_tmp / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(find_config_file() or "pyproject.toml")


def test_missing_config_file(in_tmp: Path) -> None:
    with pytest.raises(ConfigError, match="nope.yaml: no such configuration file"):
        load_config("nope.yaml")


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("legacy", True),
        ("legacy/main.tf", True),
        ("legacy/sub/x.tf", True),
        ("legacyish/main.tf", False),
        ("modules/vpc/examples/main.tf", True),
        ("modules/vpc/main.tf", False),
        ("../elsewhere/legacy/main.tf", False),
    ],
)
def test_exclude_matches_paths_and_their_parents_relative_to_the_config(
    in_tmp: Path, path: str, excluded: bool
) -> None:
    config = Config(source="x", root=".", exclude=("legacy", "modules/*/examples"))
    assert config.is_excluded(path) is excluded
    assert config.is_excluded(str(in_tmp / path)) is excluded


def test_severity_override_changes_the_rules_and_so_every_finding() -> None:
    config = Config(severity={"VPCE006": Severity.ERROR})
    rules = {item.id: item for item in config.override_rules(all_rules())}
    assert rules["VPCE006"].severity is Severity.ERROR
    assert rules["VPCE005"].severity is Severity.WARNING
    assert {item.id: item.severity for item in all_rules()}["VPCE006"] is Severity.WARNING  # registry untouched


# --- through the command line -------------------------------------------------------------------


def test_config_file_settings_apply_to_a_scan(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module(in_tmp, WARNING_ONLY)
    assert run(["mod"], capsys)[0] == 0  # VPCE006 is a warning, fail-on error
    (in_tmp / ".vpce-checks.yaml").write_text("fail-on: warning\n")
    assert run(["mod"], capsys)[0] == 1
    (in_tmp / ".vpce-checks.yaml").write_text("severity: {VPCE006: error}\n")
    code, out, _ = run(["mod", "-f", "json"], capsys)
    (finding,) = json.loads(out)["findings"]
    assert code == 1 and finding["severity"] == "error"
    code, out, _ = run(["mod", "-f", "sarif"], capsys)
    log = json.loads(out)
    assert log["runs"][0]["results"][0]["level"] == "error"
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert levels["VPCE006"] == "error"
    (in_tmp / ".vpce-checks.yaml").write_text("ignore: [VPCE006]\nfail-on: info\n")
    assert run(["mod"], capsys)[0] == 0


def test_command_line_overrides_the_file(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module(in_tmp, WARNING_ONLY)
    (in_tmp / ".vpce-checks.yaml").write_text("fail-on: warning\nignore: [VPCE006]\n")
    assert run(["mod", "--fail-on", "info"], capsys)[0] == 0  # still ignored by the file
    assert run(["mod", "--ignore", "VPCE001", "--fail-on", "info"], capsys)[0] == 1  # the CLI's list replaces it
    assert run(["mod", "--ignore", "", "--fail-on", "error"], capsys)[0] == 0
    assert run(["mod", "--no-config", "--fail-on", "warning"], capsys)[0] == 1


def test_explicit_config_file_and_exclusions(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module(in_tmp, ERROR, "stacks/live")
    module(in_tmp, ERROR, "stacks/legacy")
    settings = in_tmp / "ci" / "vpce.yaml"
    settings.parent.mkdir()
    settings.write_text("exclude: [stacks/legacy]\n")  # relative to the config file's directory: ci/
    code, out, _ = run(["stacks", "--config", str(settings), "-f", "json"], capsys)
    assert code == 1 and {Path(f["file"]).parent.name for f in json.loads(out)["findings"]} == {"live", "legacy"}
    settings.write_text("exclude: [../stacks/legacy]\n")
    code, out, _ = run(["stacks", "--config", str(settings), "-f", "json"], capsys)
    assert {Path(f["file"]).parent.name for f in json.loads(out)["findings"]} == {"live", "legacy"}  # outside ci/
    (in_tmp / ".vpce-checks.yaml").write_text("exclude: [stacks/legacy]\n")
    code, out, _ = run(["stacks", "-f", "json"], capsys)
    assert {Path(f["file"]).parent.name for f in json.loads(out)["findings"]} == {"live"}
    # A file given on the command line (as pre-commit does) inside an excluded directory is skipped too.
    code, out, _ = run(["stacks/legacy/main.tf"], capsys)
    assert code == 0 and "No findings." in out


def test_exclude_a_single_file_drops_its_findings(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = module(in_tmp, CLEAN)
    (directory / "broken.tf").write_text('resource "aws_vpc_endpoint" "s3b" {\n  vpc_id = aws_vpc.main.id\n')
    code, out, _ = run(["mod", "-f", "json"], capsys)
    assert code == 1 and [Path(f["file"]).name for f in json.loads(out)["findings"]] == ["broken.tf"]
    (in_tmp / ".vpce-checks.yaml").write_text("exclude: ['mod/broken.tf']\n")
    code, out, _ = run(["mod", "-f", "json"], capsys)
    assert code == 0 and json.loads(out)["findings"] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bogus: 1\n", ".vpce-checks.yaml:1: bogus: unknown key"),
        ("fail-on: [error]\n", ".vpce-checks.yaml:1: fail-on: expected one of"),
        (": : :\n", ".vpce-checks.yaml:1:1: not valid YAML"),
    ],
)
def test_invalid_configuration_exits_2_with_the_message(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    module(in_tmp, CLEAN)
    (in_tmp / ".vpce-checks.yaml").write_text(text)
    code, out, err = run(["mod"], capsys)
    assert code == 2 and out == "" and message in err and "Traceback" not in err
    assert run(["mod", "--no-config"], capsys)[0] == 0
    code, _, err = run(["mod", "--config", "missing.yaml"], capsys)
    assert code == 2 and "missing.yaml: no such configuration file" in err
