"""The plan front end: what it reads of `terraform show -json`, what it refuses, and how the CLI uses it."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from random import Random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vpce_checks.cli import main
from vpce_checks.core.engine import analyze
from vpce_checks.core.model import Configuration
from vpce_checks.core.registry import all_rules
from vpce_checks.core.values import AnyOf, ResourceRef, Unknown
from vpce_checks.plan import load_plan
from vpce_checks.plan.document import PLAN_FIELDS
from vpce_checks.plan.sources import argument_lines
from vpce_checks.scan import scan_paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXISTING = FIXTURES / "plan_existing_network_new_endpoints"
COUNTED = FIXTURES / "shape_count_index"


def plan_of(case: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((case / "tfplan.json").read_text(encoding="utf-8"))
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def rules_of(config: Configuration) -> set[tuple[str, str]]:
    return {(finding.rule_id, finding.address) for finding in analyze(config)}


def copy_case(case: Path, tmp_path: Path, data: dict[str, Any] | None = None) -> Path:
    """The case's Terraform files and (changed) plan in tmp_path; returns the plan's path."""
    for path in case.iterdir():
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    return write(tmp_path / "tfplan.json", data if data is not None else plan_of(case))


# --- bad input --------------------------------------------------------------------------------------

STATE_SHOW = {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"resources": []}}}
RAW_STATE = {"version": 4, "terraform_version": "1.9.8", "serial": 7, "lineage": "3f1c", "outputs": {}, "resources": []}


@pytest.mark.parametrize(
    ("content", "words", "line"),
    [
        (b'{\n  "format_version": "1.2",\n  "planned_values": {,\n}', "not valid JSON", 3),
        (json.dumps(plan_of(COUNTED), indent=2).encode()[:4000], "ends too early", None),
        (json.dumps({**plan_of(COUNTED), "format_version": "2.0"}).encode(), "format_version 2.0", 1),
        (json.dumps(STATE_SHOW).encode(), "JSON of a Terraform state", 1),
        (json.dumps(RAW_STATE).encode(), "state file (terraform.tfstate)", 1),
        (json.dumps({"format_version": "1.0"}).encode(), "no planned_values", 1),
        (b"[1, 2]", "a plan is a JSON object", 1),
        (json.dumps({"resources": []}).encode(), "no format_version", 1),
        (b"PK\x03\x04\x14\x00\x00\x00binary", "binary plan file", 1),
        (b'{"format_version": "1.2", "x": "\xff"}', "not UTF-8", 1),
    ],
)
def test_what_is_not_a_readable_plan_is_one_finding_naming_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, words: str, line: int | None
) -> None:
    bad = tmp_path / "bad" / "tfplan.json"
    bad.parent.mkdir()
    bad.write_bytes(content)
    good = tmp_path / "good"
    good.mkdir()
    (good / "main.tf").write_text((COUNTED / "main.tf").read_text() + (COUNTED / "variables.tf").read_text())
    (good / "endpoints.tf").write_text((COUNTED / "endpoints.tf").read_text())
    code = main(["--no-config", "--format", "json", "--plan", str(bad), str(good)])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    problems = [finding for finding in report["findings"] if finding["rule_id"] == "VPCE000"]
    assert len(problems) == 1 and words in problems[0]["message"], problems
    assert problems[0]["file"] == bad.as_posix() and problems[0]["plan"] == bad.as_posix()
    if line is not None:
        assert problems[0]["start_line"] == line
    else:
        assert problems[0]["start_line"] > 1  # where the text ends
    # The other input is still scanned.
    assert {"VPCE011", "VPCE014"} <= {finding["rule_id"] for finding in report["findings"]}
    assert report["scanned"]["plans"] == 1 and report["scanned"]["modules"] == 1


def test_a_file_given_as_a_path_is_read_as_a_plan_by_its_content(tmp_path: Path) -> None:
    plan = copy_case(COUNTED, tmp_path, plan_of(COUNTED))
    renamed = plan.rename(tmp_path / "plan.out")
    result = scan_paths([str(renamed)], all_rules())
    assert result.plans == 1 and result.modules == 0
    assert {finding.rule_id for finding in result.findings} == {"VPCE011", "VPCE014"}
    assert {finding.plan for finding in result.findings} == {renamed.as_posix()}


def test_a_directory_scan_reads_no_plan_and_a_named_plan_replaces_its_directory(tmp_path: Path) -> None:
    changed = plan_of(COUNTED)
    for resource in changed["planned_values"]["root_module"]["resources"]:
        if resource["address"] == "aws_vpc_endpoint.interface[2]":
            resource["values"]["service_name"] = "com.amazonaws.us-east-1.ssm"  # no longer a duplicate
    plan = copy_case(COUNTED, tmp_path, changed)
    by_directory = scan_paths([str(tmp_path)], all_rules())
    assert by_directory.plans == 0 and {f.rule_id for f in by_directory.findings} == {"VPCE011", "VPCE014"}
    both = scan_paths([str(tmp_path)], all_rules(), plans=[str(plan)])
    assert both.plans == 1 and both.modules == 0  # the directory is analysed through its plan, once
    assert {f.rule_id for f in both.findings} == {"VPCE014"}  # the plan's third endpoint is ssm, not sts


# --- what is read -----------------------------------------------------------------------------------


def test_the_fields_the_plan_front_end_reads(tmp_path: Path) -> None:
    """Removing a field the front end does not read changes nothing; each field it reads matters somewhere."""
    data = plan_of(EXISTING)
    before = load_plan(str(copy_case(EXISTING, tmp_path, data)))
    unread = {key: value for key, value in data.items() if key not in PLAN_FIELDS}
    assert {"relevant_attributes", "timestamp", "applyable"} <= set(unread)
    trimmed = {key: value for key, value in data.items() if key in PLAN_FIELDS}
    after = load_plan(str(write(tmp_path / "tfplan.json", trimmed)))
    assert [(r.address, r.attributes) for r in after.resources] == [(r.address, r.attributes) for r in before.resources]
    assert rules_of(after) == rules_of(before)
    assert set(PLAN_FIELDS) == {
        "format_version",
        "planned_values",
        "resource_changes",
        "prior_state",
        "configuration",
        "complete",
        "errored",
        "deferred_changes",
    }


def test_a_resource_planned_for_deletion_does_not_exist_afterwards(tmp_path: Path) -> None:
    data = plan_of(EXISTING)
    assert rules_of(load_plan(str(copy_case(EXISTING, tmp_path, data)))) >= {("VPCE008", "aws_vpc_endpoint.ecr_dkr")}
    kept = copy.deepcopy(data)
    kept["resource_changes"] = [c for c in kept["resource_changes"] if c["address"] != "aws_vpc_endpoint.s3"]
    # Without its change, the endpoint in prior_state is one a -target plan left out: it stays.
    config = load_plan(str(write(tmp_path / "tfplan.json", kept)))
    assert config.resource("aws_vpc_endpoint.s3") is not None
    assert ("VPCE008", "aws_vpc_endpoint.ecr_dkr") not in rules_of(config)


def test_known_ids_are_the_resources_they_belong_to(tmp_path: Path) -> None:
    config = load_plan(str(copy_case(EXISTING, tmp_path)))
    endpoint = config.resource("aws_vpc_endpoint.ecr_api")
    assert endpoint is not None
    assert endpoint.get("vpc_id") == ResourceRef("aws_vpc.main", "id")  # "vpc-0c4d…" in the plan
    assert endpoint.get("subnet_ids") == [
        ResourceRef("aws_subnet.private_a", "id"),
        ResourceRef("aws_subnet.private_b", "id"),
    ]
    # The new security group's id is unknown in the plan: the configuration's reference names it.
    assert endpoint.get("security_group_ids") == [ResourceRef("aws_security_group.endpoints", "id")]
    assert set(endpoint.attributes) == {
        "vpc_id",
        "service_name",
        "vpc_endpoint_type",
        "subnet_ids",
        "security_group_ids",
        "private_dns_enabled",
    }  # what the configuration writes, not every attribute the provider plans


def test_count_index_references_are_any_instance(tmp_path: Path) -> None:
    config = load_plan(str(copy_case(COUNTED, tmp_path)))
    association = config.resource("aws_route_table_association.private[1]")
    assert association is not None
    assert association.get("route_table_id") == AnyOf(
        (ResourceRef("aws_route_table.private[0]", "id"), ResourceRef("aws_route_table.private[1]", "id"))
    )
    table = config.resource("aws_route_table.private[0]")
    assert table is not None
    (route,) = table.get("route")  # type: ignore[misc]
    assert route["cidr_block"] == "0.0.0.0/0" and isinstance(route["nat_gateway_id"], AnyOf)
    s3 = config.resource("aws_vpc_endpoint.s3")
    assert s3 is not None and s3.get("route_table_ids") == [ResourceRef("aws_route_table.private[0]", "id")]


def test_sensitive_and_unreferenced_unknown_values_stay_unknown(tmp_path: Path) -> None:
    data = plan_of(COUNTED)
    for resource in data["planned_values"]["root_module"]["resources"]:
        if resource["type"] == "aws_subnet":
            resource["sensitive_values"]["availability_zone"] = True
    config = load_plan(str(copy_case(COUNTED, tmp_path, data)))
    subnet = config.resource("aws_subnet.private[0]")
    assert subnet is not None and isinstance(subnet.get("availability_zone"), Unknown)
    without = copy.deepcopy(data)
    del without["configuration"]
    config = load_plan(str(write(tmp_path / "tfplan.json", without)))
    endpoint = config.resource("aws_vpc_endpoint.interface[0]")
    assert endpoint is not None and isinstance(endpoint.get("vpc_id"), Unknown)
    assert ("VPCE011", "aws_vpc_endpoint.interface[2]") not in rules_of(config)  # which VPC is not known
    assert any("no configuration" in note.message for note in config.notes)


@pytest.mark.parametrize(("field", "value"), [("errored", True), ("complete", False)])
def test_a_plan_that_may_leave_resources_out_proves_no_absence(tmp_path: Path, field: str, value: bool) -> None:
    data = {**plan_of(EXISTING), field: value}
    config = load_plan(str(copy_case(EXISTING, tmp_path, data)))
    assert not config.complete and config.notes
    assert not {rule for rule, _ in rules_of(config)} & {"VPCE008", "VPCE013", "VPCE015"}


def test_a_list_whose_expression_chooses_is_unknown(tmp_path: Path) -> None:
    """``each.key == "s3" ? [aws_route_table.private.id] : null`` may be null for some instances."""
    data = plan_of(EXISTING)
    declared = next(
        r for r in data["configuration"]["root_module"]["resources"] if r["address"] == "aws_vpc_endpoint.ecr_api"
    )
    declared["expressions"]["subnet_ids"] = {
        "references": ["each.key", "aws_subnet.private_a.id", "aws_subnet.private_a"]
    }
    change = next(c for c in data["resource_changes"] if c["address"] == "aws_vpc_endpoint.ecr_api")
    del change["change"]["after"]["subnet_ids"]
    change["change"]["after_unknown"]["subnet_ids"] = True
    for resource in data["planned_values"]["root_module"]["resources"]:
        if resource["address"] == "aws_vpc_endpoint.ecr_api":
            del resource["values"]["subnet_ids"]
    config = load_plan(str(copy_case(EXISTING, tmp_path, data)))
    endpoint = config.resource("aws_vpc_endpoint.ecr_api")
    assert endpoint is not None and isinstance(endpoint.get("subnet_ids"), Unknown)
    declared["expressions"]["subnet_ids"] = {"references": ["aws_subnet.private_a.id", "aws_subnet.private_a"]}
    config = load_plan(str(write(tmp_path / "tfplan.json", data)))
    endpoint = config.resource("aws_vpc_endpoint.ecr_api")
    assert endpoint is not None and endpoint.get("subnet_ids") == [ResourceRef("aws_subnet.private_a", "id")]
    assert ("VPCE005", "aws_vpc_endpoint.ecr_api") in rules_of(config)


# --- where findings point ----------------------------------------------------------------------------


def test_without_terraform_files_findings_point_at_the_plan(tmp_path: Path) -> None:
    data = plan_of(COUNTED)
    pretty = tmp_path / "pretty" / "tfplan.json"
    pretty.parent.mkdir()
    pretty.write_text(json.dumps(data, indent=2), encoding="utf-8")
    lines = pretty.read_text().splitlines()
    findings = {f.address: f for f in scan_paths([], all_rules(), plans=[str(pretty)]).findings}
    s3 = findings["aws_vpc_endpoint.s3"]
    assert s3.file == pretty.as_posix() and '"address": "aws_vpc_endpoint.s3"' in lines[s3.start_line - 1]
    one_line = tmp_path / "one" / "tfplan.json"
    one_line.parent.mkdir()
    one_line.write_text(json.dumps(data), encoding="utf-8")
    assert {f.start_line for f in scan_paths([], all_rules(), plans=[str(one_line)]).findings} == {1}


def test_the_plan_front_end_runs_without_the_hcl_parser() -> None:
    """Inside checkov's environment `hcl2` is checkov's fork: the plan package must not need python-hcl2 or lark."""
    script = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("hcl2", "lark", "yaml"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
from vpce_checks.plan import load_plan
config = load_plan({str(COUNTED / "tfplan.json")!r})
assert not [name for name in sys.modules if name.split(".")[0] in ("hcl2", "lark")]
print(len(config.resources), config.resource("aws_vpc_endpoint.s3").location.file.endswith("endpoints.tf"))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    count, located = done.stdout.split()
    assert int(count) > 20 and located == "True"


# --- the command line and reports --------------------------------------------------------------------


def test_reports_name_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = copy_case(COUNTED, tmp_path)
    assert main(["--no-config", str(plan)]) == 1
    text = capsys.readouterr().out
    assert "endpoints.tf:6:3: VPCE014" in text and "in 1 plan, " in text
    assert main(["--no-config", "--format", "sarif", str(plan)]) == 1
    sarif = json.loads(capsys.readouterr().out)
    results = sarif["runs"][0]["results"]
    assert {r["properties"]["plan"] for r in results} == {plan.as_posix()}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert len(uris) == 1 and uris.pop().endswith("/endpoints.tf")  # the block's file, found beside the plan


def test_plan_option_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--plan", "nowhere.json"]) == 2
    assert "--plan nowhere.json: no such file" in capsys.readouterr().err


# --- no input gives a traceback ----------------------------------------------------------------------

PLANS = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.rglob("tfplan.json"))]
JUNK: list[Any] = [None, 0, 1.5, "x", "aws_subnet.a", "module.x.y", 'aws_x.y["', [], {}, [1], {"a": 1}, True]
JUNK += [{"references": "x"}, {"references": [1, None, "var."]}, {"constant_value": {"a": [1]}}]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=120)
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=6))
def test_a_mangled_plan_never_raises(tmp_path_factory: pytest.TempPathFactory, rng: Random, changes: int) -> None:
    """Any part of a plan replaced by a value of another shape, or removed: read and judged, never a traceback."""
    data = copy.deepcopy(rng.choice(PLANS))
    places = _paths(data)[1:]
    for _ in range(changes):
        path = rng.choice(places)
        node: Any = data
        try:
            for step in path[:-1]:
                node = node[step]
            if isinstance(node, dict) and rng.random() < 0.3:
                del node[path[-1]]
            else:
                node[path[-1]] = copy.deepcopy(rng.choice(JUNK))
        except (KeyError, IndexError, TypeError):
            continue
    target = write(tmp_path_factory.mktemp("plan") / "tfplan.json", data)
    analyze(load_plan(str(target)))


def test_a_forgotten_resource_may_still_be_there(tmp_path: Path) -> None:
    """``removed { lifecycle { destroy = false } }``: out of Terraform's state, still routing in AWS."""
    data = plan_of(EXISTING)
    change = next(c for c in data["resource_changes"] if c["address"] == "aws_vpc_endpoint.s3")
    change["change"]["actions"] = ["forget"]
    config = load_plan(str(copy_case(EXISTING, tmp_path, data)))
    endpoint = config.resource("aws_vpc_endpoint.s3")
    assert endpoint is not None and not endpoint.certain
    assert not {rule for rule, _ in rules_of(config)} & {"VPCE008", "VPCE013"}  # its absence is not proven


def minimal_plan(resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A plan of existing resources (all values known), in the fields the front end reads; every value written."""
    planned = [
        {
            "address": address,
            "mode": "managed",
            "type": address.split(".")[0],
            "name": address.split(".")[1],
            "values": values,
            "sensitive_values": {},
        }
        for address, values in resources.items()
    ]
    changes = [
        {"address": address, "mode": "managed", "change": {"actions": ["no-op"], "after_unknown": {}}}
        for address in resources
    ]
    declared = [
        {
            "address": address,
            "mode": "managed",
            "expressions": {name: {"constant_value": value} for name, value in values.items() if name != "id"},
        }
        for address, values in resources.items()
    ]
    return {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": declared}},
    }


def test_the_adopted_default_route_table_is_the_vpcs_default_table(tmp_path: Path) -> None:
    """Its ID is the VPC's default_route_table_id: one table, however the configuration names it."""
    network = {
        "aws_vpc.main": {"id": "vpc-1", "default_route_table_id": "rtb-def", "main_route_table_id": "rtb-def"},
        "aws_subnet.private": {"id": "subnet-1", "vpc_id": "vpc-1", "availability_zone": "eu-west-1a"},
        "aws_nat_gateway.main": {"id": "nat-1", "subnet_id": "subnet-9"},
        "aws_default_route_table.main": {
            "id": "rtb-def",
            "default_route_table_id": "rtb-def",
            "route": [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1", "gateway_id": ""}],
        },
    }
    s3 = {
        "id": "vpce-1",
        "vpc_id": "vpc-1",
        "service_name": "com.amazonaws.eu-west-1.s3",
        "vpc_endpoint_type": "Gateway",
    }
    with_s3 = {**network, "aws_vpc_endpoint.s3": {**s3, "route_table_ids": ["rtb-def"]}}
    config = load_plan(str(write(tmp_path / "tfplan.json", minimal_plan(with_s3))))
    adopted = config.resource("aws_default_route_table.main")
    assert adopted is not None and adopted.get("default_route_table_id") == ResourceRef(
        "aws_vpc.main", "default_route_table_id"
    )
    assert {rule for rule, _ in rules_of(config)} == {"VPCE015"}  # S3 is on the NAT table; DynamoDB is not
    config = load_plan(str(write(tmp_path / "tfplan.json", minimal_plan(network))))
    assert ("VPCE013", "aws_vpc.main") in rules_of(config)


def test_argument_lines_are_those_of_the_blocks_own_arguments() -> None:
    block = [
        'resource "aws_vpc_endpoint" "x" {',
        "  vpc_id = aws_vpc.main.id # subnet_ids = in a comment",
        "  policy = <<EOF",
        'subnet_ids = ["not", "an", "argument"]',
        "EOF",
        '  tags = { Name = "a { b" }',
        "  dns_options {",
        '    subnet_ids = "nested"',
        "  }",
        '  service_name = "com.amazonaws.${var.region == "x" ? "y" : "z"}.s3" /* subnet_ids = */',
        "  subnet_ids   = [aws_subnet.a.id]",
        "}",
    ]
    found = argument_lines(block, 10)
    assert found == {"vpc_id": 11, "policy": 12, "tags": 15, "service_name": 19, "subnet_ids": 20}
