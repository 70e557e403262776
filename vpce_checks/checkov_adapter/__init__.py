"""The checkov front end: the same rules, run inside ``checkov --external-checks-dir``.

:mod:`.graph` turns checkov's Terraform graph into the core's model (standard library only, so it can
be tested without checkov); :mod:`.checks` is the only module that imports checkov. Nothing here
imports python-hcl2: checkov's environment holds its own fork under the same name.
"""

from __future__ import annotations

from vpce_checks.core.registry import Rule, all_rules

ANALYZER_ONLY = frozenset({"VPCE000"})
"""Rules with no resource to report on: checkov lists the files it cannot parse itself (``parsing_errors``)."""


def checkov_rules() -> list[Rule]:
    """The rules that run inside checkov: all but :data:`ANALYZER_ONLY`."""
    return [rule for rule in all_rules() if rule.id not in ANALYZER_ONLY]
