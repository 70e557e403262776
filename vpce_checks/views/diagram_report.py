"""The pictures as ``vpce-checks diagram`` prints them, and the diagrams a Markdown scan report adds."""

from __future__ import annotations

from typing import Iterable, Sequence

from vpce_checks.core.diagram import Diagram
from vpce_checks.core.findings import Finding
from vpce_checks.views import dot, mermaid
from vpce_checks.views.collect import Shown, picture

FORMATS = ("mermaid", "dot", "markdown")


def render(fmt: str, items: Sequence[Shown], findings: Iterable[Finding]) -> str:
    """Every VPC in one Mermaid flowchart or one DOT graph, or in Markdown one Mermaid block per VPC."""
    active = [finding for finding in findings if not finding.suppressed]
    if fmt == "markdown":
        if not items:
            return "No VPC or VPC endpoint found.\n"
        return "\n\n".join(_markdown_block(item, active) for item in items) + "\n"
    diagram = picture(items, active)
    return dot.render(diagram) if fmt == "dot" else mermaid.render(diagram)


def _markdown_block(item: Shown, findings: Sequence[Finding]) -> str:
    return f"### `{item.title}`\n\n```mermaid\n{mermaid.render(picture([item], findings))}```"


def too_large(items: Sequence[Shown], findings: Iterable[Finding]) -> str | None:
    """Why Mermaid would refuse the flowchart ``render("mermaid", ...)`` prints, or None."""
    diagram = picture(items, findings)
    return mermaid.too_large(mermaid.render(diagram), diagram)


def details_block(title: str, diagram: Diagram) -> tuple[str, str | None]:
    """The collapsible picture of one VPC for a PR comment, or ``""`` and why Mermaid would refuse it."""
    source = mermaid.render(diagram)
    refusal = mermaid.too_large(source, diagram)
    if refusal is not None:
        return "", refusal
    marked = sum(1 for node in diagram.nodes if node.marks) + sum(1 for group in diagram.groups if group.marks)
    summary = f"Diagram of <code>{_html(title)}</code>: findings on {marked} part{'' if marked == 1 else 's'}"
    return f"<details><summary>{summary}</summary>\n\n```mermaid\n{source}```\n\n</details>", None


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
