"""The rules as checkov checks: with :mod:`.refusal`, the only code that imports checkov.

Each rule becomes a resource check (on the resource types it reports on) and a module check (for
the resources of module calls checkov did not read), with the rule's ID, title, severity and
documentation link; VPCE000 becomes a resource check that fails on resources the analyzer could
not read. The first check to run on a checkov graph reads from it which roots and var files
checkov scanned (:mod:`.vertices`) and runs the analyzer on them (:mod:`.analysis`); every check
then answers for the block at hand from that analysis.
On a plan (checkov's terraform_plan runner) the analysis is the plan reader's on that plan file,
and a block is its plan address.

A checkov the adapter cannot serve must never let the checks vanish (checkov logs a failing check
and carries on with exit code 0): below :data:`~vpce_checks.checkov_adapter.FLOOR`, or when checkov
gives the checks no graph they can read, every check fails with a message saying so
(:mod:`.refusal`). An internal error fails them too.
These are undocumented checkov internals (``self.graph``, the graph's vertices), all kept here.
"""

from __future__ import annotations

import inspect
import logging
import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Callable, Mapping

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from checkov.terraform.checks.resource.registry import resource_registry

from vpce_checks.checkov_adapter import UNREADABLE_RULE, checkov_rules, needs
from vpce_checks.checkov_adapter.analysis import UNKNOWN, Analysis, PlanAnalysis, Verdict
from vpce_checks.checkov_adapter.refusal import checkov_version, refuse, too_old
from vpce_checks.checkov_adapter.vertices import Blocks, Place, Target, Vertex, place_of, target_of
from vpce_checks.core.engine import Outcome
from vpce_checks.core.findings import Severity
from vpce_checks.core.model import parse_until, split_until
from vpce_checks.core.registry import Rule, find_rule, relevant_resource_types
from vpce_checks.loader.cache import CACHE_DIR_VARIABLE, default_directory
from vpce_checks.loader.discover import discover

LOG = logging.getLogger("vpce_checks")

NO_CACHE_VARIABLE = "VPCE_CHECKS_NO_CACHE"
"""Set (to anything but empty) to keep the checks from reading or writing the cache (the parser tables)."""

_SEVERITIES = {Severity.ERROR: "HIGH", Severity.WARNING: "MEDIUM", Severity.INFO: "LOW"}
"""How the rules' severities appear in checkov, which has no error/warning/info."""

_RESULTS = {
    "passed": CheckResult.PASSED,
    "failed": CheckResult.FAILED,
    "skipped": CheckResult.SKIPPED,
    "unknown": CheckResult.UNKNOWN,
}


def _cache_directory() -> str | None:
    if os.environ.get(NO_CACHE_VARIABLE):
        return None
    try:
        return default_directory()
    except ImportError:  # no platformdirs in this checkov's environment, and no directory configured
        return os.environ.get(CACHE_DIR_VARIABLE) or None


@dataclass
class _Session:
    """One analysis of what checkov scanned, or why there is none (every check then fails with ``error``).

    What was scanned is a graph's blocks, a folder of ``.tf.json`` files, or a plan.
    """

    analysis: Any = None
    """An :class:`Analysis`, or a :class:`PlanAnalysis` for a plan."""
    blocks: Blocks | None = None
    """The graph's blocks (for a session of a graph)."""
    error: str | None = None
    key: Any = None
    """What the session is of: a graph object (by identity), a folder and var files, a plan path."""


_SESSIONS: dict[str, _Session] = {}
"""The latest session of each kind: checkov runs the checks of one input after another."""


def _session(kind: str, key: Any, build: Callable[[_Session], None], scanned: str) -> _Session:
    """The session of ``key``, built by ``build`` on first use; an exception becomes its error."""
    kept = _SESSIONS.get(kind)
    if kept is not None and (kept.key is key or (isinstance(key, (str, tuple)) and kept.key == key)):
        return kept
    session = _Session(key=key)  # a graph kept here keeps its id its own
    try:
        build(session)
    except Exception as error:  # noqa: BLE001 - every check then fails with this message
        LOG.exception(f"vpce-checks: internal error while analysing {scanned} checkov scanned")
        session.analysis, session.error = None, _internal_error(error)
    _SESSIONS[kind] = session
    return session


def session_of(graph: Any, call: _RunnerCall) -> _Session:
    """The analysis of ``graph``, computed on first use."""

    def build(session: _Session) -> None:
        vertices = _vertices(graph)
        if vertices is None:
            message = f"vpce-checks cannot read checkov's Terraform graph (a {type(graph).__name__})"
            session.error = f"{message}; {needs(checkov_version())}"
            return
        session.blocks = Blocks(vertices)
        target = target_of(vertices, call.var_files, call.unparsed)
        session.analysis = Analysis(target, checkov_rules(), _cache_directory(), date.today())
        places = [place_of(vertex) for vertex in session.blocks.vertices]
        _warn_unreported(session.analysis.unreported(places, call.unparsed, call.directories))

    return _session("graph", graph, build, "the Terraform files")


def _warn_unreported(unreported: list[Outcome]) -> None:
    """Say on stderr what checkov cannot report: findings on resources it has no block for."""
    for outcome in unreported:
        location = outcome.resource.location
        for finding in outcome.findings:
            if not finding.suppressed:
                LOG.warning(
                    "vpce-checks: %s:%d: %s %s: %s (checkov has no block for this resource, so it cannot report "
                    "this finding; run vpce-checks to see it)",
                    location.file,
                    location.start_line,
                    outcome.rule_id,
                    outcome.resource.address,
                    finding.message,
                )


def _expired(comment: str) -> bool:
    """True when a skip comment's text (``reason:until=YYYY-MM-DD``) has an ``until`` that has passed or is no date."""
    _, until = split_until(comment)
    if until is None:
        return False
    day = parse_until(until)
    return day is None or date.today() > day


def _internal_error(error: Exception) -> str:
    return f"vpce-checks internal error ({type(error).__name__}: {error}); please report it"


def _vertices(graph: Any) -> list[Mapping[str, Any]] | None:
    """The attribute dicts of the graph's vertices (rustworkx, the default, or networkx); None for another graph."""
    try:
        nodes = graph.nodes(data=True)  # networkx
    except TypeError:
        nodes = graph.nodes()  # rustworkx: payloads are (index, attributes)
    except AttributeError:
        return None
    return [node[1] for node in nodes if isinstance(node, tuple) and isinstance(node[1], Mapping)]


class _Check:
    """What every check of these rules shares: metadata, and turning a verdict into checkov's answer."""

    rule: Rule
    details: list[str]
    entity_path: str
    graph: Any

    def _setup(self, rule: Rule) -> None:
        from checkov.common.bridgecrew.severities import Severities

        self.rule = rule
        self.severity = Severities[_SEVERITIES[rule.severity]]

    def run(
        self,
        scanned_file: str,
        entity_configuration: dict[str, Any],
        entity_name: str,
        entity_type: str,
        skip_info: Mapping[str, Any],
    ) -> Any:
        """Run the check as checkov does, but a ``#checkov:skip`` comment whose ``until=`` has passed does not skip.

        checkov applies its skip comments itself (it never calls a skipped check) and knows no
        ``until``, so an expired one would hold for ever. The analyzer undoes it, as it undoes an
        expired ``vpce-checks:skip``: the check runs and answers the analyzer's verdict, whose
        message says which suppression expired.
        """
        if skip_info and _expired(str(skip_info.get("suppress_comment", ""))):
            skip_info = {}
        return super().run(scanned_file, entity_configuration, entity_name, entity_type, skip_info)  # type: ignore[misc]

    def _answer(self, find_verdict: Any, conf: Mapping[str, Any]) -> CheckResult:
        """Checkov's result for ``conf``; ``find_verdict(analysis, place)`` gives the verdict of a found block."""
        try:
            verdict = self._verdict(find_verdict, conf)
        except Exception as error:  # noqa: BLE001 - raising would make the result vanish
            LOG.exception("vpce-checks: internal error in %s", self.rule.id)
            verdict = Verdict(
                "failed", (f"vpce-checks internal error ({type(error).__name__}: {error}); please report it",)
            )
        self.details.extend(verdict.details)
        return _RESULTS[verdict.result]

    def _verdict(self, find_verdict: Any, conf: Mapping[str, Any]) -> Verdict:
        call = _runner_call()
        if call is not None and call.plan and call.file is not None:
            return self._plan_verdict(find_verdict, conf, call.file)
        if self.graph is None:
            if "__address__" in conf:
                return Verdict("failed", (_no_graph_message(),))
            return self._json_verdict(find_verdict)
        session = session_of(self.graph, call or _RunnerCall((), None, ""))
        if session.error is not None:
            return Verdict("failed", (session.error,))
        assert session.blocks is not None and session.analysis is not None
        vertex: Vertex | None = session.blocks.find(conf, self.entity_path.rsplit(":", 2)[0])
        if vertex is None:
            return UNKNOWN
        verdict: Verdict = find_verdict(session.analysis, place_of(vertex))
        return verdict

    def _plan_verdict(self, find_verdict: Any, conf: Mapping[str, Any], plan: str) -> Verdict:
        """The verdict on a resource of a plan, which checkov's terraform_plan runner checks.

        checkov names the resource by its plan address (``__address__``); the analyzer reads the
        plan itself, with the plan reader ``vpce-checks tfplan.json`` uses.
        """
        address = conf.get("__address__")
        if not isinstance(address, str):
            return UNKNOWN
        session = plan_session_of(plan, self.graph)
        if session.error is not None:
            return Verdict("failed", (session.error,))
        assert session.analysis is not None
        verdict: Verdict = find_verdict(session.analysis, Place(plan, plan, 0, address, resolved=True))
        return verdict

    def _json_verdict(self, find_verdict: Any) -> Verdict:
        """The verdict on a resource of a ``.tf.json`` file, which checkov's terraform_json runner checks.

        That runner gives checks no graph, no address and only the file's path relative to the scan;
        the file, the scan's root folder and the var files are its call's, found up the call stack.
        """
        call = _runner_call()
        if call is None or call.file is None:
            _report_json_runner()
            return UNKNOWN
        file, root_folder, var_files = call.file, call.root_folder, call.var_files
        session = json_session_of(root_folder, var_files)
        if session.error is not None:
            return Verdict("failed", (session.error,))
        assert session.analysis is not None
        _, resource_type, name = self.entity_path.rsplit(":", 2)
        place = Place(os.path.dirname(file), file, 0, f"{resource_type}.{name}", resolved=True)
        verdict: Verdict = find_verdict(session.analysis, place)
        return verdict


@dataclass(frozen=True)
class _RunnerCall:
    """What checkov's runner holds about the block being checked, but does not give the check."""

    var_files: tuple[str, ...]
    """The ``--var-file`` files (real paths), in the order given."""
    file: str | None
    """The real path of the file being checked (terraform_json runner only)."""
    root_folder: str
    """The real path of the folder being scanned (terraform_json runner only)."""
    unparsed: tuple[str, ...] = ()
    """The real paths of the files checkov's parser rejected (its ``parsing_errors``)."""
    directories: bool = True
    """False when checkov was given files to scan (``-f``), not directories."""
    plan: bool = False
    """True when checkov's terraform_plan runner is checking a plan (``file``)."""


def _runner_call() -> _RunnerCall | None:
    """The runner's call that is checking a block, found up the call stack; None when there is none."""
    var_files: tuple[str, ...] | None = None
    unparsed: tuple[str, ...] | None = None
    directories = True
    frame = inspect.currentframe()
    while frame is not None:
        local = frame.f_locals
        runner_filter: Any = local.get("runner_filter")
        if var_files is None and hasattr(runner_filter, "var_files"):
            var_files = tuple(os.path.realpath(str(path)) for path in runner_filter.var_files or ())
        errors = local.get("parsing_errors")
        if unparsed is None and isinstance(errors, Mapping):
            # The runner's own frame, which also holds the files it was given (-f), if any.
            unparsed = tuple(sorted(os.path.realpath(str(path)) for path in errors))
            directories = not local.get("files")
        runner = local.get("self")
        if type(runner).__module__ == "checkov.terraform.plan_runner" and isinstance(local.get("full_file_path"), str):
            return _RunnerCall(var_files or (), os.path.realpath(local["full_file_path"]), "", plan=True)
        if type(runner).__name__ == "TerraformJsonRunner" and isinstance(local.get("full_file_path"), str):
            folder = str(getattr(runner, "root_folder", None) or ".")
            return _RunnerCall(
                var_files or (),
                os.path.realpath(local["full_file_path"]),
                os.path.realpath(folder),
                unparsed or (),
                directories,
            )
        frame = frame.f_back
    return None if var_files is None else _RunnerCall(var_files, None, "", unparsed or (), directories)


def json_session_of(root_folder: str, var_files: tuple[str, ...]) -> _Session:
    """The analysis of every module under ``root_folder``, as ``vpce-checks root_folder`` scans it."""

    def build(session: _Session) -> None:
        discovery = discover(root_folder)
        roots = tuple(discovery.real(directory) for directory in discovery.directories)
        session.analysis = Analysis(Target(roots, var_files), checkov_rules(), _cache_directory(), date.today())

    return _session("json", (root_folder, var_files), build, "the Terraform files")


def plan_session_of(plan: str, graph: Any) -> _Session:
    """The analysis of the plan file ``plan``, made on first use; ``graph`` (of the plan) names its blocks."""

    def build(session: _Session) -> None:
        session.analysis = PlanAnalysis(plan, checkov_rules(), date.today())
        vertices = _vertices(graph) if graph is not None else None
        if vertices is not None:
            addresses = [str(vertex.get("__address__")) for vertex in vertices if vertex.get("__address__")]
            _warn_unreported(session.analysis.unreported(addresses))

    return _session("plan", plan, build, "the plan")


def _no_graph_message() -> str:
    return (
        "vpce-checks got no Terraform graph from checkov, which it needs to find the files scanned; "
        f"{needs(checkov_version())}"
    )


@lru_cache(maxsize=1)
def _report_json_runner() -> None:
    LOG.warning(
        "vpce-checks: checkov's terraform_json runner called these checks in a way they cannot follow, so "
        "the VPCE checks report nothing on its .tf.json results; scan those files with `vpce-checks`"
    )


class RuleCheck(_Check, BaseResourceCheck):  # type: ignore[misc]
    """One rule as a checkov resource check."""

    def __init__(self, rule: Rule) -> None:
        BaseResourceCheck.__init__(
            self,
            name=rule.title,
            id=rule.id,
            categories=(CheckCategories.NETWORKING,),
            supported_resources=rule.resource_types,
            guideline=rule.docs_url,
        )
        self._setup(rule)

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        """PASSED, FAILED (with the message in ``details``), SKIPPED or UNKNOWN, from the analysis."""
        return self._answer(lambda analysis, place: analysis.resource_verdict(self.rule.id, place), conf)


class UnreadCheck(_Check, BaseResourceCheck):  # type: ignore[misc]
    """VPCE000 in checkov: fails on a resource checkov read in a file (or block) the analyzer could not.

    It runs on every resource type the rules read, so that nothing the rules would have seen can
    be missing without a failure.
    """

    def __init__(self, rule: Rule, resource_types: list[str]) -> None:
        BaseResourceCheck.__init__(
            self,
            name=rule.title,
            id=rule.id,
            categories=(CheckCategories.NETWORKING,),
            supported_resources=resource_types,
            guideline=rule.docs_url,
        )
        self._setup(rule)

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        """FAILED with the loader's message, or no result for a resource the analyzer read."""
        return self._answer(lambda analysis, place: analysis.unread_verdict(place), conf)


def _module_check(rule: Rule) -> Any:
    from checkov.terraform.checks.module.base_module_check import BaseModuleCheck

    class ModuleRuleCheck(_Check, BaseModuleCheck):  # type: ignore[misc]
        """One rule on the resources of a module call that checkov did not read."""

        def __init__(self) -> None:
            BaseModuleCheck.__init__(
                self, name=rule.title, id=rule.id, categories=(CheckCategories.NETWORKING,), guideline=rule.docs_url
            )
            self._setup(rule)

        def scan_module_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
            """The verdict on every resource the analyzer sees inside the module call."""
            return self._answer(lambda analysis, place: analysis.module_verdict(self.rule.id, place), conf)

    return ModuleRuleCheck()


def register() -> None:
    """Register the checks with checkov, once however often checkov loads our directory."""
    reason = too_old()
    if reason is not None:
        refuse(reason)
        return
    unreadable = find_rule(UNREADABLE_RULE)
    assert unreadable is not None
    if resource_registry.get_check_by_id(unreadable.id) is not None:
        return
    for rule in checkov_rules():
        RuleCheck(rule)
        _module_check(rule)
    UnreadCheck(unreadable, sorted(relevant_resource_types()))
