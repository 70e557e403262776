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
    """The findings of a scan, every rule's verdict per resource, how many root modules it read,
    and what it skipped (notes).
    """

    findings: list[Finding] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    modules: int = 0
    notes: list[Problem] = field(default_factory=list)


def scan_paths(
    paths: Sequence[str],
    rules: Sequence[Rule],
    options: LoadOptions | None = None,
    exclude: Callable[[str], bool] | None = None,
) -> ScanResult:
    """Scan every root module under ``paths``; a module that cannot be read is reported, not fatal.

    A directory that another scanned directory calls as a module is analysed through its callers
    (with their inputs), not again on its own. A directory for which ``exclude`` returns true is
    not scanned.
    """
    result = ScanResult()
    seen: set[str] = set()
    loaded: list[tuple[str, Configuration]] = []
    called: set[str] = set()
    for path in paths:
        for directory in module_directories(path):
            real = os.path.realpath(directory)
            if real in seen or (exclude is not None and exclude(directory)):
                continue
            seen.add(real)
            config = _load(directory, options)
            called |= config.module_directories - {real}
            loaded.append((real, config))
    findings: set[Finding] = set()
    for real, config in loaded:
        if real in called:
            continue
        result.modules += 1
        result.notes.extend(config.notes)
        found = _analyze(config, rules)
        findings.update(found)
        result.outcomes.extend(outcomes(config, rules, found))
    result.findings = sorted(findings, key=lambda finding: finding.sort_key)
    return result


def _load(directory: str, options: LoadOptions | None) -> Configuration:
    """One root configuration; a failure becomes a Problem so other modules still run."""
    display = PurePath(os.path.normpath(directory)).as_posix()
    try:
        return load_directory(directory, display, options)
    except OSError as error:
        return _failed(display, f"cannot read directory: {error.strerror}")
    except Exception as error:  # noqa: BLE001 - one module's failure must not hide the others
        return _failed(display, _internal_error(error))


def _analyze(config: Configuration, rules: Sequence[Rule]) -> list[Finding]:
    """The findings of one configuration; a rule's failure becomes a finding so other modules still run."""
    try:
        return analyze(config, rules)
    except Exception as error:  # noqa: BLE001 - one module's failure must not hide the others
        return analyze(_failed(config.directory, _internal_error(error)), rules)


def _failed(display: str, message: str) -> Configuration:
    return Configuration(directory=display, problems=[Problem(message, Location(display, 1, 1))])


def _internal_error(error: Exception) -> str:
    return f"internal error while analysing this module ({type(error).__name__}: {error}); please report it"
