"""What each VPC's private paths cost: its Interface endpoints, its NAT gateways, and the per-GB prices.

Built from the layout (:mod:`vpce_checks.core.layout`) and the one price file; every figure that
depends on something unknown (the region, an endpoint's AZs, whether a resource exists, how many
NAT gateways there are) is None, never a guess. Money is in USD per month of
:data:`~vpce_checks.core.prices.HOURS_PER_MONTH` hours.

The break-even of an Interface endpoint is the monthly traffic to its service above which the
endpoint costs less than sending that traffic through a NAT gateway:
``fixed monthly price / (NAT $/GB - endpoint $/GB)``. The NAT's own hourly charge is left out of
it: the NAT stays while anything else needs it.

Where a VPC's S3 and DynamoDB traffic goes is the rules' reading (VPCE013): the paid default
routes of its workload route tables, to a NAT gateway, a NAT instance or a Transit Gateway. Every
endpoint is billed in its VPC's region, a cross-region one too (AWS PrivateLink pricing,
"Cross-Region connectivity": the standard hourly and processing charges, plus inter-Region data
transfer, which the price table does not hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from vpce_checks.core.layout import VpcLayout, service_label
from vpce_checks.core.network import Endpoint
from vpce_checks.core.prices import HOURS_PER_MONTH, RegionPrices, price_note
from vpce_checks.core.routing import Egress
from vpce_checks.core.services import GATEWAY_SERVICES

GATEWAY_SERVICE_ORDER = ("s3", "dynamodb")
"""The services whose free Gateway endpoints the savings line names, in the order it names them."""
SAVING_GB = 100
"""The traffic a Gateway endpoint's saving is given for."""


@dataclass(frozen=True)
class InterfaceEndpointCost:
    """An Interface endpoint's fixed monthly price: hourly price per AZ x AZs x hours a month.

    ``zones`` is None when the AZs of its subnets are not all known; ``certain`` is False when the
    endpoint may not exist (unknown ``count``/``for_each``). Either makes ``monthly`` None.
    ``reaches`` is the other region a cross-region endpoint reaches: it is priced in its VPC's
    region like any other, but its traffic also pays inter-Region data transfer, so its
    break-even is not known.
    """

    address: str
    service: str
    zones: int | None
    certain: bool
    monthly: float | None
    break_even_gb: float | None
    reaches: str | None = None


@dataclass(frozen=True)
class EndpointEntry:
    """An endpoint that has no hourly price here: a Gateway endpoint (free) or one that is not priced."""

    address: str
    service: str
    kind: str
    note: str = ""


@dataclass(frozen=True)
class NatCost:
    """The VPC's NAT gateways: how many (None: not known), which, and their fixed monthly price."""

    count: int | None
    addresses: tuple[str, ...]
    monthly_each: float | None
    monthly: float | None


@dataclass(frozen=True)
class PerGb:
    """What one GB costs on each path (None: not known here)."""

    nat: float | None
    interface: float | None
    gateway: float
    transit_gateway: float | None


@dataclass(frozen=True)
class EgressPath:
    """One kind of paid default route of the VPC's workload route tables, and what a GB pays on it.

    ``kind`` is ``nat_gateway``, ``nat_instance`` or ``transit_gateway``, ``wording`` how the rules
    name it (``a NAT gateway``). ``per_gb`` is the NAT gateway's data processing, or the Transit
    Gateway's (the central egress VPC's NAT comes on top of it); None for a NAT instance (no per-GB
    charge: the traffic takes its bandwidth and pays cross-AZ transfer from other AZs) and when the
    price is not known.
    """

    kind: str
    wording: str
    route_tables: tuple[str, ...]
    per_gb: float | None


@dataclass(frozen=True)
class GatewaySaving:
    """What a missing Gateway endpoint would save per :data:`SAVING_GB` GB of its service's traffic.

    ``per_100_gb`` is given when every paid path of the VPC (:attr:`VpcCost.egress`) has the same
    known per-GB price; None otherwise (a NAT instance, paths priced differently, no prices).
    """

    service: str
    per_100_gb: float | None


@dataclass(frozen=True)
class VpcCost:
    """The cost figures of one VPC (see the module docstring for what each means)."""

    directory: str
    vpc: str
    declared: bool
    region: str | None
    prices: RegionPrices | None
    """The prices used; None when the VPC's region is not known, and then no figure is given."""
    interface: tuple[InterfaceEndpointCost, ...]
    gateway: tuple[EndpointEntry, ...]
    unpriced: tuple[EndpointEntry, ...]
    nat: NatCost
    routes_to_nat: bool | None
    egress: tuple[EgressPath, ...]
    """The VPC's paid paths for S3 and DynamoDB traffic, as the rules read them."""
    gateway_savings: tuple[GatewaySaving, ...]
    zones: int | None
    """The number of AZs the VPC's subnets are in (for an endpoint not yet written), None when not known."""
    fixed_monthly: float | None

    @property
    def price_note(self) -> str:
        """Whose prices these are, as the reports say it."""
        return "region not known, so no prices" if self.prices is None else price_note(self.prices)

    @property
    def interface_monthly(self) -> float | None:
        """What the VPC's Interface endpoints cost a month together (None: not known)."""
        return total(endpoint.monthly for endpoint in self.interface)

    @property
    def routes_to_transit_gateway(self) -> bool:
        """True when a workload route table sends 0.0.0.0/0 to a Transit Gateway."""
        return any(path.kind == "transit_gateway" for path in self.egress)

    @property
    def per_gb(self) -> PerGb:
        """What one GB costs on each path in this VPC's region."""
        prices = self.prices
        if prices is None:
            return PerGb(None, None, 0.0, None)
        return PerGb(prices.nat_gb, prices.interface_gb, 0.0, prices.tgw_gb)


def vpc_cost(directory: str, layout: VpcLayout) -> VpcCost:
    """The cost figures of one VPC of the configuration in ``directory``."""
    prices = None if layout.prices.requested is None else layout.prices
    interface: list[InterfaceEndpointCost] = []
    gateway: list[EndpointEntry] = []
    unpriced: list[EndpointEntry] = []
    for endpoint in layout.endpoints:
        if endpoint.impossible_gateway:
            note = "a Gateway endpoint of a service that has none: it cannot be created"
            unpriced.append(EndpointEntry(endpoint.address, service_label(endpoint), "Gateway", note))
        elif endpoint.is_gateway:
            gateway.append(EndpointEntry(endpoint.address, service_label(endpoint), "Gateway"))
        elif endpoint.is_interface:
            interface.append(_interface_cost(layout, endpoint, prices))
        else:
            kind = endpoint.type or "type not known"
            unpriced.append(EndpointEntry(endpoint.address, service_label(endpoint), kind, "not priced here"))
    nat = _nat_cost(layout, prices)
    fixed = [item.monthly for item in interface] + [nat.monthly]
    egress = tuple(
        EgressPath(kind.name.lower(), kind.value, tuple(table.address for table in tables), _path_gb(kind, prices))
        for kind, tables in layout.paid_egress.items()
    )
    savings: tuple[GatewaySaving, ...] = ()
    if egress and layout.vpc is not None:
        missing = [name for name in GATEWAY_SERVICE_ORDER if layout.vpc.lacks(name, "Gateway")]
        figures = {path.per_gb for path in egress}
        each = figures.pop() if len(figures) == 1 else None
        saving = None if each is None else round(SAVING_GB * each, 2)
        savings = tuple(GatewaySaving(name, saving) for name in missing)
    zones = layout.zones()
    return VpcCost(
        directory=directory,
        vpc=layout.label,
        declared=layout.vpc is not None,
        region=layout.region,
        prices=prices,
        interface=tuple(interface),
        gateway=tuple(gateway),
        unpriced=tuple(unpriced),
        nat=nat,
        routes_to_nat=layout.routes_to_nat,
        egress=egress,
        gateway_savings=savings,
        zones=None if zones is None else len(zones),
        fixed_monthly=total(fixed),
    )


def interface_monthly(prices: RegionPrices, zones: int) -> float:
    """The fixed monthly price of one Interface endpoint in ``zones`` AZs."""
    return round(prices.interface_hour * zones * HOURS_PER_MONTH, 2)


def break_even_gb(prices: RegionPrices, monthly: float) -> float | None:
    """GB a month above which an endpoint of fixed price ``monthly`` beats the NAT (None: it never does)."""
    difference = prices.nat_gb - prices.interface_gb
    if difference <= 0:
        return None
    return round(monthly / difference, 1)


def _path_gb(kind: Egress, prices: RegionPrices | None) -> float | None:
    """What one GB pays on a paid path of ``kind`` (see :class:`EgressPath`)."""
    if prices is None:
        return None
    return {Egress.NAT_GATEWAY: prices.nat_gb, Egress.TRANSIT_GATEWAY: prices.tgw_gb}.get(kind)


def _interface_cost(layout: VpcLayout, endpoint: Endpoint, prices: RegionPrices | None) -> InterfaceEndpointCost:
    count = layout.zone_count(endpoint)
    certain = endpoint.resource.certain
    reaches = layout.cross_region.get(endpoint.address)
    monthly = None
    if prices is not None and count is not None and certain:
        monthly = interface_monthly(prices, count)
    even = None
    if monthly is not None and prices is not None and count != 0 and reaches is None:
        even = break_even_gb(prices, monthly)
    return InterfaceEndpointCost(endpoint.address, service_label(endpoint), count, certain, monthly, even, reaches)


def _nat_cost(layout: VpcLayout, prices: RegionPrices | None) -> NatCost:
    count = layout.nat_count()
    each = None if prices is None else round(prices.nat_hour * HOURS_PER_MONTH, 2)
    monthly = None if count is None or each is None else round(each * count, 2)
    return NatCost(count, tuple(nat.address for nat in layout.nat_gateways), each, monthly)


@dataclass(frozen=True)
class ServiceTraffic:
    """One service's monthly traffic priced both ways.

    ``via_nat`` is what the traffic costs through the NAT (per-GB charge only); ``via_endpoint``
    what it costs through an endpoint: the Gateway endpoint (free) for S3 and DynamoDB, else the
    VPC's Interface endpoint for it (fixed price + per-GB charge) or, when there is none, one
    written for the VPC's AZs. ``cheaper`` is ``"NAT"``, ``"endpoint"``, ``"same"``, or None
    when a figure is not known.
    """

    service: str
    gb: float
    via_nat: float | None
    via_endpoint: float | None
    endpoint: str
    cheaper: str | None


@dataclass(frozen=True)
class TrafficCost:
    """A VPC's traffic priced both ways, per service and in total."""

    services: tuple[ServiceTraffic, ...]
    via_nat: float | None
    via_endpoints: float | None


def traffic_cost(cost: VpcCost, traffic: Mapping[str, float]) -> TrafficCost:
    """Price ``traffic`` (GB a month by service name) through the NAT and through endpoints."""
    rows = [_service_traffic(cost, service, gb) for service, gb in traffic.items()]
    return TrafficCost(
        tuple(rows),
        total(row.via_nat for row in rows),
        total(row.via_endpoint for row in rows),
    )


def _service_traffic(cost: VpcCost, service: str, gb: float) -> ServiceTraffic:
    prices = cost.prices
    via_nat = None if prices is None else round(gb * prices.nat_gb, 2)
    via_endpoint: float | None
    if service in GATEWAY_SERVICES:
        exists = any(entry.service == service for entry in cost.gateway)
        endpoint = "Gateway endpoint" + ("" if exists else " (to add)")
        via_endpoint = 0.0
    else:
        # A cross-region endpoint serves its own region's service, not this VPC's.
        written = next((item for item in cost.interface if item.service == service and item.reaches is None), None)
        if written is not None:
            endpoint = f"Interface endpoint {written.address}"
            fixed = written.monthly
        else:
            zones = "AZs not known" if cost.zones is None else f"{cost.zones} AZ{'' if cost.zones == 1 else 's'}"
            endpoint = f"Interface endpoint (to add, {zones})"
            fixed = None if prices is None or cost.zones is None else interface_monthly(prices, cost.zones)
        via_endpoint = None if fixed is None or prices is None else round(fixed + gb * prices.interface_gb, 2)
    if via_nat is None or via_endpoint is None:
        cheaper = None
    else:
        cheaper = "same" if via_nat == via_endpoint else ("NAT" if via_nat < via_endpoint else "endpoint")
    return ServiceTraffic(service, gb, via_nat, via_endpoint, endpoint, cheaper)


def total(values: Iterable[float | None]) -> float | None:
    """The sum of ``values`` rounded to cents, or None when one of them is not known."""
    figures = list(values)
    if any(value is None for value in figures):
        return None
    return round(sum(value for value in figures if value is not None), 2)
