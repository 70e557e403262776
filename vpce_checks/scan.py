"""Scanning paths: discover the modules, load each with its front end (Terraform files or a plan), run the rules.

A directory scan reads Terraform files only: a plan is read when it is named, as a path (a file
whose name is not a Terraform file's and whose content starts like JSON) or with ``plans``. The
directory that holds a plan is then analysed through the plan, not through its files.
"""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable, Sequence

from vpce_checks.core.engine import Outcome, analyze, outcomes
from vpce_checks.core.findings import Finding
from vpce_checks.core.model import Configuration, Location, Problem
from vpce_checks.core.registry import Rule, relevant_resource_types
from vpce_checks.loader.discover import discover
from vpce_checks.loader.files import configuration_files, is_terraform_file
from vpce_checks.loader.module import LoadOptions, load_directory
from vpce_checks.loader.preparse import Settings, preparse
from vpce_checks.loader.syntax import Limits, forget_provided, prepare_on_demand, set_limits
from vpce_checks.plan import load_plan, sniff

Progress = Callable[[int, int], None]
"""Told ``(done, total)`` after each module directory is scanned."""


@dataclass
class ScanResult:
    """What a scan found, how much it read, and what it skipped or could not judge (notes).

    ``modules`` counts the root modules read from Terraform files, ``plans`` the plan files read,
    ``files`` the files read (those of the modules they call and the plans included, each file
    once), ``excluded`` the module directories left out by
    ``exclude``. ``outcomes`` (every rule's verdict per resource, as checkov reports them) is
    filled only when asked for. ``views``, what a view builder made of each root module (in scan order),
    is filled only when asked for too.
    """

    findings: list[Finding] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    modules: int = 0
    plans: int = 0
    files: int = 0
    excluded: int = 0
    notes: list[Problem] = field(default_factory=list)
    views: list[object] = field(default_factory=list)


ViewBuilder = Callable[[Configuration, list[Finding]], object]
"""Called per root module with its model and findings, in the process that scanned it (so: picklable)."""


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


@dataclass
class _DirectoryScan:
    """One directory scanned as a root module, and the module directories it calls."""

    real: str
    calls: set[str]
    findings: list[Finding]
    outcomes: list[Outcome]
    notes: list[Problem]
    files: set[str]
    """Real paths of the Terraform files of this directory and of the module directories it calls."""
    view: object = None
    plan: bool = False
    """True for a plan (``real`` is then the plan file's real path)."""


def scan_paths(
    paths: Sequence[str],
    rules: Sequence[Rule],
    options: LoadOptions | None = None,
    parsing: ParseOptions | None = None,
    exclude: Callable[[str], bool] | None = None,
    with_outcomes: bool = False,
    progress: Progress | None = None,
    view: ViewBuilder | None = None,
    plans: Sequence[str] = (),
) -> ScanResult:
    """Scan every root module under ``paths``, and every plan; what cannot be read is reported, not fatal.

    A directory that another scanned directory calls as a module is analysed through its callers
    (with their inputs), not again on its own. A directory for which ``exclude`` returns true is
    not scanned. Directories are independent, so with ``parsing.jobs`` > 1 they are scanned in that
    many processes; the result is the same, in the same order, as in one process. ``progress`` is
    told after each directory how many of them are done. ``view``, when given, is called on each
    root module's model (see :data:`ViewBuilder`). ``plans``, and the files among ``paths`` that
    :func:`is_plan_path` picks, are read as plans (:func:`vpce_checks.plan.load_plan`); the
    directory holding a plan is analysed through it instead of through its Terraform files.
    """
    parsing = parsing or ParseOptions()
    result = ScanResult()
    directories: list[str] = []
    plan_files = _unique([*plans, *(path for path in paths if os.path.isfile(path) and is_plan_path(path))])
    seen: set[str] = {os.path.realpath(os.path.dirname(plan) or ".") for plan in plan_files}
    for path in paths:
        if path in plan_files:
            continue
        discovery = discover(path)
        result.notes.extend(discovery.notes)
        for directory in discovery.directories:
            real = os.path.realpath(directory)
            if real in seen:
                continue
            seen.add(real)
            if exclude is not None and exclude(directory):
                result.excluded += 1
            else:
                directories.append(directory)
    arguments = [(directory, list(rules), options, parsing, with_outcomes, view) for directory in directories]
    total = len(arguments) + len(plan_files)
    scans: list[_DirectoryScan] = []
    if parsing.jobs > 1 and len(directories) > 1:
        chunk = max(1, len(directories) // (16 * parsing.jobs))
        with ProcessPoolExecutor(max_workers=parsing.jobs) as pool:
            for scan in pool.map(_scan_directory, *zip(*arguments, strict=True), chunksize=chunk):
                scans.append(scan)
                _report(progress, len(scans), total)
    else:
        for item in arguments:
            scans.append(_scan_directory(*item))
            _report(progress, len(scans), total)
    for plan in plan_files:
        scans.append(_scan_plan(plan, list(rules), with_outcomes, view))
        _report(progress, len(scans), total)
    called = set().union(*(scan.calls - {scan.real} for scan in scans))
    findings: set[Finding] = set()
    files: set[str] = set()
    for scan in scans:
        files |= scan.files
        if scan.real in called:
            continue
        if scan.plan:
            result.plans += 1
        else:
            result.modules += 1
        result.notes.extend(scan.notes)
        findings.update(scan.findings)
        result.outcomes.extend(scan.outcomes)
        if view is not None:
            result.views.append(scan.view)
    result.files = len(files)
    result.findings = sorted(findings, key=lambda finding: finding.sort_key)
    return result


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _scan_directory(
    directory: str,
    rules: list[Rule],
    options: LoadOptions | None,
    parsing: ParseOptions,
    with_outcomes: bool,
    view: ViewBuilder | None = None,
) -> _DirectoryScan:
    """One directory as a root module, in a worker process or not."""
    config, found = scan_root(directory, rules, options, parsing)
    verdicts = outcomes(config, rules, found) if with_outcomes else []
    real = os.path.realpath(directory)
    notes = config.notes + _unjudged(config)
    files = _terraform_files({real} | config.module_directories)
    built = view(config, found) if view is not None else None
    return _DirectoryScan(real, config.module_directories, found, verdicts, notes, files, built)


def scan_root(
    directory: str, rules: Sequence[Rule], options: LoadOptions | None, parsing: ParseOptions
) -> tuple[Configuration, list[Finding]]:
    """One directory as a root module, parsed through the parse phase: its model and its findings."""
    set_limits(parsing.limits)
    settings = Settings(parsing.limits, parsing.cache_directory, relevant_resource_types())

    def prepare(module_directory: str) -> None:
        # A speed-up must never cost a result: when the parse phase fails, the files are parsed whole.
        with contextlib.suppress(Exception):
            preparse([module_directory], settings)

    # Every directory whose files are read (this one's, and those of the modules it calls) goes
    # through the parse phase the first time one of its files is read.
    prepare_on_demand(prepare if parsing.prefilter else None)
    try:
        config = _load(directory, options)
        found = _analyze(config, rules)
    finally:
        prepare_on_demand(None)
        forget_provided()
    return config, found


def is_plan_path(path: str) -> bool:
    """True for a file to read as a plan: a name that is not a Terraform or tfvars file's, JSON content.

    Plans are recognised by what they hold (``tfplan.json``, ``plan.out``, ``tfplan`` alike), so
    only the first bytes of the file are read here; a binary plan counts too, to be reported.
    """
    name = os.path.basename(path)
    if is_terraform_file(name) or name.endswith((".tfvars", ".tfvars.json")):
        return False
    return sniff(path) is not None


def _unique(paths: Sequence[str]) -> list[str]:
    """``paths`` without a second name for the same file, in order."""
    seen: set[str] = set()
    kept = []
    for path in paths:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            kept.append(path)
    return kept


def scan_plan(path: str, rules: Sequence[Rule]) -> tuple[Configuration, list[Finding]]:
    """One plan file as a root configuration: its model and its findings (a failure is a VPCE000 finding)."""
    display = PurePath(os.path.normpath(path)).as_posix()
    try:
        config = load_plan(path, display)
    except Exception as error:  # noqa: BLE001 - one input's failure must not hide the others
        config = _failed(display, _internal_error(error))
        config.plan = display
    return config, _analyze(config, rules)


def _scan_plan(path: str, rules: list[Rule], with_outcomes: bool, view: ViewBuilder | None) -> _DirectoryScan:
    """One plan file as a root configuration (in this process: plans are few)."""
    config, found = scan_plan(path, rules)
    verdicts = outcomes(config, rules, found) if with_outcomes else []
    home = os.path.realpath(os.path.dirname(path) or ".")
    files = {os.path.realpath(path)} | _terraform_files({home} | config.module_directories)
    built = view(config, found) if view is not None else None
    notes = config.notes + _unjudged(config)
    real = os.path.realpath(path)
    return _DirectoryScan(real, config.module_directories, found, verdicts, notes, files, built, plan=True)


def _unjudged(config: Configuration) -> list[Problem]:
    """A note when a module's problems (VPCE000) keep the rules that judge a whole VPC silent.

    Those rules reason about what a VPC lacks, and an unreadable file may hold exactly that, so
    the core does not judge them (see ``Network.vpcs``); the user should know the silence is not a pass.
    """
    if not config.problems:
        return []
    first = PurePath(config.problems[0].location.file)
    shown = first.name if first.parent == PurePath(config.directory) else first.as_posix()
    message = (
        f"the rules that judge a whole VPC were not run for this module, because of the VPCE000 finding in {shown}"
    )
    return [Problem(message, Location(config.directory, 0, 0))]


def _terraform_files(directories: set[str]) -> set[str]:
    files: set[str] = set()
    for directory in directories:
        with contextlib.suppress(OSError):
            chosen = configuration_files(os.listdir(directory))
            files.update(os.path.join(directory, name) for name in [*chosen.primary, *chosen.overrides])
    return files


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
