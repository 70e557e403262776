"""The ``text`` format: findings for a person reading a terminal, grouped by file.

Example::

    main.tf
      12  VPCE001  error    Gateway endpoint for S3 has no route table ... [aws_vpc_endpoint.s3]
      40  VPCE005  warning  Interface endpoint's subnets are in one AZ ... [aws_vpc_endpoint.ssm]

    Suppressed:
    main.tf
      55  VPCE004  warning  Interface endpoint has no security group ... [aws_vpc_endpoint.ssm] (suppressed: shared SG)

    2 findings (1 error, 1 warning), 1 suppressed
    15 rules checked.
    Run 'vpce-checks explain ID' for details.
"""

from __future__ import annotations

from typing import Sequence

from vpce_checks.core.findings import Finding, Severity
from vpce_checks.core.registry import Rule

HINT = "Run 'vpce-checks explain ID' for details."
SUPPRESSED_HEADER = "Suppressed:"

_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_SEVERITY_WIDTH = max(len(severity.value) for severity in Severity)


def render(findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0) -> str:
    """Render ``findings`` (already sorted) as human-readable text ending with a newline.

    Unsuppressed findings come first, grouped by file in the order the files first appear; the
    suppressed ones follow under a ``Suppressed:`` header, each marked ``(suppressed: reason)``.
    Then a summary line (saying how many ``baselined`` findings the baseline hid, if any), the
    number of ``rules`` that ran and, when anything was listed, a hint to run ``vpce-checks explain``.
    """
    active = [finding for finding in findings if not finding.suppressed]
    suppressed = [finding for finding in findings if finding.suppressed]
    line_width = max((len(str(finding.start_line)) for finding in findings), default=1)
    id_width = max((len(finding.rule_id) for finding in findings), default=0)

    lines: list[str] = []
    if active:
        lines.extend(_grouped(active, line_width, id_width))
        lines.append("")
    if suppressed:
        lines.append(SUPPRESSED_HEADER)
        lines.extend(_grouped(suppressed, line_width, id_width))
        lines.append("")
    lines.append(summary(findings, baselined))
    lines.append(f"{len(rules)} rule{'' if len(rules) == 1 else 's'} checked.")
    if findings:
        lines.append(HINT)
    return "\n".join(lines) + "\n"


def summary(findings: Sequence[Finding], baselined: int = 0) -> str:
    """Return the summary line, e.g. ``3 findings (2 errors, 1 warning), 1 suppressed`` or ``No findings.``

    Only unsuppressed findings are counted by severity; suppressed ones are counted apart, and so
    are the ``baselined`` findings a baseline file hid (``..., 4 hidden by the baseline``).
    """
    active = [finding for finding in findings if not finding.suppressed]
    suppressed = len(findings) - len(active)
    extras = [f"{suppressed} suppressed"] if suppressed else []
    if baselined:
        extras.append(f"{baselined} hidden by the baseline")
    if not active:
        return f"No findings, {', '.join(extras)}" if extras else "No findings."
    text = f"{len(active)} finding{'' if len(active) == 1 else 's'} ({severity_counts(active)})"
    return ", ".join([text, *extras])


def severity_counts(findings: Sequence[Finding]) -> str:
    """Count ``findings`` by severity, worst first, leaving out zeros: ``2 errors, 1 info``."""
    counts = [
        _plural(sum(1 for finding in findings if finding.severity is severity), severity)
        for severity in _SEVERITY_ORDER
    ]
    return ", ".join(part for part in counts if part)


def _plural(count: int, severity: Severity) -> str:
    if not count:
        return ""
    if severity is Severity.INFO or count == 1:
        return f"{count} {severity.value}"
    return f"{count} {severity.value}s"


def _grouped(findings: Sequence[Finding], line_width: int, id_width: int) -> list[str]:
    """List each file path on a line, then its findings, files in order of first appearance."""
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.file, []).append(finding)
    lines: list[str] = []
    for file, group in by_file.items():
        lines.append(file)
        lines.extend(_finding_line(finding, line_width, id_width) for finding in group)
    return lines


def _finding_line(finding: Finding, line_width: int, id_width: int) -> str:
    text = (
        f"  {finding.start_line:>{line_width}}  {finding.rule_id:<{id_width}}  "
        f"{finding.severity.value:<{_SEVERITY_WIDTH}}  {finding.message}"
    )
    if finding.address:
        text += f" [{finding.address}]"
    if finding.suppressed:
        text += f" (suppressed: {finding.suppression_reason})" if finding.suppression_reason else " (suppressed)"
    return text
