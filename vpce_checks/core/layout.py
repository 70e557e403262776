"""Where things sit in each VPC, for the cost and diagram views: subnets by AZ, route tables, NAT and
internet gateways, and the VPC's endpoints.

Everything about routing is the rule core's reading (:class:`~vpce_checks.core.network.Network`
and its :class:`~vpce_checks.core.routing.Routing`): the same route tables, one per table however
Terraform names it; the same route table for each subnet; the same default routes and the same
kinds of egress; the same region and prices. So the picture and the figures always say what the
rules say. The layout only adds where things sit: which subnets and gateways belong to which VPC,
and in which AZ. As everywhere in the core, what cannot be known stays unknown: a subnet whose AZ
is an unknown input has ``zone=None``, a NAT gateway whose VPC cannot be told makes the NAT count
of every VPC unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vpce_checks.core.network import Endpoint, Network, Vpc, zone_of
from vpce_checks.core.prices import RegionPrices
from vpce_checks.core.routing import SUBNET_TYPES, Egress, RouteTable, Routing, egress_of
from vpce_checks.core.values import PartialString, ResourceRef, Unknown, Value, candidates

LAYOUT_RESOURCE_TYPES = frozenset({"aws_nat_gateway", "aws_internet_gateway"})
"""Every resource type the layout reads beside the network view's (the parse phase keeps them)."""


@dataclass
class Subnet:
    """A subnet of the VPC: its AZ (None when unknown) and the route table it uses.

    ``route_table`` is the routing key of its table (:meth:`Routing.table_of_subnet`): a table of
    the configuration, a literal ID, or None when it cannot be known.
    """

    address: str
    zone: str | None
    certain: bool
    route_table: str | None = None


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

    ``key`` is the network view's VPC key: an ``aws_vpc``/``aws_default_vpc`` address, a literal
    VPC ID or ``unknown:<input>``, or ``""`` for endpoints whose VPC nothing tells. ``vpc`` is the
    declared VPC, None when the VPC is outside the configuration. ``complete`` is False when more
    may sit in this VPC than the layout shows (a skipped module, an unreadable file, a subnet,
    route or route table whose VPC is unknown).
    """

    key: str
    vpc: Vpc | None
    endpoints: list[Endpoint]
    prices: RegionPrices
    routing: Routing = field(repr=False, compare=False)
    subnets: list[Subnet] = field(default_factory=list)
    route_tables: list[RouteTable] = field(default_factory=list)
    """The routing's tables of this VPC, the undeclared default table of a declared VPC included."""
    main_table: str | None = None
    """The key of its main route table, None when it cannot be known."""
    nat_gateways: list[NatGateway] = field(default_factory=list)
    internet_gateways: list[str] = field(default_factory=list)
    endpoint_zones: dict[str, tuple[frozenset[str], bool]] = field(default_factory=dict)
    """Endpoint address -> the AZs of its subnets and whether all are known (``Network.subnet_zones``)."""
    cross_region: dict[str, str] = field(default_factory=dict)
    """Endpoint address -> the other region a cross-region endpoint reaches (``Network.cross_region``)."""
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
        """True when a workload route table sends 0.0.0.0/0 to a NAT gateway, False when none does.

        None when that is not known. The rules' reading: :attr:`Vpc.nat_route_tables`.
        """
        if self.vpc is None:
            return None
        if self.vpc.nat_route_tables:
            return True
        return None if self.vpc.nat_unknown else False

    @property
    def paid_egress(self) -> dict[Egress, list[RouteTable]]:
        """The paid default routes of the VPC's workload route tables, by kind, as the rules read them.

        A NAT gateway, a NAT instance or a Transit Gateway (:attr:`Vpc.egress_route_tables`); tables
        that serve only Transit Gateway attachment or firewall subnets are not among them.
        """
        return egress_of(self.vpc.egress_route_tables) if self.vpc is not None else {}

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
    routing = network.routing
    layouts: dict[str, VpcLayout] = {}
    for key, vpc in network.vpcs.items():
        layouts[key] = VpcLayout(key, vpc, list(vpc.endpoints), network.prices(vpc), routing, complete=vpc.judged)
        layouts[key].main_table = routing.main_table(key)
    for endpoint in network.endpoints:
        key = endpoint.vpc or ""
        if key not in layouts:
            layouts[key] = VpcLayout(key, None, [], network.prices_at(key), routing, complete=False)
            layouts[key].nat_gateways_complete = False
        if layouts[key].vpc is None:
            layouts[key].endpoints.append(endpoint)
    for layout in layouts.values():
        for endpoint in layout.endpoints:
            zones, all_known = network.subnet_zones(endpoint.subnets)
            layout.endpoint_zones[endpoint.address] = (frozenset(zones), all_known)
            reached = network.cross_region(endpoint)
            if reached is not None:
                layout.cross_region[endpoint.address] = reached
    declared = [layout for layout in layouts.values() if layout.vpc is not None]
    for table in routing.tables.values():
        if table.vpc in layouts:
            layouts[table.vpc].route_tables.append(table)
        if _unplaced(table.vpc):
            _incomplete(declared)  # it may be any declared VPC's table
    if routing.unplaced:
        _incomplete(declared)  # a route whose table cannot be known may be any table's default route
    subnets = _place_subnets(network, layouts, declared)
    _place_gateways(network, layouts, subnets)
    if not config.complete or config.problems:
        for layout in layouts.values():
            layout.complete = False
            layout.nat_gateways_complete = False
    return list(layouts.values())


def _place_subnets(network: Network, layouts: dict[str, VpcLayout], declared: list[VpcLayout]) -> dict[str, Subnet]:
    """Put each subnet in its VPC, with the route table the routing gives it."""
    placed: dict[str, Subnet] = {}
    routing = network.routing
    for kind in SUBNET_TYPES:
        for resource in network.config.of_type(kind):
            key = routing.subnet_vpc(resource.address)
            if _unplaced(key):
                _incomplete(declared)  # it may be a subnet of any declared VPC
            if key not in layouts:
                continue
            zone = zone_of(resource)
            subnet = Subnet(
                resource.address,
                zone[0] if zone else None,
                resource.certain,
                routing.table_of_subnet(resource.address),
            )
            layouts[key].subnets.append(subnet)
            placed[resource.address] = subnet
    return placed


def _place_gateways(network: Network, layouts: dict[str, VpcLayout], subnets: dict[str, Subnet]) -> None:
    """NAT gateways in the VPC of their subnet; internet gateways in the VPC they name."""
    where = {subnet.address: layout for layout in layouts.values() for subnet in layout.subnets}
    for resource in network.config.of_type("aws_nat_gateway"):
        # A plan may say only that the subnet is one of several (AnyOf): the NAT gateway is still
        # placed when every candidate is in the same VPC, in their AZ when they share one.
        refs = candidates(resource.get("subnet_id")) or ()
        placed = [subnets[ref.address] for ref in refs if ref.address in subnets]
        layouts_of = {id(where[subnet.address]) for subnet in placed}
        if placed and len(placed) == len(refs) and len(layouts_of) == 1:
            zones = {subnet.zone for subnet in placed}
            zone = zones.pop() if len(zones) == 1 else None
            private = resource.get("connectivity_type") == "private"
            only = placed[0].address if len(placed) == 1 else None
            where[placed[0].address].nat_gateways.append(
                NatGateway(resource.address, only, zone, resource.certain, private)
            )
        else:
            for layout in layouts.values():
                layout.nat_gateways_complete = False  # it may sit in any of them
    for resource in network.config.of_type("aws_internet_gateway"):
        key = network.vpc_key(resource.get("vpc_id"))
        if key in layouts:
            layouts[key].internet_gateways.append(resource.address)


def _unplaced(key: str | None) -> bool:
    """True for a VPC key that may name any VPC (unknown, or from an input)."""
    return key is None or key.startswith("unknown:")


def _incomplete(layouts: list[VpcLayout]) -> None:
    for layout in layouts:
        layout.complete = False


def unknown_text(value: Value) -> str:
    """What an unknown value is known as (``var.subnet_ids``), for a node drawn as not known."""
    if isinstance(value, Unknown):
        return value.origin or ""
    if isinstance(value, (ResourceRef, PartialString)):
        return str(value)
    return "" if value is None else str(value)


def service_label(endpoint: Endpoint) -> str:
    """The endpoint's service as the views name it, never an unknown value."""
    return endpoint.service_phrase or "service not known statically"
