"""Scanning paths: discover the modules, load each with the hcl2 front end, run the rules."""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Sequence

from vpce_checks.core.engine import analyze
from vpce_checks.core.findings import Finding
from vpce_checks.core.model import Configuration, Location, Problem
from vpce_checks.core.registry import Rule, all_rules, relevant_resource_types
from vpce_checks.loader.discover import module_directories
from vpce_checks.loader.module import LoadOptions, load_directory
from vpce_checks.loader.preparse import Settings, preparse
from vpce_checks.loader.syntax import Limits, forget_provided, prepare_on_demand, set_limits


@dataclass
class ScanResult:
    """The findings of a scan and how many modules it read."""

    findings: list[Finding] = field(default_factory=list)
    modules: int = 0


@dataclass(frozen=True)
class ParseOptions:
    """How files are parsed: in ``jobs`` processes, only what matters, cached, within limits."""

    jobs: int = 1
    """Processes scanning modules; 1 scans in this process."""
    cache_directory: str | None = None
    """Where parse results are cached; None disables the cache."""
    limits: Limits = field(default_factory=Limits)
    prefilter: bool = True
    """Parse only the blocks that can matter (False parses every file whole, as a reference)."""


def scan_paths(
    paths: Sequence[str],
    rules: Sequence[Rule],
    options: LoadOptions | None = None,
    parsing: ParseOptions | None = None,
) -> ScanResult:
    """Scan every module under ``paths``; a module that cannot be read is reported, not fatal.

    Modules are independent, so with ``parsing.jobs`` > 1 they are scanned in that many
    processes; the findings are the same, in the same order, as in one process.
    """
    parsing = parsing or ParseOptions()
    directories: list[str] = []
    seen: set[str] = set()
    for path in paths:
        for directory in module_directories(path):
            real = os.path.realpath(directory)
            if real not in seen:
                seen.add(real)
                directories.append(directory)
    rule_ids = [item.id for item in rules]
    arguments = [(directory, rule_ids, options, parsing) for directory in directories]
    result = ScanResult(modules=len(directories))
    if parsing.jobs > 1 and len(directories) > 1:
        chunk = max(1, len(directories) // (16 * parsing.jobs))
        with ProcessPoolExecutor(max_workers=parsing.jobs) as pool:
            for findings in pool.map(_scan_module, *zip(*arguments, strict=True), chunksize=chunk):
                result.findings.extend(findings)
    else:
        for item in arguments:
            result.findings.extend(_scan_module(*item))
    result.findings.sort(key=lambda finding: finding.sort_key)
    return result


def _scan_module(
    directory: str, rule_ids: list[str], options: LoadOptions | None, parsing: ParseOptions
) -> list[Finding]:
    """The findings of one module, parsed through the parse phase (in a worker process or not)."""
    set_limits(parsing.limits)
    rules = [rule for rule in all_rules() if rule.id in rule_ids]
    settings = Settings(parsing.limits, parsing.cache_directory, relevant_resource_types())

    def prepare(module_directory: str) -> None:
        # A speed-up must never cost a result: when the parse phase fails, the files are parsed whole.
        with contextlib.suppress(Exception):
            preparse([module_directory], settings)

    # Every directory whose files are read (this module's, and those of modules it calls) goes
    # through the parse phase the first time one of its files is read.
    prepare_on_demand(prepare if parsing.prefilter else None)
    try:
        return _analyze_module(directory, rules, options)
    finally:
        prepare_on_demand(None)
        forget_provided()


def _analyze_module(directory: str, rules: Sequence[Rule], options: LoadOptions | None) -> list[Finding]:
    """The findings of one module; a failure is reported as a finding so other modules still run."""
    display = PurePath(os.path.normpath(directory)).as_posix()
    try:
        return analyze(load_directory(directory, display, options), rules)
    except OSError as error:
        message = f"cannot read directory: {error.strerror}"
    except Exception as error:  # noqa: BLE001 - one module's failure must not hide the others
        message = f"internal error while analysing this module ({type(error).__name__}: {error}); please report it"
    config = Configuration(directory=display, problems=[Problem(message, Location(display, 1, 1))])
    return analyze(config, [item for item in rules if item.id == "VPCE000"])
