"""Property tests: no input crashes the scanner, and the parse phase equals a full parse.

The budget comes from the Hypothesis profile (tests/conftest.py: more examples under CI=true).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from strategies import mutated_configurations, mutated_fixtures, terraform_configurations
from test_prefilter import load, summary

from vpce_checks.cli import main

QUICK = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def write(directory: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (directory / name).write_bytes(data)


def scan_cleanly(files: dict[str, bytes]) -> None:
    """A scan ends with findings or none (exit 0 or 1), never an internal error."""
    with tempfile.TemporaryDirectory() as scratch:
        module = Path(scratch) / "mod"
        module.mkdir()
        write(module, files)
        report = Path(scratch) / "report.json"
        code = main([str(module), "-f", "json", "-o", str(report), "--jobs", "1", "--no-cache"])
        assert code in (0, 1)
        findings = json.loads(report.read_text())["findings"]
        assert not any("internal error" in finding["message"] for finding in findings), findings


@QUICK
@given(terraform_configurations())
def test_generated_configurations_never_crash(files: dict[str, bytes]) -> None:
    scan_cleanly(files)


@QUICK
@given(mutated_fixtures())
def test_mutated_fixtures_never_crash(files: dict[str, bytes]) -> None:
    scan_cleanly(files)


@QUICK
@given(mutated_configurations())
def test_mutated_configurations_never_crash(files: dict[str, bytes]) -> None:
    scan_cleanly(files)


@QUICK
@given(terraform_configurations())
def test_the_parse_phase_equals_a_full_parse_on_generated_configurations(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        write(Path(scratch), files)
        assert summary(load(Path(scratch), prefilter=True)) == summary(load(Path(scratch), prefilter=False))


@QUICK
@given(terraform_configurations())
def test_skipping_and_the_result_cache_change_no_finding_on_generated_configurations(files: dict[str, bytes]) -> None:
    """A module is skipped, parsed in part, or answered from the cache: the findings are a full parse's.

    Except, by design, the problems (VPCE000) of a module that names no endpoint or VPC: it is not parsed.
    """
    from vpce_checks.core.registry import all_rules, anchor_resource_types
    from vpce_checks.loader.options import Limits
    from vpce_checks.loader.triage import Anchors, triage
    from vpce_checks.scan import ParseOptions, scan_paths

    with tempfile.TemporaryDirectory() as scratch:
        module = Path(scratch) / "mod"
        module.mkdir()
        write(module, files)
        full = scan_paths([str(module)], all_rules(), parsing=ParseOptions(prefilter=False)).findings
        if not triage(str(module), Anchors(anchor_resource_types()), Limits()).anchored:
            assert {finding.rule_id for finding in full} <= {"VPCE000"}
            full = []
        cached = ParseOptions(cache_directory=str(Path(scratch) / "cache"))
        assert scan_paths([str(module)], all_rules(), parsing=cached).findings == full  # cold
        assert scan_paths([str(module)], all_rules(), parsing=cached).findings == full  # warm
