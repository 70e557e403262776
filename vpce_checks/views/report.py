"""What the cost and diagram views add to a scan's JSON and Markdown reports.

The reporters render the findings; this module adds to what they wrote, so the two stay apart:
the JSON document gets a ``cost`` section (docs/json-output.md), the Markdown summary a short cost
table and, for each VPC with a finding, its diagram in a collapsed ``<details>`` block. The
Markdown stays within GitHub's 65,536-character limit for a comment: a diagram that would pass
it, or that Mermaid would refuse (:data:`~vpce_checks.views.mermaid.MAX_TEXT_SIZE`,
:data:`~vpce_checks.views.mermaid.MAX_EDGES`), is left out with a line saying so.
"""

from __future__ import annotations

import json
from typing import Sequence

from vpce_checks.core.findings import Finding
from vpce_checks.views.collect import ModuleView, picture, shown_vpcs
from vpce_checks.views.cost_report import cost_section, prices_line, summary_table
from vpce_checks.views.diagram_report import details_block

COMMENT_LIMIT = 65_536
"""The most characters GitHub accepts in a pull-request comment."""
COST_ROWS = 50
"""The most VPCs the Markdown report's cost table lists."""
RESERVE = 2_000
"""Characters kept free for the lines that say what was left out."""


def extend_report(fmt: str, report: str, findings: Sequence[Finding], built: Sequence[object]) -> str:
    """``report`` (a scan's output in format ``fmt``) with the cost section or table and diagrams added.

    ``built`` is what the scan's view builder returned per module (:func:`~vpce_checks.views.collect.module_view`).
    """
    views = [view for view in built if isinstance(view, ModuleView)]
    if fmt == "json":
        document = json.loads(report)
        document["cost"] = cost_section(shown_vpcs(views))
        return json.dumps(document, indent=2) + "\n"
    if fmt == "markdown":
        return _markdown(report, findings, views)
    return report


def _markdown(report: str, findings: Sequence[Finding], views: Sequence[ModuleView]) -> str:
    items = shown_vpcs(views)
    parts = [report.rstrip("\n")]
    table = summary_table(items, COST_ROWS)
    if table:
        parts.append(f"### Cost of the private paths\n\n{table}\n\n{prices_line()}")
    active = [finding for finding in findings if not finding.suppressed]
    used = sum(len(part) + 2 for part in parts)
    left_out: list[str] = []
    diagrams: list[str] = []
    for item in items:
        diagram = picture([item], active)
        if not diagram.has_marks:
            continue
        block, refusal = details_block(item.title, diagram)
        if refusal is not None:
            left_out.append(f"`{item.title}` ({refusal})")
        elif used + len(block) + 2 > COMMENT_LIMIT - RESERVE:
            left_out.append(f"`{item.title}` (the comment would pass GitHub's {COMMENT_LIMIT:,}-character limit)")
        else:
            diagrams.append(block)
            used += len(block) + 2
    if diagrams or left_out:
        parts.append("### Diagrams of the VPCs with findings")
        parts.extend(diagrams)
    if left_out:
        shown = left_out[:10]
        more = f" and {len(left_out) - len(shown)} more" if len(left_out) > len(shown) else ""
        parts.append(
            f"Diagrams left out: {', '.join(shown)}{more}. `vpce-checks diagram PATH` prints them "
            "(`--format dot` for Graphviz, which has no such limit)."
        )
    return "\n\n".join(parts) + "\n"
