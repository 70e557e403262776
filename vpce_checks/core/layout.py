"""Where things sit in each VPC: subnets per AZ, route tables and where their default route goes,
NAT and internet gateways, and the VPC's endpoints.

The cost and diagram views read this layout; it reads the same model and network view the rules
read (endpoints, VPC keys, AZs and NAT use come from :class:`~vpce_checks.core.network.Network`)
and adds what only the views need. As everywhere in the core, what cannot be known stays unknown:
a subnet whose AZ is an unknown input has ``zone=None``, a route table whose routes come from an
input has an unknown default route, a NAT gateway whose VPC cannot be told makes the NAT count of
every VPC unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vpce_checks.core.model import Configuration, Resource
from vpce_checks.core.network import Endpoint, Network, Vpc
from vpce_checks.core.prices import RegionPrices, prices_for
from vpce_checks.core.routing import ANYWHERE
from vpce_checks.core.values import PartialString, ResourceRef, Unknown, Value, as_list

LAYOUT_RESOURCE_TYPES = frozenset(
    {
        "aws_subnet",
        "aws_route_table",
        "aws_default_route_table",
        "aws_route",
        "aws_route_table_association",
        "aws_main_route_table_association",
        "aws_nat_gateway",
        "aws_internet_gateway",
    }
)
"""Every resource type the layout reads beside the network view's (the parse phase keeps them)."""

TARGET_KINDS = {
    "nat": "NAT gateway",
    "igw": "internet gateway",
    "tgw": "Transit Gateway",
    "instance": "instance or network interface",
    "peering": "VPC peering connection",
    "vgw": "virtual private gateway",
    "endpoint": "Gateway Load Balancer endpoint",
    "other": "other target",
    "unknown": "target not known",
}
"""The kinds of place a default route can send traffic to, with how they are named."""

_ROUTE_TARGETS = (
    ("nat_gateway_id", "nat"),
    ("transit_gateway_id", "tgw"),
    ("gateway_id", "gateway"),
    ("network_interface_id", "instance"),
    ("instance_id", "instance"),
    ("vpc_peering_connection_id", "peering"),
    ("vpc_endpoint_id", "endpoint"),
    ("core_network_arn", "other"),
    ("carrier_gateway_id", "other"),
    ("local_gateway_id", "other"),
)
"""Route attributes naming a target, and the kind of target each names (``gateway``: see below)."""

_GATEWAY_KINDS = {"aws_internet_gateway": "igw", "aws_nat_gateway": "nat", "aws_vpn_gateway": "vgw"}
_GATEWAY_ID_PREFIXES = {"igw-": "igw", "nat-": "nat", "vgw-": "vgw"}
MAIN_TABLE_ATTRIBUTES = ("main_route_table_id", "default_route_table_id")
"""The attributes of an ``aws_vpc`` that name its main route table."""
_MODULE_PATH = re.compile(r'^(?:module\.[^.\[]+(?:\[(?:"[^"]*"|[^\]]*)\])?\.)+')


@dataclass(frozen=True)
class Target:
    """Where a default route sends traffic: a kind (a key of :data:`TARGET_KINDS`) and what it names.

    ``address`` is the resource address when the target is a resource of the configuration, else
    None; ``name`` is how to show it (the address, a literal ID, or the unknown input). ``known``
    is False when the target comes from outside the configuration (an input, a data source);
    ``certain`` is False when the route may not exist or may not be the default route.
    """

    kind: str
    name: str
    address: str | None = None
    certain: bool = True
    known: bool = True


@dataclass
class Subnet:
    """A subnet of the VPC: its AZ (None when unknown) and the route table it uses.

    ``route_table`` is the address of the route table (or the VPC's main route table key), a
    literal ID, or None when it cannot be known.
    """

    address: str
    zone: str | None
    certain: bool
    route_table: str | None = None


@dataclass
class RouteTable:
    """A route table of the VPC and where its ``0.0.0.0/0`` route goes (empty: no default route)."""

    address: str
    main: bool
    certain: bool
    declared: bool = True
    """False for the VPC's main route table when the configuration does not declare it."""
    default_routes: list[Target] = field(default_factory=list)


@dataclass
class NatGateway:
    """A NAT gateway: the subnet and AZ it sits in (None when unknown)."""

    address: str
    subnet: str | None
    zone: str | None
    certain: bool
    private: bool


@dataclass
class VpcLayout:
    """One VPC as the views see it.

    ``key`` is the network view's VPC key: an ``aws_vpc`` address, a literal VPC ID or
    ``unknown:<input>``, or ``""`` for endpoints whose VPC nothing tells. ``vpc`` is the declared
    VPC, None when the VPC is outside the configuration. ``complete`` is False when more may sit
    in this VPC than the layout shows (a skipped module, an unreadable file, a NAT gateway or
    subnet whose VPC is unknown).
    """

    key: str
    vpc: Vpc | None
    endpoints: list[Endpoint]
    prices: RegionPrices
    subnets: list[Subnet] = field(default_factory=list)
    route_tables: list[RouteTable] = field(default_factory=list)
    nat_gateways: list[NatGateway] = field(default_factory=list)
    internet_gateways: list[str] = field(default_factory=list)
    endpoint_zones: dict[str, tuple[frozenset[str], bool]] = field(default_factory=dict)
    """Endpoint address -> the AZs of its subnets and whether all are known (``Network.subnet_zones``)."""
    complete: bool = True
    nat_gateways_complete: bool = True
    """False when NAT gateways may sit here that the layout cannot place (their count is unknown)."""

    @property
    def label(self) -> str:
        """How the VPC is named: its address, or where its ID comes from."""
        if self.vpc is not None:
            return self.vpc.address
        if not self.key:
            return "VPC not known"
        return self.key.removeprefix("unknown:")

    @property
    def region(self) -> str | None:
        """The VPC's region when the configuration tells it."""
        return self.prices.requested

    @property
    def routes_to_nat(self) -> bool | None:
        """True when a route table sends 0.0.0.0/0 to a NAT, False when none does, None when not known."""
        if self.vpc is None:
            return None
        if self.vpc.nat_route_tables:
            return True
        return None if self.vpc.nat_unknown else False

    def zones(self) -> set[str] | None:
        """The AZs of the VPC's subnets, or None when some subnet's AZ (or subnet) may be missing."""
        if not self.complete or self.vpc is None:
            return None
        zones = set()
        for subnet in self.subnets:
            if subnet.zone is None or not subnet.certain:
                return None
            zones.add(subnet.zone)
        return zones

    def zone_count(self, endpoint: Endpoint) -> int | None:
        """How many AZs an endpoint's subnets are in, or None when that is not known."""
        zones, all_known = self.endpoint_zones.get(endpoint.address, (frozenset(), False))
        return len(zones) if all_known else None

    def nat_count(self) -> int | None:
        """How many NAT gateways certainly sit in this VPC, or None when that cannot be known."""
        if not self.nat_gateways_complete or any(not nat.certain for nat in self.nat_gateways):
            return None
        return len(self.nat_gateways)


def vpc_layouts(network: Network) -> list[VpcLayout]:
    """The layout of every VPC the configuration declares or puts endpoints in, declared ones first."""
    config = network.config
    layouts: dict[str, VpcLayout] = {}
    for key, vpc in network.vpcs.items():
        layouts[key] = VpcLayout(key, vpc, list(vpc.endpoints), network.prices(vpc), complete=vpc.judged)
    for endpoint in network.endpoints:
        key = endpoint.vpc or ""
        if key not in layouts:
            layouts[key] = VpcLayout(key, None, [], _prices(network, []), complete=False)
            layouts[key].nat_gateways_complete = False
        if layouts[key].vpc is None:
            layouts[key].endpoints.append(endpoint)
            layouts[key].prices = _prices(network, layouts[key].endpoints)
    for layout in layouts.values():
        for endpoint in layout.endpoints:
            zones, all_known = network.subnet_zones(endpoint.subnets)
            layout.endpoint_zones[endpoint.address] = (frozenset(zones), all_known)
    declared = {key: layout for key, layout in layouts.items() if layout.vpc is not None}
    subnets = _place_subnets(network, declared)
    _place_route_tables(network, declared, subnets)
    _place_gateways(network, declared, subnets)
    if not config.complete or config.problems:
        for layout in layouts.values():
            layout.complete = False
            layout.nat_gateways_complete = False
    return list(layouts.values())


def _prices(network: Network, endpoints: list[Endpoint]) -> RegionPrices:
    """Prices for a VPC outside the configuration, by the rule the network view applies to declared ones."""
    regions = {endpoint.service.region for endpoint in endpoints if endpoint.service.region}
    provider = network.config.region if isinstance(network.config.region, str) else None
    return prices_for(regions.pop() if len(regions) == 1 else provider)


def _place_subnets(network: Network, layouts: dict[str, VpcLayout]) -> dict[str, tuple[VpcLayout, Subnet]]:
    """Put each subnet in its VPC; a subnet whose VPC is unknown leaves every VPC incomplete."""
    placed: dict[str, tuple[VpcLayout, Subnet]] = {}
    for resource in network.config.of_type("aws_subnet"):
        key = network.vpc_key(resource.get("vpc_id"))
        if key not in layouts:
            if key is None or key.startswith("unknown:"):
                _all_incomplete(layouts)
            continue
        subnet = Subnet(resource.address, _zone(resource), resource.certain)
        layouts[key].subnets.append(subnet)
        placed[resource.address] = (layouts[key], subnet)
    return placed


def _zone(subnet: Resource) -> str | None:
    """A subnet's AZ, by name or ID, when it is known."""
    for attribute in ("availability_zone", "availability_zone_id"):
        value = subnet.get(attribute)
        if isinstance(value, str):
            return value
    return None


def _place_route_tables(
    network: Network, layouts: dict[str, VpcLayout], subnets: dict[str, tuple[VpcLayout, Subnet]]
) -> None:
    """Route tables in their VPCs with their default routes, and the route table of each subnet."""
    config = network.config
    tables: dict[str, RouteTable] = {}
    mains: dict[str, str] = {}  # VPC key -> address of its main route table
    for resource in config.of_type("aws_route_table"):
        key = network.vpc_key(resource.get("vpc_id"))
        if key in layouts:
            tables[resource.address] = _route_table(resource, layouts[key], main=False)
    for resource in config.of_type("aws_default_route_table"):
        owner = resource.get("default_route_table_id")
        if isinstance(owner, ResourceRef) and owner.address in layouts and owner.attribute in MAIN_TABLE_ATTRIBUTES:
            tables[resource.address] = _route_table(resource, layouts[owner.address], main=True)
            mains[owner.address] = resource.address
    for association in config.of_type("aws_main_route_table_association"):
        key = network.vpc_key(association.get("vpc_id"))
        table = association.get("route_table_id")
        if key in layouts and isinstance(table, ResourceRef) and table.address in tables and association.certain:
            tables[table.address].main = True
            mains[key] = table.address
    for route in config.of_type("aws_route"):
        table = _route_table_address(route.get("route_table_id"), layouts, mains, tables)
        if table is None:
            if not isinstance(route.get("route_table_id"), str):
                _all_incomplete(layouts)  # a route of an unknown table may be any table's default route
            continue
        tables[table].default_routes.extend(_default_routes([route.attributes], route.certain))
    associated, unknown_subnet = _associations(config, layouts, mains, tables)
    # A subnet with no association uses its VPC's main route table, unless an association that
    # cannot be read, or a part of the configuration that cannot be read, may name it.
    readable = config.complete and not config.problems and not unknown_subnet
    for address, (layout, subnet) in subnets.items():
        if address in associated:
            subnet.route_table = associated[address]
        elif readable:
            subnet.route_table = _main_table(layout, mains, tables)


def _route_table(resource: Resource, layout: VpcLayout, main: bool) -> RouteTable:
    table = RouteTable(resource.address, main, resource.certain)
    if resource.has("route"):
        table.default_routes.extend(_default_routes(resource.get("route"), resource.certain))
    layout.route_tables.append(table)
    return table


def _main_table(layout: VpcLayout, mains: dict[str, str], tables: dict[str, RouteTable]) -> str:
    """The address of the VPC's main route table, adding an undeclared one to the layout if needed."""
    if layout.key in mains:
        return mains[layout.key]
    address = main_table_key(layout.key)
    table = RouteTable(address, main=True, certain=True, declared=False)
    layout.route_tables.append(table)
    tables[address] = table
    mains[layout.key] = address
    return address


def _route_table_address(
    value: Value, layouts: dict[str, VpcLayout], mains: dict[str, str], tables: dict[str, RouteTable]
) -> str | None:
    """The route table a ``route_table_id`` names, when it is one of the layout's (None otherwise)."""
    if not isinstance(value, ResourceRef):
        return None
    if value.address in tables:
        return value.address
    if value.address in layouts and value.attribute in MAIN_TABLE_ATTRIBUTES:
        return _main_table(layouts[value.address], mains, tables)
    return None


def _associations(
    config: Configuration, layouts: dict[str, VpcLayout], mains: dict[str, str], tables: dict[str, RouteTable]
) -> tuple[dict[str, str | None], bool]:
    """Subnet address -> its associated route table (None: unknown), and whether some subnet is unknown."""
    associated: dict[str, str | None] = {}
    unknown_subnet = False
    for association in config.of_type("aws_route_table_association"):
        subnet = association.get("subnet_id")
        if subnet is None and association.has("gateway_id"):
            continue  # an edge association (ingress routing for a gateway), not a subnet's table
        if not isinstance(subnet, ResourceRef):
            unknown_subnet = unknown_subnet or not isinstance(subnet, str)
            continue
        table = association.get("route_table_id")
        address = _route_table_address(table, layouts, mains, tables)
        if address is None and isinstance(table, str):
            address = table  # a route table outside the configuration, by its ID
        value = address if association.certain else None
        if subnet.address in associated and associated[subnet.address] != value:
            value = None  # associated twice, to different tables: Terraform fights itself, the table is not known
        associated[subnet.address] = value
    return associated, unknown_subnet


def _place_gateways(
    network: Network, layouts: dict[str, VpcLayout], subnets: dict[str, tuple[VpcLayout, Subnet]]
) -> None:
    """NAT gateways in the VPC of their subnet; internet gateways in the VPC they name."""
    for resource in network.config.of_type("aws_nat_gateway"):
        subnet = resource.get("subnet_id")
        if isinstance(subnet, ResourceRef) and subnet.address in subnets:
            layout, placed = subnets[subnet.address]
            private = resource.get("connectivity_type") == "private"
            layout.nat_gateways.append(
                NatGateway(resource.address, placed.address, placed.zone, resource.certain, private)
            )
        else:
            for layout in layouts.values():
                layout.nat_gateways_complete = False  # it may sit in any of them
    for resource in network.config.of_type("aws_internet_gateway"):
        key = network.vpc_key(resource.get("vpc_id"))
        if key in layouts:
            layouts[key].internet_gateways.append(resource.address)


def _all_incomplete(layouts: dict[str, VpcLayout]) -> None:
    """Something that may belong to any VPC (a subnet, a route) cannot be placed."""
    for layout in layouts.values():
        layout.complete = False


def _default_routes(routes: Value, certain: bool) -> list[Target]:
    """The targets of the ``0.0.0.0/0`` routes among ``routes`` (a list of route blocks or attributes)."""
    entries = as_list(routes)
    if entries is None:
        return [Target("unknown", "routes not known", certain=False, known=False)]
    targets = []
    for entry in entries:
        if not isinstance(entry, dict):
            targets.append(Target("unknown", "route not known", certain=False, known=False))
            continue
        destination = entry.get("cidr_block", entry.get("destination_cidr_block"))
        maybe = isinstance(destination, (Unknown, ResourceRef, PartialString))
        if destination != ANYWHERE and not maybe:
            continue
        for attribute, kind in _ROUTE_TARGETS:
            value = entry.get(attribute)
            if value is None or value == "" or value == "local":
                continue
            targets.append(_target(kind, value, certain and not maybe))
            break
    return targets


def _target(kind: str, value: Value, certain: bool) -> Target:
    if kind == "gateway":
        kind = _gateway_kind(value)
    if isinstance(value, ResourceRef):
        return Target(kind, value.address, value.address, certain)
    if isinstance(value, str):
        return Target(kind, value, None, certain)
    return Target(kind, unknown_text(value), None, certain, known=False)


def _gateway_kind(value: Value) -> str:
    """What a ``gateway_id`` names: an internet, NAT or virtual private gateway (by type or ID prefix)."""
    if isinstance(value, ResourceRef):
        return _GATEWAY_KINDS.get(resource_type(value.address), "other")
    if isinstance(value, str):
        return next((kind for prefix, kind in _GATEWAY_ID_PREFIXES.items() if value.startswith(prefix)), "other")
    return "unknown"


def main_table_key(vpc_key: str) -> str:
    """How the layout names a VPC's main route table when the configuration does not declare it."""
    return f"{vpc_key}.main_route_table_id"


def resource_type(address: str) -> str:
    """The resource type in an instance address (``module.net.aws_nat_gateway.this[0]`` -> ``aws_nat_gateway``)."""
    return _MODULE_PATH.sub("", address).split(".", 1)[0]


def unknown_text(value: Value) -> str:
    """What an unknown value is known as (``var.subnet_ids``), for a node drawn as not known."""
    if isinstance(value, ResourceRef):
        return str(value)
    if isinstance(value, Unknown):
        return value.origin or "not known"
    if isinstance(value, PartialString):
        return str(value)
    return str(value)


def service_label(endpoint: Endpoint) -> str:
    """The endpoint's service as the views name it, never an unknown value."""
    return endpoint.service_phrase or "service not known statically"
