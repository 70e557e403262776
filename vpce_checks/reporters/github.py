r"""The ``github`` format: GitHub Actions workflow commands, shown as annotations on the PR's diff.

Each unsuppressed finding is one line such as::

    ::error file=main.tf,line=12,endLine=15,title=VPCE001 gateway-endpoint-without-route-table::Gateway ...

``error`` findings become ``::error``, ``warning`` ``::warning`` and ``info`` ``::notice``.
Suppressed findings are left out (they need no one's attention). The run's notes (what could not
be judged or was skipped) follow as ``::notice`` commands titled ``vpce-checks note``. The last
line is the text format's summary, for whoever reads the job log. Values are escaped as the GitHub Actions toolkit
does (``%``, ``\r``, ``\n`` everywhere; ``:`` and ``,`` in properties too), so a message or path
cannot end the command early or inject another one.

GitHub turns at most 10 commands of each kind per step into annotations; the rest stay in the
log. Pair this format with ``markdown`` (job summary) or ``sarif`` (code scanning) for the full list.
"""

from __future__ import annotations

from typing import Sequence

from vpce_checks.core.findings import Finding, Severity
from vpce_checks.core.model import Problem
from vpce_checks.core.registry import Rule
from vpce_checks.reporters.run import NO_RUN, Run, unique_notes
from vpce_checks.reporters.text import summary

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
"""The workflow command of each severity."""


def render(findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0, run: Run = NO_RUN) -> str:
    """Render the unsuppressed ``findings`` (order kept) as workflow commands, then a summary line."""
    lines = [annotation(finding) for finding in findings if not finding.suppressed]
    lines.extend(note_annotation(note) for note in unique_notes(run.notes))
    lines.append(summary(findings, baselined))
    return "\n".join(lines) + "\n"


def annotation(finding: Finding) -> str:
    """The workflow command that annotates ``finding``'s file and lines (no line for an unknown line 0)."""
    properties = {"file": finding.file.replace("\\", "/")}
    if finding.start_line >= 1:
        properties["line"] = str(finding.start_line)
        properties["endLine"] = str(max(finding.end_line, finding.start_line))
    properties["title"] = f"{finding.rule_id} {finding.slug}"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = finding.message + (f" [{finding.address}]" if finding.address else "")
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def note_annotation(note: Problem) -> str:
    """The ``::notice`` command for a note, on its file (and line, when it has one)."""
    properties = {"file": note.location.file.replace("\\", "/")}
    if note.location.start_line >= 1:
        properties["line"] = str(note.location.start_line)
    properties["title"] = "vpce-checks note"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::notice {rendered}::{escape_data(note.message)}"


def escape_data(value: str) -> str:
    """Escape a command's message as ``@actions/core`` does: ``%``, CR and LF."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a command property: as :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
