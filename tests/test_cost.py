"""The cost model: AZ counts, unknowns, regions and fallback, NAT counts, break-even, savings, traffic.

Expected figures are written as arithmetic on the price file's numbers, so a wrong formula fails
even where a wrong price would not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import NETWORK, load_hcl

from vpce_checks.core.cost import VpcCost, break_even_gb, traffic_cost, vpc_cost
from vpce_checks.core.layout import vpc_layouts
from vpce_checks.core.network import Network
from vpce_checks.core.prices import HOURS_PER_MONTH, RegionPrices, price_source, prices_for
from vpce_checks.loader.module import load_directory

ROOT = Path(__file__).resolve().parent.parent
PRICES = json.loads((ROOT / "vpce_checks" / "core" / "prices.json").read_text(encoding="utf-8"))


def costs(tmp_path: Path, terraform: str) -> dict[str, VpcCost]:
    config = load_hcl(tmp_path, terraform)
    return {layout.label: vpc_cost("mod", layout) for layout in vpc_layouts(Network(config))}


def interface(name: str, service: str, subnets: str = "[aws_subnet.a.id, aws_subnet.b.id]", extra: str = "") -> str:
    return f"""
resource "aws_vpc_endpoint" "{name}" {{
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.{service}"
  vpc_endpoint_type = "Interface"
  subnet_ids        = {subnets}
  {extra}
}}
"""


PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'
"""Where no endpoint's service name gives the region, the provider's does."""

NAT = """
resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  availability_zone = "us-east-1a"
}
resource "aws_nat_gateway" "a" {
  subnet_id = aws_subnet.public.id
}
resource "aws_route_table" "nat" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.a.id
  }
}
"""


# --- the bundled example, by hand -----------------------------------------------------------------


def test_the_example_figures_by_hand() -> None:
    tokyo = PRICES["regions"]["ap-northeast-1"]
    assert (tokyo["nat_hour"], tokyo["nat_gb"], tokyo["interface_hour"], tokyo["interface_gb"]) == (
        0.062,
        0.062,
        0.014,
        0.01,
    )
    config = load_directory(str(ROOT / "examples"), "examples")
    (cost,) = [vpc_cost("examples", layout) for layout in vpc_layouts(Network(config))]
    assert (
        cost.vpc == "aws_vpc.main"
        and cost.region == "ap-northeast-1"
        and cost.price_note == ("ap-northeast-1 list price")
    )
    two_azs = round(0.014 * 2 * 730, 2)  # $20.44: two AZs of ecr.dkr, logs, ssm, ssmmessages
    one_az = round(0.014 * 1 * 730, 2)  # $10.22: secretsmanager sits in private[0] only
    assert (two_azs, one_az) == (20.44, 10.22)
    by_service = {item.service: (item.zones, item.monthly, item.break_even_gb) for item in cost.interface}
    assert by_service == {
        "ecr.dkr": (2, two_azs, round(20.44 / (0.062 - 0.01), 1)),  # 393.1 GB a month
        "logs": (2, two_azs, 393.1),
        "secretsmanager": (1, one_az, round(10.22 / (0.062 - 0.01), 1)),  # 196.5 GB a month
        "ssm": (2, two_azs, 393.1),
        "ssmmessages": (2, two_azs, 393.1),
    }
    # ecr.api has no vpc_endpoint_type: a Gateway endpoint of a service that has none (VPCE002).
    assert [(entry.address, entry.kind) for entry in cost.unpriced] == [("aws_vpc_endpoint.ecr_api", "Gateway")]
    assert cost.gateway == ()
    assert (cost.nat.count, cost.nat.addresses, cost.nat.monthly) == (1, ("aws_nat_gateway.main",), 45.26)
    assert round(0.062 * 730, 2) == 45.26
    assert cost.interface_monthly == round(4 * 20.44 + 10.22, 2) == 91.98
    assert cost.fixed_monthly == round(91.98 + 45.26, 2) == 137.24
    assert (cost.per_gb.nat, cost.per_gb.interface, cost.per_gb.gateway) == (0.062, 0.01, 0.0)
    # S3 and DynamoDB go through the NAT: a Gateway endpoint saves 100 GB x $0.062 of each.
    assert [(saving.service, saving.per_100_gb) for saving in cost.gateway_savings] == [
        ("s3", round(100 * 0.062, 2)),
        ("dynamodb", 6.2),
    ]
    assert cost.zones == 2 and cost.routes_to_nat is True


def test_price_file_has_its_source_date_and_regions() -> None:
    source = price_source()
    assert source.date == PRICES["date"] and len(source.date) == 10
    assert source.currency == "USD" and source.default_region == "us-east-1"
    assert all(url.startswith("https://aws.amazon.com/") for url in source.references)
    assert "ap-northeast-1" in source.regions and "us-east-1" in source.regions
    for row in PRICES["regions"].values():
        assert set(row) == {"nat_hour", "nat_gb", "interface_hour", "interface_gb", "tgw_attachment_hour", "tgw_gb"}


# --- AZ counts and what may not exist ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("subnets", "zones"),
    [
        ("[aws_subnet.a.id, aws_subnet.b.id]", 2),
        ("[aws_subnet.a.id]", 1),
        ("[aws_subnet.a.id, aws_subnet.a2.id]", 1),  # two subnets in one AZ are billed as one
        ("[aws_subnet.a.id, aws_subnet.b.id, aws_subnet.c.id]", 3),
        ("[aws_subnet.a.id, aws_subnet.unknown_az.id]", None),
        ('["subnet-0abc", aws_subnet.a.id]', None),  # a subnet outside the configuration
        ("var.subnets", None),
        ("[]", 0),
    ],
)
def test_interface_endpoint_priced_per_az(tmp_path: Path, subnets: str, zones: int | None) -> None:
    extra = """
variable "subnets" {}
variable "az" {}
resource "aws_subnet" "a2" {
  vpc_id            = aws_vpc.main.id
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "c" {
  vpc_id            = aws_vpc.main.id
  availability_zone = "us-east-1c"
}
resource "aws_subnet" "unknown_az" {
  vpc_id            = aws_vpc.main.id
  availability_zone = var.az
}
"""
    (endpoint,) = costs(tmp_path, NETWORK + extra + interface("sts", "sts", subnets))["aws_vpc.main"].interface
    assert endpoint.zones == zones
    if zones is None:
        assert endpoint.monthly is None and endpoint.break_even_gb is None
    else:
        assert endpoint.monthly == round(0.01 * zones * 730, 2)
    if zones:
        assert endpoint.break_even_gb == round(0.01 * zones * 730 / (0.045 - 0.01), 1)


def test_an_endpoint_that_may_not_exist_has_no_price(tmp_path: Path) -> None:
    terraform = NETWORK + 'variable "on" {}\n' + interface("sts", "sts", extra="count = var.on ? 1 : 0")
    cost = costs(tmp_path, terraform)["aws_vpc.main"]
    (endpoint,) = cost.interface
    assert (endpoint.certain, endpoint.zones, endpoint.monthly) == (False, 2, None)
    assert cost.fixed_monthly is None  # one unknown part makes the sum unknown, never a smaller sum


def test_gateway_and_other_endpoint_types(tmp_path: Path) -> None:
    terraform = NETWORK + (
        """
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id]
}
resource "aws_vpc_endpoint" "firewall" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = [aws_subnet.a.id]
}
variable "type" {}
resource "aws_vpc_endpoint" "unknown" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type = var.type
}
"""
    )
    cost = costs(tmp_path, terraform)["aws_vpc.main"]
    assert [(entry.address, entry.service) for entry in cost.gateway] == [("aws_vpc_endpoint.s3", "s3")]
    assert [(entry.address, entry.kind) for entry in cost.unpriced] == [
        ("aws_vpc_endpoint.firewall", "GatewayLoadBalancer"),
        ("aws_vpc_endpoint.unknown", "type not known"),
    ]
    assert cost.interface == () and cost.fixed_monthly == 0.0


# --- regions ------------------------------------------------------------------------------------------


def test_region_from_service_names(tmp_path: Path) -> None:
    terraform = (NETWORK + interface("sts", "sts")).replace("us-east-1", "eu-central-1")
    cost = costs(tmp_path, terraform)["aws_vpc.main"]
    assert cost.region == "eu-central-1" and cost.price_note == "eu-central-1 list price"
    assert cost.interface[0].monthly == round(0.012 * 2 * 730, 2) == 17.52
    assert cost.nat.monthly_each == round(0.052 * 730, 2)


def test_region_from_the_provider_when_service_names_do_not_say(tmp_path: Path) -> None:
    terraform = (
        'provider "aws" {\n  region = "eu-west-1"\n}\ndata "aws_region" "current" {}\n'
        + NETWORK.replace("us-east-1", "eu-west-1")
        + interface("sts", "sts").replace("us-east-1", "${data.aws_region.current.name}")
    )
    cost = costs(tmp_path, terraform)["aws_vpc.main"]
    assert cost.region == "eu-west-1" and cost.interface[0].monthly == round(0.011 * 2 * 730, 2) == 16.06


def test_a_region_missing_from_the_price_file_falls_back_to_us_east_1_and_says_so(tmp_path: Path) -> None:
    assert "eu-south-2" not in PRICES["regions"]
    terraform = (NETWORK + interface("sts", "sts")).replace("us-east-1", "eu-south-2")
    cost = costs(tmp_path, terraform)["aws_vpc.main"]
    assert cost.region == "eu-south-2" and cost.prices is not None and cost.prices.region == "us-east-1"
    assert cost.price_note == "us-east-1 list price; eu-south-2 is not in the price table"
    assert cost.interface[0].monthly == round(0.01 * 2 * 730, 2) == 14.6


def test_an_unknown_region_gives_no_figures(tmp_path: Path) -> None:
    # Neither the service names nor the subnets' AZ names (which also give a VPC's region) say the
    # region: the subnets are placed by AZ ID.
    terraform = 'variable "region" {}\n' + (NETWORK + NAT + interface("sts", "sts")).replace(
        "com.amazonaws.us-east-1", "com.amazonaws.${var.region}"
    ).replace('availability_zone = "us-east-1a"', 'availability_zone_id = "use1-az1"').replace(
        'availability_zone = "us-east-1b"', 'availability_zone_id = "use1-az2"'
    )
    cost = costs(tmp_path, terraform)["aws_vpc.main"]
    assert cost.region is None and cost.prices is None and cost.price_note == "region not known, so no prices"
    (endpoint,) = cost.interface
    assert (endpoint.zones, endpoint.monthly, endpoint.break_even_gb) == (2, None, None)
    assert (cost.nat.count, cost.nat.monthly, cost.fixed_monthly) == (1, None, None)
    assert cost.per_gb.nat is None and [saving.per_100_gb for saving in cost.gateway_savings] == [None, None]


def test_prices_for_tells_fallback_from_unknown() -> None:
    assert prices_for("ap-northeast-1").fallback is False and not prices_for("ap-northeast-1").estimated
    missing = prices_for("me-central-1")
    assert (missing.region, missing.estimated, missing.fallback, missing.requested) == (
        "us-east-1",
        True,
        True,
        "me-central-1",
    )
    unknown = prices_for(None)
    assert (unknown.region, unknown.estimated, unknown.fallback) == ("us-east-1", True, False)


# --- break-even ----------------------------------------------------------------------------------------


def test_break_even_is_fixed_price_over_the_per_gb_difference() -> None:
    prices = prices_for("us-east-1")
    assert break_even_gb(prices, 14.6) == round(14.6 / (0.045 - 0.01), 1) == 417.1
    cheap_nat = RegionPrices("x", nat_hour=0.045, nat_gb=0.01, interface_hour=0.01, interface_gb=0.01, estimated=False)
    assert break_even_gb(cheap_nat, 14.6) is None  # the endpoint never catches up


# --- NAT gateways --------------------------------------------------------------------------------------


def test_nat_gateways_counted_from_aws_nat_gateway_resources(tmp_path: Path) -> None:
    terraform = (
        PROVIDER
        + NETWORK
        + NAT.replace('resource "aws_nat_gateway" "a" {', 'resource "aws_nat_gateway" "a" {\n  count = 2')
    )
    terraform = terraform.replace("aws_nat_gateway.a.id", "aws_nat_gateway.a[0].id")
    cost = costs(tmp_path, terraform)["aws_vpc.main"]
    assert cost.nat.count == 2 and cost.nat.addresses == ("aws_nat_gateway.a[0]", "aws_nat_gateway.a[1]")
    assert cost.nat.monthly == round(2 * 0.045 * 730, 2) == 65.7


@pytest.mark.parametrize(
    "change",
    [
        ('resource "aws_nat_gateway" "a" {', 'variable "n" {}\nresource "aws_nat_gateway" "a" {\n  count = var.n'),
        ("subnet_id = aws_subnet.public.id", 'subnet_id = var.subnet\n}\nvariable "subnet" {\n  type = string'),
    ],
    ids=["unknown count", "unknown subnet"],
)
def test_an_unknown_nat_count_is_unknown(tmp_path: Path, change: tuple[str, str]) -> None:
    terraform = (NETWORK + NAT.replace(*change)).replace("aws_nat_gateway.a.id", "aws_nat_gateway.a[0].id")
    if "var.subnet" in terraform:
        terraform = terraform.replace("aws_nat_gateway.a[0].id", "aws_nat_gateway.a.id")
    cost = costs(tmp_path, terraform)["aws_vpc.main"]
    assert (cost.nat.count, cost.nat.monthly, cost.fixed_monthly) == (None, None, None)


def test_a_nat_gateway_of_another_vpc_is_not_counted(tmp_path: Path) -> None:
    other = """
resource "aws_vpc" "other" {
  cidr_block = "10.1.0.0/16"
}
resource "aws_subnet" "other" {
  vpc_id            = aws_vpc.other.id
  availability_zone = "us-east-1a"
}
resource "aws_nat_gateway" "other" {
  subnet_id = aws_subnet.other.id
}
"""
    result = costs(tmp_path, NETWORK + NAT + other)
    assert result["aws_vpc.main"].nat.addresses == ("aws_nat_gateway.a",)
    assert result["aws_vpc.other"].nat.addresses == ("aws_nat_gateway.other",)
    assert result["aws_vpc.other"].routes_to_nat is False and result["aws_vpc.other"].gateway_savings == ()


# --- Gateway endpoint savings ---------------------------------------------------------------------------


def test_savings_name_only_the_missing_gateway_endpoints(tmp_path: Path) -> None:
    s3 = """
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.nat.id]
}
"""
    cost = costs(tmp_path, NETWORK + NAT + s3)["aws_vpc.main"]
    assert [(saving.service, saving.per_100_gb) for saving in cost.gateway_savings] == [("dynamodb", 4.5)]
    assert round(100 * 0.045, 2) == 4.5


def test_no_savings_without_a_nat_route(tmp_path: Path) -> None:
    assert costs(tmp_path, NETWORK)["aws_vpc.main"].gateway_savings == ()


# --- VPCs outside the configuration and Transit Gateways --------------------------------------------------


def test_a_cross_region_endpoint_is_billed_in_its_vpcs_region(tmp_path: Path) -> None:
    # AWS PrivateLink pricing, "Cross-Region connectivity": the standard hourly and processing
    # charges of the endpoint (which sits in the VPC's subnets, so in the VPC's region) plus
    # inter-Region data transfer, which the price file does not hold: the break-even is unknown.
    terraform = (
        (NETWORK + interface("kms_dr", "kms", extra='service_region = "us-east-1"'))
        .replace("us-east-1a", "eu-central-1a")
        .replace("us-east-1b", "eu-central-1b")
    )
    cost = costs(tmp_path, terraform)["aws_vpc.main"]
    assert cost.region == "eu-central-1"  # from the subnets' AZs; the endpoint reaches another region
    (endpoint,) = cost.interface
    assert endpoint.reaches == "us-east-1"
    assert endpoint.monthly == round(0.012 * 2 * 730, 2) == 17.52  # eu-central-1's $0.012, not us-east-1's $0.01
    assert endpoint.break_even_gb is None


def test_the_region_of_a_vpc_outside_the_configuration_leaves_cross_region_endpoints_out(tmp_path: Path) -> None:
    terraform = """
variable "vpc_id" {}
variable "subnets" {}
resource "aws_vpc_endpoint" "sts" {
  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.ap-southeast-1.sts"
  vpc_endpoint_type = "Interface"
  subnet_ids        = var.subnets
}
resource "aws_vpc_endpoint" "kms_dr" {
  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.us-east-1.kms"
  service_region    = "us-east-1"
  vpc_endpoint_type = "Interface"
  subnet_ids        = var.subnets
}
"""
    cost = costs(tmp_path, PROVIDER.replace("us-east-1", "eu-west-1") + terraform)["var.vpc_id"]
    # The sts endpoint says where the VPC is; the cross-region kms endpoint says nothing of it, so
    # neither the provider's eu-west-1 nor us-east-1 is the VPC's region.
    assert cost.region == "ap-southeast-1" and cost.price_note == "ap-southeast-1 list price"


def test_endpoints_of_a_vpc_given_by_an_input_are_priced(tmp_path: Path) -> None:
    terraform = """
variable "vpc_id" {}
resource "aws_vpc_endpoint" "sts" {
  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.ap-southeast-1.sts"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.a.id, aws_subnet.b.id]
}
resource "aws_subnet" "a" {
  vpc_id            = var.vpc_id
  availability_zone = "ap-southeast-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = var.vpc_id
  availability_zone = "ap-southeast-1b"
}
"""
    cost = costs(tmp_path, terraform)["var.vpc_id"]
    assert not cost.declared and cost.region == "ap-southeast-1"
    assert cost.interface[0].monthly == round(0.013 * 2 * 730, 2) == 18.98
    assert cost.nat.count is None and cost.fixed_monthly is None  # its NAT gateways are not in this configuration


def test_transit_gateway_egress_shows_its_per_gb_price(tmp_path: Path) -> None:
    route = """
resource "aws_route" "egress" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = "tgw-0123456789abcdef0"
}
"""
    cost = costs(tmp_path, NETWORK + route + interface("sts", "sts"))["aws_vpc.main"]
    assert cost.routes_to_transit_gateway is True and cost.per_gb.transit_gateway == 0.02


# --- traffic -----------------------------------------------------------------------------------------


def test_traffic_priced_both_ways(tmp_path: Path) -> None:
    cost = costs(tmp_path, NETWORK + NAT + interface("ecr_dkr", "ecr.dkr"))["aws_vpc.main"]
    priced = traffic_cost(cost, {"s3": 500, "ecr.dkr": 300, "sts": 1000, "ssm": 2})
    rows = {row.service: row for row in priced.services}
    # S3: through the NAT 500 x 0.045; through the free Gateway endpoint nothing.
    assert (rows["s3"].via_nat, rows["s3"].via_endpoint, rows["s3"].cheaper) == (22.5, 0.0, "endpoint")
    assert rows["s3"].endpoint == "Gateway endpoint (to add)"
    # ecr.dkr has an endpoint in two AZs: 14.60 fixed + 300 x 0.01 = 17.60, against 300 x 0.045 = 13.50.
    assert (rows["ecr.dkr"].via_nat, rows["ecr.dkr"].via_endpoint, rows["ecr.dkr"].cheaper) == (13.5, 17.6, "NAT")
    # sts has none: one written for the VPC's two AZs (subnets a and b; the public one is in a too)
    # would cost 0.01 x 2 x 730 = 14.60 + 1000 x 0.01 = 24.60, against 1000 x 0.045 = 45.00 via the NAT.
    assert rows["sts"].endpoint == "Interface endpoint (to add, 2 AZs)"
    assert (rows["sts"].via_nat, rows["sts"].via_endpoint, rows["sts"].cheaper) == (45.0, 24.6, "endpoint")
    assert (rows["ssm"].via_nat, rows["ssm"].via_endpoint) == (round(2 * 0.045, 2), round(14.6 + 2 * 0.01, 2))
    assert priced.via_nat == round(22.5 + 13.5 + 45.0 + 0.09, 2)
    assert priced.via_endpoints == round(0.0 + 17.6 + 24.6 + 14.62, 2)


def test_traffic_with_unknown_zones_is_unknown(tmp_path: Path) -> None:
    terraform = (
        PROVIDER
        + NETWORK
        + 'variable "az" {}\nresource "aws_subnet" "c" {\n  vpc_id = aws_vpc.main.id\n  availability_zone = var.az\n}\n'
    )
    cost = costs(tmp_path, terraform)["aws_vpc.main"]
    assert cost.zones is None
    (row,) = traffic_cost(cost, {"sts": 10}).services
    assert (row.via_nat, row.via_endpoint, row.cheaper) == (0.45, None, None)
    assert row.endpoint == "Interface endpoint (to add, AZs not known)"
    assert traffic_cost(cost, {"sts": 10}).via_endpoints is None


def test_hours_per_month() -> None:
    assert HOURS_PER_MONTH == 730
