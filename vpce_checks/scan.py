"""Scanning paths: discover the modules, load each with its front end (Terraform files or a plan), run the rules.

A directory scan reads Terraform files only: a plan is read when it is named, as a path (a file
whose name is not a Terraform file's and whose content starts like JSON) or with ``plans``. The
directory that holds a plan is then analysed through the plan, not through its Terraform files.

Work is done in proportion to what can matter. Each directory's files are read once first
(:mod:`vpce_checks.loader.triage`): one that names nothing a finding can be about is not parsed;
one whose cached result still holds (:mod:`vpce_checks.results`) is not loaded; one that another
scanned directory calls as a module is read only through its caller. What is left is loaded,
in worker processes when there is enough of it.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Callable, Sequence

from vpce_checks.core.engine import Outcome, analyze, outcomes
from vpce_checks.core.findings import Finding
from vpce_checks.core.model import Configuration, Location, Problem
from vpce_checks.core.registry import Rule, anchor_resource_types, relevant_resource_types
from vpce_checks.loader import inputs
from vpce_checks.loader.cache import Store
from vpce_checks.loader.discover import discover
from vpce_checks.loader.files import configuration_files, is_terraform_file
from vpce_checks.loader.options import MAX_MODULE_DEPTH, Limits, LoadOptions
from vpce_checks.loader.triage import Anchors, Triage, triage
from vpce_checks.results import Observer, ResultCache, RootResult, question, view_type

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

Progress = Callable[[int, int], None]
"""Told ``(done, total)`` after each module directory is scanned."""

POOL_THRESHOLD = 5
"""Modules to load, at least, for worker processes to be used: fewer load as fast in this process alone.

Measured on 2026-12-02 on the development machine (2 cores): trees of 2 to 16 network root
modules of ``benchmarks/generate.py`` (each with endpoints, 10 files, some through a shared
module), cold cache, ``--jobs 2`` against ``--jobs 1``, 16 to 20 runs each, interleaved. From 5
modules two jobs took 0.96 of the time (median), faster in 19 of 20 runs; at 4, 1.01 (7 of 20);
at 2 and 3, 1.02 to 1.03. See the README's speed section."""

EARLY_POOL = 1000
"""Directories to scan, at least, for the workers to be started at the beginning of the scan
rather than when modules turn out to need loading. A forked worker carries what this process
holds, about 7 KB per directory once the directories are triaged and looked up in the cache,
so in a large scan it is started first; that costs a warm run, which needs no worker, about
20 ms (imports, fork): under 2% of a warm scan of this many directories. See the README."""


TRIAGE_DIRECTORY = "triage"
"""The cache directory's subdirectory for triage entries."""


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
"""Called per root module with its model and findings, in the process that scanned it (so: picklable).

A module that names nothing a finding can be about is not read: the builder gets an empty model
for it. Views are cached with the results when the builder's return type is a dataclass."""


@dataclass(frozen=True)
class ParseOptions:
    """How files are parsed: in ``jobs`` processes, only what matters, cached, within limits."""

    jobs: int = 1
    """Processes scanning modules; 1 scans in this process."""
    cache_directory: str | None = None
    """Where results are cached; None disables the cache."""
    limits: Limits = field(default_factory=Limits)
    prefilter: bool = True
    """Parse only what can matter (False reads every module and parses every file whole, as a reference)."""


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
    not scanned. Directories are independent, so with ``parsing.jobs`` > 1 they may be loaded in
    that many processes; the result is the same, in the same order, as in one process. ``progress``
    is told after each directory how many of them are done. ``view``, when given, is called on each
    root module's model (see :data:`ViewBuilder`). ``plans``, and the files among ``paths`` that
    :func:`is_plan_path` picks, are read as plans (:func:`vpce_checks.plan.load_plan`); the
    directory holding a plan is analysed through it instead of through its Terraform files.
    """
    parsing = parsing or ParseOptions()
    options = options or LoadOptions()
    result = ScanResult()
    directories: list[str] = []
    reals: dict[str, str] = {}  # each directory's real path, resolved once per scan
    plan_files = _unique([*plans, *(path for path in paths if os.path.isfile(path) and is_plan_path(path))])
    seen: set[str] = {os.path.realpath(os.path.dirname(plan) or ".") for plan in plan_files}
    for path in paths:
        if path in plan_files:
            continue
        discovery = discover(path)
        result.notes.extend(discovery.notes)
        for directory in discovery.directories:
            real = discovery.real(directory)
            if real in seen:
                continue
            seen.add(real)
            reals[directory] = real
            if exclude is not None and exclude(directory):
                result.excluded += 1
            else:
                directories.append(directory)
    total = len(directories) + len(plan_files)
    work = _Work(list(rules), options, parsing, with_outcomes, view, progress, total)
    work.reals = reals
    try:
        scans = work.run(directories)
    finally:
        work.close()
    for plan in plan_files:
        scans.append(_scan_plan(plan, list(rules), with_outcomes, view))
        work.done(1)
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


class _Work:
    """The directories of one scan: triaged, answered from the cache or skipped, or loaded."""

    def __init__(
        self,
        rules: list[Rule],
        options: LoadOptions,
        parsing: ParseOptions,
        with_outcomes: bool,
        view: ViewBuilder | None,
        progress: Progress | None,
        total: int,
    ) -> None:
        self.rules = rules
        self.options = options
        self.parsing = parsing
        self.with_outcomes = with_outcomes
        self.view = view
        self.progress = progress
        self.total = total
        self.finished = 0
        max_bytes = parsing.limits.max_file_bytes
        self.observer = Observer(max_bytes)
        self.anchors = Anchors(anchor_resource_types())
        self.cache: ResultCache | None = None
        wanted = view_type(view)
        if parsing.cache_directory is not None and not with_outcomes and (view is None or wanted is not None):
            asked = question(rules, parsing.limits, parsing.prefilter, options.var_files, options.variables, view)
            self.cache = ResultCache(parsing.cache_directory, asked, wanted, max_bytes)
        self.triage_store: Store | None = None
        """What each directory's bytes said (:func:`~vpce_checks.loader.triage.triage`), apart from the results."""
        if parsing.cache_directory is not None:
            self.triage_store = Store(os.path.join(parsing.cache_directory, TRIAGE_DIRECTORY))
        self._pool: ProcessPoolExecutor | None = None
        if parsing.jobs > 1 and total >= EARLY_POOL:
            self._start()
        self._triaged: dict[str, Triage] = {}
        self._decided: dict[tuple[str, int], bool] = {}
        self.reals: dict[str, str] = {}
        """Real paths already resolved in this scan, by directory."""

    def _real(self, directory: str) -> str:
        real = self.reals.get(directory)
        if real is None:
            real = self.reals[directory] = os.path.realpath(directory)
        return real

    def done(self, count: int) -> None:
        """Tell ``progress`` that ``count`` more inputs are done."""
        self.finished += count
        if self.progress is not None and count:
            self.progress(self.finished, self.total)

    def run(self, directories: list[str]) -> list[RootResult]:
        """The result of every directory that is not read through a caller, in the order given."""
        reals = [self._real(directory) for directory in directories]
        triaged = [self._triage(directory, real) for directory, real in zip(directories, reals, strict=True)]
        matters = [self._matters(found, (real,)) for found, real in zip(triaged, reals, strict=True)]
        probably_called = set().union(*(found.local_sources for found in triaged))
        results: dict[int, RootResult] = {}
        deferred = {index for index, real in enumerate(reals) if matters[index] and real in probably_called}
        first = [index for index in range(len(directories)) if index not in deferred]
        self._settle(directories, triaged, matters, first, results)
        # A deferred directory is one that some module block names as its source. It is read on
        # its own only when no scanned module calls it; a deferred module that is called but not
        # read may call others itself, so while any deferred directory is left uncalled, those
        # with module blocks are read too (as they would be without this deferral).
        while deferred:
            called = set().union(*(scan.calls - {scan.real} for scan in results.values()))
            uncalled = [index for index in sorted(deferred) if reals[index] not in called]
            if not uncalled:
                break
            callers = [index for index in sorted(deferred) if reals[index] in called and triaged[index].calls]
            batch = sorted({*uncalled, *callers})
            self._settle(directories, triaged, matters, batch, results)
            deferred -= set(batch)
        self.done(len(deferred))
        return [results[index] for index in sorted(results)]

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _triage(self, directory: str, real: str) -> Triage:
        """The triage of a directory, read once per scan (a called module's too)."""
        if real not in self._triaged:
            found = triage(directory, self.anchors, self.parsing.limits, self.triage_store)
            if found.names is not None:
                self.observer.know(inputs.NAMES, os.path.abspath(directory), inputs.names_digest(found.names))
            for path, digest in found.digests.items():
                self.observer.know(inputs.BYTES, os.path.abspath(path), digest)
            self._triaged[real] = found
        return self._triaged[real]

    def _matters(self, found: Triage, chain: tuple[str, ...]) -> bool:
        """True unless a directory and every module it calls (``chain``: the callers) name no anchor.

        Whatever the loader would note about a call (nested too deep, calling itself, a
        directory that does not exist, which triage reads as unsure) makes it matter.
        """
        if found.anchored:
            return True
        if not found.calls:
            return False
        if len(chain) >= MAX_MODULE_DEPTH:
            return True
        remembered = self._decided.get((chain[-1], len(chain)))
        if remembered is not None:
            return remembered
        answer = any(
            call.directory is None
            or not call.plain
            or call.directory in chain
            or self._matters(self._triage(call.directory, call.directory), (*chain, call.directory))
            for call in found.calls
        )
        self._decided[(chain[-1], len(chain))] = answer
        return answer

    def _settle(
        self,
        directories: list[str],
        triaged: list[Triage],
        matters: list[bool],
        indices: list[int],
        results: dict[int, RootResult],
    ) -> None:
        """Fill ``results`` for ``indices``: skipped, from the cache, or loaded."""
        pending: list[tuple[int, str | None]] = []
        for index in indices:
            directory, found = directories[index], triaged[index]
            if self.parsing.prefilter and not matters[index]:
                results[index] = self._skipped(directory, found)
                self.done(1)
                continue
            key = self.cache.key(directory, _display(directory)) if self.cache is not None else None
            cached = self.cache.get(key, self.observer) if self.cache is not None and key is not None else None
            if cached is not None:
                results[index] = cached
                self.done(1)
            else:
                pending.append((index, key))
        if not pending:
            return
        tasks = [(directories[index], key) for index, key in pending]
        if self.parsing.jobs <= 1 or len(pending) < POOL_THRESHOLD:
            for (index, _), task in zip(pending, tasks, strict=True):
                results[index] = self._scan(*task)
                self.done(1)
            return
        pool = self._pool or self._start()
        # The workers take the modules from the front, this process from the back, one at a
        # time (a module not yet handed to a worker can be withdrawn), until they meet.
        futures = [pool.submit(_scan_task, *task) for task in tasks]
        collected, end = 0, len(futures)
        while collected < end:
            if futures[collected].done():
                results[pending[collected][0]] = futures[collected].result()
                collected += 1
            elif futures[end - 1].cancel():
                end -= 1
                results[pending[end][0]] = self._scan(*tasks[end])
            else:
                results[pending[collected][0]] = futures[collected].result()
                collected += 1
            self.done(1)

    def _scan(self, directory: str, key: str | None) -> RootResult:
        return _scan_directory(
            directory, self.rules, self.options, self.parsing, self.with_outcomes, self.view, self.cache, key
        )

    def _start(self) -> ProcessPoolExecutor:
        """Start ``jobs - 1`` worker processes: this one loads modules too.

        On Linux they are forked: cheap, and nothing is imported again, but a worker carries
        whatever this process holds when it starts, so in a large scan they are started before
        the triage (see :data:`EARLY_POOL`). They do not get the parser from here either: this
        process imports it only when it loads a module itself.
        """
        import multiprocessing
        import sys
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
        state = (self.rules, self.options, self.parsing, self.with_outcomes, self.view, self.cache)
        self._pool = ProcessPoolExecutor(self.parsing.jobs - 1, context, _take_state, state)
        self._pool.submit(int)  # forked workers are all started with the first task: now
        return self._pool

    def _skipped(self, directory: str, found: Triage) -> RootResult:
        """A directory with nothing to report: what it calls, its files and theirs, the view of an empty model.

        Its calls all name local directories (or it would matter), each read as the loader would.
        """
        real = self._real(directory)
        calls: set[str] = set()
        pending = list(found.local_sources)
        while pending:
            target = pending.pop()
            if target not in calls:
                calls.add(target)
                pending.extend(self._triaged[target].local_sources)
        files = {
            prefix + os.path.basename(path)
            for place in (real, *calls)
            for prefix in (os.path.join(place, ""),)
            for path in self._triaged[place].files
        }
        built = self.view(Configuration(directory=_display(directory)), []) if self.view is not None else None
        return RootResult(real, calls, [], [], [], files, built)


_state: tuple[list[Rule], LoadOptions, ParseOptions, bool, ViewBuilder | None, ResultCache | None] | None = None
"""What every module of a worker's scan is loaded with (set once per worker process)."""


def _take_state(*state: object) -> None:
    global _state
    _state = state  # type: ignore[assignment]


def _scan_task(directory: str, key: str | None) -> RootResult:
    """:func:`_scan_directory` in a worker process."""
    assert _state is not None
    rules, options, parsing, with_outcomes, view, cache = _state
    return _scan_directory(directory, rules, options, parsing, with_outcomes, view, cache, key)


def _scan_directory(
    directory: str,
    rules: list[Rule],
    options: LoadOptions,
    parsing: ParseOptions,
    with_outcomes: bool,
    view: ViewBuilder | None,
    cache: ResultCache | None,
    key: str | None,
) -> RootResult:
    """One directory as a root module (in a worker process or not); its result is cached when asked."""
    with inputs.recording(parsing.limits.max_file_bytes) as recording:
        config = load_root(directory, options, parsing)
        found = _analyze(config, rules)
        real = os.path.realpath(directory)
        files = _terraform_files({real} | config.module_directories)
    verdicts = outcomes(config, rules, found) if with_outcomes else []
    notes = config.notes + _unjudged(config)
    built = view(config, found) if view is not None else None
    scan = RootResult(real, set(config.module_directories), found, verdicts, notes, files, built)
    if cache is not None and key is not None:
        cache.put(key, scan, recording)
    return scan


def load_root(directory: str, options: LoadOptions, parsing: ParseOptions) -> Configuration:
    """The model of ``directory`` as a root module, read through the parse phase unless told not to.

    Every directory whose files are read (this one's, and those of the modules it calls) goes
    through the parse phase the first time one of its files is read. A failure becomes a
    problem of the model (VPCE000), so other modules still run.
    """
    from vpce_checks.loader import preparse as phase
    from vpce_checks.loader.syntax import forget_provided, prepare_on_demand, set_limits

    set_limits(parsing.limits)
    settings = phase.Settings(parsing.limits, relevant_resource_types())

    def prepare(module_directory: str) -> None:
        # A speed-up must never cost a result: when the parse phase fails, the files are parsed whole.
        with contextlib.suppress(Exception):
            phase.preparse([module_directory], settings)

    prepare_on_demand(prepare if parsing.prefilter else None)
    try:
        return _load(directory, options)
    finally:
        prepare_on_demand(None)
        forget_provided()


def scan_root(
    directory: str, rules: Sequence[Rule], options: LoadOptions | None, parsing: ParseOptions
) -> tuple[Configuration, list[Finding]]:
    """One directory as a root module, uncached: its model and its findings (the checkov front end's entry)."""
    config = load_root(directory, options or LoadOptions(), parsing)
    return config, _analyze(config, rules)


def is_plan_path(path: str) -> bool:
    """True for a file to read as a plan: a name that is not a Terraform or tfvars file's, JSON content.

    Plans are recognised by what they hold (``tfplan.json``, ``plan.out``, ``tfplan`` alike), so
    only the first bytes of the file are read here; a binary plan counts too, to be reported.
    """
    name = os.path.basename(path)
    if is_terraform_file(name) or name.endswith((".tfvars", ".tfvars.json")):
        return False
    from vpce_checks.plan import sniff

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
    from vpce_checks.plan import load_plan

    display = _display(path)
    try:
        config = load_plan(path, display)
    except Exception as error:  # noqa: BLE001 - one input's failure must not hide the others
        config = _failed(display, _internal_error(error))
        config.plan = display
    return config, _analyze(config, rules)


def _scan_plan(path: str, rules: list[Rule], with_outcomes: bool, view: ViewBuilder | None) -> RootResult:
    """One plan file as a root configuration (in this process: plans are few)."""
    config, found = scan_plan(path, rules)
    verdicts = outcomes(config, rules, found) if with_outcomes else []
    home = os.path.realpath(os.path.dirname(path) or ".")
    files = {os.path.realpath(path)} | _terraform_files({home} | config.module_directories)
    built = view(config, found) if view is not None else None
    notes = config.notes + _unjudged(config)
    real = os.path.realpath(path)
    return RootResult(real, config.module_directories, found, verdicts, notes, files, built, plan=True)


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
            names = os.listdir(directory)
            inputs.listed(directory, names)
            chosen = configuration_files(names)
            files.update(os.path.join(directory, name) for name in [*chosen.primary, *chosen.overrides])
    return files


def _display(path: str) -> str:
    """A path as findings name it."""
    return os.path.normpath(path).replace(os.sep, "/")  # PurePath(...).as_posix(), without building a path


def _load(directory: str, options: LoadOptions) -> Configuration:
    """One root configuration; a failure becomes a Problem so other modules still run."""
    from vpce_checks.loader.module import load_directory

    display = _display(directory)
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
