"""The ``json`` format: a stable, versioned document for scripts (see ``docs/json-output.md``).

Within ``"version": 1`` fields are only ever added, never renamed or removed.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from vpce_checks import __version__
from vpce_checks.core.findings import Finding, Severity
from vpce_checks.core.model import Problem
from vpce_checks.core.registry import Rule
from vpce_checks.reporters.run import NO_RUN, Run, unique_notes

SCHEMA_VERSION = 1
TOOL_NAME = "vpce-checks"


def document(findings: Sequence[Finding], baselined: int = 0, run: Run = NO_RUN) -> dict[str, Any]:
    """Build the JSON document as a dict, keys in their documented order.

    ``baselined`` is the number of findings a baseline file hid (they are not in ``findings``);
    ``run`` gives what was scanned and the notes.
    """
    active = [finding for finding in findings if not finding.suppressed]
    by_severity = {
        severity.value: sum(1 for finding in active if finding.severity is severity)
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    }
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "summary": {
            "total": len(active),
            "suppressed": len(findings) - len(active),
            "by_severity": by_severity,
            "baselined": baselined,
        },
        "findings": [_finding(finding) for finding in findings],
        "scanned": None
        if run.scanned is None
        else {"modules": run.scanned.modules, "files": run.scanned.files, "plans": run.scanned.plans},
        "notes": [_note(note) for note in unique_notes(run.notes)],
    }


def render(findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0, run: Run = NO_RUN) -> str:
    """Render ``findings`` (already sorted; order kept) as JSON, indented, ending with a newline.

    ``rules`` is accepted for a uniform reporter interface; the JSON format does not list rules.
    """
    return json.dumps(document(findings, baselined, run), indent=2, sort_keys=False) + "\n"


def _note(note: Problem) -> dict[str, Any]:
    return {"message": note.message, "file": note.location.file, "line": note.location.start_line}


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "slug": finding.slug,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": finding.file,
        "start_line": finding.start_line,
        "end_line": finding.end_line,
        "address": finding.address,
        "vpc": finding.vpc,
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason,
        "suppression_until": finding.suppression_until,
        "plan": finding.plan,
    }
