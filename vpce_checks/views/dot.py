"""A diagram as Graphviz DOT (``dot -Tsvg``, ``dot -Tpng``): groups become clusters."""

from __future__ import annotations

from vpce_checks.core.diagram import Diagram, Group, Node

SHAPES = {
    "subnet": "box",
    "route_table": "box",
    "nat": "hexagon",
    "nat_instance": "hexagon",
    "igw": "ellipse",
    "tgw": "ellipse",
    "gateway_endpoint": "cds",
    "interface_endpoint": "component",
    "endpoint": "component",
    "target": "box",
    "unknown": "box",
}
"""Node kind -> Graphviz shape."""


def quote(text: str) -> str:
    """A DOT double-quoted string: quotes and backslashes escaped, so no escape sequence (like N) is read."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def label(node: Node | Group) -> str:
    """A node's or group's label: each line quoted, joined by DOT's line break."""
    return '"' + "\\n".join(quote(line)[1:-1] for line in node.lines) + '"'


def render(diagram: Diagram) -> str:
    """The DOT source of ``diagram``, ending with a newline."""
    lines = [
        "digraph vpce_checks {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=11];',
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    children, members = diagram.tree()

    def emit(group: Group | None, depth: int) -> None:
        indent = "  " * depth
        key = group.id if group else None
        inner = indent
        if group is not None:
            lines.append(f"{indent}subgraph {quote('cluster_' + group.id)} {{")
            inner = indent + "  "
            # Clusters inherit their parent's attributes: every one sets its own colour.
            style = 'color="#c62828", penwidth=2' if group.marks else 'color="#616161", penwidth=1'
            lines.append(f"{inner}graph [label={label(group)}, {style}];")
        for child in children.get(key, []):
            emit(child, depth + (1 if group is not None else 0))
        for node in members.get(key, []):
            lines.append(f"{inner}{quote(node.id)} [{_node_attributes(node)}];")
        if group is not None:
            lines.append(f"{indent}}}")

    emit(None, 1)
    for edge in diagram.edges:
        style = "" if edge.certain else ", style=dashed"
        if edge.placement:
            style += ", arrowhead=none"
        lines.append(f"  {quote(edge.source)} -> {quote(edge.target)} [label={quote(edge.label)}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_attributes(node: Node) -> str:
    attributes = [f"label={label(node)}", f"shape={SHAPES[node.kind]}"]
    styles = ["rounded"] if node.kind == "route_table" else []
    if node.kind == "unknown":
        styles += ["dashed", "filled"]
        attributes.append('fillcolor="#f5f5f5"')
    elif not node.certain:
        styles.append("dashed")
    if styles:
        attributes.append(f'style="{",".join(styles)}"')
    if node.marks:
        attributes.append('color="#c62828", penwidth=2')
    return ", ".join(attributes)
