"""What a configuration says about its network: endpoints, their attachments, VPCs, AZs and NAT.

Rules read this view rather than raw attributes, so that provider defaults, association resources
and unknown values are interpreted in one place. Wherever a fact cannot be known, the view says
None (or ``complete=False``) and the rules stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from vpce_checks.core.model import Configuration, Resource
from vpce_checks.core.prices import RegionPrices, prices_for
from vpce_checks.core.services import GATEWAY_SERVICES, Service, parse_service_name
from vpce_checks.core.values import PartialString, ResourceRef, Unknown, Value, as_bool, as_list, describe

ENDPOINT = "aws_vpc_endpoint"
ASSOCIATIONS = {
    # association resource type: (attachment kind, the attribute naming the attached thing)
    "aws_vpc_endpoint_route_table_association": ("route_tables", "route_table_id"),
    "aws_vpc_endpoint_subnet_association": ("subnets", "subnet_id"),
    "aws_vpc_endpoint_security_group_association": ("security_groups", "security_group_id"),
}
INLINE = {"route_tables": "route_table_ids", "subnets": "subnet_ids", "security_groups": "security_group_ids"}
ANYWHERE = "0.0.0.0/0"
VIEW_RESOURCE_TYPES = frozenset(
    {
        ENDPOINT,
        *ASSOCIATIONS,
        "aws_vpc",
        "aws_subnet",
        "aws_route_table",
        "aws_default_route_table",
        "aws_route",
        "aws_vpc_endpoint_private_dns",
        "aws_route53_zone",
    }
)
"""Every resource type this view reads. A front end may skip parsing resources of other types
(unless something it keeps refers to them); a test fails when the view reads a type not listed."""


@dataclass
class Attachment:
    """Route tables, subnets or security groups attached to an endpoint, inline or by association.

    ``items`` holds what is known to be attached (each a ResourceRef, a literal ID, or an unknown
    item of a known list); ``complete`` is False when more may be attached than can be seen.
    """

    items: list[Value] = field(default_factory=list)
    complete: bool = True

    @property
    def certainly_empty(self) -> bool:
        """True only when nothing is attached for sure."""
        return self.complete and not self.items

    @property
    def certainly_present(self) -> bool:
        """True when at least one item is attached for sure."""
        return bool(self.items)


@dataclass
class Endpoint:
    """One ``aws_vpc_endpoint`` instance as the rules see it."""

    resource: Resource
    service: Service
    type: str | None
    """Gateway, Interface, … (the provider default Gateway when omitted); None when unknown."""
    private_dns: bool | None
    vpc: str | None
    """The key of its VPC: an ``aws_vpc`` address, a literal VPC ID, or ``unknown:<origin>``."""
    route_tables: Attachment
    subnets: Attachment
    security_groups: Attachment

    @property
    def address(self) -> str:
        """The endpoint's resource address."""
        return self.resource.address

    @property
    def label(self) -> str:
        """The service as messages name it (``ecr.dkr``), or the written ``service_name``."""
        if self.service.name:
            return self.service.name
        return describe(self.resource.get("service_name"))

    @property
    def is_interface(self) -> bool:
        """True when the endpoint is known to be an Interface endpoint."""
        return self.type == "Interface"

    @property
    def is_gateway(self) -> bool:
        """True when the endpoint is known to be a Gateway endpoint."""
        return self.type == "Gateway"

    @property
    def impossible_gateway(self) -> bool:
        """True for a Gateway endpoint of a service that has none (VPCE002's case).

        Other rules about Gateway endpoints skip these: the type is the mistake, and a message
        about its route tables would mislead.
        """
        return self.is_gateway and (
            self.service.custom or (self.service.name is not None and self.service.name not in GATEWAY_SERVICES)
        )

    def could_serve(self, service: str, endpoint_type: str | None = None) -> bool:
        """False only when it certainly does not serve ``service`` as ``endpoint_type``.

        An endpoint that may not exist, or whose service or type is unknown, could.
        """
        name_could = self.service.name == service or (self.service.name is None and not self.service.custom)
        type_could = endpoint_type is None or self.type is None or self.type == endpoint_type
        return name_could and type_could

    def serves(self, service: str, endpoint_type: str | None = None) -> bool:
        """True when it certainly exists and serves ``service`` (as ``endpoint_type`` if given)."""
        return (
            self.resource.certain
            and self.service.name == service
            and (endpoint_type is None or self.type == endpoint_type)
        )


@dataclass
class Vpc:
    """A VPC declared in the configuration, with what is known to sit in it.

    ``judged`` is True when the rules may rely on absences in this VPC at all: the VPC certainly
    exists and every file of the module could be read. ``strays`` are the configuration's endpoints
    whose VPC is unknown: any of them may sit here, so they count as "could be here".
    """

    resource: Resource
    endpoints: list[Endpoint] = field(default_factory=list)
    strays: list[Endpoint] = field(default_factory=list)
    nat_route_tables: list[Resource] = field(default_factory=list)
    nat_unknown: bool = False
    """True when some route table's routes cannot be read, so NAT use is not known for sure."""
    judged: bool = True

    @property
    def address(self) -> str:
        """The VPC's resource address."""
        return self.resource.address

    @property
    def candidates(self) -> list[Endpoint]:
        """Every endpoint that is or may be in this VPC."""
        return [*self.endpoints, *self.strays]

    def lacks(self, service: str, endpoint_type: str | None = None) -> bool:
        """True when no endpoint for ``service`` (of ``endpoint_type``) can be in this VPC."""
        return self.judged and not any(endpoint.could_serve(service, endpoint_type) for endpoint in self.candidates)

    def has_endpoint(self, service: str, endpoint_type: str | None = None) -> bool:
        """True when an endpoint for ``service`` (of ``endpoint_type``) certainly exists here."""
        return any(endpoint.serves(service, endpoint_type) for endpoint in self.endpoints)

    def endpoints_for(self, service: str) -> list[Endpoint]:
        """The endpoints that certainly exist here and serve ``service``."""
        return [endpoint for endpoint in self.endpoints if endpoint.serves(service)]

    @property
    def region(self) -> str | None:
        """The region its endpoints' service names agree on, if any say."""
        regions = {endpoint.service.region for endpoint in self.endpoints if endpoint.service.region}
        return regions.pop() if len(regions) == 1 else None


class Network:
    """The network view of one configuration, computed once and shared by every rule."""

    def __init__(self, config: Configuration) -> None:
        self.config = config

    @cached_property
    def endpoints(self) -> list[Endpoint]:
        """Every endpoint instance, in declaration order."""
        attachments = self._attachments()
        private_dns = self._private_dns_resources()
        return [
            Endpoint(
                resource=resource,
                service=parse_service_name(resource.get("service_name")),
                type=_endpoint_type(resource),
                private_dns=private_dns.get(resource.address, _private_dns(resource)),
                vpc=self.vpc_key(resource.get("vpc_id")),
                route_tables=attachments[resource.address]["route_tables"],
                subnets=attachments[resource.address]["subnets"],
                security_groups=attachments[resource.address]["security_groups"],
            )
            for resource in self.config.of_type(ENDPOINT)
        ]

    @cached_property
    def vpcs(self) -> dict[str, Vpc]:
        """The VPCs declared in the configuration, by address, with their endpoints and routes."""
        # An unreadable file or a skipped module may hold what seems absent.
        readable = not self.config.problems and self.config.complete
        vpcs = {
            resource.address: Vpc(resource, judged=resource.certain and readable)
            for resource in self.config.of_type("aws_vpc")
        }
        strays = [
            endpoint for endpoint in self.endpoints if endpoint.vpc is None or endpoint.vpc.startswith("unknown:")
        ]
        for vpc in vpcs.values():
            vpc.strays = strays
        for endpoint in self.endpoints:
            if endpoint.vpc in vpcs:
                vpcs[endpoint.vpc].endpoints.append(endpoint)
        nat_routes = self._nat_routes_by_table()
        for table, key in self._route_tables():
            if key not in vpcs:
                if key is None or key.startswith("unknown:"):
                    for vpc in vpcs.values():
                        vpc.nat_unknown = True  # this table, maybe with a NAT route, may be in any VPC
                continue
            vpc = vpcs[key]
            sends_to_nat = _routes_to_nat(table.get("route")) if table.has("route") else False
            sends_to_nat = sends_to_nat or nat_routes.get(table.address, False)
            if sends_to_nat is None or not table.certain:
                vpc.nat_unknown = True
            elif sends_to_nat:
                vpc.nat_route_tables.append(table)
        if nat_routes.get("", False) is None:
            for vpc in vpcs.values():
                vpc.nat_unknown = True
        return vpcs

    def _route_tables(self) -> list[tuple[Resource, str | None]]:
        """Route tables with their VPC keys; a default route table belongs to the VPC it names."""
        tables = [(table, self.vpc_key(table.get("vpc_id"))) for table in self.config.of_type("aws_route_table")]
        for table in self.config.of_type("aws_default_route_table"):
            owner = table.get("default_route_table_id")
            key = (
                owner.address
                if isinstance(owner, ResourceRef) and owner.attribute == "default_route_table_id"
                else None
            )
            tables.append((table, key))
        return tables

    def same_vpc(self, endpoint: Endpoint) -> list[Endpoint]:
        """The other endpoints certainly in the same VPC as ``endpoint`` (same VPC key)."""
        if endpoint.vpc is None:
            return []
        return [other for other in self.endpoints if other.vpc == endpoint.vpc and other is not endpoint]

    @cached_property
    def _private_zone_names(self) -> list[Value]:
        """The names of the configuration's private Route 53 zones (those with a ``vpc`` block)."""
        return [
            zone.get("name")
            for zone in self.config.of_type("aws_route53_zone")
            if zone.get("vpc") != [] and zone.get("vpc") is not None
        ]

    def private_zone_may_answer(self, endpoint: Endpoint) -> bool:
        """True when a private hosted zone may be named after the endpoint's service DNS name.

        ``ecr.api`` in eu-west-1 answers to ``api.ecr.eu-west-1.amazonaws.com``: the labels before
        the region are the service's parts, in any order. A zone name known only as
        ``….amazonaws.com`` may be it; a name with no such suffix (a company domain) is not.
        """
        service = endpoint.service
        if service.name is None:
            return False
        for name in self._private_zone_names:
            if isinstance(name, PartialString) and name.known_suffix.rstrip(".").endswith(".amazonaws.com"):
                return True
            if not isinstance(name, str):
                continue
            labels = name.lower().rstrip(".").split(".")
            if len(labels) < 4 or labels[-2:] != ["amazonaws", "com"]:
                continue
            if service.region is not None and labels[-3] != service.region:
                continue
            if sorted(labels[:-3]) == sorted(service.name.split(".")):
                return True
        return False

    def prices(self, vpc: Vpc) -> RegionPrices:
        """List prices for a VPC's region: from its endpoints' service names, else the provider's."""
        provider_region = self.config.region if isinstance(self.config.region, str) else None
        return prices_for(vpc.region or provider_region)

    def vpc_key(self, value: Value) -> str | None:
        """A key that is equal for two endpoints in the same VPC, or None when nothing is known.

        An ``aws_vpc`` of the configuration is keyed by its address; a literal ID by itself; an
        unknown input by where it comes from, since two ``var.vpc_id`` are the same VPC.
        """
        if isinstance(value, ResourceRef):
            return value.address if value.attribute == "id" else None
        if isinstance(value, str):
            return value
        if isinstance(value, Unknown) and value.origin:
            return f"unknown:{value.origin}"
        return None

    def subnet_zones(self, subnets: Attachment) -> tuple[set[str], bool]:
        """The AZs of the attached subnets, and whether every subnet's AZ is known.

        AZs come from ``availability_zone`` or ``availability_zone_id`` of the referenced
        ``aws_subnet``; the two kinds of name cannot be compared, so mixing them is "not known".
        """
        zones: set[str] = set()
        all_known = subnets.complete
        kinds: set[str] = set()
        for item in subnets.items:
            subnet = self._referenced(item, "aws_subnet")
            zone: Value = None
            if subnet is not None:
                for attribute in ("availability_zone", "availability_zone_id"):
                    value = subnet.get(attribute)
                    if isinstance(value, str):
                        zone, kind = value, attribute
                        break
            if isinstance(zone, str):
                zones.add(zone)
                kinds.add(kind)
            else:
                all_known = False
        if len(kinds) > 1:
            return zones, False
        return zones, all_known

    def _referenced(self, value: Value, resource_type: str) -> Resource | None:
        if isinstance(value, ResourceRef):
            resource = self.config.resource(value.address)
            if resource is not None and resource.type == resource_type:
                return resource
        return None

    def _attachments(self) -> dict[str, dict[str, Attachment]]:
        endpoints = self.config.of_type(ENDPOINT)
        result = {
            endpoint.address: {kind: _inline_attachment(endpoint.get(attribute)) for kind, attribute in INLINE.items()}
            for endpoint in endpoints
        }
        for address in self.config.escaped & result.keys():
            for attachment in result[address].values():
                attachment.complete = False  # a skipped module may attach more through associations
        for association_type, (kind, attribute) in ASSOCIATIONS.items():
            for association in self.config.of_type(association_type):
                target = association.get("vpc_endpoint_id")
                if isinstance(target, ResourceRef):
                    if target.address in result:
                        attachment = result[target.address][kind]
                        if association.certain:
                            attachment.items.append(association.get(attribute))
                        else:
                            attachment.complete = False
                elif not isinstance(target, str):
                    # Could be any endpoint of this configuration: none is known to lack it.
                    for attachments in result.values():
                        attachments[kind].complete = False
        return result

    def _private_dns_resources(self) -> dict[str, bool | None]:
        """Private DNS set by ``aws_vpc_endpoint_private_dns`` resources, by endpoint address.

        Such a resource overrides the endpoint's own (omitted) ``private_dns_enabled``; one whose
        endpoint cannot be known makes every endpoint's private DNS unknown.
        """
        settings: dict[str, bool | None] = dict.fromkeys(self.config.escaped)
        for setting in self.config.of_type("aws_vpc_endpoint_private_dns"):
            target = setting.get("vpc_endpoint_id")
            value = as_bool(setting.get("private_dns_enabled")) if setting.certain else None
            if isinstance(target, ResourceRef):
                settings[target.address] = value
            elif not isinstance(target, str):
                return {endpoint.address: None for endpoint in self.config.of_type(ENDPOINT)}
        return settings

    def _nat_routes_by_table(self) -> dict[str, bool | None]:
        """``aws_route`` resources: route table address -> sends 0.0.0.0/0 to a NAT (None: unknown).

        The key ``""`` is None when some route's route table cannot be known.
        """
        tables: dict[str, bool | None] = {}
        for route in self.config.of_type("aws_route"):
            to_nat = _routes_to_nat([route.attributes])
            table = route.get("route_table_id")
            if isinstance(table, ResourceRef):
                previous = tables.get(table.address, False)
                if previous is not True:
                    tables[table.address] = None if (to_nat is None or not route.certain) else (to_nat or previous)
            elif not isinstance(table, str) and to_nat is not False:
                tables[""] = None
        return tables


def _endpoint_type(resource: Resource) -> str | None:
    value = resource.get("vpc_endpoint_type", "Gateway")
    if value is None:
        return "Gateway"
    return value if isinstance(value, str) else None


def _private_dns(resource: Resource) -> bool | None:
    value = resource.get("private_dns_enabled", False)
    return False if value is None else as_bool(value)


def _inline_attachment(value: Value) -> Attachment:
    items = as_list(value)
    if items is None:
        return Attachment(items=[], complete=False)
    return Attachment(items=list(items))


def _routes_to_nat(routes: Value) -> bool | None:
    """Whether a list of routes sends 0.0.0.0/0 to a NAT gateway (None when it cannot be known)."""
    entries = as_list(routes)
    if entries is None:
        return None
    unknown = False
    for entry in entries:
        if not isinstance(entry, dict):
            unknown = True
            continue
        destination = entry.get("cidr_block", entry.get("destination_cidr_block"))
        nat = entry.get("nat_gateway_id")
        if destination == ANYWHERE and nat is not None and nat != "":
            return True
        if isinstance(destination, (Unknown, ResourceRef, PartialString)) and nat is not None:
            unknown = True
    return None if unknown else False
