"""The diagram: its graph against the model, unknowns, escaping, and the real renderers' output.

The Mermaid text is rendered by mermaid-cli (with Chromium) and the DOT text by Graphviz; the
tests read the rendered SVG and Graphviz's JSON back into nodes, edges and groups and compare
those with what the Terraform holds, not the output with a stored copy. Missing renderers fail
the tests in CI (``CI=true``) and skip them elsewhere (``make diagram-tools`` installs them).
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import load_hcl

from vpce_checks.core.diagram import Diagram
from vpce_checks.core.engine import analyze
from vpce_checks.core.findings import Finding, Severity
from vpce_checks.loader.module import load_directory
from vpce_checks.views import dot, mermaid
from vpce_checks.views.collect import module_view, picture, shown_vpcs
from vpce_checks.views.renderers import RendererMissing, mermaid_command, render_dot, render_mermaid

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"

ODD_KEYS = """
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "odd" {
  for_each          = toset(["a\\"b", "x[0]<y>", "#&`|{}", "back\\\\slash", "end"])
  vpc_id            = aws_vpc.main.id
  availability_zone = "us-east-1a"
}
resource "aws_vpc_endpoint" "sts" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [for s in aws_subnet.odd : s.id]
}
"""
"""Subnet keys holding every character Mermaid, HTML, Markdown or DOT would read."""

UNKNOWNS = """
variable "az" {}
variable "nat" {}
variable "subnet" {}
variable "subnets" {}
variable "tables" {}
variable "on" {}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "known" {
  vpc_id            = aws_vpc.main.id
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "somewhere" {
  vpc_id            = aws_vpc.main.id
  availability_zone = var.az
}
resource "aws_subnet" "maybe" {
  count             = var.on ? 1 : 0
  vpc_id            = aws_vpc.main.id
  availability_zone = "us-east-1a"
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = var.nat
  }
}
resource "aws_route_table_association" "known" {
  subnet_id      = aws_subnet.known.id
  route_table_id = aws_route_table.private.id
}
resource "aws_route_table_association" "other" {
  subnet_id      = var.subnet
  route_table_id = aws_route_table.private.id
}
resource "aws_vpc_endpoint" "sts" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type = "Interface"
  subnet_ids        = var.subnets
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = var.tables
}
"""

MAIN_TABLES = """
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  availability_zone = "eu-west-1a"
}
resource "aws_default_route_table" "main" {
  default_route_table_id = aws_vpc.main.default_route_table_id
}
resource "aws_route" "egress" {
  route_table_id         = aws_vpc.main.default_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
}
resource "aws_ec2_transit_gateway" "hub" {}
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.eu-west-1.s3"
  route_table_ids = [aws_vpc.main.default_route_table_id, "rtb-0123456789abcdef0"]
}
"""


def diagram_of(config_dir: Path | None = None, terraform: str | None = None, tmp_path: Path | None = None) -> Diagram:
    """The picture `vpce-checks diagram` draws, with the findings of the rules marked."""
    if terraform is not None:
        assert tmp_path is not None
        config = load_hcl(tmp_path, terraform)
    else:
        assert config_dir is not None
        config = load_directory(str(config_dir), config_dir.name)
    findings = analyze(config)
    return picture(shown_vpcs([module_view(config, findings)]), findings)


def names(diagram: Diagram) -> dict[str, tuple[str, str]]:
    """Node ID -> (kind, name)."""
    return {node.id: (node.kind, node.name) for node in diagram.nodes}


def edge_set(diagram: Diagram) -> set[tuple[str, str, str]]:
    """(source name, target name, label) of every edge."""
    by_id = {node.id: node.name or node.title for node in diagram.nodes}
    return {(by_id[edge.source], by_id[edge.target], edge.label) for edge in diagram.edges}


EXAMPLE_NODES = {
    ("subnet", "aws_subnet.public[0]"),
    ("subnet", "aws_subnet.public[1]"),
    ("subnet", "aws_subnet.private[0]"),
    ("subnet", "aws_subnet.private[1]"),
    ("nat", "aws_nat_gateway.main"),
    ("igw", "aws_internet_gateway.main"),
    ("route_table", "aws_route_table.public"),
    ("route_table", "aws_route_table.private"),
    ("gateway_endpoint", "aws_vpc_endpoint.ecr_api"),
    *{
        ("interface_endpoint", f"aws_vpc_endpoint.{name}")
        for name in ("ecr_dkr", "logs", "secretsmanager", "ssm", "ssmmessages")
    },
}
"""examples/: two public and two private subnets, one NAT, an IGW, two route tables, six endpoints."""

EXAMPLE_EDGES = {
    ("aws_subnet.public[0]", "aws_nat_gateway.main", "hosts"),
    ("aws_subnet.public[0]", "aws_route_table.public", "uses"),
    ("aws_subnet.public[1]", "aws_route_table.public", "uses"),
    ("aws_subnet.private[0]", "aws_route_table.private", "uses"),
    ("aws_subnet.private[1]", "aws_route_table.private", "uses"),
    ("aws_route_table.public", "aws_internet_gateway.main", "0.0.0.0/0"),
    ("aws_route_table.private", "aws_nat_gateway.main", "0.0.0.0/0"),
    ("aws_subnet.private[0]", "aws_vpc_endpoint.secretsmanager", "ENI"),
    *{
        (f"aws_subnet.private[{index}]", f"aws_vpc_endpoint.{name}", "ENI")
        for index in (0, 1)
        for name in ("ecr_dkr", "logs", "ssm", "ssmmessages")
    },
}
"""The association per subnet, each table's 0.0.0.0/0, the NAT's subnet, an ENI per endpoint subnet."""

EXAMPLE_MARKS = {
    "aws_vpc_endpoint.ecr_api": ("VPCE002",),
    "aws_vpc_endpoint.ecr_dkr": ("VPCE008",),
    "aws_vpc_endpoint.logs": ("VPCE006",),
    "aws_vpc_endpoint.secretsmanager": ("VPCE005",),
    "aws_vpc_endpoint.ssmmessages": ("VPCE010",),
}


# --- the graph --------------------------------------------------------------------------------------


def test_example_graph_matches_the_terraform() -> None:
    diagram = diagram_of(ROOT / "examples")
    assert set(names(diagram).values()) == EXAMPLE_NODES
    assert len(diagram.nodes) == len(EXAMPLE_NODES)
    assert edge_set(diagram) == EXAMPLE_EDGES and len(diagram.edges) == len(EXAMPLE_EDGES)
    groups = {group.id: group for group in diagram.groups}
    member = {node.name: groups[node.group].label for node in diagram.nodes if node.group}
    assert member["aws_subnet.public[0]"] == member["aws_subnet.private[0]"] == "AZ ap-northeast-1a"
    assert member["aws_nat_gateway.main"] == "AZ ap-northeast-1a"  # in the AZ of its subnet
    assert member["aws_subnet.public[1]"] == member["aws_subnet.private[1]"] == "AZ ap-northeast-1c"
    assert member["aws_route_table.private"] == "VPC aws_vpc.main · ap-northeast-1"
    assert {member[f"aws_vpc_endpoint.{n}"] for n in ("ecr_api", "ssm")} == {"endpoints"}
    assert all(groups[group.parent].kind == "vpc" for group in diagram.groups if group.kind != "vpc")
    marks = {node.name: node.marks for node in diagram.nodes if node.marks}
    assert marks == EXAMPLE_MARKS
    (vpc,) = [group for group in diagram.groups if group.kind == "vpc"]
    assert vpc.marks == ("VPCE013", "VPCE015") and vpc.address == "aws_vpc.main"
    assert all(edge.certain for edge in diagram.edges)


def test_unknown_parts_are_drawn_as_unknown(tmp_path: Path) -> None:
    diagram = diagram_of(terraform=UNKNOWNS, tmp_path=tmp_path)
    unknown = {(node.title, node.name) for node in diagram.nodes if node.kind == "unknown"}
    assert unknown == {
        ("route table not known", ""),  # var.subnet's association may name any subnet
        ("NAT gateway not known", "var.nat"),
        ("subnets not known", ""),
        ("route tables not known", ""),
    }
    assert all(not node.certain for node in diagram.nodes if node.kind == "unknown")
    edges = {
        (source, target, label): edge for edge in diagram.edges for source, target, label in [_named(diagram, edge)]
    }
    # The rules' reading: an association whose subnet is an input may be any subnet's, so no
    # subnet's route table is known, not even that of the one associated by name.
    for subnet in ("aws_subnet.known", "aws_subnet.somewhere", "aws_subnet.maybe[*]"):
        assert not edges[(subnet, "route table not known", "uses")].certain
    assert ("aws_subnet.known", "aws_route_table.private", "uses") not in edges
    assert edges[("aws_route_table.private", "NAT gateway not known", "0.0.0.0/0")].certain
    assert not edges[("subnets not known", "aws_vpc_endpoint.sts", "ENI?")].certain
    assert not edges[("route tables not known", "aws_vpc_endpoint.s3", "prefix list?")].certain
    groups = {group.id: group.label for group in diagram.groups}
    zones = {node.name: groups[node.group] for node in diagram.nodes if node.kind == "subnet" and node.group}
    assert zones == {
        "aws_subnet.known": "AZ us-east-1a",
        "aws_subnet.somewhere": "AZ not known",
        "aws_subnet.maybe[*]": "AZ us-east-1a",
    }
    (maybe,) = [node for node in diagram.nodes if node.name == "aws_subnet.maybe[*]"]
    assert not maybe.certain  # count = var.on ? 1 : 0: it may not exist


def test_main_route_tables_transit_gateways_and_outside_route_tables(tmp_path: Path) -> None:
    diagram = diagram_of(terraform=MAIN_TABLES, tmp_path=tmp_path)
    assert edge_set(diagram) == {
        ("aws_subnet.a", "aws_default_route_table.main", "uses"),  # no association: the main table
        ("aws_default_route_table.main", "aws_ec2_transit_gateway.hub", "0.0.0.0/0"),
        ("aws_default_route_table.main", "aws_vpc_endpoint.s3", "prefix list"),
        ("rtb-0123456789abcdef0", "aws_vpc_endpoint.s3", "prefix list"),
    }
    by_name = {node.name: node for node in diagram.nodes}
    assert by_name["aws_default_route_table.main"].title == "main route table"
    assert by_name["aws_ec2_transit_gateway.hub"].group is None  # shared between VPCs: outside the VPC
    assert by_name["rtb-0123456789abcdef0"].title == "route table (outside this configuration)"


def test_an_undeclared_main_route_table_is_drawn_once() -> None:
    diagram = diagram_of(ROOT / "fixtures" / "shape_multiple_vpcs")
    tables = [node for node in diagram.nodes if node.kind == "route_table"]
    assert len({node.id for node in tables}) == len(tables) == len({node.name for node in tables})


def test_findings_about_undrawn_resources_mark_their_vpc() -> None:
    diagram = diagram_of(ROOT / "examples")
    stray = Finding("VPCE004", "slug", Severity.WARNING, "m", "f.tf", 1, 1, "aws_security_group.x", "aws_vpc.main")
    elsewhere = Finding("VPCE004", "slug", Severity.WARNING, "m", "f.tf", 1, 1, "aws_security_group.x", "aws_vpc.b")
    unmarked = Diagram(
        diagram.vpcs,
        tuple(g.__class__(g.id, g.kind, g.label, g.parent, g.address) for g in diagram.groups),
        diagram.nodes,
        diagram.edges,
    )
    marked = unmarked.marked([stray, elsewhere])
    (vpc,) = [group for group in marked.groups if group.kind == "vpc"]
    assert vpc.marks == ("VPCE004",)
    assert not any(node.marks for node in marked.nodes)


def test_several_modules_get_distinct_ids_and_named_vpcs() -> None:
    configs = [load_directory(str(ROOT / "examples"), "examples"), load_directory(str(ROOT / "examples"), "copy")]
    views = [module_view(config, analyze(config)) for config in configs]
    diagram = picture(shown_vpcs(views), [])
    ids = [node.id for node in diagram.nodes] + [group.id for group in diagram.groups]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z0-9]+", identifier) for identifier in ids)
    labels = [group.label for group in diagram.groups if group.kind == "vpc"]
    assert labels == ["VPC aws_vpc.main · ap-northeast-1 · examples", "VPC aws_vpc.main · ap-northeast-1 · copy"]


def _named(diagram: Diagram, edge: object) -> tuple[str, str, str]:
    by_id = {node.id: node.name if node.kind != "unknown" else node.title for node in diagram.nodes}
    return (by_id[edge.source], by_id[edge.target], edge.label)  # type: ignore[attr-defined]


# --- escaping --------------------------------------------------------------------------------------------


def test_mermaid_labels_escape_what_mermaid_and_html_read() -> None:
    assert mermaid.escape('a"b#c&d<e>f`g') == "a#quot;b#35;c#amp;d#lt;e#gt;f#96;g"
    assert mermaid.escape("two\nlines") == "two lines"


def test_dot_strings_escape_quotes_and_backslashes() -> None:
    assert dot.quote('a"b\\N') == '"a\\"b\\\\N"'


# --- the real renderers -------------------------------------------------------------------------------------


def _require(check: object) -> None:
    try:
        check()  # type: ignore[operator]
    except RendererMissing as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} (CI must have the renderers)")
        pytest.skip(str(missing))


@dataclass
class Rendered:
    """The example, odd keys and unknowns, as rendered by mermaid-cli (SVG) and Graphviz (JSON)."""

    diagrams: dict[str, Diagram]
    svg: dict[str, Path]
    dot: dict[str, dict[str, object]]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    _require(lambda: mermaid_command(ROOT))
    _require(lambda: render_dot("digraph {}"))
    base = tmp_path_factory.mktemp("diagrams")
    diagrams = {"example": diagram_of(ROOT / "examples")}
    for name, terraform in (("odd", ODD_KEYS), ("unknowns", UNKNOWNS), ("tables", MAIN_TABLES)):
        directory = base / name
        directory.mkdir()
        diagrams[name] = diagram_of(terraform=terraform, tmp_path=directory)
    files = render_mermaid(ROOT, [mermaid.render(diagram) for diagram in diagrams.values()], base / "svg")
    dots = {name: json.loads(render_dot(dot.render(diagram))) for name, diagram in diagrams.items()}
    return Rendered(diagrams, dict(zip(diagrams, files, strict=True)), dots)


@dataclass
class Drawn:
    """What a rendered picture shows: nodes (ID -> label lines), edges, groups and where they are."""

    nodes: dict[str, list[str]]
    edges: set[tuple[str, str, str]]
    groups: dict[str, list[str]]
    classes: dict[str, set[str]]
    dashed: set[tuple[str, str]]
    inside: dict[str, set[str]]
    """Group ID -> the IDs of the nodes drawn within its box."""


def _lines(element: ElementTree.Element | None) -> list[str]:
    """The text of a label, one item per line (Mermaid writes line breaks as <br/>)."""
    if element is None:
        return []
    lines = [element.text or ""]
    for child in element:
        if child.tag == f"{XHTML}br":
            lines.append(child.tail or "")
        else:
            lines[-1] += "".join(child.itertext()) + (child.tail or "")
    return [line for line in lines if line]


def read_svg(path: Path, node_ids: set[str]) -> Drawn:
    root = ElementTree.parse(path).getroot()
    nodes: dict[str, list[str]] = {}
    classes: dict[str, set[str]] = {}
    positions: dict[str, tuple[float, float]] = {}
    for group in root.iter(f"{SVG}g"):
        match = re.fullmatch(r".*flowchart-([A-Za-z0-9]+)-\d+", group.get("id", ""))
        if match and "node" in group.get("class", "").split():
            nodes[match.group(1)] = _lines(group.find(f".//{XHTML}p"))
            classes[match.group(1)] = set(group.get("class", "").split())
            x, y = re.findall(r"[-\d.]+", group.get("transform", ""))[:2]
            positions[match.group(1)] = (float(x), float(y))
    boxes: dict[str, tuple[float, float, float, float]] = {}
    groups: dict[str, list[str]] = {}
    for group in root.iter(f"{SVG}g"):
        if "cluster" in group.get("class", "").split():
            identifier = group.get("id", "").removeprefix("my-svg-")
            rect = group.find(f"{SVG}rect")
            assert rect is not None
            box = tuple(float(rect.get(key, "0")) for key in ("x", "y", "width", "height"))
            boxes[identifier] = box  # type: ignore[assignment]
            groups[identifier] = _lines(group.find(f".//{XHTML}p"))
    labels: dict[str, str] = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "label" and group.get("data-id", "").startswith("L_"):
            labels[group.get("data-id", "")] = " ".join(_lines(group.find(f".//{XHTML}p")))
    edges: set[tuple[str, str, str]] = set()
    dashed: set[tuple[str, str]] = set()
    for path_element in root.iter(f"{SVG}path"):
        link = path_element.get("data-id", "")
        if "flowchart-link" not in path_element.get("class", ""):
            continue
        _, source, target, _ = link.split("_")
        assert {source, target} <= node_ids, link
        edges.add((source, target, labels.get(link, "")))
        if "edge-pattern-dotted" in path_element.get("class", "") or "edge-pattern-dashed" in path_element.get(
            "class", ""
        ):
            dashed.add((source, target))
    inside = {
        group: {
            node
            for node, (x, y) in positions.items()
            if box[0] <= x <= box[0] + box[2] and box[1] <= y <= box[1] + box[3]
        }
        for group, box in boxes.items()
    }
    return Drawn(nodes, edges, groups, classes, dashed, inside)


def _expected_lines(node: object) -> list[str]:
    lines = [line for line in (node.title, node.name) if line]  # type: ignore[attr-defined]
    if node.marks:  # type: ignore[attr-defined]
        lines.append("⚠ " + " ".join(node.marks))  # type: ignore[attr-defined]
    return lines


@pytest.mark.parametrize("name", ["example", "odd", "unknowns", "tables"])
def test_mermaid_renders_the_nodes_edges_and_groups_of_the_model(rendered: Rendered, name: str) -> None:
    diagram = rendered.diagrams[name]
    node_ids = {node.id for node in diagram.nodes}
    drawn = read_svg(rendered.svg[name], node_ids)
    # Every node, with its label exactly as the model has it (escaping undone by the renderer).
    assert drawn.nodes == {node.id: _expected_lines(node) for node in diagram.nodes}
    assert drawn.edges == {(edge.source, edge.target, edge.label) for edge in diagram.edges}
    assert drawn.dashed == {(edge.source, edge.target) for edge in diagram.edges if not edge.certain}
    assert set(drawn.groups) == {group.id for group in diagram.groups}
    for group in diagram.groups:
        assert drawn.groups[group.id] == [group.label, *(["⚠ " + " ".join(group.marks)] if group.marks else [])]
        members = {node.id for node in diagram.nodes if node.group == group.id}
        assert members <= drawn.inside[group.id], group.label  # drawn inside its group's box
    for node in diagram.nodes:
        assert ("finding" in drawn.classes[node.id]) == bool(node.marks)
        assert ("unknown" in drawn.classes[node.id]) == (node.kind == "unknown")


def test_rendered_odd_keys_show_as_written(rendered: Rendered) -> None:
    drawn = read_svg(rendered.svg["odd"], {node.id for node in rendered.diagrams["odd"].nodes})
    subnets = {lines[1] for lines in drawn.nodes.values() if lines[0] == "subnet"}
    assert subnets == {
        'aws_subnet.odd["a\\"b"]',
        'aws_subnet.odd["x[0]<y>"]',
        'aws_subnet.odd["#&`|{}"]',
        'aws_subnet.odd["back\\\\slash"]',
        'aws_subnet.odd["end"]',
    }


@pytest.mark.parametrize("name", ["example", "odd", "unknowns", "tables"])
def test_graphviz_renders_the_nodes_edges_and_clusters_of_the_model(rendered: Rendered, name: str) -> None:
    diagram = rendered.diagrams[name]
    graph = rendered.dot[name]
    objects: list[dict[str, object]] = graph["objects"]  # type: ignore[assignment]
    by_index = {index: item for index, item in enumerate(objects)}
    nodes = {str(item["name"]): item for item in objects if not str(item["name"]).startswith("cluster_")}
    assert set(nodes) == {node.id for node in diagram.nodes}
    for node in diagram.nodes:
        drawn = [op["text"] for op in nodes[node.id]["_ldraw_"] if op["op"] == "T"]  # type: ignore[attr-defined,index]
        assert drawn == _expected_lines(node)
    edges = {
        (str(by_index[edge["tail"]]["name"]), str(by_index[edge["head"]]["name"]), edge["label"])
        for edge in graph["edges"]  # type: ignore[attr-defined]
    }
    assert edges == {(edge.source, edge.target, edge.label) for edge in diagram.edges}
    clusters = {
        str(item["name"]).removeprefix("cluster_"): item for item in objects if str(item["name"]).startswith("cluster_")
    }
    assert set(clusters) == {group.id for group in diagram.groups}
    for group in diagram.groups:
        members = {str(by_index[index]["name"]) for index in clusters[group.id].get("nodes", [])}  # type: ignore[attr-defined]
        direct = {node.id for node in diagram.nodes if node.group == group.id}
        assert direct <= members
