"""The cost figures and the diagram say what the rules say about the same VPC.

First, written out by hand for the fixtures that name route tables in every way Terraform can,
route through NAT instances and Transit Gateways, adopt default VPC objects and reach another
region: the edges of the picture and the figures of the cost report. Then, for every fixture,
the views against the rule core's own reading (route tables, the table of each subnet, the paid
default routes, the prices), so no view can drift from the rules again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vpce_checks.core.cost import VpcCost, vpc_cost
from vpce_checks.core.diagram import Diagram, vpc_diagram
from vpce_checks.core.engine import analyze
from vpce_checks.core.layout import vpc_layouts
from vpce_checks.core.network import Network
from vpce_checks.core.routing import Egress, egress_of
from vpce_checks.loader.module import load_directory
from vpce_checks.plan import load_plan

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SINGLE_MODULE_CASES = sorted(
    path for path in FIXTURES.iterdir() if (path / "expected.yaml").is_file() and any(path.glob("*.tf*"))
)

NODE_KINDS = {
    Egress.NAT_GATEWAY: "nat",
    Egress.NAT_INSTANCE: "nat_instance",
    Egress.TRANSIT_GATEWAY: "tgw",
    Egress.INTERNET_GATEWAY: "igw",
    Egress.OTHER: "target",
}
"""How the picture must draw each place the rules say a default route leads to."""


def views(case: str) -> tuple[Network, dict[str, tuple[VpcCost, Diagram]]]:
    """The rules' network view of a fixture, and each VPC's cost figures and picture."""
    config = load_directory(str(FIXTURES / case), case)
    network = Network(config)
    return network, {
        layout.label: (vpc_cost(case, layout), vpc_diagram(layout, f"v{index}"))
        for index, layout in enumerate(vpc_layouts(network), start=1)
    }


def edges(diagram: Diagram) -> set[tuple[str, str, str]]:
    """(source name, target name, label) of every edge; an unknown node is named by its title."""
    name = {node.id: node.name if node.kind != "unknown" else node.title for node in diagram.nodes}
    return {(name[edge.source], name[edge.target], edge.label) for edge in diagram.edges}


def node(diagram: Diagram, name: str) -> tuple[str, str]:
    """(kind, title) of the one node named ``name``."""
    (found,) = [item for item in diagram.nodes if item.name == name]
    return found.kind, found.title


def egress(cost: VpcCost) -> set[tuple[str, tuple[str, ...], float | None]]:
    return {(path.kind, path.route_tables, path.per_gb) for path in cost.egress}


# --- by hand ---------------------------------------------------------------------------------------------


def test_an_adopted_default_route_table_is_one_table_however_it_is_named() -> None:
    _, found = views("shape_default_route_table_with_nat")
    cost, diagram = found["aws_vpc.main"]
    assert {
        ("aws_subnet.private_a", "aws_default_route_table.main", "uses"),  # no association: the main table
        ("aws_subnet.private_b", "aws_default_route_table.main", "uses"),
        ("aws_default_route_table.main", "aws_nat_gateway.main", "0.0.0.0/0"),
        # attached through aws_vpc.main.default_route_table_id: the same table
        ("aws_default_route_table.main", "aws_vpc_endpoint.dynamodb", "prefix list"),
        ("aws_route_table.public", "aws_vpc_endpoint.s3", "prefix list"),
    } <= edges(diagram)
    assert node(diagram, "aws_default_route_table.main") == ("route_table", "main route table")
    assert [item for item in diagram.nodes if item.kind == "route_table"] == [
        item for item in diagram.nodes if item.name in ("aws_route_table.public", "aws_default_route_table.main")
    ]  # no second node for aws_vpc.main.default_route_table_id
    # us-west-2: NAT $0.045 an hour and per GB; the S3 and DynamoDB Gateway endpoints exist, so
    # nothing is "missing" (VPCE014 says the S3 one is on the wrong table).
    assert egress(cost) == {("nat_gateway", ("aws_default_route_table.main",), 0.045)}
    assert (cost.nat.count, cost.nat.monthly, cost.routes_to_nat) == (1, round(0.045 * 730, 2), True)
    assert cost.gateway_savings == ()


def test_a_nat_gateway_named_by_gateway_id_and_a_main_table_association() -> None:
    _, found = views("vpce014_main_route_table_association")
    cost, diagram = found["aws_vpc.main"]
    assert {
        ("aws_subnet.private_a", "aws_route_table.private", "uses"),  # the table the association makes main
        ("aws_subnet.private_b", "aws_route_table.private", "uses"),
        ("aws_route_table.private", "aws_nat_gateway.main", "0.0.0.0/0"),  # gateway_id = aws_nat_gateway.main.id
        # The endpoints sit on the table created with the VPC, which is no longer main (VPCE014).
        ("aws_vpc.main.default_route_table_id", "aws_vpc_endpoint.s3", "prefix list"),
        ("aws_vpc.main.default_route_table_id", "aws_vpc_endpoint.dynamodb", "prefix list"),
    } <= edges(diagram)
    assert ("aws_route_table.private", "aws_vpc_endpoint.s3", "prefix list") not in edges(diagram)
    assert node(diagram, "aws_route_table.private") == ("route_table", "main route table")
    assert node(diagram, "aws_vpc.main.default_route_table_id") == ("route_table", "route table (not declared)")
    # ap-southeast-1: NAT $0.059 an hour and per GB.
    assert egress(cost) == {("nat_gateway", ("aws_route_table.private",), 0.059)}
    assert (cost.nat.monthly, cost.routes_to_nat) == (round(0.059 * 730, 2), True)


def test_a_nat_instance_is_drawn_and_priced_as_one() -> None:
    _, found = views("vpce013_nat_instance")
    cost, diagram = found["aws_vpc.main"]
    assert ("aws_route_table.private", "aws_network_interface.nat", "0.0.0.0/0") in edges(diagram)
    assert node(diagram, "aws_network_interface.nat") == ("nat_instance", "NAT instance")
    # No NAT gateway, so no NAT gateway route; but S3 and DynamoDB traffic runs through the NAT
    # instance (VPCE013, VPCE015). A NAT instance bills no per-GB processing, so the saving of a
    # Gateway endpoint has no per-GB figure: it is unknown, not $0.
    assert egress(cost) == {("nat_instance", ("aws_route_table.private",), None)}
    assert (cost.routes_to_nat, cost.nat.count, cost.nat.monthly) == (False, 0, 0.0)
    assert [(saving.service, saving.per_100_gb) for saving in cost.gateway_savings] == [
        ("s3", None),
        ("dynamodb", None),
    ]


def test_transit_gateway_egress_is_drawn_outside_the_vpc_and_priced_per_gb() -> None:
    _, found = views("vpce013_spoke_vpc_egress_through_transit_gateway")
    cost, diagram = found["aws_vpc.main"]
    assert ("aws_route_table.private", "tgw-0123456789abcdef0", "0.0.0.0/0") in edges(diagram)
    (hub,) = [item for item in diagram.nodes if item.kind == "tgw"]
    assert (hub.title, hub.group) == ("Transit Gateway", None)  # shared between VPCs
    # eu-north-1 is not in the price file: us-east-1's Transit Gateway $0.02/GB stands in. The
    # DynamoDB Gateway endpoint is missing (the S3 one exists): 100 GB x $0.02, plus the egress
    # VPC's NAT, which this configuration does not show.
    assert egress(cost) == {("transit_gateway", ("aws_route_table.private",), 0.02)}
    assert cost.routes_to_transit_gateway is True and cost.routes_to_nat is False
    assert [(saving.service, saving.per_100_gb) for saving in cost.gateway_savings] == [
        ("dynamodb", round(100 * 0.02, 2))
    ]


def test_default_vpc_objects_are_drawn_and_counted() -> None:
    _, found = views("shape_default_vpc_objects")
    cost, diagram = found["aws_default_vpc.default"]
    groups = {group.id: group.label for group in diagram.groups}
    zones = {item.name: groups[item.group] for item in diagram.nodes if item.kind == "subnet" and item.group}
    assert zones == {"aws_default_subnet.a": "AZ eu-central-1a", "aws_default_subnet.b": "AZ eu-central-1b"}
    main = "aws_default_vpc.default.default_route_table_id"
    assert node(diagram, main) == ("route_table", "main route table (not declared)")
    assert edges(diagram) == {
        ("aws_default_subnet.a", main, "uses"),
        ("aws_default_subnet.b", main, "uses"),
        (main, "routes not known", "0.0.0.0/0"),  # the default VPC's routes are set outside Terraform
        ("aws_default_subnet.a", "aws_vpc_endpoint.ssm", "ENI"),
        ("aws_default_subnet.b", "aws_vpc_endpoint.ssm", "ENI"),
    }
    # The default subnets are the VPC's: two AZs (before, they were not counted: zero AZs).
    assert cost.zones == 2
    assert cost.interface[0].monthly == round(0.012 * 2 * 730, 2) == 17.52  # eu-central-1
    assert cost.routes_to_nat is None  # the default VPC's routes cannot be read


def test_a_cross_region_endpoint_is_said_so_in_the_picture_and_the_cost() -> None:
    _, found = views("vpce011_pass_cross_region_endpoints")
    cost, diagram = found["aws_vpc.main"]
    assert node(diagram, "aws_vpc_endpoint.kms_us_west_2") == (
        "interface_endpoint",
        "Interface endpoint: kms in us-west-2 (cross-region)",
    )
    assert node(diagram, "aws_vpc_endpoint.kms") == ("interface_endpoint", "Interface endpoint: kms")
    by_address = {item.address: item for item in cost.interface}
    assert (by_address["aws_vpc_endpoint.kms"].reaches, by_address["aws_vpc_endpoint.kms_us_west_2"].reaches) == (
        None,
        "us-west-2",
    )
    # Both sit in the us-east-1 VPC's two AZs and are billed there; the cross-region one's traffic
    # pays inter-Region data transfer too, which the price file does not hold.
    assert by_address["aws_vpc_endpoint.kms_us_west_2"].monthly == round(0.01 * 2 * 730, 2)
    assert by_address["aws_vpc_endpoint.kms_us_west_2"].break_even_gb is None
    assert by_address["aws_vpc_endpoint.kms"].break_even_gb == round(14.6 / (0.045 - 0.01), 1)
    assert cost.region == "us-east-1"


# --- every fixture, against the rules' reading ----------------------------------------------------------


@pytest.mark.parametrize("case", SINGLE_MODULE_CASES, ids=lambda path: path.name)
def test_the_views_read_routes_as_the_rules_do(case: Path) -> None:
    network, found = views(case.name)
    routing = network.routing
    for address, vpc in network.vpcs.items():
        cost, diagram = found[address]
        # The paid paths the rules judge (VPCE013/014/015) are the ones the cost report prices...
        paths = {
            (kind.name.lower(), tuple(table.address for table in tables))
            for kind, tables in egress_of(vpc.egress_route_tables).items()
        }
        assert {(path.kind, path.route_tables) for path in cost.egress} == paths
        assert cost.routes_to_transit_gateway == any(kind == "transit_gateway" for kind, _ in paths)
        # ... at the prices the rules quote ...
        if cost.prices is not None:
            assert cost.prices == network.prices(vpc)
        # ... and the ones the picture draws, to a node of their kind.
        drawn = {item.id: item for item in diagram.nodes}
        routes = {
            (drawn[edge.source].name, drawn[edge.target].kind)
            for edge in diagram.edges
            if edge.label == "0.0.0.0/0" and edge.certain
        }
        for table in vpc.egress_route_tables:
            assert table.egress is not None and (table.address, NODE_KINDS[table.egress]) in routes
        # Each subnet uses the table the rules say it does.
        uses = {drawn[edge.source].name: drawn[edge.target] for edge in diagram.edges if edge.label == "uses"}
        subnets = [item.name for item in diagram.nodes if item.kind == "subnet" and item.address]
        for subnet in subnets:
            key = routing.table_of_subnet(subnet)
            table = routing.tables.get(key or "")
            expected = table.address if table is not None else key or "route table not known"
            assert (uses[subnet].name or uses[subnet].title) == expected, subnet
        # Each Gateway endpoint is drawn on the tables the rules attach it to.
        prefix = {
            (drawn[edge.source].name, drawn[edge.target].name) for edge in diagram.edges if edge.label == "prefix list"
        }
        for endpoint in vpc.endpoints:
            if endpoint.type == "Gateway":
                for item in endpoint.route_tables.items:
                    key = routing.table_key(item)
                    if key is not None:
                        table = routing.tables.get(key)
                        assert (table.address if table else key, endpoint.address) in prefix


def test_rule_messages_name_the_tables_the_picture_draws() -> None:
    config = load_directory(str(FIXTURES / "shape_default_route_table_with_nat"), "fixture")
    (finding,) = analyze(config)
    _, found = views("shape_default_route_table_with_nat")
    _, diagram = found["aws_vpc.main"]
    tables = [item.name for item in diagram.nodes if item.kind == "route_table" and item.name in finding.message]
    assert tables == ["aws_default_route_table.main"]


def test_a_plan_whose_nat_subnet_is_one_of_several_still_counts_its_nat_gateways() -> None:
    """In an all-new counted plan a NAT gateway's subnet is `one of aws_subnet.public[*]` (AnyOf).

    Every candidate is in the same VPC, so the NAT gateways are placed there and counted, as the
    `.tf` reading counts them.
    """
    case = FIXTURES / "shape_count_index"
    from_files = vpc_cost(case.name, vpc_layouts(Network(load_directory(str(case), case.name)))[0])
    from_plan = vpc_cost(case.name, vpc_layouts(Network(load_plan(str(case / "tfplan.json"))))[0])
    assert from_files.nat.count == from_plan.nat.count == 2
    assert from_plan.nat.monthly == from_files.nat.monthly
