"""The analyzer's own analysis of what checkov scanned, and the verdict for each block checkov asks about.

Inside checkov the adapter reads the Terraform files itself, with the analyzer's loader and
evaluator (parsing with python-hcl2 8's grammar, :mod:`.parser`) and runs the same rules: the
findings are the analyzer's by construction. checkov is used for what it is for: which blocks it
reports on, its skip comments, its output and its exit code. This module knows nothing of checkov:
:mod:`.vertices` says what checkov scanned and where a block is, and :mod:`.checks` asks here.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from vpce_checks.checkov_adapter import parser
from vpce_checks.checkov_adapter.vertices import Place, Target, address_steps, module_address
from vpce_checks.core.engine import Outcome, outcomes
from vpce_checks.core.model import Problem
from vpce_checks.core.registry import Rule
from vpce_checks.expiry import expire_suppressions
from vpce_checks.loader.options import LoadOptions
from vpce_checks.scan import ParseOptions, scan_plan, scan_root

LOG = logging.getLogger("vpce_checks")


@dataclass(frozen=True)
class Verdict:
    """What a check answers checkov: ``passed``, ``failed``, ``skipped`` or ``unknown`` (no result), and why."""

    result: str
    details: tuple[str, ...] = ()


UNKNOWN = Verdict("unknown")


@dataclass
class RootAnalysis:
    """Every rule's verdict on one root module, and what the loader could not read in it."""

    outcomes: dict[tuple[str, str, int], list[Outcome]] = field(default_factory=lambda: defaultdict(list))
    """(rule ID, real file, first line) -> the rule's verdicts on the instances of the block written there."""
    by_file: dict[tuple[str, str], list[Outcome]] = field(default_factory=lambda: defaultdict(list))
    """(rule ID, real file) -> the rule's verdicts on the resources written in that file."""
    by_rule: dict[str, list[Outcome]] = field(default_factory=lambda: defaultdict(list))
    blocks: set[tuple[str, int]] = field(default_factory=set)
    """(real file, first line) of every resource instance the analyzer read."""
    files: set[str] = field(default_factory=set)
    """Real files that hold a resource the analyzer read."""
    calls: set[str] = field(default_factory=set)
    """Real directories of the local modules the root calls."""
    problems: dict[str, list[Problem]] = field(default_factory=lambda: defaultdict(list))
    """Real file -> what made the loader leave (part of) it out (VPCE000)."""


class Analysis:
    """The analyzer's results on every root of one checkov scan."""

    def __init__(self, target: Target, rules: list[Rule], cache_directory: str | None, today: date) -> None:
        self.target = target
        self.roots: dict[str, RootAnalysis] = {}
        parser.install(cache_directory)
        options = LoadOptions(var_files=list(target.var_files))
        parsing = ParseOptions(jobs=1, cache_directory=cache_directory)
        for root in target.roots:
            config, found = scan_root(root, rules, options, parsing)
            # Skip comments whose until= has passed are undone, as the CLI undoes them.
            found = expire_suppressions(found, today)
            analysis = RootAnalysis()
            for outcome in outcomes(config, rules, found):
                location = outcome.resource.location
                analysis.outcomes[(outcome.rule_id, _real(location.file), location.start_line)].append(outcome)
                analysis.by_file[(outcome.rule_id, _real(location.file))].append(outcome)
                analysis.by_rule[outcome.rule_id].append(outcome)
            for resource in config.resources:
                analysis.blocks.add((_real(resource.location.file), resource.location.start_line))
                analysis.files.add(_real(resource.location.file))
            analysis.calls = config.module_directories
            for problem in config.problems:
                analysis.problems[_real(problem.location.file)].append(problem)
            for note in config.notes:
                LOG.info("vpce-checks: note: %s:%d: %s", note.location.file, note.location.start_line, note.message)
            self.roots[root] = analysis
        # A directory another root calls is analysed through its caller, not on its own (as scan_paths does).
        called = set().union(*(analysis.calls - {root} for root, analysis in self.roots.items()))
        for root in called:
            self.roots.pop(root, None)

    def unreported(self, places: Iterable[Place], unparsed: Iterable[str], directories: bool) -> list[Outcome]:
        """The failed verdicts that no block at ``places`` (checkov's resource and module blocks) reports.

        Those are on resources checkov has no block for, in what it was asked to scan: in a file
        its parser rejected (``unparsed``), an instance only an override file creates, or, when
        checkov scanned ``directories`` (not files), in the ``.tofu`` files it does not read.
        Resources of ``.tf.json`` files are left out: checkov's terraform_json runner reports them.
        """
        places = list(places)
        written = {(place.root, place.file, place.start_line) for place in places if place.start_line}
        modules = [(place.root, module_address(place.address)) for place in places if not place.resolved]
        scanned = {place.file for place in places} | {_real(path) for path in unparsed}
        found = []
        for root, analysis in self.roots.items():
            for rule_outcomes in analysis.by_rule.values():
                for outcome in rule_outcomes:
                    file, line = _real(outcome.resource.location.file), outcome.resource.location.start_line
                    if outcome.result != "failed" or (root, file, line) in written:
                        continue
                    if not (file in scanned or (directories and file.endswith((".tofu", ".tofu.json")))):
                        continue
                    address = outcome.resource.address
                    if any(root == caller and covers(module, address, inside=True) for caller, module in modules):
                        continue
                    found.append(outcome)
        return found

    def resource_verdict(self, rule_id: str, place: Place) -> Verdict:
        """The rule's verdict on the resource checkov reports at ``place``.

        Where checkov could not expand a ``count`` or ``for_each`` that the analyzer could, its one
        block stands for all the instances: their verdicts are reported on it, each named.
        """
        root = self.roots.get(place.root)
        if root is None:
            return UNKNOWN
        if place.start_line:
            written_there = root.outcomes.get((rule_id, place.file, place.start_line), [])
        else:
            written_there = root.by_file.get((rule_id, place.file), [])
        exact = [outcome for outcome in written_there if outcome.resource.address == place.address]
        if exact:
            return verdict_of(exact, with_addresses=False)
        covered = [outcome for outcome in written_there if covers(place.address, outcome.resource.address)]
        # None: not a resource the analyzer judges (it may not exist), so no result, as there.
        return verdict_of(covered, with_addresses=True) if covered else UNKNOWN

    def unread_verdict(self, place: Place) -> Verdict:
        """VPCE000's verdict on a resource checkov read but the loader could not: failed, with why."""
        root = self.roots.get(place.root)
        if root is None or place.file not in root.problems:
            return UNKNOWN
        if (place.file, place.start_line) in root.blocks or (not place.start_line and place.file in root.files):
            return UNKNOWN
        return Verdict("failed", tuple(_problem_text(problem) for problem in root.problems[place.file]))

    def module_verdict(self, rule_id: str, place: Place) -> Verdict:
        """The rule's verdict on the resources of a module call checkov did not read.

        checkov has no resource to report them on (a module not downloaded, or the community
        module the analyzer models from its inputs), so they are reported on the ``module`` block.
        """
        root = self.roots.get(place.root)
        if place.resolved or root is None:
            return UNKNOWN
        module = module_address(place.address)
        inside = [outcome for outcome in root.by_rule[rule_id] if covers(module, outcome.resource.address, inside=True)]
        return verdict_of(inside, with_addresses=True) if inside else UNKNOWN


class PlanAnalysis:
    """The analyzer's results on one plan file, which checkov's terraform_plan runner checks.

    The plan is read by the analyzer's plan reader (:func:`vpce_checks.scan.scan_plan`, as
    ``vpce-checks tfplan.json`` reads it), not from checkov's rendering of it; checkov names each
    resource by its address in the plan, which is the analyzer's address too, so blocks are
    matched by address alone.
    """

    def __init__(self, plan: str, rules: list[Rule], today: date) -> None:
        self.plan = plan
        config, found = scan_plan(plan, rules)
        found = expire_suppressions(found, today)
        self.by_address: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
        for outcome in outcomes(config, rules, found):
            self.by_address[(outcome.rule_id, outcome.resource.address)].append(outcome)
        self.addresses = {resource.address for resource in config.resources}
        self.problems = list(config.problems)
        for note in config.notes:
            LOG.info("vpce-checks: note: %s:%d: %s", note.location.file, note.location.start_line, note.message)

    def resource_verdict(self, rule_id: str, place: Place) -> Verdict:
        """The rule's verdict on the plan's resource at ``place.address``; no result for one it does not judge."""
        found = self.by_address.get((rule_id, place.address))
        return verdict_of(found, with_addresses=False) if found else UNKNOWN

    def unread_verdict(self, place: Place) -> Verdict:
        """VPCE000: failed on a resource checkov read in a plan the analyzer could not (fully) read, with why."""
        if not self.problems or place.address in self.addresses:
            return UNKNOWN
        return Verdict("failed", tuple(_problem_text(problem) for problem in self.problems))

    def module_verdict(self, rule_id: str, place: Place) -> Verdict:
        """No module blocks in a plan: every resource of every module is in it, under its own address."""
        return UNKNOWN

    def unreported(self, addresses: Iterable[str]) -> list[Outcome]:
        """The failed verdicts on resources of the plan that checkov has no block for (not among ``addresses``)."""
        known = set(addresses)
        return [
            outcome
            for (_, address), found in sorted(self.by_address.items())
            if address not in known
            for outcome in found
            if outcome.result == "failed"
        ]


def covers(pattern: str, address: str, inside: bool = False) -> bool:
    """True when checkov's ``pattern`` stands for the analyzer's ``address`` (or, ``inside``, for a resource in it).

    checkov leaves out an instance key it could not evaluate (``aws_vpc_endpoint.x`` for
    ``aws_vpc_endpoint.x["ssm"]``, ``module.env`` for ``module.env["prod"]``); every key it wrote
    must be the analyzer's.
    """
    wanted, found = address_steps(pattern), address_steps(address)
    if len(found) < len(wanted) or (len(found) == len(wanted)) == inside:
        return False
    return all(
        name == other_name and key in ("", other_key)
        for (name, key), (other_name, other_key) in zip(wanted, found[: len(wanted)], strict=True)
    )


def verdict_of(found: list[Outcome], with_addresses: bool) -> Verdict:
    """One verdict for the outcomes of some resources: failed if any failed, else passed if any passed, else skipped.

    The details are the findings' messages (prefixed by the resource address when several
    resources share one checkov result) and, for suppressed findings, their reasons.
    """

    def text(outcome: Outcome, line: str) -> str:
        return f"{outcome.resource.address}: {line}" if with_addresses else line

    failed = [outcome for outcome in found if outcome.result == "failed"]
    if failed:
        return Verdict(
            "failed",
            tuple(
                text(outcome, finding.message)
                for outcome in failed
                for finding in outcome.findings
                if not finding.suppressed
            ),
        )
    suppressed = tuple(
        text(outcome, f"suppressed: {finding.suppression_reason}")
        for outcome in found
        if outcome.result == "skipped"
        for finding in outcome.findings
    )
    if any(outcome.result == "passed" for outcome in found):
        return Verdict("passed", suppressed)
    return Verdict("skipped", suppressed)


def _problem_text(problem: Problem) -> str:
    return (
        f"vpce-checks cannot read {os.path.basename(problem.location.file)} (line {problem.location.start_line}): "
        f"{problem.message}; the VPCE checks cannot judge this resource"
    )


def _real(path: str) -> str:
    return os.path.realpath(path)
