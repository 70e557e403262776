"""Every fixture case gives exactly the findings its expected.yaml lists, no more, no fewer.

A case may carry the JSON of a plan of its Terraform (``tfplan.json``, anywhere in the case; more
than one as ``tfplan-*.json``). Each plan must give the same findings as the Terraform files,
unless the case's expected.yaml says why it cannot, under ``plan``: ``reason`` and the plan's own
``findings`` (a registry module the files do not show, a value from a ``-var-file`` the files
do not have, a reference the plan leaves open).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from vpce_checks.core.findings import Finding
from vpce_checks.core.registry import all_rules
from vpce_checks.scan import scan_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(path for path in FIXTURES.iterdir() if (path / "expected.yaml").is_file())


def expected_of(case: Path) -> dict[str, Any]:
    data = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("findings"), list), f"{case.name}: bad expected.yaml"
    return data


def plans_of(case: Path) -> list[Path]:
    """The plan files a case carries."""
    return sorted([*case.rglob("tfplan.json"), *case.rglob("tfplan-*.json")])


PLANS = [(case, plan) for case in CASES for plan in plans_of(case)]


def test_there_are_fixtures() -> None:
    assert len(CASES) >= 20
    assert len(PLANS) >= 8


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_fixture(case: Path) -> None:
    expected = expected_of(case)
    assert "plan" not in expected or plans_of(case), f"{case.name}: a plan entry, but no tfplan.json"
    assert_findings(scan_paths([str(case)], all_rules()).findings, expected["findings"])


@pytest.mark.parametrize(("case", "plan"), PLANS, ids=[f"{case.name}/{plan.name}" for case, plan in PLANS])
def test_fixture_plan(case: Path, plan: Path) -> None:
    """The plan gives the case's findings, or those its ``plan`` entry lists (with the reason)."""
    expected = expected_of(case)
    differs = expected.get("plan")
    if differs is not None:
        assert set(differs) == {"reason", "findings"} and differs["reason"].strip(), f"{case.name}: bad plan entry"
    wanted = differs["findings"] if differs is not None else expected["findings"]
    result = scan_paths([], all_rules(), plans=[str(plan)])
    assert result.plans == 1 and result.modules == 0
    assert_findings(result.findings, wanted)
    assert all(finding.plan == plan.as_posix() for finding in result.findings)


EQUAL = [(case, plan) for case, plan in PLANS if "plan" not in expected_of(case)]


@pytest.mark.parametrize(("case", "plan"), EQUAL, ids=[f"{case.name}/{plan.name}" for case, plan in EQUAL])
def test_plan_and_files_agree_where_the_files_say_everything(case: Path, plan: Path) -> None:
    """Read as a plan or as Terraform files, one configuration gives one set of findings, at the same places."""

    def key(finding: Finding) -> tuple[object, ...]:
        where = Path(finding.file).resolve()
        return (finding.rule_id, finding.address, finding.suppressed, finding.vpc, where, finding.start_line)

    files = scan_paths([str(plan.parent)], all_rules()).findings
    planned = scan_paths([], all_rules(), plans=[str(plan)]).findings
    assert sorted(map(key, planned)) == sorted(map(key, files))


def assert_findings(findings: list[Finding], items: list[dict[str, Any]]) -> None:
    """``findings`` are exactly ``items`` (rule, address, suppressed), at their line, file and VPC when given."""
    actual = {(f.rule_id, f.address, f.suppressed) for f in findings}
    wanted = {(item["rule"], item["address"], bool(item.get("suppressed", False))) for item in items}
    assert actual == wanted, "\n".join(f"{f.rule_id} {f.address} {f.file}:{f.start_line} {f.message}" for f in findings)
    for item in items:
        matching = [f for f in findings if (f.rule_id, f.address) == (item["rule"], item["address"])]
        if "line" in item:
            assert item["line"] in {f.start_line for f in matching}, f"{item['rule']} {item['address']}: line"
        if "file" in item:
            assert item["file"] in {Path(f.file).name for f in matching}, f"{item['rule']} {item['address']}: file"
        if "vpc" in item:
            assert item["vpc"] in {f.vpc for f in matching}, f"{item['rule']} {item['address']}: vpc"


def test_every_rule_fails_and_passes_in_some_fixture() -> None:
    """Each rule is shown firing in a fixture, and shown silent on its resource type in another."""
    fired: set[str] = set()
    silent: set[str] = set()
    for case in CASES:
        findings = scan_paths([str(case)], all_rules()).findings
        text = "".join(path.read_text(encoding="utf-8", errors="replace") for path in case.glob("*.tf*"))
        rule_ids = {f.rule_id for f in findings}
        fired |= rule_ids
        for item in all_rules():
            anchored = item.resource_types and any(
                f'"{resource_type}"' in text for resource_type in item.resource_types
            )
            if anchored and item.id not in rule_ids:
                silent.add(item.id)
    every = {item.id for item in all_rules()}
    assert every - fired == set(), "rules never fired by a fixture"
    assert every - {"VPCE000"} - silent == set(), "rules with no passing fixture"
