"""A picture of each VPC's private paths, as a graph: AZs and the VPC as groups, and nodes and edges.

Subnets sit in their AZ's group, NAT gateways in the AZ of their subnet; route tables, internet
gateways, NAT instances and endpoints in the VPC's group; Transit Gateways outside it. Edges: a
subnet to the route table it uses, a route table to where its ``0.0.0.0/0`` route goes, a route
table to each Gateway endpoint on it, a subnet to each Interface endpoint with an ENI in it, a NAT
gateway to the subnet it sits in. Route tables, which table each subnet uses and where each
default route leads are the rule core's reading (:mod:`vpce_checks.core.routing`), so the picture
shows the tables and paths the rules' messages name. What the configuration does not tell (an AZ,
a route table, a route's target, attachments of an unknown list) becomes an *unknown* node, and
what may not exist is drawn dashed.

The graph knows nothing of Mermaid or Graphviz: the renderers in :mod:`vpce_checks.views` turn it
into text. Node and group IDs are letters and digits only, so they need no escaping and a
renderer's own IDs built from them (Mermaid's ``L_<from>_<to>_0``) can be split again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable

from vpce_checks.core.findings import Finding
from vpce_checks.core.layout import VpcLayout, service_label, unknown_text
from vpce_checks.core.network import Endpoint
from vpce_checks.core.routing import Egress, Route
from vpce_checks.core.values import ResourceRef, Value

TARGET_NODE_KINDS = {
    Egress.NAT_GATEWAY: "nat",
    Egress.NAT_INSTANCE: "nat_instance",
    Egress.TRANSIT_GATEWAY: "tgw",
    Egress.INTERNET_GATEWAY: "igw",
    Egress.OTHER: "target",
}
"""The node kind of each kind of place a default route can lead to."""


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

    ``kind`` is one of ``subnet``, ``route_table``, ``nat``, ``nat_instance``, ``igw``, ``tgw``,
    ``gateway_endpoint``, ``interface_endpoint``, ``endpoint`` (another type), ``target`` (another
    route target) or ``unknown``; ``title`` says what it is and ``name`` which one (its address or ID).
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
    builder = _Builder(prefix, layout)
    builder.draw(title)
    return Diagram((layout.label,), tuple(builder.groups), tuple(builder.nodes), tuple(builder.edges))


@dataclass
class _Builder:
    prefix: str
    layout: VpcLayout
    groups: list[Group] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    by_name: dict[tuple[str, str], str] = field(default_factory=dict)
    """(kind, name or routing key) -> node ID, so a thing reached twice is drawn once."""
    drawn: set[Edge] = field(default_factory=set)
    vpc: str = ""
    """The ID of the VPC's group."""

    def draw(self, title: str | None) -> None:
        layout = self.layout
        where = layout.region or "region not known"
        if layout.vpc is None:
            label = f"VPC {layout.label} (not in this configuration) · {where}"
        else:
            label = f"VPC {layout.label} · {where}"
        if not layout.complete:
            label += " · more may exist than shown"
        self.vpc = self._group("vpc", title or label, None, layout.vpc.address if layout.vpc else None)
        zones: dict[str | None, str] = {}
        for subnet in layout.subnets:
            if subnet.zone not in zones:
                zones[subnet.zone] = self._group("az", f"AZ {subnet.zone or 'not known'}", self.vpc)
            self._node("subnet", "subnet", subnet.address, zones[subnet.zone], subnet.address, subnet.certain)
        for nat in layout.nat_gateways:
            group = zones.get(nat.zone, self.vpc) if nat.zone else self.vpc
            title_text = "private NAT gateway" if nat.private else "NAT gateway"
            node = self._node("nat", title_text, nat.address, group, nat.address, nat.certain)
            if nat.subnet is not None:
                self._edge(self.by_name[("subnet", nat.subnet)], node, "hosts", nat.certain, placement=True)
        for gateway in layout.internet_gateways:
            self._node("igw", "internet gateway", gateway, self.vpc, gateway)
        used = {subnet.route_table for subnet in layout.subnets}
        for table in layout.route_tables:
            if table.resource is not None or table.default_routes or table.key in used:
                self._table(table.key)
        for subnet in layout.subnets:
            source = self.by_name[("subnet", subnet.address)]
            if subnet.route_table is None:
                self._edge(source, self._unknown("route table not known"), "uses", certain=False)
            else:
                self._edge(source, self._table(subnet.route_table), "uses", subnet.certain)
        endpoints = self._group("endpoints", "endpoints", self.vpc) if layout.endpoints else self.vpc
        for endpoint in layout.endpoints:
            self._endpoint(endpoint, endpoints)

    def _table(self, key: str) -> str:
        """The node of the route table with routing key ``key``, drawn with its default routes when new."""
        if ("route_table", key) in self.by_name:
            return self.by_name[("route_table", key)]
        table = self.layout.routing.tables.get(key)
        if table is None:  # a literal ID: a table outside the configuration
            return self._node("route_table", "route table (outside this configuration)", key, self.vpc)
        title = "main route table" if key == self.layout.main_table else "route table"
        if table.resource is None:
            title += " (not declared)"
        address = table.resource.address if table.resource is not None else None
        node = self._node("route_table", title, table.address, self.vpc, address, table.certain, key=key)
        for route in table.default_routes:
            self._edge(node, self._route_target(route), "0.0.0.0/0", route.certain)
        return node

    def _route_target(self, route: Route) -> str:
        """Where a default route leads: a gateway, NAT instance or other target, or a node *not known*."""
        if route.kind is None:
            if route.target is None:
                return self._unknown("routes not known")
            return self._unknown("route target not known", unknown_text(route.target))
        kind = TARGET_NODE_KINDS[route.kind]
        if isinstance(route.target, ResourceRef):
            name, address = route.target.address, route.target.address
        elif isinstance(route.target, str):
            name, address = route.target, None
        else:
            return self._unknown(f"{route.kind.noun} not known", unknown_text(route.target))
        if (kind, name) in self.by_name:
            return self.by_name[(kind, name)]
        group = None if kind == "tgw" else self.vpc  # a Transit Gateway is shared between VPCs
        return self._node(kind, route.kind.noun, name, group, address)

    def _endpoint(self, endpoint: Endpoint, group: str) -> None:
        kind = {"Gateway": "gateway_endpoint", "Interface": "interface_endpoint"}.get(endpoint.type or "", "endpoint")
        title = f"{endpoint.type} endpoint" if endpoint.type else "endpoint of unknown type"
        title += f": {service_label(endpoint)}"
        reaches = self.layout.cross_region.get(endpoint.address)
        if reaches is not None:
            title += f" in {reaches} (cross-region)"
        node = self._node(kind, title, endpoint.address, group, endpoint.address, endpoint.resource.certain)
        if kind != "interface_endpoint":
            for item in endpoint.route_tables.items:
                self._edge(self._attached_table(item), node, "prefix list")
            if not endpoint.route_tables.complete:
                self._edge(self._unknown("route tables not known"), node, "prefix list?", certain=False)
        if kind != "gateway_endpoint":
            for item in endpoint.subnets.items:
                self._edge(self._subnet(item), node, "ENI")
            if not endpoint.subnets.complete:
                self._edge(self._unknown("subnets not known"), node, "ENI?", certain=False)

    def _attached_table(self, item: Value) -> str:
        """The node of a route table an endpoint is attached to, however it is named, or one not known."""
        key = self.layout.routing.table_key(item)
        return self._unknown("route table not known", unknown_text(item)) if key is None else self._table(key)

    def _subnet(self, item: Value) -> str:
        """The node of an attached subnet: drawn, outside the configuration, or not known."""
        key = self.layout.routing.subnet_key(item)
        if key is None and isinstance(item, ResourceRef):
            key = item.address  # a resource of another type, or outside the configuration
        if key is None:
            return self._unknown("subnet not known", unknown_text(item))
        if ("subnet", key) in self.by_name:
            return self.by_name[("subnet", key)]
        return self._node("subnet", "subnet (outside this configuration)", key, self.vpc)

    def _unknown(self, title: str, name: str = "") -> str:
        """A part the configuration does not tell: drawn once per VPC and kind of unknown."""
        key = f"{title}\0{name}"
        if ("unknown", key) in self.by_name:
            return self.by_name[("unknown", key)]
        return self._node("unknown", title, name, self.vpc, None, certain=False, key=key)

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
