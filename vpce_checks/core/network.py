"""What a configuration says about its network: endpoints, their attachments, VPCs, AZs and egress.

Rules read this view rather than raw attributes, so that provider defaults, association resources
and unknown values are interpreted in one place. Wherever a fact cannot be known, the view says
None (or ``complete=False``) and the rules stay silent. Route tables and their default routes are
read by :mod:`vpce_checks.core.routing`, security groups by :mod:`vpce_checks.core.security_groups`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from vpce_checks.core.model import Configuration, Resource
from vpce_checks.core.prices import RegionPrices, prices_for
from vpce_checks.core.routing import PAID, ROUTING_RESOURCE_TYPES, SUBNET_TYPES, VPC_TYPES, Egress, RouteTable, Routing
from vpce_checks.core.security_groups import SECURITY_GROUP_RESOURCE_TYPES, Group, SecurityGroups
from vpce_checks.core.services import GATEWAY_SERVICES, Service, parse_service_name
from vpce_checks.core.values import AnyOf, PartialString, ResourceRef, Unknown, Value, as_bool, as_list, common

ENDPOINT = "aws_vpc_endpoint"
ASSOCIATIONS = {
    # association resource type: (attachment kind, the attribute naming the attached thing)
    "aws_vpc_endpoint_route_table_association": ("route_tables", "route_table_id"),
    "aws_vpc_endpoint_subnet_association": ("subnets", "subnet_id"),
    "aws_vpc_endpoint_security_group_association": ("security_groups", "security_group_id"),
}
INLINE = {"route_tables": "route_table_ids", "subnets": "subnet_ids", "security_groups": "security_group_ids"}
NOT_SERVICE_TYPES = ("GatewayLoadBalancer", "Resource", "ServiceNetwork")
"""Endpoint types that never serve an AWS service by name (appliances, VPC Lattice resources)."""
KINDS = {
    "Gateway": "Gateway endpoint",
    "Interface": "Interface endpoint",
    "GatewayLoadBalancer": "Gateway Load Balancer endpoint",
    "Resource": "Resource endpoint",
    "ServiceNetwork": "service network endpoint",
}
DYNAMODB_TABLES = ("aws_dynamodb_table", "aws_dynamodb_global_table")
POLICIES = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")
VIEW_RESOURCE_TYPES = frozenset(
    {
        ENDPOINT,
        *ASSOCIATIONS,
        *ROUTING_RESOURCE_TYPES,
        *SECURITY_GROUP_RESOURCE_TYPES,
        *DYNAMODB_TABLES,
        *POLICIES,
        "aws_vpc_endpoint_private_dns",
        "aws_route53_zone",
    }
)
"""Every resource type this view reads by type. A front end may skip parsing resources of other
types unless something it keeps refers to them (so resources reached only through references,
such as security groups, NAT instances and network interfaces, are always there); a test fails
when the view reads a type not listed."""

_AZ = re.compile(r"^([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+)[a-z]$")


@dataclass
class Attachment:
    """Route tables, subnets or security groups attached to an endpoint, inline or by association.

    ``items`` holds what is known to be attached (each a ResourceRef, a literal ID, or an unknown
    item of a known list); ``complete`` is False when more may be attached than can be seen.
    ``associations`` are the association resources that add to it.
    """

    items: list[Value] = field(default_factory=list)
    complete: bool = True
    associations: list[Resource] = field(default_factory=list)

    @property
    def certainly_empty(self) -> bool:
        """True only when nothing is attached for sure."""
        return self.complete and not self.items

    @property
    def certainly_present(self) -> bool:
        """True when at least one item is attached for sure."""
        return bool(self.items)

    @property
    def exactly_one(self) -> bool:
        """True when exactly one thing is attached for sure (an :class:`AnyOf` item may stand for several)."""
        return self.complete and len(self.items) == 1 and not isinstance(self.items[0], AnyOf)


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
    def names_service(self) -> bool:
        """False for an endpoint that serves no AWS service by name.

        That is one with no ``service_name``, or a Gateway Load Balancer, Resource or service
        network endpoint.
        """
        return self.type not in NOT_SERVICE_TYPES and self.resource.get("service_name") is not None

    @property
    def service_phrase(self) -> str | None:
        """Its service as messages name it (``ecr.api``, ``the endpoint service …``).

        None when it cannot be known, or when the endpoint names no service.
        """
        written = self.resource.get("service_name")
        if self.service.name:
            return self.service.name
        if self.service.custom:
            if isinstance(written, str):
                return f"the endpoint service {written}"
            return "an endpoint service of another account"
        if isinstance(written, str) and written:
            return written
        return None

    @property
    def description(self) -> str:
        """The endpoint as messages name it, never showing an unknown value.

        ``Interface endpoint for ecr.api``, ``Gateway endpoint whose service is not known
        statically``, ``Resource endpoint``.
        """
        kind = KINDS.get(self.type or "", "VPC endpoint")
        phrase = self.service_phrase
        if phrase is not None:
            return f"{kind} for {phrase}"
        if self.resource.get("service_name") is None:
            return kind
        return f"{kind} whose service is not known statically"

    @property
    def is_interface(self) -> bool:
        """True when the endpoint is known to be an Interface endpoint."""
        return self.type == "Interface"

    @property
    def is_gateway(self) -> bool:
        """True when the endpoint is known to be a Gateway endpoint."""
        return self.type == "Gateway"

    @property
    def region(self) -> str | None:
        """The region of the service it reaches: ``service_region`` when written, else the service name's."""
        if self.resource.has("service_region") and self.resource.get("service_region") is not None:
            value = self.resource.get("service_region")
            return value if isinstance(value, str) else None
        return self.service.region

    @property
    def region_key(self) -> str | None:
        """Equal for two endpoints whose services are in the same region, else None when unknown.

        Two regions that come from the same unknown input (``var.region``) are the same region.
        """
        if self.region is not None:
            return self.region
        if self.resource.has("service_region") and self.resource.get("service_region") is not None:
            value = self.resource.get("service_region")
            return f"unknown:{value.origin}" if isinstance(value, Unknown) and value.origin else None
        if isinstance(self.resource.get("service_name"), str):
            return ""  # a global service (com.amazonaws.iam): no region at all
        return f"unknown:{self.service.region_origin}" if self.service.region_origin else None

    @property
    def inbound_only_dns(self) -> bool | None:
        """``dns_options.private_dns_only_for_inbound_resolver_endpoint`` (default false); None when unknown.

        When true, the endpoint's private DNS answers only queries from on-premises through an
        inbound Resolver endpoint; inside the VPC, the service's name resolves to the Gateway endpoint.
        """
        options = as_list(self.resource.get("dns_options"))
        if options is None:
            return None
        flags: list[bool | None] = []
        for item in options:
            if not isinstance(item, dict):
                return None
            value = item.get("private_dns_only_for_inbound_resolver_endpoint")
            flags.append(False if value is None else as_bool(value))
        if None in flags:
            return None
        return any(flags)

    @property
    def impossible_gateway(self) -> bool:
        """True for a Gateway endpoint of a service that has none (VPCE002's case).

        Other rules about Gateway endpoints skip these: the type is the mistake, and a message
        about its route tables would mislead.
        """
        return self.is_gateway and (
            self.service.custom or (self.service.name is not None and self.service.name not in GATEWAY_SERVICES)
        )

    def could_serve(self, service: str, endpoint_type: str | None = None, region: str | None = None) -> bool:
        """False only when it certainly does not serve ``service`` as ``endpoint_type`` in ``region``.

        An endpoint that may not exist, or whose service, type or region is unknown, could. One of
        a type that serves no AWS service by name never does.
        """
        if not self.names_service:
            return False
        name_could = self.service.name == service or (self.service.name is None and not self.service.custom)
        type_could = endpoint_type is None or self.type is None or self.type == endpoint_type
        region_could = region is None or self.region is None or self.region == region
        return name_could and type_could and region_could

    def serves(self, service: str, endpoint_type: str | None = None, region: str | None = None) -> bool:
        """True when it certainly exists and serves ``service`` (as ``endpoint_type``, in ``region``, if given)."""
        return (
            self.resource.certain
            and self.names_service
            and self.service.name == service
            and (endpoint_type is None or self.type == endpoint_type)
            and (region is None or self.region is None or self.region == region)
        )


@dataclass
class Vpc:
    """A VPC declared in the configuration (``aws_vpc`` or ``aws_default_vpc``), with what sits in it.

    ``judged`` is True when the rules may rely on absences in this VPC at all: the VPC certainly
    exists and every file of the module could be read. ``strays`` are the configuration's endpoints
    whose VPC is unknown: any of them may sit here, so they count as "could be here".
    """

    resource: Resource
    endpoints: list[Endpoint] = field(default_factory=list)
    strays: list[Endpoint] = field(default_factory=list)
    egress_route_tables: list[RouteTable] = field(default_factory=list)
    """Route tables of this VPC's own workload subnets whose default route costs money: to a NAT
    gateway, a NAT instance or a Transit Gateway. Tables that serve only Transit Gateway attachment
    or firewall subnets (a central egress or inspection VPC) are not among them."""
    nat_unknown: bool = False
    """True when some route table's default route cannot be read, so egress is not known for sure."""
    judged: bool = True
    region: str | None = None
    """The VPC's region, from its subnets' AZ names or its endpoints' service names."""

    @property
    def address(self) -> str:
        """The VPC's resource address."""
        return self.resource.address

    @property
    def nat_route_tables(self) -> list[RouteTable]:
        """The workload route tables that send ``0.0.0.0/0`` to a NAT gateway."""
        return [table for table in self.egress_route_tables if table.egress == Egress.NAT_GATEWAY]

    @property
    def candidates(self) -> list[Endpoint]:
        """Every endpoint that is or may be in this VPC."""
        return [*self.endpoints, *self.strays]

    def lacks(self, service: str, endpoint_type: str | None = None, region: str | None = None) -> bool:
        """True when no endpoint for ``service`` (of ``endpoint_type``, in ``region``) can be in this VPC."""
        return self.judged and not any(
            endpoint.could_serve(service, endpoint_type, region) for endpoint in self.candidates
        )

    def has_endpoint(self, service: str, endpoint_type: str | None = None) -> bool:
        """True when an endpoint for ``service`` (of ``endpoint_type``) certainly exists here."""
        return any(endpoint.serves(service, endpoint_type) for endpoint in self.endpoints)

    def endpoints_for(self, service: str, region: str | None = None) -> list[Endpoint]:
        """The endpoints that certainly exist here and serve ``service`` (in ``region``, if given)."""
        return [endpoint for endpoint in self.endpoints if endpoint.serves(service, region=region)]


class Network:
    """The network view of one configuration, computed once and shared by every rule."""

    def __init__(self, config: Configuration) -> None:
        self.config = config

    @cached_property
    def routing(self) -> Routing:
        """The configuration's route tables, their default routes and subnets."""
        return Routing(self.config, self.vpc_key)

    @cached_property
    def security(self) -> SecurityGroups:
        """The configuration's security groups and their inbound rules."""
        return SecurityGroups(self.config, self.vpc_key)

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
            for kind in VPC_TYPES
            for resource in self.config.of_type(kind)
        }
        strays = [
            endpoint for endpoint in self.endpoints if endpoint.vpc is None or endpoint.vpc.startswith("unknown:")
        ]
        for vpc in vpcs.values():
            vpc.strays = strays
        for endpoint in self.endpoints:
            if endpoint.vpc in vpcs:
                vpcs[endpoint.vpc].endpoints.append(endpoint)
        routing = self.routing
        for table in routing.tables.values():
            if table.vpc not in vpcs:
                unplaced = table.vpc is None or table.vpc.startswith("unknown:")
                if unplaced and table.egress not in (Egress.NONE, Egress.INTERNET_GATEWAY, Egress.OTHER):
                    for vpc in vpcs.values():
                        vpc.nat_unknown = True  # this table, maybe with a NAT route, may be in any VPC
                continue
            vpc = vpcs[table.vpc]
            egress = table.egress
            if egress is None:
                vpc.nat_unknown = True
            elif egress in PAID:
                # A NAT route that only Transit Gateway attachment or firewall subnets use carries
                # other VPCs' traffic; a route to a Transit Gateway carries this VPC's own.
                transit = False if egress == Egress.TRANSIT_GATEWAY else routing.transit_only(table)
                if transit is None:
                    vpc.nat_unknown = True
                elif not transit:
                    vpc.egress_route_tables.append(table)
        for vpc in vpcs.values():
            vpc.nat_unknown = vpc.nat_unknown or routing.unplaced
            vpc.region = self.region(vpc.address)
        return vpcs

    def region(self, vpc_key: str) -> str | None:
        """The region of the VPC with key ``vpc_key``, declared or not; None when it cannot be known.

        Its subnets' AZ names agree on it, else its endpoints' service names do. Cross-region
        endpoints (``service_region``) reach another region and say nothing of the VPC's own.
        """
        regions = set(self._subnet_regions.get(vpc_key, ()))
        if not regions:
            regions = {
                endpoint.service.region
                for endpoint in self.endpoints
                if endpoint.vpc == vpc_key and endpoint.service.region and not endpoint.resource.has("service_region")
            }
        return regions.pop() if len(regions) == 1 else None

    @cached_property
    def _subnet_regions(self) -> dict[str, set[str]]:
        """VPC key -> the regions its subnets' AZ names are in."""
        regions: dict[str, set[str]] = {}
        for kind in SUBNET_TYPES:
            for subnet in self.config.of_type(kind):
                zone = subnet.get("availability_zone")
                match = _AZ.match(zone) if isinstance(zone, str) else None
                vpc = self.routing.subnet_vpc(subnet.address) if match else None
                if match and vpc is not None:
                    regions.setdefault(vpc, set()).add(match.group(1))
        return regions

    def cross_region(self, endpoint: Endpoint) -> str | None:
        """The region a cross-region endpoint reaches, when it certainly differs from its VPC's; else None.

        The endpoint itself sits in its VPC's region, and is billed there (AWS PrivateLink pricing,
        "Cross-Region connectivity": standard hourly and data processing charges, plus
        inter-Region data transfer).
        """
        home = self.region(endpoint.vpc) if endpoint.vpc is not None else None
        reached = endpoint.region
        return reached if home is not None and reached is not None and reached != home else None

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
            if endpoint.region is not None and labels[-3] != endpoint.region:
                continue
            if sorted(labels[:-3]) == sorted(service.name.split(".")):
                return True
        return False

    def prices(self, vpc: Vpc) -> RegionPrices:
        """List prices for a VPC's region (where its NAT and endpoints are billed), else the provider's."""
        return self.prices_at(vpc.address)

    def prices_at(self, vpc_key: str) -> RegionPrices:
        """List prices where the VPC with key ``vpc_key`` (declared or not) is billed.

        Its region (:meth:`region`), else the provider's. Every endpoint of the VPC is billed
        there, cross-region ones too.
        """
        provider_region = self.config.region if isinstance(self.config.region, str) else None
        return prices_for(self.region(vpc_key) or provider_region)

    def vpc_key(self, value: Value) -> str | None:
        """A key that is equal for two endpoints in the same VPC, or None when nothing is known.

        An ``aws_vpc`` or ``aws_default_vpc`` of the configuration is keyed by its address; a literal
        ID by itself; an unknown input by where it comes from, since two ``var.vpc_id`` are the same VPC.
        One of several VPCs (an :class:`AnyOf`) has no key.
        """
        if isinstance(value, (ResourceRef, AnyOf)):
            return common(value, lambda ref: ref.address if ref.attribute == "id" else None)
        if isinstance(value, str):
            return value
        if isinstance(value, Unknown) and value.origin:
            return f"unknown:{value.origin}"
        return None

    def subnet_zones(self, subnets: Attachment) -> tuple[set[str], bool]:
        """The AZs of the attached subnets, and whether every subnet's AZ is known.

        AZs come from ``availability_zone`` or ``availability_zone_id`` of the referenced
        ``aws_subnet`` or ``aws_default_subnet``; the two kinds of name cannot be compared, so mixing
        them is "not known". An item that is one of several subnets (:class:`AnyOf`) has an AZ when
        they all share one.
        """
        zones: set[str] = set()
        all_known = subnets.complete
        kinds: set[str] = set()
        for item in subnets.items:
            found = common(item, self._subnet_zone)
            if found is None:
                all_known = False
            else:
                zones.add(found[0])
                kinds.add(found[1])
        if len(kinds) > 1:
            return zones, False
        return zones, all_known

    def _subnet_zone(self, ref: ResourceRef) -> tuple[str, str] | None:
        """The AZ of a referenced subnet, and which attribute names it (name or ID); None when unknown."""
        subnet = self._referenced(ref, SUBNET_TYPES)
        return zone_of(subnet) if subnet is not None else None

    def endpoint_groups(self, endpoint: Endpoint) -> list[Group | None] | None:
        """The security groups an Interface endpoint ends up with, or None when they cannot be known.

        With no ``security_group_ids`` AWS attaches the VPC's default group, and adding groups by
        ``aws_vpc_endpoint_security_group_association`` keeps it unless one association sets
        ``replace_default_association = true``. An item is None when its group cannot be known.
        """
        attached = endpoint.security_groups
        if not attached.complete:
            return None
        groups: list[Group | None] = [self.security.group(item, endpoint.vpc) for item in attached.items]
        keeps = self.keeps_default_group(endpoint)
        if keeps is None:
            return None
        if keeps:
            groups.append(self.security.default_group(endpoint.vpc))
        return groups

    def keeps_default_group(self, endpoint: Endpoint) -> bool | None:
        """True when the VPC's default security group stays attached to an Interface endpoint."""
        inline = as_list(endpoint.resource.get("security_group_ids"))
        if inline is None:
            return None
        if inline:
            return False
        associations = endpoint.security_groups.associations
        replaces = [as_bool(item.get("replace_default_association", False)) for item in associations]
        if None in replaces:
            return None
        return not any(replaces)

    @cached_property
    def dynamodb_use(self) -> str | None:
        """The address of something that shows DynamoDB in use, if the configuration has one.

        A DynamoDB table, a DynamoDB Interface endpoint, or an IAM policy naming ``dynamodb:``
        actions; a policy built where it cannot be read (a data source) shows nothing.
        """
        for kind in DYNAMODB_TABLES:
            for table in self.config.of_type(kind):
                if table.certain:
                    return table.address
        for endpoint in self.endpoints:
            if endpoint.serves("dynamodb", "Interface") or endpoint.serves("dynamodb-streams", "Interface"):
                return endpoint.address
        for kind in POLICIES:
            for policy in self.config.of_type(kind):
                if policy.certain and _mentions(policy.get("policy"), "dynamodb:"):
                    return policy.address
        return None

    def _referenced(self, value: Value, resource_types: tuple[str, ...]) -> Resource | None:
        if isinstance(value, ResourceRef):
            resource = self.config.resource(value.address)
            if resource is not None and resource.type in resource_types:
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
                if isinstance(target, AnyOf):
                    # One of these endpoints gets it: none of them is known to lack it.
                    for candidate in target.candidates:
                        if candidate.address in result:
                            result[candidate.address][kind].complete = False
                elif isinstance(target, ResourceRef):
                    if target.address in result:
                        attachment = result[target.address][kind]
                        if association.certain:
                            attachment.items.append(association.get(attribute))
                            attachment.associations.append(association)
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
            elif isinstance(target, AnyOf):
                settings.update(dict.fromkeys((candidate.address for candidate in target.candidates), None))
            elif not isinstance(target, str):
                return {endpoint.address: None for endpoint in self.config.of_type(ENDPOINT)}
        return settings


def zone_of(subnet: Resource) -> tuple[str, str] | None:
    """A subnet's AZ and the attribute that gives it (``availability_zone`` or ``availability_zone_id``).

    None when neither is known.
    """
    for attribute in ("availability_zone", "availability_zone_id"):
        value = subnet.get(attribute)
        if isinstance(value, str):
            return value, attribute
    return None


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


def _mentions(value: Value, needle: str) -> bool:
    """True when a known part of ``value`` contains ``needle`` (case-insensitive)."""
    if isinstance(value, str):
        return needle in value.lower()
    if isinstance(value, PartialString):
        return any(isinstance(part, str) and needle in part.lower() for part in value.parts)
    if isinstance(value, list):
        return any(_mentions(item, needle) for item in value)
    if isinstance(value, dict):
        return any(_mentions(item, needle) for item in value.values())
    return False
