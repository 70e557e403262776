"""Scanning paths: discover the modules, load each with the hcl2 front end, run the rules."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable, Sequence

from vpce_checks.core.engine import Outcome, analyze, outcomes
from vpce_checks.core.findings import Finding
from vpce_checks.core.model import Configuration, Location, Problem
from vpce_checks.core.registry import Rule
from vpce_checks.loader.discover import module_directories
from vpce_checks.loader.module import LoadOptions, load_directory


@dataclass
class ScanResult:
    """The findings of a scan, every rule's verdict per resource, and how many modules it read."""

    findings: list[Finding] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    modules: int = 0


def scan_paths(
    paths: Sequence[str],
    rules: Sequence[Rule],
    options: LoadOptions | None = None,
    exclude: Callable[[str], bool] | None = None,
) -> ScanResult:
    """Scan every module under ``paths``; a module that cannot be read is reported, not fatal.

    A module directory for which ``exclude`` returns true is not scanned.
    """
    result = ScanResult()
    seen: set[str] = set()
    for path in paths:
        for directory in module_directories(path):
            real = os.path.realpath(directory)
            if real in seen or (exclude is not None and exclude(directory)):
                continue
            seen.add(real)
            result.modules += 1
            _analyze_module(directory, rules, options, result)
    result.findings.sort(key=lambda finding: finding.sort_key)
    return result


def _analyze_module(directory: str, rules: Sequence[Rule], options: LoadOptions | None, result: ScanResult) -> None:
    """Add one module's findings and outcomes; a failure becomes a finding so other modules still run."""
    display = PurePath(os.path.normpath(directory)).as_posix()
    try:
        config = load_directory(directory, display, options)
        findings = analyze(config, rules)
    except OSError as error:
        message = f"cannot read directory: {error.strerror}"
    except Exception as error:  # noqa: BLE001 - one module's failure must not hide the others
        message = f"internal error while analysing this module ({type(error).__name__}: {error}); please report it"
    else:
        result.findings.extend(findings)
        result.outcomes.extend(outcomes(config, rules, findings))
        return
    config = Configuration(directory=display, problems=[Problem(message, Location(display, 1, 1))])
    result.findings.extend(analyze(config, [item for item in rules if item.id == "VPCE000"]))
