"""Suppressions that end: ``until=YYYY-MM-DD`` on skip comments (the configuration's ignores and
baseline entries use the same word, see :mod:`vpce_checks.config` and :mod:`vpce_checks.baseline`).

A suppression holds through its ``until`` day; from the next day on the finding is raised again,
and its message says which suppression expired and why it was written. An ``until`` that is not a
date (``until=2027-13-01``) suppresses nothing, and the finding says so: a typo must not hide a
finding forever. Today's date is always passed in, so the tests can choose it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Mapping, Sequence

from vpce_checks.core.findings import Finding
from vpce_checks.core.model import parse_until


def expire_suppressions(findings: Sequence[Finding], today: date) -> list[Finding]:
    """``findings`` with every skip comment whose ``until`` has passed (or is no date) undone."""
    result = []
    for finding in findings:
        if finding.suppressed and finding.suppression_until is not None:
            until = parse_until(finding.suppression_until)
            if until is None:
                finding = _raised(
                    finding,
                    f"its skip comment's until={finding.suppression_until} is not a date YYYY-MM-DD,"
                    " so it suppresses nothing",
                )
            elif today > until:
                finding = _raised(finding, f"suppression expired on {until}: {finding.suppression_reason}")
        result.append(finding)
    return result


def mark_expired_ignores(findings: Sequence[Finding], expired: Mapping[str, str]) -> list[Finding]:
    """``findings`` of the rules in ``expired`` (rule ID → why, e.g. ``ignored in x.yaml until ...``)
    with that said in their messages: the rule runs again because its ignore entry expired.
    """
    return [
        replace(finding, message=f"{finding.message} ({expired[finding.rule_id]})")
        if finding.rule_id in expired
        else finding
        for finding in findings
    ]


def _raised(finding: Finding, why: str) -> Finding:
    return replace(
        finding,
        suppressed=False,
        suppression_reason=None,
        suppression_until=None,
        message=f"{finding.message} ({why})",
    )
