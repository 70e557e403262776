"""The rules as checkov resource checks: the only module that imports checkov.

Each rule becomes one ``BaseResourceCheck`` with the rule's ID, title, severity and documentation
link, supported on the resource types the rule reports on. checkov gives every resource check its
Terraform graph (``self.graph``); the first check to run on a graph turns it into the core's model
(:mod:`.graph`) and runs every rule once, and each check then answers for the resource at hand from
that analysis. These are undocumented checkov internals, so the checkov version is pinned in the
tests, and all contact with checkov stays in this module.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from checkov.terraform.checks.resource.registry import resource_registry

from vpce_checks.checkov_adapter import checkov_rules
from vpce_checks.checkov_adapter.graph import configurations
from vpce_checks.core.engine import Outcome, analyze, outcomes
from vpce_checks.core.findings import Severity
from vpce_checks.core.registry import Rule

LOG = logging.getLogger("vpce_checks")

SEVERITIES = {Severity.ERROR: BcSeverities.HIGH, Severity.WARNING: BcSeverities.MEDIUM, Severity.INFO: BcSeverities.LOW}
"""How the rules' severities appear in checkov, which has no error/warning/info."""


@dataclass
class _Analysis:
    """Every rule's verdicts on one checkov graph, by (rule ID, resource address)."""

    graph: Any
    outcomes: dict[tuple[str, str], list[Outcome]] = field(default_factory=lambda: defaultdict(list))
    error: str | None = None


_ANALYSES: dict[int, _Analysis] = {}


def analysis_of(graph: Any) -> _Analysis:
    """The analysis of ``graph``, computed on first use (the graph object is kept, so its id stays its own)."""
    cached = _ANALYSES.get(id(graph))
    if cached is not None and cached.graph is graph:
        return cached
    analysis = _Analysis(graph)
    try:
        rules = checkov_rules()
        for config in configurations(_vertices(graph)):
            for outcome in outcomes(config, rules, analyze(config, rules)):
                analysis.outcomes[(outcome.rule_id, outcome.resource.address)].append(outcome)
    except Exception as error:  # noqa: BLE001 - reported loudly here and again on every resource
        analysis.error = f"{type(error).__name__}: {error}"
        LOG.exception("vpce-checks: internal error while analysing the Terraform graph; no VPCE result is reliable")
    _ANALYSES.clear()
    _ANALYSES[id(graph)] = analysis
    return analysis


def _vertices(graph: Any) -> list[Mapping[str, Any]]:
    """The attribute dicts of the graph's vertices, from rustworkx (default) or networkx."""
    try:
        nodes = graph.nodes(data=True)  # networkx
    except TypeError:
        nodes = graph.nodes()  # rustworkx: payloads are (index, attributes)
    return [node[1] for node in nodes if isinstance(node, tuple) and isinstance(node[1], Mapping)]


class RuleCheck(BaseResourceCheck):  # type: ignore[misc]
    """One rule as a checkov resource check."""

    def __init__(self, rule: Rule) -> None:
        super().__init__(
            name=rule.title,
            id=rule.id,
            categories=(CheckCategories.NETWORKING,),
            supported_resources=rule.resource_types,
            guideline=rule.docs_url,
        )
        self.severity = Severities[SEVERITIES[rule.severity]]
        self.rule = rule

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        """PASSED, FAILED (with the message in ``details``) or SKIPPED, from the whole-graph analysis."""
        if self.graph is None:
            _report_missing_graph()
            return CheckResult.UNKNOWN
        analysis = analysis_of(self.graph)
        if analysis.error is not None:
            raise RuntimeError(f"{self.rule.id}: the analysis of this configuration failed ({analysis.error})")
        outcome = self._outcome(analysis, conf)
        if outcome is None:
            return CheckResult.UNKNOWN  # a resource that may not exist: rules do not judge it
        if outcome.result == "failed":
            self.details.extend(finding.message for finding in outcome.findings if not finding.suppressed)
            return CheckResult.FAILED
        if outcome.result == "skipped":
            # `# vpce-checks:skip=...` in the code (checkov applies `#checkov:skip` before calling us).
            self.details.extend(f"suppressed: {finding.suppression_reason}" for finding in outcome.findings)
            return CheckResult.SKIPPED
        return CheckResult.PASSED

    def _outcome(self, analysis: _Analysis, conf: Mapping[str, Any]) -> Outcome | None:
        """The outcome for the resource at hand; several roots in one graph may share an address, so match the file."""
        candidates = analysis.outcomes.get((self.rule.id, str(conf.get("__address__", ""))), [])
        scanned_file = str(getattr(self, "entity_path", "")).rsplit(":", 2)[0].replace("/", os.sep)
        start = conf.get("__start_line__")
        matching = [
            outcome
            for outcome in candidates
            if outcome.resource.location.start_line == start
            and scanned_file
            and outcome.resource.location.file.endswith(scanned_file)
        ]
        return matching[0] if len(matching) == 1 else None


@lru_cache(maxsize=1)
def _report_missing_graph() -> None:
    # checkov's terraform_json runner (.tf.json files) gives resource checks no graph, and the rules
    # need the whole configuration: say so once, loudly, instead of guessing from one resource.
    LOG.error(
        "vpce-checks: checkov gave these checks no Terraform graph (its terraform_json runner for .tf.json "
        "files does not build one), so the VPCE checks report nothing for those files; scan them with "
        "`vpce-checks` instead"
    )


def register() -> None:
    """Register one check per rule with checkov, once however often checkov loads our directory."""
    for rule in checkov_rules():
        if resource_registry.get_check_by_id(rule.id) is None:
            RuleCheck(rule)
