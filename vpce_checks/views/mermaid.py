"""A diagram as a Mermaid flowchart (``flowchart LR``), for GitHub Markdown and ``mmdc``.

Labels are always double-quoted, and the characters Mermaid or its HTML labels would read
(``"``, ``#``, ``&``, ``<``, ``>``), and backticks (which would end a Markdown code fence), are
written as Mermaid entity codes (``#quot;``, ``#35;``...), so an address such as
``aws_subnet.this["a<b>"]`` shows as written and cannot end the label.
"""

from __future__ import annotations

from vpce_checks.core.diagram import Diagram, Group, Node

MAX_TEXT_SIZE = 50_000
"""Mermaid's default ``maxTextSize``: a longer diagram is refused with "Maximum text size in diagram exceeded"."""
MAX_EDGES = 500
"""Mermaid's default ``maxEdges``: a flowchart with more links is refused."""

SHAPES = {
    "subnet": ('["', '"]'),
    "route_table": ('(["', '"])'),
    "nat": ('{{"', '"}}'),
    "nat_instance": ('{{"', '"}}'),
    "igw": ('(("', '"))'),
    "tgw": ('(("', '"))'),
    "gateway_endpoint": ('>"', '"]'),
    "interface_endpoint": ('[["', '"]]'),
    "endpoint": ('[["', '"]]'),
    "target": ('["', '"]'),
    "unknown": ('["', '"]'),
}
"""Node kind -> the brackets of its Mermaid shape."""

CLASSES = (
    "classDef finding stroke:#c62828,stroke-width:3px,color:#b71c1c",
    "classDef unknown fill:#f5f5f5,stroke:#9e9e9e,stroke-dasharray:4 3,color:#616161",
    "classDef maybe stroke-dasharray:4 3",
)
"""Styles: a node with findings, an unknown part, a resource that may not exist."""

_ENTITIES = {'"': "#quot;", "#": "#35;", "&": "#amp;", "<": "#lt;", ">": "#gt;", "`": "#96;"}


def escape(text: str) -> str:
    """Text made safe inside a double-quoted Mermaid label (one line)."""
    return "".join(_ENTITIES.get(char, char) for char in " ".join(text.split()))


def label(node: Node | Group) -> str:
    """A node's or group's label: what it is and which one, then its findings (escaped, ``<br>`` between)."""
    return "<br>".join(escape(line) for line in node.lines)


def render(diagram: Diagram) -> str:
    """The Mermaid source of ``diagram``, ending with a newline."""
    lines = ["flowchart LR"]
    children, members = diagram.tree()

    def emit(group: Group | None, depth: int) -> None:
        indent = "  " * depth
        key = group.id if group else None
        if group is not None:
            lines.append(f'{indent}subgraph {group.id} ["{label(group)}"]')
        inner = indent + ("  " if group is not None else "")
        for child in children.get(key, []):
            emit(child, depth + (1 if group is not None else 0))
        for node in members.get(key, []):
            opening, closing = SHAPES[node.kind]
            lines.append(f"{inner}{node.id}{opening}{label(node)}{closing}")
        if group is not None:
            lines.append(f"{indent}end")

    emit(None, 1)
    for edge in diagram.edges:
        arrow = ("---" if edge.certain else "-.-") if edge.placement else ("-->" if edge.certain else "-.->")
        lines.append(f'  {edge.source} {arrow}|"{escape(edge.label)}"| {edge.target}')
    lines.extend(f"  {line}" for line in CLASSES)
    for style, chosen in (
        ("unknown", [node.id for node in diagram.nodes if node.kind == "unknown"]),
        ("maybe", [node.id for node in diagram.nodes if not node.certain and node.kind != "unknown"]),
        ("finding", [node.id for node in diagram.nodes if node.marks]),
    ):
        if chosen:
            lines.append(f"  class {','.join(chosen)} {style}")
    return "\n".join(lines) + "\n"


def too_large(source: str, diagram: Diagram) -> str | None:
    """Why Mermaid would refuse to draw ``source`` with its default limits, or None when it would draw it."""
    if len(source) > MAX_TEXT_SIZE:
        return f"{len(source):,} characters, more than Mermaid's limit of {MAX_TEXT_SIZE:,}"
    if len(diagram.edges) > MAX_EDGES:
        return f"{len(diagram.edges):,} links, more than Mermaid's limit of {MAX_EDGES:,}"
    return None
