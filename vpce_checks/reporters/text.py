"""The ``text`` format: for a person at a terminal, one line per finding that editors can jump to.

Each finding starts with ``path:line:column:`` (as ruff's concise output and compilers do, so
terminals and editors open the place), then the rule ID, the severity, the message and the
resource. Example::

    main.tf:12:3: VPCE001 [error] Gateway endpoint for S3 has no route table ... [aws_vpc_endpoint.s3]
    main.tf:40:3: VPCE005 [warning] Interface endpoint's subnets are in one AZ ... [aws_vpc_endpoint.ssm]

    Suppressed:
    main.tf:55:3: VPCE004 [warning] Interface endpoint has no security group ... (suppressed: shared SG)

    By rule ('vpce-checks explain ID' prints a rule's documentation):
      1  VPCE001  error    gateway-endpoint-without-route-table  https://.../docs/rules/VPCE001.md
      1  VPCE005  warning  interface-endpoint-single-az          https://.../docs/rules/VPCE005.md

    2 findings (1 error, 1 warning), 1 suppressed
    15 rules checked in 3 root modules, 12 files.

The rule table gives each rule's documentation link once per run; with ``statistics`` it replaces
the list of findings (a count per rule, as ``ruff --statistics``). ``show_source`` adds a code
frame of the block under each finding; ``quiet`` leaves only the findings; ``color`` paints paths,
IDs and severities with ANSI escapes (the CLI turns it on for terminals only).
"""

from __future__ import annotations

from typing import Sequence

from vpce_checks.core.findings import Finding, Severity
from vpce_checks.core.registry import DOCS_URL, Rule
from vpce_checks.reporters.run import NO_RUN, Run, Source, TextOptions
from vpce_checks.terminal import PLAIN, Palette

SUPPRESSED_HEADER = "Suppressed:"
RULES_HEADER = "By rule ('vpce-checks explain ID' prints a rule's documentation):"
MAX_FRAME_LINES = 12
"""A block longer than this is shown around its first and last lines and the lines at fault."""
FRAME_CONTEXT = 2
"""Lines shown before and after the lines at fault in a long block."""

_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_SEVERITY_WIDTH = max(len(severity.value) for severity in Severity)


def render(findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0, run: Run = NO_RUN) -> str:
    """Render ``findings`` (already sorted) as human-readable text ending with a newline.

    Unsuppressed findings come first, in the order given; the suppressed ones follow under a
    ``Suppressed:`` header, each marked ``(suppressed: reason)``. Then the rule table, a summary
    line (saying how many ``baselined`` findings the baseline hid, if any) and what was checked:
    the number of ``rules`` that ran and, when ``run.scanned`` is known, how many modules and files.
    """
    options = run.text
    palette = Palette(options.color)
    active = [finding for finding in findings if not finding.suppressed]
    suppressed = [finding for finding in findings if finding.suppressed]
    listing = not options.statistics

    lines: list[str] = []
    if listing:
        for finding in active:
            lines.extend(_entry(finding, options, palette))
    if options.quiet:
        if options.statistics:
            lines.extend(rule_table(active, palette))
        return "".join(f"{line}\n" for line in lines)
    if listing and active:
        lines.append("")
    if listing and suppressed:
        lines.append(SUPPRESSED_HEADER)
        for finding in suppressed:
            lines.extend(_entry(finding, options, palette))
        lines.append("")
    if active:
        lines.append(RULES_HEADER)
        lines.extend(rule_table(active, palette))
        lines.append("")
    lines.append(summary(findings, baselined))
    lines.append(_checked(rules, run))
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


def rule_table(findings: Sequence[Finding], palette: Palette = PLAIN) -> list[str]:
    """One row per rule with findings, in order of first appearance: count, ID, severity, slug, docs link."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    count_width = max((len(str(len(group))) for group in by_rule.values()), default=1)
    id_width = max((len(rule_id) for rule_id in by_rule), default=0)
    slug_width = max((len(group[0].slug) for group in by_rule.values()), default=0)
    rows = []
    for rule_id, group in by_rule.items():
        severity = group[0].severity.value
        rows.append(
            f"  {len(group):>{count_width}}  {palette.bold(rule_id.ljust(id_width))}  "
            f"{palette.severity(severity.ljust(_SEVERITY_WIDTH), severity)}  {group[0].slug.ljust(slug_width)}  "
            f"{DOCS_URL.format(id=rule_id)}"
        )
    return rows


def _checked(rules: Sequence[Rule], run: Run) -> str:
    checked = f"{_count(len(rules), 'rule')} checked"
    if run.scanned is None:
        return f"{checked}."
    scanned = run.scanned
    inputs = [_count(scanned.modules, "root module")] if scanned.modules or not scanned.plans else []
    if scanned.plans:
        inputs.append(_count(scanned.plans, "plan"))
    return f"{checked} in {' and '.join(inputs)}, {_count(scanned.files, 'file')}."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _plural(count: int, severity: Severity) -> str:
    if not count:
        return ""
    if severity is Severity.INFO or count == 1:
        return f"{count} {severity.value}"
    return f"{count} {severity.value}s"


def _entry(finding: Finding, options: TextOptions, palette: Palette) -> list[str]:
    """A finding's line, and its code frame when asked for."""
    lines = [finding_line(finding, options.source, palette)]
    if options.show_source and options.source is not None and finding.start_line >= 1:
        lines.extend(code_frame(finding, options.source, palette))
    return lines


def finding_line(finding: Finding, source: Source | None = None, palette: Palette = PLAIN) -> str:
    """``path:line:column: ID [severity] message [address]``, with the suppression when there is one.

    A finding with no known line (0) starts with ``path:`` alone.
    """
    where = finding.file
    if finding.start_line >= 1:
        column = source.column(finding.file, finding.start_line) if source is not None else 1
        where += f":{finding.start_line}:{column}"
    severity = finding.severity.value
    text = f"{palette.bold(where)}: {palette.bold(finding.rule_id)} {palette.severity(f'[{severity}]', severity)} "
    text += finding.message
    if finding.address:
        text += f" [{finding.address}]"
    if finding.suppressed:
        text += f" (suppressed: {finding.suppression_reason})" if finding.suppression_reason else " (suppressed)"
    return text


def code_frame(finding: Finding, source: Source, palette: Palette = PLAIN) -> list[str]:
    """The block that holds the finding, numbered, the finding's line marked with ``>``.

    A block longer than :data:`MAX_FRAME_LINES` is shortened to its first and last lines and
    :data:`FRAME_CONTEXT` lines around the lines at fault; ``...`` marks what is left out.
    """
    lines = source.lines(finding.file)
    if not lines:
        return []
    last_line = min(len(lines), max(finding.end_line, finding.start_line))
    first, last = source.block(finding.file, finding.start_line, last_line)
    last = min(last, len(lines))
    if last - first + 1 <= MAX_FRAME_LINES:
        shown = set(range(first, last + 1))
    else:
        shown = {first, last}
        for edge in (finding.start_line, last_line):
            shown.update(range(edge - FRAME_CONTEXT, edge + FRAME_CONTEXT + 1))
        shown = {number for number in shown if first <= number <= last}
    width = len(str(last))
    severity = finding.severity.value
    frame = []
    previous = None
    for number in sorted(shown):
        if previous is not None and number > previous + 1:
            frame.append(f"  {' ' * width} {palette.dim('...')}")
        marker = palette.severity(">", severity) if number == finding.start_line else " "
        frame.append(f"{marker} {palette.dim(f'{number:>{width}} |')} {lines[number - 1].expandtabs(4)}".rstrip())
        previous = number
    return frame
