"""AnyOf, "one of these resource instances": the network view answers only what every candidate agrees on."""

from __future__ import annotations

from typing import Any

from vpce_checks.core.engine import analyze
from vpce_checks.core.model import Configuration, Location, Resource
from vpce_checks.core.network import Network
from vpce_checks.core.values import AnyOf, ResourceRef, Value, collect_references, common, is_unknown

HERE = Location("main.tf", 1, 1)


def resource(address: str, **attributes: Value) -> Resource:
    kind, name = address.split("[", 1)[0].split(".")[-2:]
    return Resource(address, kind, name, attributes, HERE)


def ref(address: str, attribute: str = "id") -> ResourceRef:
    return ResourceRef(address, attribute)


def any_of(*addresses: str) -> AnyOf:
    return AnyOf(tuple(ref(address) for address in addresses))


VPC = Resource("aws_vpc.main", "aws_vpc", "main", {"enable_dns_support": True, "enable_dns_hostnames": True}, HERE)


def network(*resources: Resource) -> Network:
    return Network(Configuration("mod", resources=list(resources)))


def subnet(address: str, zone: str) -> Resource:
    return resource(address, vpc_id=ref("aws_vpc.main"), availability_zone=zone)


def interface(subnets: list[Any], service: str = "sts") -> Resource:
    return resource(
        "aws_vpc_endpoint.x",
        vpc_id=ref("aws_vpc.main"),
        service_name=f"com.amazonaws.us-east-1.{service}",
        vpc_endpoint_type="Interface",
        subnet_ids=subnets,
        security_group_ids=["sg-0123456789abcdef0"],
        private_dns_enabled=True,
    )


def test_common_is_the_answer_every_candidate_gives() -> None:
    assert common(any_of("a.x[0]", "a.x[1]"), lambda candidate: candidate.attribute) == "id"
    assert common(any_of("a.x[0]", "a.x[1]"), lambda candidate: candidate.address) is None
    assert common(ref("a.x"), lambda candidate: candidate.address) == "a.x"
    assert common("subnet-1", lambda candidate: candidate.address) is None
    assert is_unknown(any_of("a.x[0]", "a.x[1]"))
    found: set[str] = set()
    collect_references([any_of("a.x[0]", "a.x[1]")], found)
    assert found == {"a.x[0]", "a.x[1]"}


def test_subnets_that_share_one_az_are_one_az() -> None:
    view = network(
        VPC,
        subnet("aws_subnet.p[0]", "us-east-1a"),
        subnet("aws_subnet.p[1]", "us-east-1a"),
        interface([any_of("aws_subnet.p[0]", "aws_subnet.p[1]")]),
    )
    assert view.subnet_zones(view.endpoints[0].subnets) == ({"us-east-1a"}, True)
    assert [finding.rule_id for finding in analyze(view.config)] == ["VPCE005"]


def test_subnets_that_may_be_in_two_azs_are_unknown_and_no_single_az_finding() -> None:
    view = network(
        VPC,
        subnet("aws_subnet.p[0]", "us-east-1a"),
        subnet("aws_subnet.p[1]", "us-east-1b"),
        interface([any_of("aws_subnet.p[0]", "aws_subnet.p[1]")]),
    )
    endpoint = view.endpoints[0]
    assert not endpoint.subnets.exactly_one  # one item, but it may stand for both subnets
    assert view.subnet_zones(endpoint.subnets)[1] is False
    assert "VPCE005" not in {finding.rule_id for finding in analyze(view.config)}


def test_a_route_table_key_needs_every_candidate_to_be_the_same_table() -> None:
    view = network(resource("aws_vpc.main"), resource("aws_route_table.a", vpc_id=ref("aws_vpc.main")))
    assert view.routing.table_key(AnyOf((ref("aws_route_table.a"), ref("aws_route_table.a")))) == "aws_route_table.a"
    assert view.routing.table_key(any_of("aws_route_table.a", "aws_route_table.b")) is None
    assert view.vpc_key(any_of("aws_vpc.main", "aws_vpc.other")) is None


def test_a_gateway_of_the_same_kind_whichever_candidate_it_is() -> None:
    table = resource(
        "aws_route_table.public",
        vpc_id=ref("aws_vpc.main"),
        route=[{"cidr_block": "0.0.0.0/0", "gateway_id": any_of("aws_internet_gateway.a", "aws_internet_gateway.b")}],
    )
    mixed = resource(
        "aws_route_table.mixed",
        vpc_id=ref("aws_vpc.main"),
        route=[{"cidr_block": "0.0.0.0/0", "gateway_id": any_of("aws_internet_gateway.a", "aws_nat_gateway.b")}],
    )
    view = network(resource("aws_vpc.main"), table, mixed)
    assert view.routing.tables["aws_route_table.public"].egress is not None
    assert view.routing.tables["aws_route_table.mixed"].egress is None


def test_an_association_to_one_of_several_endpoints_leaves_only_those_incomplete() -> None:
    first = resource("aws_vpc_endpoint.a", vpc_id=ref("aws_vpc.main"), service_name="com.amazonaws.us-east-1.sts")
    second = resource("aws_vpc_endpoint.b", vpc_id=ref("aws_vpc.main"), service_name="com.amazonaws.us-east-1.sts")
    third = resource("aws_vpc_endpoint.c", vpc_id=ref("aws_vpc.main"), service_name="com.amazonaws.us-east-1.sts")
    association = resource(
        "aws_vpc_endpoint_route_table_association.x",
        vpc_endpoint_id=any_of("aws_vpc_endpoint.a", "aws_vpc_endpoint.b"),
        route_table_id=ref("aws_route_table.a"),
    )
    view = network(resource("aws_vpc.main"), first, second, third, association)
    complete = {endpoint.address: endpoint.route_tables.complete for endpoint in view.endpoints}
    assert complete == {"aws_vpc_endpoint.a": False, "aws_vpc_endpoint.b": False, "aws_vpc_endpoint.c": True}


def test_a_subnet_association_to_one_of_two_subnets_leaves_the_others_known() -> None:
    view = network(
        resource("aws_vpc.main"),
        subnet("aws_subnet.p[0]", "us-east-1a"),
        subnet("aws_subnet.p[1]", "us-east-1b"),
        subnet("aws_subnet.q", "us-east-1a"),
        resource("aws_route_table.a", vpc_id=ref("aws_vpc.main")),
        resource("aws_route_table.b", vpc_id=ref("aws_vpc.main")),
        resource(
            "aws_route_table_association.p",
            subnet_id=any_of("aws_subnet.p[0]", "aws_subnet.p[1]"),
            route_table_id=ref("aws_route_table.a"),
        ),
        resource(
            "aws_route_table_association.q", subnet_id=ref("aws_subnet.q"), route_table_id=ref("aws_route_table.b")
        ),
    )
    assert view.routing.table_of_subnet("aws_subnet.p[0]") is None
    assert view.routing.table_of_subnet("aws_subnet.q") == "aws_route_table.b"
