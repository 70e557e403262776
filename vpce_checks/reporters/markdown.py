"""The ``markdown`` format: a summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A heading, the counts by severity, then a table of the unsuppressed findings (severity, rule
linked to its documentation page, ``file:line``, resource, message); suppressed findings follow in
a collapsed ``<details>`` block, and so do the run's notes (what could not be judged or was
skipped). A clean run is one line saying so and how many rules ran. The number of findings a
baseline hid is said in the counts line.

A table lists at most :data:`MAX_ROWS` findings and then says how many it left out: GitHub
refuses comments over 65,536 characters, and a long table is read by no one; the SARIF, JUnit
or JSON report of the same run holds them all.
"""

from __future__ import annotations

from typing import Sequence

from vpce_checks.core.findings import Finding
from vpce_checks.core.registry import DOCS_URL, Rule
from vpce_checks.reporters.run import NO_RUN, Run, unique_notes
from vpce_checks.reporters.text import severity_counts

TITLE = "## vpce-checks"
HEADER = "| Severity | Rule | Location | Resource | Message |\n|---|---|---|---|---|"
MAX_ROWS = 100
"""The most findings one table lists."""


def render(findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0, run: Run = NO_RUN) -> str:
    """Render ``findings`` (order kept) as GitHub-flavoured Markdown ending with one newline."""
    active = [finding for finding in findings if not finding.suppressed]
    suppressed = [finding for finding in findings if finding.suppressed]
    checked = f"{len(rules)} rule{'' if len(rules) == 1 else 's'} checked"
    notes = [f"{len(suppressed)} suppressed"] if suppressed else []
    if baselined:
        notes.append(f"{baselined} hidden by the baseline")
    extra = f" ({', '.join(notes)})" if notes else ""

    parts = [TITLE]
    if active:
        noun = "finding" if len(active) == 1 else "findings"
        parts.append(f"**{len(active)} {noun}**: {severity_counts(active)}{extra}. {checked}.")
        parts.append(_table(active))
    else:
        parts.append(f":white_check_mark: **No findings**{extra}. {checked}.")
    if suppressed:
        summary = f"<details><summary>Suppressed findings ({len(suppressed)})</summary>"
        parts.append(f"{summary}\n\n{_table(suppressed)}\n\n</details>")
    skipped = unique_notes(run.notes)
    if skipped:
        items = "\n".join(
            f"- {_code(_where(note.location.file, note.location.start_line))}: {_cell(note.message)}"
            for note in skipped
        )
        parts.append(f"<details><summary>Not judged or skipped ({len(skipped)})</summary>\n\n{items}\n\n</details>")
    return "\n\n".join(parts) + "\n"


def _where(file: str, line: int) -> str:
    return f"{file}:{line}" if line >= 1 else file


def _table(findings: Sequence[Finding]) -> str:
    rows = [HEADER]
    for finding in findings[:MAX_ROWS]:
        location = _where(finding.file, finding.start_line)
        message = finding.message
        if finding.suppressed and finding.suppression_reason:
            message += f" (suppressed: {finding.suppression_reason})"
        cells = [
            finding.severity.value,
            f"[{finding.rule_id}]({DOCS_URL.format(id=finding.rule_id)}) `{finding.slug}`",
            _code(location),
            _code(finding.address) if finding.address else "",
            _cell(message),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    table = "\n".join(rows)
    if len(findings) > MAX_ROWS:
        table += f"\n\n... and {len(findings) - MAX_ROWS} more, not listed here."
    return table


def _cell(text: str) -> str:
    """Make text safe inside a table cell: one line, ``|`` escaped, HTML-ish brackets neutral."""
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    """Inline code for a path or address: ``|`` still needs escaping in a table; backticks would end the span."""
    return "`" + " ".join(text.split()).replace("`", "").replace("|", "\\|") + "`"
