"""A picture of each VPC's private paths, as a graph: AZs and the VPC as groups, and nodes and edges.

Subnets sit in their AZ's group, NAT gateways in the AZ of their subnet; route tables, internet
gateways and endpoints in the VPC's group; Transit Gateways outside it. Edges: a subnet to its
route table (``aws_route_table_association``, else the VPC's main route table), a route table to
where its ``0.0.0.0/0`` route goes, a route table to each Gateway endpoint on it, a subnet to each
Interface endpoint with an ENI in it, a NAT gateway to the subnet it sits in. What the
configuration does not tell (an AZ, a route table, a route's target, attachments of an unknown
list) becomes an *unknown* node, and what may not exist is drawn dashed.

The graph knows nothing of Mermaid or Graphviz: the renderers in :mod:`vpce_checks.views` turn it
into text. Node and group IDs are letters and digits only, so they need no escaping and a
renderer's own IDs built from them (Mermaid's ``L_<from>_<to>_0``) can be split again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable

from vpce_checks.core.findings import Finding
from vpce_checks.core.layout import (
    MAIN_TABLE_ATTRIBUTES,
    TARGET_KINDS,
    Target,
    VpcLayout,
    main_table_key,
    service_label,
    unknown_text,
)
from vpce_checks.core.network import Endpoint
from vpce_checks.core.values import ResourceRef, Value


@dataclass(frozen=True)
class Group:
    """A box that holds nodes: the VPC (``kind="vpc"``), one of its AZs (``"az"``) or its endpoints."""

    id: str
    kind: str
    label: str
    parent: str | None = None
    address: str | None = None
    marks: tuple[str, ...] = ()
    """Rule IDs of the findings about it (for a VPC: those about the VPC or about nothing drawn)."""

    @property
    def lines(self) -> list[str]:
        """The lines of its label: what it is, then its findings."""
        return [self.label, *_mark_line(self.marks)]


@dataclass(frozen=True)
class Node:
    """One thing in the picture.

    ``kind`` is one of ``subnet``, ``route_table``, ``nat``, ``igw``, ``tgw``, ``gateway_endpoint``,
    ``interface_endpoint``, ``endpoint`` (another type), ``target`` (another route target) or
    ``unknown``; ``title`` says what it is and ``name`` which one (its address or ID).
    """

    id: str
    kind: str
    title: str
    name: str
    group: str | None
    address: str | None = None
    certain: bool = True
    marks: tuple[str, ...] = ()

    @property
    def lines(self) -> list[str]:
        """The lines of its label: what it is, which one, then its findings."""
        return [line for line in (self.title, self.name) if line] + _mark_line(self.marks)


def _mark_line(marks: tuple[str, ...]) -> list[str]:
    return ["⚠ " + " ".join(marks)] if marks else []


@dataclass(frozen=True)
class Edge:
    """A link from ``source`` to ``target`` (node IDs), with a short label; dashed when not certain.

    ``placement`` marks a link that says where something sits (a NAT gateway in its subnet) rather
    than where traffic goes; it is drawn without an arrowhead.
    """

    source: str
    target: str
    label: str
    certain: bool = True
    placement: bool = False


@dataclass(frozen=True)
class Diagram:
    """The picture of one VPC (or several, joined with :func:`join`)."""

    vpcs: tuple[str, ...]
    groups: tuple[Group, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def marked(self, findings: Iterable[Finding]) -> Diagram:
        """The same picture with each finding's rule ID marked on the node (or VPC) it is about.

        A finding about a resource the picture does not draw (a security group, say) is marked on
        its VPC's group when it names that VPC.
        """
        by_address: dict[str, set[str]] = {}
        by_vpc: dict[str, set[str]] = {}
        drawn = {node.address for node in self.nodes if node.address}
        for finding in findings:
            if finding.address in drawn or finding.vpc is None:
                by_address.setdefault(finding.address, set()).add(finding.rule_id)
            else:
                by_vpc.setdefault(finding.vpc, set()).add(finding.rule_id)
        nodes = tuple(
            replace(node, marks=tuple(sorted(by_address.get(node.address, ())))) if node.address else node
            for node in self.nodes
        )
        groups = tuple(
            replace(group, marks=tuple(sorted(by_address.get(group.address, set()) | by_vpc.get(group.address, set()))))
            if group.address
            else group
            for group in self.groups
        )
        return replace(self, nodes=nodes, groups=groups)

    def tree(self) -> tuple[dict[str | None, list[Group]], dict[str | None, list[Node]]]:
        """The groups inside each group, and the nodes directly in each (key None: the top level)."""
        children: dict[str | None, list[Group]] = {}
        for group in self.groups:
            children.setdefault(group.parent, []).append(group)
        members: dict[str | None, list[Node]] = {}
        for node in self.nodes:
            members.setdefault(node.group, []).append(node)
        return children, members

    @property
    def has_marks(self) -> bool:
        """True when some finding is marked on the picture."""
        return any(node.marks for node in self.nodes) or any(group.marks for group in self.groups)


def join(diagrams: Iterable[Diagram]) -> Diagram:
    """Several pictures as one (their IDs must differ: build them with different prefixes)."""
    parts = list(diagrams)
    return Diagram(
        vpcs=tuple(vpc for part in parts for vpc in part.vpcs),
        groups=tuple(group for part in parts for group in part.groups),
        nodes=tuple(node for part in parts for node in part.nodes),
        edges=tuple(edge for part in parts for edge in part.edges),
    )


def vpc_diagram(layout: VpcLayout, prefix: str, title: str | None = None) -> Diagram:
    """The picture of one VPC; every ID starts with ``prefix`` (letters and digits only).

    ``title`` overrides the VPC group's label (the views add the module directory when they show
    several modules).
    """
    builder = _Builder(prefix)
    builder.draw(layout, title)
    return Diagram((layout.label,), tuple(builder.groups), tuple(builder.nodes), tuple(builder.edges))


@dataclass
class _Builder:
    prefix: str
    groups: list[Group] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    by_name: dict[tuple[str, str], str] = field(default_factory=dict)
    """(kind, name) -> node ID, so a thing reached twice is drawn once."""
    drawn: set[Edge] = field(default_factory=set)

    def draw(self, layout: VpcLayout, title: str | None) -> None:
        where = layout.region or "region not known"
        if layout.vpc is None:
            label = f"VPC {layout.label} (not in this configuration) · {where}"
        else:
            label = f"VPC {layout.label} · {where}"
        if not layout.complete:
            label += " · more may exist than shown"
        vpc = self._group("vpc", title or label, None, layout.vpc.address if layout.vpc else None)
        zones: dict[str | None, str] = {}
        for subnet in layout.subnets:
            if subnet.zone not in zones:
                zones[subnet.zone] = self._group("az", f"AZ {subnet.zone or 'not known'}", vpc)
            self._node("subnet", "subnet", subnet.address, zones[subnet.zone], subnet.address, subnet.certain)
        for nat in layout.nat_gateways:
            group = zones.get(nat.zone, vpc) if nat.zone else vpc
            title_text = "private NAT gateway" if nat.private else "NAT gateway"
            node = self._node("nat", title_text, nat.address, group, nat.address, nat.certain)
            if nat.subnet is not None:
                self._edge(self._known("subnet", nat.subnet), node, "hosts", nat.certain, placement=True)
        for gateway in layout.internet_gateways:
            self._node("igw", "internet gateway", gateway, vpc, gateway)
        for table in layout.route_tables:
            self._route_table(table.address, table.main, table.declared, vpc, table.certain)
        tables = {table.address for table in layout.route_tables}
        for subnet in layout.subnets:
            source = self._known("subnet", subnet.address)
            if subnet.route_table in tables:
                self._edge(source, self._known("route_table", subnet.route_table), "uses", subnet.certain)
            elif subnet.route_table is not None:
                self._edge(source, self._external("route_table", "route table", subnet.route_table, vpc), "uses")
            else:
                self._edge(source, self._unknown("route table not known", vpc), "uses", certain=False)
        for table in layout.route_tables:
            for target in table.default_routes:
                source = self._known("route_table", table.address)
                self._edge(source, self._target(target, vpc), "0.0.0.0/0", target.certain)
        main = next((table.address for table in layout.route_tables if table.main), main_table_key(layout.key))
        endpoints = self._group("endpoints", "endpoints", vpc) if layout.endpoints else vpc
        for endpoint in layout.endpoints:
            self._endpoint(endpoint, vpc, endpoints, layout.key, main)

    def _route_table(self, address: str, main: bool, declared: bool, vpc: str, certain: bool = True) -> str:
        title = "main route table" if main else "route table"
        if not declared:
            title += " (not declared)"
        return self._node("route_table", title, address, vpc, address if declared else None, certain)

    def _endpoint(self, endpoint: Endpoint, vpc: str, group: str, vpc_key: str, main_table: str) -> None:
        kind = {"Gateway": "gateway_endpoint", "Interface": "interface_endpoint"}.get(endpoint.type or "", "endpoint")
        title = f"{endpoint.type} endpoint" if endpoint.type else "endpoint of unknown type"
        certain = endpoint.resource.certain
        node = self._node(
            kind, f"{title}: {service_label(endpoint)}", endpoint.address, group, endpoint.address, certain
        )
        if kind != "interface_endpoint":
            for item in endpoint.route_tables.items:
                table = item.address if isinstance(item, ResourceRef) else None
                if (
                    isinstance(item, ResourceRef)
                    and item.address == vpc_key
                    and item.attribute in MAIN_TABLE_ATTRIBUTES
                ):
                    table = main_table
                    if ("route_table", table) not in self.by_name:
                        self._route_table(table, True, False, vpc)
                self._edge(self._attached("route_table", "route table", table, item, vpc), node, "prefix list")
            if not endpoint.route_tables.complete:
                self._edge(self._unknown("route tables not known", vpc), node, "prefix list?", certain=False)
        if kind != "gateway_endpoint":
            for item in endpoint.subnets.items:
                address = item.address if isinstance(item, ResourceRef) else None
                self._edge(self._attached("subnet", "subnet", address, item, vpc), node, "ENI")
            if not endpoint.subnets.complete:
                self._edge(self._unknown("subnets not known", vpc), node, "ENI?", certain=False)

    def _attached(self, kind: str, title: str, address: str | None, item: Value, vpc: str) -> str:
        """The node of an attached route table or subnet: drawn, outside the configuration, or unknown."""
        if address is not None and (kind, address) in self.by_name:
            return self.by_name[(kind, address)]
        if isinstance(item, (str, ResourceRef)):
            return self._external(kind, title, str(address or item), vpc)
        return self._unknown(f"{title} not known", vpc, unknown_text(item))

    def _target(self, target: Target, vpc: str) -> str:
        kind = {"nat": "nat", "igw": "igw", "tgw": "tgw"}.get(target.kind, "target")
        if target.kind == "unknown":
            return self._unknown(target.name, vpc)
        if not target.known:
            return self._unknown(f"{TARGET_KINDS[target.kind]} not known", vpc, target.name)
        if (kind, target.name) in self.by_name:
            return self.by_name[(kind, target.name)]
        group = None if kind == "tgw" else vpc  # a Transit Gateway is shared between VPCs
        return self._node(kind, TARGET_KINDS[target.kind], target.name, group, target.address)

    def _external(self, kind: str, title: str, name: str, vpc: str) -> str:
        if (kind, name) in self.by_name:
            return self.by_name[(kind, name)]
        return self._node(kind, f"{title} (outside this configuration)", name, vpc)

    def _unknown(self, title: str, vpc: str, name: str = "") -> str:
        """A part the configuration does not tell: drawn once per VPC and kind of unknown."""
        key = f"{title}\0{name}"
        if ("unknown", key) in self.by_name:
            return self.by_name[("unknown", key)]
        return self._node("unknown", title, name, vpc, None, certain=False, key=key)

    def _known(self, kind: str, name: str) -> str:
        return self.by_name[(kind, name)]

    def _group(self, kind: str, label: str, parent: str | None, address: str | None = None) -> str:
        group = Group(f"{self.prefix}g{len(self.groups) + 1}", kind, label, parent, address)
        self.groups.append(group)
        return group.id

    def _node(
        self,
        kind: str,
        title: str,
        name: str,
        group: str | None,
        address: str | None = None,
        certain: bool = True,
        key: str | None = None,
    ) -> str:
        node = Node(f"{self.prefix}n{len(self.nodes) + 1}", kind, title, name, group, address, certain)
        self.nodes.append(node)
        self.by_name[(kind, key or name)] = node.id
        return node.id

    def _edge(self, source: str, target: str, label: str, certain: bool = True, placement: bool = False) -> None:
        edge = Edge(source, target, label, certain, placement)
        if edge not in self.drawn:
            self.drawn.add(edge)
            self.edges.append(edge)
