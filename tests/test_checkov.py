"""The rules inside checkov: same results as the analyzer, fixture by fixture, and loud when broken.

checkov runs from its own virtualenv (``make checkov-venv``; ``make test`` builds it and names it in
``VPCE_CHECKS_CHECKOV``), because python-hcl2 and checkov's fork of it clash on the ``hcl2`` import.
Each checkov run takes seconds, so one run over all fixtures serves most tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import warnings
import zipfile
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.errors import NonInteractiveExampleWarning
from strategies import mutated_configurations, mutated_fixtures, terraform_configurations
from test_fixtures import CASES, FIXTURES, expected_of

from vpce_checks.checkov_adapter import checkov_rules
from vpce_checks.core.registry import all_rules, find_rule
from vpce_checks.scan import scan_paths

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "custom_policies"
RULE_IDS = sorted(item.id for item in checkov_rules())
SEVERITIES = {"error": "HIGH", "warning": "MEDIUM", "info": "LOW"}
RESULTS = {"passed_checks": "passed", "failed_checks": "failed", "skipped_checks": "skipped"}

Verdicts = set[tuple[str, str, str]]


def checkov_executable() -> str:
    """The checkov of the checkov-only virtualenv; missing is a failure, not a skip."""
    path = os.environ.get("VPCE_CHECKS_CHECKOV") or str(ROOT / ".venv-checkov" / "bin" / "checkov")
    if not Path(path).is_file():
        pytest.fail(f"checkov not found at {path}: run `make checkov-venv` (make test does it)")
    return path


def run_checkov(target: Path, *extra: str, policies: Path = POLICIES, env: dict[str, str] | None = None) -> Any:
    """Run checkov with our checks only; return (parsed JSON, stderr)."""
    command = [checkov_executable(), "-d", str(target), "--external-checks-dir", str(policies)]
    command += ["--check", ",".join(RULE_IDS), "--skip-download", "-o", "json", *extra]
    completed = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=600
    )
    assert completed.returncode in (0, 1), completed.stderr[-3000:]
    report = json.loads(completed.stdout)
    return report, completed.stderr


def reports_of(report: Any) -> list[Any]:
    """checkov prints one report object, or a list of them when several runners ran."""
    return report if isinstance(report, list) else [report]


def verdicts_by_root(report: Any, root: Path) -> dict[str, Verdicts]:
    """checkov's (rule ID, address, result) per first directory below ``root``."""
    found: dict[str, Verdicts] = defaultdict(set)
    for item in reports_of(report):
        for key, result in RESULTS.items():
            for record in item.get("results", {}).get(key, []):
                case = Path(record["file_abs_path"]).resolve().relative_to(root.resolve()).parts[0]
                found[case].add((record["check_id"], record["resource"], result))
    return found


def analyzer_verdicts(case: Path) -> Verdicts:
    """The analyzer's (rule ID, address, result) for every resource a rule reports on."""
    result = scan_paths([str(case)], checkov_rules(), with_outcomes=True)
    return {(outcome.rule_id, outcome.resource.address, outcome.result) for outcome in result.outcomes}


@lru_cache(maxsize=1)
def fixtures_run() -> tuple[dict[str, Verdicts], Any, str]:
    report, stderr = run_checkov(FIXTURES, "--framework", "terraform")
    return verdicts_by_root(report, FIXTURES), report, stderr


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_checkov_agrees_with_the_analyzer(case: Path) -> None:
    checkov = fixtures_run()[0].get(case.name, set())
    analyzer = analyzer_verdicts(case)
    declared = expected_of(case).get("checkov")
    if declared is None:
        difference = sorted(analyzer ^ checkov)
        assert analyzer == checkov, "\n".join(
            f"{'analyzer' if item in analyzer else 'checkov '} only: {item}" for item in difference
        )
        return
    # A declared difference must be real, explained, and never a checkov false alarm, except one
    # listed by name (checkov's own reading of a configuration, until the checkov front end runs
    # the analyzer's loader); a listed one that is gone must be removed from the list.
    assert declared.get("parity") is False and str(declared.get("reason", "")).strip(), "checkov: needs a reason"
    assert analyzer != checkov, f"{case.name} agrees with checkov now: remove its `checkov:` declaration"
    failed = {(rule, address) for rule, address, result in checkov if result == "failed"}
    known = declared_false_alarms(case)
    assert known <= failed, f"declared checkov false alarms no longer reported: {sorted(known - failed)}"
    assert failed - known <= {(rule, address) for rule, address, result in analyzer if result == "failed"}


def declared_false_alarms(case: Path) -> set[tuple[str, str]]:
    """The checkov false alarms a fixture's ``checkov:`` declaration lists (rule, address)."""
    declared = expected_of(case).get("checkov") or {}
    return {(str(rule), str(address)) for rule, address in declared.get("false_alarms", [])}


def test_the_readme_lists_every_declared_difference() -> None:
    declared = {case.name for case in CASES if "checkov" in expected_of(case)}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| Fixture | Why checkov cannot agree |", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \| ", table, flags=re.MULTILINE))
    assert listed == declared


def test_every_rule_reports_through_checkov() -> None:
    """A check that failed to load or raised would only be missing from the output: look for each."""
    results: dict[str, set[str]] = defaultdict(set)
    for verdicts in fixtures_run()[0].values():
        for rule_id, _, result in verdicts:
            results[rule_id].add(result)
    for rule_id in RULE_IDS:
        assert {"passed", "failed"} <= results[rule_id], f"{rule_id}: {results[rule_id] or 'no results'}"


def test_checkov_records_carry_the_rules_metadata_and_messages() -> None:
    _, report, _ = fixtures_run()
    findings = {
        (finding.rule_id, finding.address, Path(finding.file).resolve()): finding.message
        for finding in scan_paths([str(FIXTURES)], all_rules()).findings
        if not finding.suppressed
    }
    records = report["results"]["failed_checks"]
    assert records
    for record in records:
        case = Path(record["file_abs_path"]).resolve().relative_to(FIXTURES.resolve()).parts[0]
        if (record["check_id"], record["resource"]) in declared_false_alarms(FIXTURES / case):
            continue
        rule = find_rule(record["check_id"])
        assert rule is not None
        assert record["check_name"] == rule.title
        assert record["severity"] == SEVERITIES[rule.severity.value]
        assert record["guideline"] == rule.docs_url
        key = (rule.id, record["resource"], Path(record["file_abs_path"]).resolve())
        case = FIXTURES / key[2].relative_to(FIXTURES.resolve()).parts[0]
        if "checkov" not in expected_of(case):  # where checkov sees less (declared), it may word it differently
            assert record["details"] == [findings[key]]


def test_checkov_run_logs_no_error() -> None:
    stderr = fixtures_run()[2]
    assert "Traceback" not in stderr and "vpce-checks" not in stderr and "Failed to run check" not in stderr, stderr


def test_checkov_skip_comment_suppresses_in_checkov_and_analyzer() -> None:
    case = FIXTURES / "suppression_checkov_skip"
    checkov = fixtures_run()[0][case.name]
    analyzer = analyzer_verdicts(case)
    skipped = {(rule, address) for rule, address, result in checkov if result == "skipped"}
    assert skipped, "the fixture should have a checkov-skipped finding"
    assert skipped == {(rule, address) for rule, address, result in analyzer if result == "skipped"}
    # checkov keeps the reason written in the comment.
    reasons = [
        record["check_result"].get("suppress_comment", "")
        for record in fixtures_run()[1]["results"]["skipped_checks"]
        if "suppression_checkov_skip" in record["file_abs_path"]
    ]
    assert all(reason.strip() for reason in reasons)


SAMPLE = [
    "pattern_ecr_private_image_pull",
    "shape_count_index",
    "suppression_project_skip",
    "vpce013_nat_without_gateway_endpoints",
]


@pytest.fixture(scope="module")
def sample_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("sample")
    for name in SAMPLE:
        shutil.copytree(FIXTURES / name, tree / name)
    return tree


def test_networkx_graph_gives_the_same_results(sample_tree: Path) -> None:
    report, stderr = run_checkov(sample_tree, "--framework", "terraform", env={"CHECKOV_GRAPH_FRAMEWORK": "NETWORKX"})
    assert "Traceback" not in stderr, stderr
    found = verdicts_by_root(report, sample_tree)
    for name in SAMPLE:
        assert found[name] == fixtures_run()[0][name], name


def test_without_framework_flag_each_result_appears_once(sample_tree: Path) -> None:
    """Without --framework checkov runs every runner, each loading our directory: registration is idempotent."""
    report, stderr = run_checkov(sample_tree)
    assert "Traceback" not in stderr, stderr
    records = [
        (record["check_id"], record["resource"], record["file_abs_path"])
        for item in reports_of(report)
        for key in RESULTS
        for record in item.get("results", {}).get(key, [])
    ]
    assert len(records) == len(set(records))
    found = verdicts_by_root(report, sample_tree)
    for name in SAMPLE:
        assert found[name] == fixtures_run()[0][name], name


def test_internal_error_is_logged_loudly(tmp_path: Path) -> None:
    """A failing analysis must not vanish: checkov logs our error, and no VPCE result is reported."""
    policies = tmp_path / "broken_policies"
    policies.mkdir()
    (policies / "__init__.py").write_text("", encoding="utf-8")
    (policies / "vpce_checks_broken.py").write_text(
        textwrap.dedent(
            f"""
            import runpy
            runpy.run_path({str(POLICIES / "vpce_checks_checkov.py")!r})
            from vpce_checks.checkov_adapter import checks

            def explode(vertices):
                raise RuntimeError("simulated failure")

            checks.configurations = explode
            """
        ),
        encoding="utf-8",
    )
    report, stderr = run_checkov(FIXTURES / "shape_count_index", "--framework", "terraform", policies=policies)
    assert "vpce-checks: internal error" in stderr and "simulated failure" in stderr
    assert not any(item.get("results", {}).get(key) for item in reports_of(report) for key in RESULTS)


def test_a_pip_installed_package_loads_in_checkov(tmp_path: Path) -> None:
    """From a wheel, the checks directory works where pip puts it, with no python-hcl2 importable there."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(next(wheels.glob("vpce_checks-*.whl"))) as wheel:
        wheel.extractall(site)
    policies = site / "vpce_checks" / "checkov_policies"
    assert (policies / "__init__.py").is_file()
    case = FIXTURES / "shape_count_index"
    report, stderr = run_checkov(case, "--framework", "terraform", policies=policies)
    assert "Traceback" not in stderr, stderr
    assert verdicts_by_root(report, FIXTURES.parent)["fixtures"] == fixtures_run()[0][case.name]


def test_readme_shows_what_checkov_prints_on_the_example() -> None:
    from vpce_checks.docs import checkov_block, readme_checkov_block

    assert readme_checkov_block(ROOT) == checkov_block(checkov_executable(), ROOT), "run `make docs`"


ADAPTER_INPUTS = 600 if os.environ.get("CI") == "true" else 300


# checkov expands any count literally (`count = 123456789` exhausts memory in checkov itself, with
# or without our checks), so inputs with huge counts are left out of the checkov run; the analyzer's
# own property tests keep them (it caps expansion at --max-expansion).
_HUGE_COUNT = re.compile(rb"(?:count|for_each)\s*=[^\n]*\d{5}")


def generated_inputs(count: int) -> list[dict[str, bytes]]:
    """Random draws of the property tests' generated configurations and mutations.

    Drawn with ``example()`` rather than ``@given``: all of them go into one checkov run (checkov is
    slow to start), and ``@given`` would start from the simplest, least useful example.
    """
    strategy = st.one_of(terraform_configurations(), mutated_fixtures(), mutated_configurations())
    drawn: list[dict[str, bytes]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        while len(drawn) < count:
            files = strategy.example()
            if not any(_HUGE_COUNT.search(content) for content in files.values()):
                drawn.append(files)
    return drawn


def test_the_adapter_never_raises_into_checkov_on_generated_inputs(tmp_path: Path) -> None:
    for index, files in enumerate(generated_inputs(ADAPTER_INPUTS)):
        case = tmp_path / f"case{index:04d}"
        case.mkdir()
        for name, content in files.items():
            (case / name).write_bytes(content)
    report, stderr = run_checkov(tmp_path, "--framework", "terraform")
    checked = sum(len(item.get("results", {}).get(key, [])) for item in reports_of(report) for key in RESULTS)
    assert checked > 0, "the generated inputs should give the checks resources to judge"
    assert "Failed to run check VPCE" not in stderr and "vpce-checks: internal error" not in stderr, stderr[-5000:]
