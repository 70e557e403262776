"""Messages never show an unknown value: no ``None``, no ``Unknown(...)``, no ``${unknown}``.

An unknown service is "an endpoint whose service is not known statically", never "Gateway
endpoint for None". Checked on hand-written unknowns and on generated and mutated configurations.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from helpers import NETWORK, findings_of
from hypothesis import HealthCheck, given, settings
from strategies import mutated_configurations, mutated_fixtures, terraform_configurations

from vpce_checks.core.engine import analyze
from vpce_checks.loader.module import load_directory

LEAKS = re.compile(r"\bNone\b|Unknown\(|\$\{unknown\}")
QUICK = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

UNKNOWNS = """
variable "service" {}
variable "region" {}
variable "type" {}
variable "subnets" {}

resource "aws_vpc_endpoint" "unknown_service_gateway" {
  vpc_id       = aws_vpc.main.id
  service_name = var.service
}

resource "aws_vpc_endpoint" "unknown_service_interface" {
  vpc_id            = aws_vpc.main.id
  service_name      = var.service
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.a.id]
}

resource "aws_vpc_endpoint" "no_service_name" {
  vpc_id            = aws_vpc.main.id
  vpc_endpoint_type = "Interface"
}

resource "aws_vpc_endpoint" "partner" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.vpce.${var.region}.vpce-svc-0123456789abcdef0"
  vpc_endpoint_type = "Gateway"
}

resource "aws_vpc_endpoint" "resource" {
  vpc_id                     = aws_vpc.main.id
  vpc_endpoint_type          = "Resource"
  resource_configuration_arn = "arn:aws:vpc-lattice:us-east-1:111122223333:resourceconfiguration/rcfg-1"
}

resource "aws_vpc_endpoint" "unknown_type" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${var.region}.ecr.dkr"
  vpc_endpoint_type = var.type
  subnet_ids        = [aws_subnet.a.id]
}

resource "aws_vpc_endpoint" "ecr_api" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${var.region}.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnets
  private_dns_enabled = true
}

resource "aws_route_table" "nat" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = var.service
  }
}
"""


def leaks(messages: list[str]) -> list[str]:
    return [message for message in messages if LEAKS.search(message)]


def test_unknown_services_are_named_without_their_unknown_values(tmp_path: Path) -> None:
    findings = findings_of(tmp_path, NETWORK + UNKNOWNS)
    messages = [finding.message for finding in findings]
    assert leaks(messages) == []
    by_address = {finding.address: finding.message for finding in findings if finding.rule_id == "VPCE001"}
    assert by_address["aws_vpc_endpoint.unknown_service_gateway"].startswith(
        "Gateway endpoint whose service is not known statically has no route table"
    )
    assert {finding.rule_id for finding in findings if finding.address == "aws_vpc_endpoint.no_service_name"} == {
        "VPCE003",
        "VPCE004",
    }
    assert "Interface endpoint has no subnet" in " ".join(messages)


def scan_messages(files: dict[str, bytes]) -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        for name, data in files.items():
            (Path(scratch) / name).write_bytes(data)
        return [finding.message for finding in analyze(load_directory(scratch, "mod"))]


@QUICK
@given(terraform_configurations())
def test_generated_configurations_never_leak_unknowns(files: dict[str, bytes]) -> None:
    assert leaks(scan_messages(files)) == []


@QUICK
@given(mutated_fixtures())
def test_mutated_fixtures_never_leak_unknowns(files: dict[str, bytes]) -> None:
    assert leaks(scan_messages(files)) == []


@QUICK
@given(mutated_configurations())
def test_mutated_configurations_never_leak_unknowns(files: dict[str, bytes]) -> None:
    assert leaks(scan_messages(files)) == []
