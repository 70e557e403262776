"""The rules inside checkov: the analyzer's results, fixture by fixture and input by input, and loud when broken.

checkov runs from its own virtualenv (``make checkov-venv``; ``make test`` builds it and names it in
``VPCE_CHECKS_CHECKOV``), because python-hcl2 and checkov's fork of it clash on the ``hcl2`` import.
Each checkov run takes seconds, so one run over all fixtures serves most tests.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from strategies import mutated_configurations, mutated_fixture_cases, mutated_fixtures, terraform_configurations
from test_fixtures import CASES, FIXTURES, expected_of

from vpce_checks.checkov_adapter import FLOOR, UNREADABLE_RULE, checkov_rules, needs, version_tuple
from vpce_checks.checkov_adapter.analysis import covers
from vpce_checks.checkov_adapter.vertices import module_address
from vpce_checks.core.model import Resource
from vpce_checks.core.registry import all_rules, find_rule
from vpce_checks.expiry import expire_suppressions
from vpce_checks.loader.module import load_directory
from vpce_checks.scan import scan_paths

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "custom_policies"
RULE_IDS = sorted(item.id for item in checkov_rules())
SEVERITIES = {"error": "HIGH", "warning": "MEDIUM", "info": "LOW"}
RESULTS = {"passed_checks": "passed", "failed_checks": "failed", "skipped_checks": "skipped"}

Verdicts = set[tuple[str, str, str]]
"""(rule ID, what it judged, result): a resource address, or ``module:<address>`` for a module block."""


def checkov_executable(variable: str = "VPCE_CHECKS_CHECKOV", venv: str = ".venv-checkov") -> str:
    """The checkov of a checkov-only virtualenv; missing is a failure, not a skip."""
    path = os.environ.get(variable) or str(ROOT / venv / "bin" / "checkov")
    if not Path(path).is_file():
        pytest.fail(f"checkov not found at {path} (set {variable}): run `make checkov-venvs` (make test does it)")
    return path


def run_checkov(
    target: Path | list[Path],
    *extra: str,
    policies: Path = POLICIES,
    env: dict[str, str] | None = None,
    checkov: str | None = None,
) -> Any:
    """Run checkov with our checks only on ``target`` (a file, a directory or a list of them); return (JSON, stderr)."""
    targets = target if isinstance(target, list) else [target]
    scan = [part for path in targets for part in ("-f" if path.is_file() else "-d", str(path))]
    command = [checkov or checkov_executable(), *scan, "--external-checks-dir", str(policies)]
    command += ["--check", ",".join([UNREADABLE_RULE, *RULE_IDS]), "--skip-download", "-o", "json", *extra]
    completed = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=1200
    )
    assert completed.returncode in (0, 1), completed.stderr[-3000:]
    report = json.loads(completed.stdout)
    return report, completed.stderr


def reports_of(report: Any) -> list[Any]:
    """checkov prints one report object, or a list of them when several runners ran."""
    return report if isinstance(report, list) else [report]


def records_of(report: Any) -> list[tuple[str, dict[str, Any]]]:
    """(result, record) of every check result in checkov's JSON report.

    checkov's terraform_json runner (``.tf.json``) names a resource ``resource.NAME``, without its
    type: its records get the address of the resource written at their file and line.
    """
    found = []
    for item in reports_of(report):
        for key, result in RESULTS.items():
            for record in item.get("results", {}).get(key, []):
                if item.get("check_type") == "terraform_json":
                    record = {**record, "resource": json_address(record)}
                found.append((result, record))
    return found


def json_address(record: dict[str, Any]) -> str:
    file = Path(record["file_abs_path"]).resolve()
    name = record["resource"].removeprefix("resource.")
    for resource in resources_written_in(str(file.parent)):
        if (resource.location.file, resource.location.start_line, resource.name) == (
            file.name,
            record["file_line_range"][0],
            name,
        ):
            return resource.address
    return str(record["resource"])


@cache
def resources_written_in(directory: str) -> list[Resource]:
    return load_directory(directory, "").resources


def is_module_record(record: dict[str, Any]) -> bool:
    code = record.get("code_block") or [[0, ""]]
    return str(code[0][1]).lstrip().startswith("module ")


@dataclass
class CaseResults:
    """What checkov said about one case: its rules' verdicts, VPCE000 failures, files it could not parse."""

    verdicts: Verdicts = field(default_factory=set)
    skipped_by_comment: set[tuple[str, str]] = field(default_factory=set)
    """(rule ID, target) checkov skipped for a ``#checkov:skip`` comment without running the check."""
    unread: set[tuple[str, str]] = field(default_factory=set)
    """(resource address, file name) VPCE000 failed on."""
    parse_errors: int = 0


def results_by_case(report: Any, root: Path) -> dict[str, CaseResults]:
    """checkov's results per first directory below ``root``."""
    found: dict[str, CaseResults] = defaultdict(CaseResults)
    real_root = root.resolve()
    for result, record in records_of(report):
        path = Path(record["file_abs_path"]).resolve().relative_to(real_root)
        case = found[path.parts[0]]
        if record["check_id"] == UNREADABLE_RULE:
            case.unread.add((record["resource"], path.name))
            continue
        target = f"module:{module_address(record['resource'])}" if is_module_record(record) else record["resource"]
        if result == "skipped" and "suppress_comment" in record["check_result"]:
            case.skipped_by_comment.add((record["check_id"], target))
        else:
            case.verdicts.add((record["check_id"], target, result))
    for item in reports_of(report):
        for path in item.get("results", {}).get("parsing_errors", []):
            found[Path(path).resolve().relative_to(real_root).parts[0]].parse_errors += 1
    return found


def analyzer_verdicts(case: Path, checkov: Verdicts = frozenset()) -> Verdicts:  # type: ignore[assignment]
    """The analyzer's verdicts as checkov reports them, given what checkov judged (``checkov``).

    Where checkov has one block for several of the analyzer's resources (a ``count``/``for_each``
    it could not expand, or a module call it did not read), their verdicts count toward that
    block: failed if any failed, else passed if any passed, else skipped.
    """
    result = scan_paths([str(case)], checkov_rules(), with_outcomes=True)
    targets = sorted({target for _, target, _ in checkov})
    verdicts: Verdicts = set()
    grouped: dict[tuple[str, str], set[str]] = defaultdict(set)
    for outcome in result.outcomes:
        # Expired suppressions are undone, as the CLI does.
        outcome = replace(outcome, findings=tuple(expire_suppressions(outcome.findings, date.today())))
        address = outcome.resource.address
        verdict = outcome.result
        block = None if address in targets else next((t for t in targets if stands_for(t, address)), None)
        if block is None:
            verdicts.add((outcome.rule_id, address, verdict))
        else:
            grouped[(outcome.rule_id, block)].add(verdict)
    for (rule_id, block), results in grouped.items():
        summary = next(result for result in ("failed", "passed", "skipped") if result in results)
        verdicts.add((rule_id, block, summary))
    return verdicts


def compared(analyzer: Verdicts, checkov: CaseResults) -> Verdicts:
    """The analyzer's verdicts less those checkov's own skip comments replace (checkov never runs the check there).

    A finding the analyzer raises where checkov skips stays: the two would disagree on it.
    """
    return {item for item in analyzer if item[:2] not in checkov.skipped_by_comment or item[2] == "failed"}


def stands_for(target: str, address: str) -> bool:
    if target.startswith("module:"):
        return covers(target.removeprefix("module:"), address, inside=True)
    return covers(target, address)


def analyzer_unread(case: Path) -> set[str]:
    """The file names in which the analyzer reports VPCE000."""
    findings = scan_paths([str(case)], [find_rule(UNREADABLE_RULE)]).findings  # type: ignore[list-item]
    return {Path(finding.file).name for finding in findings}


def difference(analyzer: Verdicts, checkov: Verdicts) -> str:
    return "\n".join(
        f"{'analyzer' if item in analyzer else 'checkov '} only: {item}" for item in sorted(analyzer ^ checkov)
    )


@lru_cache(maxsize=1)
def fixtures_run() -> tuple[dict[str, CaseResults], Any, str]:
    report, stderr = run_checkov(FIXTURES, "--framework", "terraform", "terraform_json")
    return results_by_case(report, FIXTURES), report, stderr


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_checkov_agrees_with_the_analyzer(case: Path) -> None:
    found = fixtures_run()[0].get(case.name, CaseResults())
    checkov = found.verdicts
    analyzer = compared(analyzer_verdicts(case, checkov), found)
    declared = expected_of(case).get("checkov")
    if declared is None:
        assert analyzer == checkov, difference(analyzer, checkov)
        return
    # A declared difference must be real and explained, and may only be verdicts checkov has no
    # block for: every verdict checkov gives is the analyzer's, and each failure it cannot give is
    # said on stderr.
    assert declared.get("parity") is False and str(declared.get("reason", "")).strip(), "checkov: needs a reason"
    assert analyzer != checkov, f"{case.name} agrees with checkov now: remove its `checkov:` declaration"
    assert checkov <= analyzer, difference(analyzer, checkov)
    for rule, address, result in analyzer - checkov:
        if result == "failed":
            assert f" {rule} {address}: " in unreported_warnings(fixtures_run()[2]), (rule, address)


def unreported_warnings(stderr: str) -> str:
    """The lines in which the checks say what checkov has no block to report on."""
    return "\n".join(line for line in stderr.splitlines() if UNREPORTED in line)


UNREPORTED = "checkov has no block for this resource"


def test_the_readme_lists_every_declared_difference() -> None:
    declared = {case.name for case in CASES if "checkov" in expected_of(case)}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| Fixture | Why checkov cannot agree |", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \| ", table, flags=re.MULTILINE))
    assert listed == declared


def test_every_rule_reports_through_checkov() -> None:
    """A check that failed to load or raised would only be missing from the output: look for each."""
    results: dict[str, set[str]] = defaultdict(set)
    for case in fixtures_run()[0].values():
        for rule_id, _, result in case.verdicts:
            results[rule_id].add(result)
    for rule_id in RULE_IDS:
        assert {"passed", "failed"} <= results[rule_id], f"{rule_id}: {results[rule_id] or 'no results'}"


def test_checkov_records_carry_the_rules_metadata_and_messages() -> None:
    _, report, _ = fixtures_run()
    findings = [finding for finding in scan_paths([str(FIXTURES)], all_rules()).findings if not finding.suppressed]
    records = [record for result, record in records_of(report) if result == "failed"]
    assert any(is_module_record(record) for record in records)
    for record in records:
        rule = find_rule(record["check_id"])
        assert rule is not None
        assert record["check_name"] == rule.title
        assert record["severity"] == SEVERITIES[rule.severity.value]
        assert record["guideline"] == rule.docs_url
        case = FIXTURES / Path(record["file_abs_path"]).resolve().relative_to(FIXTURES).parts[0]
        mine = [f for f in findings if f.rule_id == rule.id and Path(f.file).resolve().is_relative_to(case)]
        if rule.id == UNREADABLE_RULE:
            # A resource checkov read in a file the analyzer could not: the analyzer's VPCE000 for that file.
            file = Path(record["file_abs_path"]).resolve()
            problems = [f.message for f in mine if Path(f.file).resolve() == file]
            assert problems and all(any(p in detail for p in problems) for detail in record["details"])
            continue
        address = record["resource"]
        if not is_module_record(record) and any(f.address == address for f in mine):
            assert record["details"] == [f.message for f in mine if f.address == address]
        else:
            # One checkov block for several of the analyzer's resources: each finding, named.
            target = f"module:{module_address(address)}" if is_module_record(record) else address
            assert record["details"] == [f"{f.address}: {f.message}" for f in mine if stands_for(target, f.address)]


def test_checkov_run_logs_no_error() -> None:
    stderr = "\n".join(line for line in fixtures_run()[2].splitlines() if UNREPORTED not in line)
    assert "Traceback" not in stderr and "vpce-checks" not in stderr and "Failed to run check" not in stderr, stderr


def test_vpce000_fails_where_checkov_reads_what_the_analyzer_cannot() -> None:
    """Nothing the analyzer cannot read passes silently in checkov: VPCE000 fails on its resources."""
    for case in CASES:
        unread = fixtures_run()[0].get(case.name, CaseResults()).unread
        assert {name for _, name in unread} <= analyzer_unread(case), case.name


def test_checkov_skip_comment_suppresses_in_checkov_and_analyzer() -> None:
    case = FIXTURES / "suppression_checkov_skip"
    skipped = fixtures_run()[0][case.name].skipped_by_comment
    assert skipped, "the fixture should have a checkov-skipped finding"
    analyzer = analyzer_verdicts(case)
    assert skipped == {(rule, address) for rule, address, result in analyzer if result == "skipped"}
    # checkov keeps the reason written in the comment.
    reasons = [
        record["check_result"].get("suppress_comment", "")
        for result, record in records_of(fixtures_run()[1])
        if result == "skipped" and "suppression_checkov_skip" in record["file_abs_path"]
    ]
    assert all(reason.strip() for reason in reasons)


SAMPLE = [
    "module_community_endpoints",
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
    found = results_by_case(report, sample_tree)
    for name in SAMPLE:
        assert found[name].verdicts == fixtures_run()[0][name].verdicts, name


def test_without_framework_flag_each_result_appears_once(sample_tree: Path) -> None:
    """Without --framework checkov runs every runner, each loading our directory: registration is idempotent."""
    report, stderr = run_checkov(sample_tree)
    assert "Traceback" not in stderr, stderr
    records = [(record["check_id"], record["resource"], record["file_abs_path"]) for _, record in records_of(report)]
    assert len(records) == len(set(records))
    found = results_by_case(report, sample_tree)
    for name in SAMPLE:
        assert found[name].verdicts == fixtures_run()[0][name].verdicts, name


def test_one_module_called_by_two_roots_is_judged_per_root(tmp_path: Path) -> None:
    """Two stacks call one module with different inputs: checkov's blocks are equal, the verdicts are not."""
    (tmp_path / "modules" / "endpoint").mkdir(parents=True)
    (tmp_path / "modules" / "endpoint" / "main.tf").write_text(
        textwrap.dedent(
            """
            variable "private_dns" {}
            resource "aws_vpc_endpoint" "logs" {
              vpc_id              = "vpc-1"
              service_name        = "com.amazonaws.eu-west-1.logs"
              vpc_endpoint_type   = "Interface"
              subnet_ids          = ["subnet-a", "subnet-b"]
              security_group_ids  = ["sg-1"]
              private_dns_enabled = var.private_dns
            }
            """
        ),
        encoding="utf-8",
    )
    for stack, private_dns in (("dev", "false"), ("prod", "true")):
        (tmp_path / stack).mkdir()
        (tmp_path / stack / "main.tf").write_text(
            f'module "endpoint" {{\n  source      = "../modules/endpoint"\n  private_dns = {private_dns}\n}}\n',
            encoding="utf-8",
        )
    report, _ = run_checkov(tmp_path, "--framework", "terraform")
    by_caller = {
        (record["caller_file_path"], result) for result, record in records_of(report) if record["check_id"] == "VPCE006"
    }
    assert by_caller == {("/dev/main.tf", "failed"), ("/prod/main.tf", "passed")}


def test_a_file_given_with_f_is_judged_with_its_whole_module() -> None:
    """``checkov -f`` reports on that file's blocks, judged as the analyzer judges the module they are in."""
    case = FIXTURES / "vpce008_ecr_endpoints_without_s3_gateway"
    report, stderr = run_checkov(case / "endpoints.tf", "--framework", "terraform")
    verdicts = results_by_case(report, FIXTURES)[case.name].verdicts
    # VPCE008 needs the VPC and route tables written in main.tf, which checkov was not given.
    assert ("VPCE008", "aws_vpc_endpoint.ecr_dkr", "failed") in verdicts
    written_there = {r.address for r in resources_written_in(str(case)) if r.location.file == "endpoints.tf"}
    assert verdicts == {verdict for verdict in analyzer_verdicts(case, verdicts) if verdict[1] in written_there}
    # The findings in the files checkov was not given are not checkov's to report: nothing is said of them.
    _, stderr = run_checkov(case / "main.tf", "--framework", "terraform")
    assert UNREPORTED not in stderr, stderr


PLANS = sorted(FIXTURES.glob("*/tfplan.json"))


@lru_cache(maxsize=1)
def plans_run() -> tuple[Any, str]:
    """One checkov run over every fixture's plan (``-f`` each, ``--framework terraform_plan``)."""
    assert PLANS, "no fixture holds a tfplan.json"
    return run_checkov(list(PLANS), "--framework", "terraform_plan")


@pytest.mark.parametrize("plan", PLANS, ids=lambda path: path.parent.name)
def test_checkov_on_a_plan_gives_what_vpce_checks_gives_on_it(plan: Path) -> None:
    """checkov's terraform_plan runner: the analyzer's plan verdicts and messages, resource by resource."""
    report, stderr = plans_run()
    records = [
        (result, record)
        for result, record in records_of(report)
        if Path(record["file_abs_path"]).resolve() == plan.resolve()
    ]
    scanned = scan_paths([], all_rules(), with_outcomes=True, plans=[str(plan)])
    analyzer: Verdicts = set()
    messages: dict[tuple[str, str], list[str]] = defaultdict(list)
    for outcome in scanned.outcomes:
        outcome = replace(outcome, findings=tuple(expire_suppressions(outcome.findings, date.today())))
        analyzer.add((outcome.rule_id, outcome.resource.address, outcome.result))
        if outcome.result == "failed":
            key = (outcome.rule_id, outcome.resource.address)
            messages[key] += [finding.message for finding in outcome.findings if not finding.suppressed]
    checkov = {(record["check_id"], record["resource"], result) for result, record in records}
    assert checkov, f"checkov reported nothing on {plan.parent.name}/tfplan.json"
    assert {rule for rule, _, _ in checkov} - {UNREADABLE_RULE} == {rule for rule, _, _ in analyzer}
    unread = [finding for finding in scanned.findings if finding.rule_id == UNREADABLE_RULE]
    assert {item for item in checkov if item[0] == UNREADABLE_RULE} == set() or unread
    assert {item for item in checkov if item[0] != UNREADABLE_RULE} == analyzer, difference(analyzer, checkov)
    for result, record in records:
        if result == "failed" and record["check_id"] != UNREADABLE_RULE:
            assert record["details"] == messages[(record["check_id"], record["resource"])]
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr[-3000:]


def test_var_files_given_to_checkov_reach_the_analysis(tmp_path: Path) -> None:
    case = tmp_path / "stack"
    case.mkdir()
    (case / "main.tf").write_text(
        textwrap.dedent(
            """
            variable "type" {
              default = "Interface"
            }
            resource "aws_vpc_endpoint" "ssm" {
              vpc_id            = "vpc-1"
              service_name      = "com.amazonaws.eu-west-1.ssm"
              vpc_endpoint_type = var.type
            }
            """
        ),
        encoding="utf-8",
    )
    var_file = tmp_path / "gateway.tfvars"
    var_file.write_text('type = "Gateway"\n', encoding="utf-8")
    plain, _ = run_checkov(tmp_path, "--framework", "terraform")
    with_file, _ = run_checkov(tmp_path, "--framework", "terraform", "--var-file", str(var_file))
    assert ("VPCE002", "aws_vpc_endpoint.ssm", "passed") in results_by_case(plain, tmp_path)["stack"].verdicts
    assert ("VPCE002", "aws_vpc_endpoint.ssm", "failed") in results_by_case(with_file, tmp_path)["stack"].verdicts


def test_skip_comments_end_on_their_until_day_in_checkov_too(tmp_path: Path) -> None:
    """An ``until`` that has passed undoes a skip comment inside checkov, ours or checkov's own, as in the analyzer."""
    (tmp_path / "main.tf").write_text(
        textwrap.dedent(
            """
            resource "aws_subnet" "a" {
              vpc_id            = "vpc-1"
              availability_zone = "eu-west-1a"
              cidr_block        = "10.0.0.0/24"
            }
            resource "aws_vpc_endpoint" "logs" {
              # vpce-checks:skip=VPCE006:clients use the endpoint name:until=2020-01-31
              # checkov:skip=VPCE005:single-AZ sandbox:until=2020-01-31
              # checkov:skip=VPCE004:default group is locked down:until=2999-12-31
              # checkov:skip=VPCE003:not a date:until=someday
              vpc_id            = "vpc-1"
              service_name      = "com.amazonaws.eu-west-1.logs"
              vpc_endpoint_type = "Interface"
              subnet_ids        = [aws_subnet.a.id]
            }
            """
        ),
        encoding="utf-8",
    )
    report, _ = run_checkov(tmp_path, "--framework", "terraform")
    results = {
        record["check_id"]: (result, record["details"], record["check_result"].get("suppress_comment"))
        for result, record in records_of(report)
        if record["resource"] == "aws_vpc_endpoint.logs"
    }
    assert results["VPCE006"][0] == "failed"
    assert results["VPCE006"][1][0].endswith("(suppression expired on 2020-01-31: clients use the endpoint name)")
    assert results["VPCE005"][0] == "failed"
    assert results["VPCE005"][1][0].endswith("(suppression expired on 2020-01-31: single-AZ sandbox)")
    # Not yet expired: checkov's own skip holds, with its comment.
    assert results["VPCE004"][0] == "skipped"
    assert results["VPCE004"][2] == "default group is locked down:until=2999-12-31"
    # An until that is no date suppresses nothing; VPCE003 has nothing to report here, so it passes.
    assert results["VPCE003"][0] == "passed"
    found = results_by_case(report, tmp_path.parent)[tmp_path.name]
    assert compared(analyzer_verdicts(tmp_path, found.verdicts), found) == found.verdicts


def test_internal_error_fails_every_check_loudly(tmp_path: Path) -> None:
    """A failing analysis must not vanish: checkov logs it, and every VPCE result fails with its message."""
    policies = tmp_path / "broken_policies"
    policies.mkdir()
    (policies / "__init__.py").write_text("", encoding="utf-8")
    (policies / "vpce_checks_broken.py").write_text(
        textwrap.dedent(
            f"""
            import runpy
            runpy.run_path({str(POLICIES / "vpce_checks_checkov.py")!r})
            from vpce_checks.checkov_adapter import checks

            def explode(*arguments):
                raise RuntimeError("simulated failure")

            checks.Analysis = explode
            """
        ),
        encoding="utf-8",
    )
    report, stderr = run_checkov(FIXTURES / "shape_count_index", "--framework", "terraform", policies=policies)
    assert "vpce-checks: internal error" in stderr and "simulated failure" in stderr
    results = records_of(report)
    assert results and {result for result, _ in results} == {"failed"}
    assert all("simulated failure" in record["details"][0] for _, record in results)
    assert {record["check_id"] for _, record in results} == {UNREADABLE_RULE, *RULE_IDS}


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
    assert results_by_case(report, FIXTURES.parent)["fixtures"].verdicts == fixtures_run()[0][case.name].verdicts


def test_readme_shows_what_checkov_prints_on_the_example() -> None:
    from vpce_checks.docs import checkov_block, readme_checkov_block

    assert readme_checkov_block(ROOT) == checkov_block(checkov_executable(), ROOT), "run `make docs`"


# Versions: the pinned release, the floor, the newest, and one below the floor ------------------------

OTHER_RELEASES = {
    "floor": ("VPCE_CHECKS_CHECKOV_FLOOR", ".venv-checkov-floor"),
    "newest": ("VPCE_CHECKS_CHECKOV_NEWEST", ".venv-checkov-newest"),
}


def checkov_version(executable: str) -> str:
    completed = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=300, check=True)
    return completed.stdout.strip().splitlines()[-1]


def test_the_floor_is_the_release_its_virtualenv_holds() -> None:
    pinned = (ROOT / "tests" / "checkov-floor-requirements.txt").read_text(encoding="utf-8").strip()
    assert pinned == f"checkov=={'.'.join(map(str, FLOOR))}"
    assert checkov_version(checkov_executable(*OTHER_RELEASES["floor"])) == ".".join(map(str, FLOOR))


@pytest.mark.parametrize("release", sorted(OTHER_RELEASES))
def test_other_supported_releases_give_the_pinned_results(release: str) -> None:
    """The floor and the newest release report what the pinned one does, fixture by fixture, message by message."""
    executable = checkov_executable(*OTHER_RELEASES[release])
    report, stderr = run_checkov(FIXTURES, "--framework", "terraform", "terraform_json", checkov=executable)
    assert "Traceback" not in stderr and "vpce-checks internal error" not in stderr, stderr[-3000:]

    def comparable(report: Any) -> set[tuple[str, str, str, str, tuple[str, ...]]]:
        return {
            (result, record["check_id"], record["resource"], record["file_path"], tuple(record["details"]))
            for result, record in records_of(report)
        }

    assert comparable(report) == comparable(fixtures_run()[1])


def test_a_checkov_below_the_floor_fails_every_check_saying_why(tmp_path: Path) -> None:
    """On an old checkov the checks must not vanish: each fails, naming the release needed, and the run fails."""
    executable = checkov_executable("VPCE_CHECKS_CHECKOV_OLD", ".venv-checkov-old")
    found = checkov_version(executable)
    assert version_tuple(found) < FLOOR
    case = FIXTURES / "pattern_ecr_private_image_pull"
    command = [executable, "-d", str(case), "--framework", "terraform"]
    command += ["--external-checks-dir", str(POLICIES), "--skip-download", "-o", "json"]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=1200)
    assert completed.returncode == 1, completed.stderr[-3000:]
    message = needs(found)
    assert message in completed.stderr
    ours = [
        (result, record)
        for result, record in records_of(json.loads(completed.stdout))
        if record["check_id"].startswith("VPCE")
    ]
    text = "".join(
        path.read_text(encoding="utf-8") for path in (FIXTURES / "pattern_ecr_private_image_pull").glob("*.tf")
    )
    present = {rule.id for rule in checkov_rules() if any(f'"{kind}"' in text for kind in rule.resource_types)}
    assert {record["check_id"] for _, record in ours} == present
    assert all(result == "failed" and message in record["check_name"] for result, record in ours)


# The differential property test --------------------------------------------------------------------

DIFFERENTIAL_INPUTS = 1200 if os.environ.get("CI") == "true" else 400
DIFFERENTIAL_SEED = int(os.environ.get("VPCE_CHECKS_DIFFERENTIAL_SEED") or random.randrange(2**32))
"""A new seed each run (set ``VPCE_CHECKS_DIFFERENTIAL_SEED`` to replay one: a failure names its seed)."""


# checkov expands any count literally (`count = 123456789` exhausts memory in checkov itself, with
# or without our checks), so inputs with huge counts are left out of the checkov run; the analyzer's
# own property tests keep them (it caps expansion at --max-expansion).
_HUGE_COUNT = re.compile(rb"(?:count|for_each)\s*=[^\n]*\d{5}")
# checkov 3.3.30 itself crashes (exit 2, no report) on a skip comment without a check ID
# (`# checkov:skip=:reason`), with or without our checks: such inputs are left out too.
_CHECKOV_CRASHES = re.compile(rb"(?:checkov|bridgecrew|cortex):skip= *(?![A-Za-z0-9_-])")


def generated_inputs(count: int, seed: int) -> list[dict[str, bytes]]:
    """Draws of the property tests' generated configurations and mutations, and of whole mutated fixture cases.

    Drawn in one ``@given`` run without shrinking, so that all of them go into one checkov run
    (checkov is slow to start) and the same ``seed`` draws the same inputs.
    """
    strategy = st.one_of(
        terraform_configurations(), mutated_fixtures(), mutated_configurations(), mutated_fixture_cases()
    ).filter(
        lambda files: (
            not any(_HUGE_COUNT.search(content) or _CHECKOV_CRASHES.search(content) for content in files.values())
        )
    )
    drawn: list[dict[str, bytes]] = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=count,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(files: dict[str, bytes]) -> None:
        drawn.append(files)

    draw()
    return drawn


def write_inputs(root: Path, inputs: list[dict[str, bytes]]) -> list[Path]:
    cases = []
    for index, files in enumerate(inputs):
        case = root / f"case{index:04d}"
        for name, content in files.items():
            (case / name).parent.mkdir(parents=True, exist_ok=True)
            (case / name).write_bytes(content)
        cases.append(case)
    return cases


def listing(case: Path) -> str:
    """The input's files, to reproduce a failure."""
    return "\n".join(
        f"--- {path.relative_to(case)}\n{path.read_bytes()[:3000]!r}"
        for path in sorted(case.rglob("*"))
        if path.is_file()
    )


_NOT_READ_BY_CHECKOV = re.compile(r"(?:^|/)(?:override|[^/]*_override)\.tf(?:\.json)?$|\.tofu(?:\.json)?$")
"""Files checkov reads otherwise than Terraform/OpenTofu (override files, not merged) or not at all (OpenTofu's)."""


def read_as_terraform_does(case: Path) -> bool:
    """True when checkov reads every file of the input as Terraform does: no override or OpenTofu files."""
    return not any(_NOT_READ_BY_CHECKOV.search(path.as_posix()) for path in case.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def differential_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], dict[str, CaseResults], str]:
    root = tmp_path_factory.mktemp("differential")
    cases = write_inputs(root, generated_inputs(DIFFERENTIAL_INPUTS, DIFFERENTIAL_SEED))
    report, stderr = run_checkov(root, "--framework", "terraform", "terraform_json")
    return cases, results_by_case(report, root), stderr


def test_checkov_gives_the_analyzers_verdicts_on_generated_inputs(
    differential_run: tuple[list[Path], dict[str, CaseResults], str],
) -> None:
    """Every input: each verdict checkov gives is the analyzer's, and a failure it cannot give is said on stderr.

    Where checkov parsed every file and reads them all as Terraform does, the verdicts are the same.
    """
    cases, found, stderr = differential_run
    warned = unreported_warnings(stderr).splitlines()
    judged = 0
    problems = []
    for case in cases:
        results = found.get(case.name, CaseResults())
        analyzer = compared(analyzer_verdicts(case, results.verdicts), results)
        judged += bool(analyzer)
        wrong = []
        if not results.verdicts <= analyzer:
            wrong.append(f"checkov's verdict is not the analyzer's\n{difference(analyzer, results.verdicts)}")
        elif results.parse_errors == 0 and read_as_terraform_does(case) and analyzer != results.verdicts:
            wrong.append(f"checkov misses verdicts\n{difference(analyzer, results.verdicts)}")
        silent = [
            (rule, address)
            for rule, address, result in analyzer - results.verdicts
            if result == "failed"
            and not any(f"/{case.name}/" in line and f" {rule} {address}: " in line for line in warned)
        ]
        if silent:
            wrong.append(f"failures checkov neither reports nor warns about: {silent}")
        if not {name for _, name in results.unread} <= analyzer_unread(case):
            wrong.append(f"VPCE000 in checkov without one in the analyzer: {results.unread}")
        if wrong:
            problems.append(f"{case.name}: " + "\n".join(wrong) + f"\n{listing(case)}")
    assert judged > len(cases) // 10, "the generated inputs should give the rules resources to judge"
    assert not problems, f"seed {DIFFERENTIAL_SEED}:\n" + "\n\n".join(problems[:10])
    assert "Failed to run check VPCE" not in stderr and "vpce-checks: internal error" not in stderr, stderr[-5000:]
