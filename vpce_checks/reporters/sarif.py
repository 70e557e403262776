"""The ``sarif`` format: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` lists every rule that ran, in the order given; each result points
at its rule by ``ruleId`` and ``ruleIndex``. ``partialFingerprints["vpceChecks/v1"]`` hashes the
rule, the resource address and the file (not the line), so a finding keeps its identity when the
lines above it move. What the scan could not judge or skipped (the run's notes) are
``invocations[0].toolExecutionNotifications`` of level ``note``, with their file and line. A
finding read from a plan points at the Terraform file of its block when that was found beside the
plan, else at the plan; ``properties.plan`` names the plan either way.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Sequence
from urllib.parse import quote

from vpce_checks import __version__
from vpce_checks.core.findings import Finding, Severity
from vpce_checks.core.model import Problem
from vpce_checks.core.registry import Rule
from vpce_checks.reporters.run import NO_RUN, Run, unique_notes

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "vpce-checks"
INFORMATION_URI = "https://github.com/vpce-checks/vpce-checks"
FINGERPRINT_KEY = "vpceChecks/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
"""SARIF ``level`` of each severity."""

# Characters left as they are in an artifact URI; anything else (spaces, '#', '?', non-ASCII...)
# is percent-encoded so that the path is a valid URI reference.
_URI_SAFE = "/:@!$&'()*+,;=-._~"


def log(findings: Sequence[Finding], rules: Sequence[Rule], run: Run = NO_RUN) -> dict[str, Any]:
    """Build the SARIF log as a dict."""
    indexes: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    for item in rules:
        if item.id not in indexes:
            indexes[item.id] = len(descriptors)
            descriptors.append(_descriptor(item))
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [_notification(note) for note in unique_notes(run.notes)],
                    }
                ],
                "results": [_result(finding, indexes.get(finding.rule_id)) for finding in findings],
            }
        ],
    }


def render(findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0, run: Run = NO_RUN) -> str:
    """Render ``findings`` (order kept) and the ``rules`` that ran as a SARIF 2.1.0 log, ending with a newline.

    ``baselined`` is accepted for a uniform reporter interface: findings hidden by a baseline are
    simply absent, which is what code scanning needs to show only new alerts.
    """
    return json.dumps(log(findings, rules, run), indent=2) + "\n"


def fingerprint(finding: Finding) -> str:
    """Return the line-independent fingerprint: sha256 hex of rule ID, address and file joined by NUL.

    The file is taken with ``/`` separators, so the same finding on Windows has the same fingerprint.
    """
    key = "\0".join((finding.rule_id, finding.address, _posix(finding.file)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def artifact_uri(path: str) -> str:
    """Turn a file path into a URI reference: forward slashes, unsafe characters percent-encoded."""
    return quote(_posix(path), safe=_URI_SAFE)


def _posix(path: str) -> str:
    return path.replace("\\", "/")


def _descriptor(item: Rule) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.slug,
        "shortDescription": {"text": item.title},
        "fullDescription": {"text": item.title},
        "help": {"text": item.docs, "markdown": item.docs},
        "helpUri": item.docs_url,
        "defaultConfiguration": {"level": LEVELS[item.severity]},
        "properties": {"tags": [item.category]},
    }


def _notification(note: Problem) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(note.location.file)}}
    if note.location.start_line >= 1:
        physical["region"] = {"startLine": note.location.start_line}
    return {"level": "note", "message": {"text": note.message}, "locations": [{"physicalLocation": physical}]}


def _result(finding: Finding, rule_index: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(finding.file)}}
    if finding.start_line >= 1:  # SARIF lines are 1-based; an unknown line (0) gets no region
        physical["region"] = {
            "startLine": finding.start_line,
            "endLine": max(finding.end_line, finding.start_line),
        }
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.address:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.address, "kind": "resource"}]

    result: dict[str, Any] = {"ruleId": finding.rule_id}
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    result["level"] = LEVELS[finding.severity]
    result["message"] = {"text": finding.message}
    result["locations"] = [location]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(finding)}
    if finding.suppressed:
        suppression: dict[str, Any] = {"kind": "inSource"}
        if finding.suppression_reason:
            suppression["justification"] = finding.suppression_reason
        result["suppressions"] = [suppression]
    properties: dict[str, Any] = {}
    if finding.vpc:
        properties["vpc"] = finding.vpc
    if finding.plan:
        properties["plan"] = finding.plan
    if properties:
        result["properties"] = properties
    return result
