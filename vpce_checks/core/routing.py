"""Route tables as AWS applies them: which table a subnet uses, and where a table sends 0.0.0.0/0.

Terraform names one route table in several ways: ``aws_route_table.x.id``; the VPC's default
table as ``aws_vpc.x.default_route_table_id`` or through the ``aws_default_route_table`` that
adopts it; the VPC's main table as ``aws_vpc.x.main_route_table_id``, which is the default table
unless an ``aws_main_route_table_association`` makes another table main. Each table here has one
key, so a route, an endpoint attachment or a subnet association written any of these ways lands
on the same table. A subnet without an explicit ``aws_route_table_association`` uses its VPC's
main route table.

Where a fact cannot be known (an unknown route target, an association whose subnet comes from an
input), the answer is None and the rules stay silent.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Callable, Mapping

from vpce_checks.core.model import Configuration, Resource
from vpce_checks.core.prices import RegionPrices, price_note
from vpce_checks.core.values import AnyOf, ResourceRef, Value, as_bool, as_list, candidates, common, is_unknown

ANYWHERE = "0.0.0.0/0"
VPC_TYPES = ("aws_vpc", "aws_default_vpc")
SUBNET_TYPES = ("aws_subnet", "aws_default_subnet")
ROUTING_RESOURCE_TYPES = frozenset(
    {
        *VPC_TYPES,
        *SUBNET_TYPES,
        "aws_route_table",
        "aws_default_route_table",
        "aws_main_route_table_association",
        "aws_route_table_association",
        "aws_route",
        "aws_ec2_transit_gateway_vpc_attachment",
        "aws_networkfirewall_firewall",
    }
)
"""The resource types this module reads by type (routes and NAT instances it reaches by reference)."""

_MODULE_PREFIX = re.compile(r"^(?:module\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?\.)+")
_UNKNOWN = object()


class Egress(enum.Enum):
    """Where a route table's IPv4 default route (``0.0.0.0/0``) leads."""

    NONE = "no default route"
    INTERNET_GATEWAY = "an internet gateway"
    NAT_GATEWAY = "a NAT gateway"
    NAT_INSTANCE = "a NAT instance"
    TRANSIT_GATEWAY = "a Transit Gateway"
    OTHER = "another target"
    """A peering connection, a virtual private gateway, an inspection or firewall endpoint, or an
    instance that cannot forward traffic (source/destination check on)."""

    @property
    def noun(self) -> str:
        """The kind named without an article: ``NAT gateway``, ``Transit Gateway``, ``other target``."""
        return "other target" if self is Egress.OTHER else self.value.split(" ", 1)[1]


PAID = (Egress.NAT_GATEWAY, Egress.NAT_INSTANCE, Egress.TRANSIT_GATEWAY)
"""The default routes that carry S3 and DynamoDB traffic over a path that costs money."""


@dataclass(frozen=True)
class Route:
    """A route that is, or may be, a table's IPv4 default route (``0.0.0.0/0``), and where it leads."""

    kind: Egress | None
    """The kind of target it names; None when that cannot be known."""
    target: Value = None
    """The target as written: a reference to a resource, a literal ID, or an unknown value."""
    certain: bool = True
    """False when the route may not exist, or may not be the default route."""

    @property
    def egress(self) -> Egress | None:
        """Where it certainly sends ``0.0.0.0/0``; None when it may not, or the target is unknown."""
        return self.kind if self.certain else None


UNKNOWN_ROUTES = Route(None, certain=False)
"""Routes that cannot be read (a list from an input, routes set outside the configuration)."""


@dataclass
class RouteTable:
    """One route table of the configuration, however it is named."""

    key: str
    vpc: str | None
    resource: Resource | None = None
    default_routes: list[Route] = field(default_factory=list)
    """Its routes that are or may be ``0.0.0.0/0`` routes."""
    certain: bool = True

    @property
    def address(self) -> str:
        """How messages name the table: its resource's address, or ``aws_vpc.x.default_route_table_id``."""
        return self.resource.address if self.resource is not None else self.key

    @property
    def egress(self) -> Egress | None:
        """Where its default route leads; None when that cannot be known."""
        if not self.certain:
            return None
        kinds = {route.egress for route in self.default_routes}
        if None in kinds or len(kinds) > 1:
            return None
        return kinds.pop() if kinds else Egress.NONE


class Routing:
    """The route tables of one configuration, their default routes and their subnets."""

    def __init__(self, config: Configuration, vpc_key: Callable[[Value], str | None]) -> None:
        self.config = config
        self.vpc_key = vpc_key
        self.unplaced = False
        """True when a route or table may belong to any VPC (its table or VPC cannot be known)."""
        self._resolving: set[str] = set()
        self.tables = self._tables()

    # -- naming ------------------------------------------------------------------------------------

    def resource_type(self, address: str) -> str:
        """The type of the resource at ``address`` (``module.net.aws_subnet.a[0]`` -> ``aws_subnet``)."""
        resource = self.config.resource(address)
        if resource is not None:
            return resource.type
        return _MODULE_PREFIX.sub("", address).split(".", 1)[0]

    def table_key(self, value: Value) -> str | None:
        """The key of the route table a value names, or None when it cannot be known.

        A literal ID (``rtb-…``) is its own key: a table outside the configuration. One of several
        tables (:class:`AnyOf`) has a key when they are all the same table.
        """
        if isinstance(value, str):
            return value or None
        if isinstance(value, AnyOf):
            return common(value, self.table_key)
        if not isinstance(value, ResourceRef):
            return None
        kind = self.resource_type(value.address)
        if kind == "aws_route_table" and value.attribute == "id":
            return value.address
        if kind == "aws_default_route_table" and value.attribute == "id":
            table = self.config.resource(value.address)
            return self.table_key(table.get("default_route_table_id")) if table is not None else None
        if kind in VPC_TYPES and value.attribute == "default_route_table_id":
            return _default_table_key(value.address)
        if kind in VPC_TYPES and value.attribute == "main_route_table_id":
            return self.main_table(value.address)
        return None

    def subnet_key(self, value: Value) -> str | None:
        """The key of the subnet a value names (its address, or a literal ID), or None."""
        if isinstance(value, str):
            return value or None
        if isinstance(value, AnyOf):
            return common(value, self.subnet_key)
        if not (isinstance(value, ResourceRef) and value.attribute == "id"):
            return None
        return value.address if self.resource_type(value.address) in SUBNET_TYPES else None

    def main_table(self, vpc: str) -> str | None:
        """The key of a VPC's main route table: the default one unless an association makes another main."""
        chosen: list[Resource] = []
        for association in self.config.of_type("aws_main_route_table_association"):
            key = self.vpc_key(association.get("vpc_id"))
            if key == vpc:
                chosen.append(association)
            elif key is None or key.startswith("unknown:"):
                return None  # it may make another table main in this VPC
        if not chosen:
            return _default_table_key(vpc) if self.config.resource(vpc) is not None else None
        if len(chosen) > 1 or not chosen[0].certain or vpc in self._resolving:
            return None  # several, maybe none, or one naming the main table through itself
        self._resolving.add(vpc)
        try:
            return self.table_key(chosen[0].get("route_table_id"))
        finally:
            self._resolving.discard(vpc)

    # -- tables and routes ---------------------------------------------------------------------------

    def _tables(self) -> dict[str, RouteTable]:
        tables: dict[str, RouteTable] = {}
        for kind in VPC_TYPES:
            for network in self.config.of_type(kind):
                key = _default_table_key(network.address)
                # An adopted default VPC's main table holds routes set outside the configuration.
                unknown = [UNKNOWN_ROUTES] if kind == "aws_default_vpc" else []
                tables[key] = RouteTable(key, network.address, default_routes=unknown, certain=network.certain)
        for resource in self.config.of_type("aws_route_table"):
            owner = self.vpc_key(resource.get("vpc_id"))
            inline = self._inline_routes(resource)
            tables[resource.address] = RouteTable(resource.address, owner, resource, inline, resource.certain)
        for resource in self.config.of_type("aws_default_route_table"):
            adopted = self.table_key(resource.get("default_route_table_id"))
            written = self._inline_routes(resource)
            if adopted is not None and adopted in tables:
                # Terraform removes the routes of a table it adopts and keeps only the written ones.
                tables[adopted].resource = resource
                tables[adopted].default_routes = written
                tables[adopted].certain = tables[adopted].certain and resource.certain
            elif adopted is None and any(route.egress != Egress.INTERNET_GATEWAY for route in written):
                self.unplaced = True
        for route in self.config.of_type("aws_route"):
            found = self._route(route.attributes)
            if found is None:
                continue  # not a default route
            if not route.certain:
                found = replace(found, certain=False)
            target = self.table_key(route.get("route_table_id"))
            if target is not None and target in tables:
                tables[target].default_routes.append(found)
            elif target is None and found.egress != Egress.INTERNET_GATEWAY:
                self.unplaced = True
        return tables

    def _inline_routes(self, table: Resource) -> list[Route]:
        if not table.has("route"):
            return []
        entries = as_list(table.get("route"))
        if entries is None:
            return [UNKNOWN_ROUTES]
        routes = []
        for entry in entries:
            found = self._route(entry) if isinstance(entry, dict) else UNKNOWN_ROUTES
            if found is not None:
                routes.append(found)
        return routes

    def _route(self, entry: Mapping[str, Value]) -> Route | None:
        """The route entry as a default route, or None when it is not one.

        IPv6 routes (``::/0`` to an egress-only internet gateway) and prefix-list routes are not.
        """
        destination = _written(entry, "cidr_block", "destination_cidr_block")
        if destination is None:
            return None
        kind, target = self._target(entry)
        if is_unknown(destination):
            # It may be the default route: uncertain unless it surely leads nowhere that costs.
            return None if kind in (Egress.INTERNET_GATEWAY, Egress.OTHER) else Route(kind, target, certain=False)
        return Route(kind, target) if destination == ANYWHERE else None

    def _target(self, entry: Mapping[str, Value]) -> tuple[Egress | None, Value]:
        """The kind of target a route entry names, and the target as written."""
        for attribute, kind in (("nat_gateway_id", Egress.NAT_GATEWAY), ("transit_gateway_id", Egress.TRANSIT_GATEWAY)):
            target = _written(entry, attribute)
            if target is not None:
                return kind, target
        gateway = _written(entry, "gateway_id")
        if gateway is not None:
            return self._gateway(gateway), gateway
        for attribute in ("instance_id", "network_interface_id"):
            target = _written(entry, attribute)
            if target is not None:
                return self._forwarder(target), target
        others = (
            "vpc_peering_connection_id",
            "vpc_endpoint_id",
            "egress_only_gateway_id",
            "carrier_gateway_id",
            "local_gateway_id",
            "core_network_arn",
        )
        for attribute in others:
            target = _written(entry, attribute)
            if target is not None:
                return Egress.OTHER, target
        return None, None

    def _gateway(self, value: Value) -> Egress | None:
        """``gateway_id`` may name a NAT gateway too (the API accepts it, with a perpetual diff)."""
        if isinstance(value, AnyOf):
            return common(value, self._gateway)
        if isinstance(value, ResourceRef):
            kind = self.resource_type(value.address)
            return {
                "aws_internet_gateway": Egress.INTERNET_GATEWAY,
                "aws_nat_gateway": Egress.NAT_GATEWAY,
                "aws_vpn_gateway": Egress.OTHER,
                "aws_egress_only_internet_gateway": Egress.OTHER,
            }.get(kind)
        if isinstance(value, str):
            if value.startswith("igw-"):
                return Egress.INTERNET_GATEWAY
            if value.startswith("nat-"):
                return Egress.NAT_GATEWAY
            if value.startswith("vgw-") or value == "local":
                return Egress.OTHER
        return None

    def _forwarder(self, value: Value) -> Egress | None:
        """An instance or network interface as a route target: a NAT instance when it forwards.

        Forwarding needs ``source_dest_check = false`` on the instance (for its primary interface)
        or on the network interface; with the check on (the default) the traffic is dropped.
        """
        if isinstance(value, AnyOf):
            return common(value, self._forwarder)
        if not isinstance(value, ResourceRef):
            return None
        kind = self.resource_type(value.address)
        if (kind, value.attribute) not in (
            ("aws_instance", "id"),
            ("aws_instance", "primary_network_interface_id"),
            ("aws_network_interface", "id"),
        ):
            return None
        resource = self.config.resource(value.address)
        if resource is None:
            return None
        check = as_bool(resource.get("source_dest_check", True)) if resource.has("source_dest_check") else True
        if check is None:
            return None
        return Egress.OTHER if check else Egress.NAT_INSTANCE

    # -- subnets -------------------------------------------------------------------------------------

    def subnet_vpc(self, subnet: str) -> str | None:
        """The VPC key of a subnet of the configuration; a default subnet is in the default VPC."""
        resource = self.config.resource(subnet)
        if resource is None:
            return None
        if resource.type == "aws_default_subnet":
            default_vpcs = self.config.of_type("aws_default_vpc")
            return default_vpcs[0].address if len(default_vpcs) == 1 and default_vpcs[0].certain else None
        return self.vpc_key(resource.get("vpc_id"))

    @cached_property
    def _associations(self) -> dict[str, object] | None:
        """Subnet key -> the table key its explicit association names (``_UNKNOWN`` when not known).

        None when some association's subnet cannot be known: it may be any subnet's.
        """
        if not self.config.complete:
            return None
        found: dict[str, object] = {}
        for association in self.config.of_type("aws_route_table_association"):
            if not association.has("subnet_id") or association.get("subnet_id") is None:
                continue  # an edge association of a gateway
            subnet = self.subnet_key(association.get("subnet_id"))
            if subnet is None:
                maybe = candidates(association.get("subnet_id"))
                keys = [self.subnet_key(ref) for ref in maybe or ()]
                if not keys or None in keys:
                    return None
                for key in keys:  # one of these subnets: none of them is known to use another table
                    found[str(key)] = _UNKNOWN
                continue
            table = self.table_key(association.get("route_table_id")) if association.certain else None
            previous = found.get(subnet)
            found[subnet] = table if table is not None and previous in (None, table) else _UNKNOWN
        for address in self.config.escaped:
            found[address] = _UNKNOWN  # a skipped module may associate it
        return found

    def table_of_subnet(self, subnet: str) -> str | None:
        """The key of the route table a subnet uses, or None when it cannot be known."""
        associations = self._associations
        if associations is None:
            return None
        if subnet in associations:
            table = associations[subnet]
            return table if isinstance(table, str) else None
        vpc = self.subnet_vpc(subnet)
        resource = self.config.resource(subnet)
        if vpc is None or resource is None or not resource.certain:
            return None
        return self.main_table(vpc)

    def subnet_table(self, value: Value) -> str | None:
        """The key of the route table of the subnet a value names; of one of several, when they share it."""
        if isinstance(value, (ResourceRef, AnyOf)):
            return common(value, lambda ref: self._table_of_key(self.subnet_key(ref)))
        return self._table_of_key(self.subnet_key(value))

    def _table_of_key(self, subnet: str | None) -> str | None:
        return self.table_of_subnet(subnet) if subnet is not None else None

    def subnets_of_table(self, table: RouteTable) -> set[str] | None:
        """The subnets that use a route table, or None when they cannot all be known."""
        associations = self._associations
        if associations is None:
            return None
        if any(value is _UNKNOWN for value in associations.values()):
            return None
        subnets = {subnet for subnet, key in associations.items() if key == table.key}
        if table.vpc is not None and self.main_table(table.vpc) == table.key:
            for kind in SUBNET_TYPES:
                for resource in self.config.of_type(kind):
                    if resource.address in associations:
                        continue
                    vpc = self.subnet_vpc(resource.address)
                    if vpc is None or vpc.startswith("unknown:") or not resource.certain:
                        return None  # it may be a subnet of this VPC using its main table
                    if vpc == table.vpc:
                        subnets.add(resource.address)
        return subnets

    @cached_property
    def _transit_subnets(self) -> tuple[set[str], bool]:
        """Subnets that hold only Transit Gateway attachments or Network Firewall endpoints.

        They carry other VPCs' traffic (central egress and inspection VPCs), not this VPC's
        workloads. The flag is False when some of them cannot be known.
        """
        subnets: set[str] = set()
        complete = True
        for attachment in self.config.of_type("aws_ec2_transit_gateway_vpc_attachment"):
            items = as_list(attachment.get("subnet_ids"))
            complete = complete and attachment.certain and items is not None
            for item in items or []:
                key = self.subnet_key(item)
                if key is None:
                    complete = False
                else:
                    subnets.add(key)
        for firewall in self.config.of_type("aws_networkfirewall_firewall"):
            mappings = as_list(firewall.get("subnet_mapping"))
            complete = complete and firewall.certain and mappings is not None
            for mapping in mappings or []:
                key = self.subnet_key(mapping.get("subnet_id")) if isinstance(mapping, dict) else None
                if key is None:
                    complete = False
                else:
                    subnets.add(key)
        return subnets, complete

    def transit_only(self, table: RouteTable) -> bool | None:
        """True when a table serves only transit subnets (see :meth:`_transit_subnets`); None when unknown."""
        transit, complete = self._transit_subnets
        if not transit and complete:
            return False
        subnets = self.subnets_of_table(table)
        if subnets is None:
            return None
        if subnets and subnets <= transit:
            return True
        return False if complete or not subnets else None


def _default_table_key(vpc: str) -> str:
    return f"{vpc}.default_route_table_id"


def _written(entry: Mapping[str, Value], *names: str) -> Value:
    """The first of ``names`` written with a value (an empty string counts as not written)."""
    for name in names:
        value = entry.get(name)
        if value is not None and value != "":
            return value
    return None


def egress_of(tables: list[RouteTable]) -> dict[Egress, list[RouteTable]]:
    """Tables grouped by where their default route leads, in a fixed order."""
    grouped: dict[Egress, list[RouteTable]] = {}
    for kind in Egress:
        members = [table for table in tables if table.egress == kind]
        if members:
            grouped[kind] = members
    return grouped


def where(tables: list[RouteTable]) -> str:
    """``a NAT gateway (aws_route_table.a, aws_route_table.b) and a Transit Gateway (aws_route_table.c)``."""
    return " and ".join(
        f"{kind.value} ({', '.join(table.address for table in members)})" for kind, members in egress_of(tables).items()
    )


def the(kind: Egress) -> str:
    """``the NAT gateway``, ``the Transit Gateway``: a kind of target named as the one in question."""
    return "the " + kind.value.split(" ", 1)[1]


def path_cost(kind: Egress, subject: str, prices: RegionPrices) -> str:
    """What ``subject`` (``S3 traffic``, ``every image layer``) pays on one kind of paid path.

    A NAT gateway bills per GB it processes. A NAT instance bills no per-GB charge, but the traffic
    takes its bandwidth (and crosses AZs from subnets in other AZs). A Transit Gateway bills data
    processing per GB, and the central egress VPC behind it bills its own NAT processing.
    """
    if kind == Egress.NAT_GATEWAY:
        return f"{subject} pays the NAT gateway's ${prices.nat_gb}/GB data processing ({price_note(prices)})"
    if kind == Egress.NAT_INSTANCE:
        return (
            f"{subject} runs through the NAT instance, taking its bandwidth (and paying cross-AZ data transfer "
            "from subnets in other AZs)"
        )
    if kind == Egress.TRANSIT_GATEWAY:
        return (
            f"{subject} pays Transit Gateway data processing per GB, and the NAT processing of the central "
            "egress VPC behind it"
        )
    return f"{subject} leaves through {kind.value}"


def costs(tables: list[RouteTable], subject: str, prices: RegionPrices) -> str:
    """The cost clauses for every paid path among ``tables``, joined for a sentence."""
    return "; ".join(path_cost(kind, subject, prices) for kind in egress_of(tables) if kind in PAID)
