"""The checks on a checkov they cannot serve: every one fails, saying why, so a CI gate cannot pass.

checkov logs a check that fails to load or raises and carries on with exit code 0, so checks that
merely vanish would turn a pull-request gate green. This module imports as little of checkov as
possible (what every checkov 2.x and 3.x release has), so that it still loads where the rest of
the adapter cannot.
"""

from __future__ import annotations

import logging
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from checkov.terraform.checks.resource.registry import resource_registry

from vpce_checks.checkov_adapter import FLOOR, checkov_rules, needs, version_tuple
from vpce_checks.core.registry import Rule

LOG = logging.getLogger("vpce_checks")


def checkov_version() -> str:
    """The running checkov's version."""
    from checkov.version import version

    return str(version)


def too_old() -> str | None:
    """Why this checkov is too old for the checks, or None."""
    found = checkov_version()
    return needs(found) if version_tuple(found) < FLOOR else None


class RefusedCheck(BaseResourceCheck):  # type: ignore[misc]
    """A rule on a checkov the adapter cannot serve: it fails on every resource it would judge, saying why."""

    def __init__(self, rule: Rule, reason: str) -> None:
        super().__init__(
            name=f"{rule.title} ({reason})",
            id=rule.id,
            categories=(CheckCategories.NETWORKING,),
            supported_resources=list(rule.resource_types),
            guideline=rule.docs_url,
        )
        self.reason = reason

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        """Always FAILED."""
        if isinstance(getattr(self, "details", None), list):
            self.details.append(self.reason)
        return CheckResult.FAILED


def refuse(reason: str) -> None:
    """Register a failing check per rule (once), and log why."""
    if any(resource_registry.get_check_by_id(rule.id) is not None for rule in checkov_rules()):
        return
    LOG.error("%s: every VPCE check fails until that is fixed", reason)
    for rule in checkov_rules():
        RefusedCheck(rule, reason)
