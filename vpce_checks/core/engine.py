"""Running the rules over a configuration and turning their violations into findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from vpce_checks.core.findings import Finding
from vpce_checks.core.model import Configuration, Resource, Suppression
from vpce_checks.core.network import Network
from vpce_checks.core.registry import Rule, all_rules, find_rule


class UnknownRuleError(ValueError):
    """A rule ID or slug that no rule has (from --select/--ignore or configuration)."""


def choose_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """The rules to run: all of them, or only ``select``, minus ``ignore`` (IDs or slugs)."""

    def resolve(keys: Iterable[str]) -> set[str]:
        ids = set()
        for key in keys:
            found = find_rule(key)
            if found is None:
                raise UnknownRuleError(f"unknown rule {key!r} (see `vpce-checks rules`)")
            ids.add(found.id)
        return ids

    selected, ignored = resolve(select), resolve(ignore)
    return [item for item in all_rules() if (not selected or item.id in selected) and item.id not in ignored]


def analyze(config: Configuration, rules: Sequence[Rule] | None = None) -> list[Finding]:
    """Every finding of ``rules`` (default: all) on one configuration, sorted, suppressions applied."""
    network = Network(config)
    suppressions = {resource.address: resource.suppressions for resource in config.resources}
    findings = set()
    for item in all_rules() if rules is None else rules:
        for found in item.check(network):
            suppression = _suppression(item, suppressions.get(found.address, ()))
            findings.add(
                Finding(
                    rule_id=item.id,
                    slug=item.slug,
                    severity=item.severity,
                    message=found.message,
                    file=found.location.file,
                    start_line=found.location.start_line,
                    end_line=found.location.end_line,
                    address=found.address,
                    vpc=found.vpc,
                    suppressed=suppression is not None,
                    suppression_reason=suppression.reason if suppression else None,
                    suppression_until=suppression.until if suppression else None,
                    plan=config.plan,
                )
            )
    return sorted(findings, key=lambda finding: finding.sort_key)


def _suppression(item: Rule, suppressions: Sequence[Suppression]) -> Suppression | None:
    for suppression in suppressions:
        if suppression.rule.upper() == item.id or suppression.rule == item.slug:
            return suppression
    return None


@dataclass(frozen=True)
class Outcome:
    """A rule's verdict on one resource it reports on: what checkov calls a check result."""

    rule_id: str
    resource: Resource
    findings: tuple[Finding, ...]

    @property
    def result(self) -> str:
        """``failed`` (an unsuppressed finding), ``skipped`` (only suppressed ones) or ``passed``."""
        if any(not finding.suppressed for finding in self.findings):
            return "failed"
        return "skipped" if self.findings else "passed"


def outcomes(config: Configuration, rules: Sequence[Rule], findings: Iterable[Finding]) -> list[Outcome]:
    """Every rule's verdict on every resource of the types it reports on.

    Resources that may not exist (unknown ``count``/``for_each``) get no verdict: rules never judge them.
    """
    by_key: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_key.setdefault((finding.rule_id, finding.address), []).append(finding)
    return [
        Outcome(item.id, resource, tuple(by_key.get((item.id, resource.address), ())))
        for item in rules
        for resource_type in item.resource_types
        for resource in config.of_type(resource_type)
        if resource.certain
    ]
