"""Every fixture case gives exactly the findings its expected.yaml lists, no more, no fewer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from vpce_checks.core.registry import all_rules
from vpce_checks.scan import scan_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(path for path in FIXTURES.iterdir() if (path / "expected.yaml").is_file())


def expected_of(case: Path) -> dict[str, Any]:
    data = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("findings"), list), f"{case.name}: bad expected.yaml"
    return data


def test_there_are_fixtures() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_fixture(case: Path) -> None:
    expected = expected_of(case)
    findings = scan_paths([str(case)], all_rules()).findings
    actual = {(f.rule_id, f.address, f.suppressed) for f in findings}
    wanted = {(item["rule"], item["address"], bool(item.get("suppressed", False))) for item in expected["findings"]}
    assert actual == wanted, "\n".join(f"{f.rule_id} {f.address} {f.file}:{f.start_line} {f.message}" for f in findings)
    for item in expected["findings"]:
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
