"""`vpce-checks cost`, `vpce-checks diagram`, and what they add to a scan's JSON and Markdown reports."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import tree_snapshot

from vpce_checks.cli import build_parser, main
from vpce_checks.core.model import Configuration
from vpce_checks.core.registry import all_rules, relevant_resource_types
from vpce_checks.loader.module import load_directory
from vpce_checks.scan import ParseOptions, scan_paths
from vpce_checks.views import report
from vpce_checks.views.collect import ModuleView, module_view

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = str(ROOT / "examples")
JSON_DOC = ROOT / "docs" / "json-output.md"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_module(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(text, encoding="utf-8")
    return directory


# --- vpce-checks cost -------------------------------------------------------------------------------------


def test_cost_text_lists_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["cost", EXAMPLES], capsys)
    assert code == 0 and err == ""
    assert out.startswith("aws_vpc.main: ap-northeast-1 list price\n")
    assert re.search(r"aws_vpc_endpoint\.ecr_dkr\s+ecr\.dkr\s+2\s+\$20\.44\s+393\.1 GB/month", out)
    assert re.search(r"aws_vpc_endpoint\.secretsmanager\s+secretsmanager\s+1\s+\$10\.22\s+196\.5 GB/month", out)
    assert re.search(r"NAT gateways\s+aws_nat_gateway\.main\s+1\s+\$45\.26", out)
    assert re.search(r"Fixed per month\s+\$137\.24", out)
    assert "Per GB processed: NAT gateway $0.062, Interface endpoint $0.01, Gateway endpoint free." in out
    assert "a free Gateway endpoint would save $6.20 per 100 GB each" in out
    assert "checked 20" in out


def test_cost_json_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cost", EXAMPLES, "--format", "json"], capsys)
    document = json.loads(out)
    assert code == 0 and list(document) == ["version", "tool", "cost"]
    (vpc,) = document["cost"]["vpcs"]
    assert (vpc["vpc"], vpc["fixed_monthly"], vpc["nat_gateways"]["count"]) == ("aws_vpc.main", 137.24, 1)
    code, out, _ = run(["cost", EXAMPLES, "--format", "markdown"], capsys)
    assert code == 0 and "| `aws_vpc_endpoint.ssm` | ssm | 2 | $20.44 | 393.1 GB/month |" in out
    assert "| **Fixed per month** | | | **$137.24** | |" in out


def test_cost_with_a_traffic_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    traffic = tmp_path / "traffic.yaml"
    traffic.write_text("default:\n  s3: 500\n  ecr.dkr: 300\nvpcs:\n  aws_vpc.other:\n    s3: 1\n", encoding="utf-8")
    code, out, err = run(["cost", EXAMPLES, "--traffic", str(traffic)], capsys)
    assert code == 0
    # S3: 500 x 0.062 = 31.00 through the NAT, free through a Gateway endpoint;
    # ecr.dkr: 300 x 0.062 = 18.60 through the NAT, 20.44 + 300 x 0.01 = 23.44 through its endpoint.
    assert re.search(r"s3\s+500\.0\s+\$31\.00\s+\$0\.00\s+Gateway endpoint \(to add\)\s+endpoint", out)
    assert re.search(
        r"ecr\.dkr\s+300\.0\s+\$18\.60\s+\$23\.44\s+Interface endpoint aws_vpc_endpoint\.ecr_dkr\s+NAT", out
    )
    assert re.search(r"Total\s+\$49\.60\s+\$23\.44\s+endpoints", out)
    assert f"vpce-checks: note: {traffic}:5: no scanned VPC is named 'aws_vpc.other'" in err
    code, out, _ = run(["cost", EXAMPLES, "--traffic", str(traffic), "-f", "json"], capsys)
    priced = json.loads(out)["cost"]["vpcs"][0]["traffic"]
    assert (priced["via_nat"], priced["via_endpoints"]) == (49.6, 23.44)


def test_a_broken_traffic_file_fails_before_the_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    traffic = tmp_path / "traffic.yaml"
    traffic.write_text("default:\n  s3: lots\n", encoding="utf-8")
    code, out, err = run(["cost", EXAMPLES, "--traffic", str(traffic)], capsys)
    assert (code, out) == (2, "")
    assert (
        err == f"vpce-checks: error: {traffic}:2: default.s3: expected GB a month (a number, 0 or more), got 'lots'\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cost", "no/such/dir"], "no/such/dir: no such file or directory"),
        (["diagram", EXAMPLES, "--var-file", "missing.tfvars"], "--var-file missing.tfvars: no such file"),
        (["cost", EXAMPLES, "--var", "novalue"], "--var 'novalue': expected NAME=VALUE"),
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, _, err = run(args, capsys)
    assert code == 2 and err == f"vpce-checks: error: {message}\n"


def test_variables_reach_the_cost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = write_module(
        tmp_path / "mod",
        'variable "region" {}\nresource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
        'resource "aws_subnet" "a" {\n  vpc_id = aws_vpc.main.id\n  availability_zone = "${var.region}a"\n}\n'
        'resource "aws_vpc_endpoint" "sts" {\n  vpc_id = aws_vpc.main.id\n'
        '  service_name = "com.amazonaws.${var.region}.sts"\n  vpc_endpoint_type = "Interface"\n'
        "  subnet_ids = [aws_subnet.a.id]\n}\n",
    )
    _, unknown, _ = run(["cost", str(module)], capsys)
    assert "region not known, so no prices" in unknown and "$" not in unknown.split("List prices")[0]
    tfvars = tmp_path / "eu.tfvars"
    tfvars.write_text('region = "eu-west-1"\n', encoding="utf-8")
    _, known, _ = run(["cost", str(module), "--var-file", str(tfvars)], capsys)
    assert "eu-west-1 list price" in known and "$8.03" in known  # 0.011 x 1 AZ x 730
    _, fallback, _ = run(["cost", str(module), "--var", "region=af-south-1"], capsys)
    assert "us-east-1 list price; af-south-1 is not in the price table" in fallback and "$7.30" in fallback


def test_cost_names_the_paid_paths_as_the_rules_do(capsys: pytest.CaptureFixture[str]) -> None:
    fixtures = ROOT / "fixtures"
    _, out, _ = run(["cost", str(fixtures / "vpce013_nat_instance")], capsys)
    assert (
        "No Gateway endpoint for S3 and DynamoDB: that traffic goes through a NAT instance (aws_route_table.private: "
        "no per-GB charge, but the instance's bandwidth), and a free Gateway endpoint would carry it at no charge."
    ) in out
    _, out, _ = run(["cost", str(fixtures / "vpce013_spoke_vpc_egress_through_transit_gateway")], capsys)
    assert "goes through a Transit Gateway (aws_route_table.private: $0.02/GB, plus the egress VPC's NAT)" in out
    assert "would save $2.00 per 100 GB, plus the egress VPC's NAT processing." in out
    _, out, _ = run(["cost", str(fixtures / "vpce011_pass_cross_region_endpoints")], capsys)
    assert re.search(r"aws_vpc_endpoint\.kms_us_west_2\s+kms \(cross-region: us-west-2\)\s+2\s+\$14\.60\s+unknown", out)
    assert "Cross-region endpoints: aws_vpc_endpoint.kms_us_west_2 (us-west-2)." in out
    _, out, _ = run([str(fixtures / "vpce013_nat_instance"), "--format", "markdown"], capsys)
    assert "| $0.00 | no Gateway endpoint for S3, DynamoDB: through a NAT instance |" in out


def test_cost_of_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = write_module(tmp_path / "mod", 'resource "aws_s3_bucket" "b" {}\n')
    assert run(["cost", str(module)], capsys)[:2] == (0, "No VPC or VPC endpoint found.\n")


# --- the input options are the scan's ------------------------------------------------------------------


def _input_options(command: str) -> dict[str, tuple[object, ...]]:
    """Every input option of a command (the scan's groups "what to read" and "speed and limits", and PATH)."""
    parser = build_parser(command)
    groups = [group for group in parser._action_groups if group.title in ("what to read", "speed and limits")]
    actions = [action for group in groups for action in group._group_actions]
    actions += [action for action in parser._actions if action.dest == "paths"]
    return {
        "/".join(action.option_strings) or action.dest: (action.default, action.help, action.nargs, action.type)
        for action in actions
    }


@pytest.mark.parametrize("command", ["cost", "diagram"])
def test_view_commands_take_exactly_the_scans_input_options(command: str) -> None:
    options = _input_options(command)
    assert options == _input_options("scan")
    assert {"--var", "--var-file", "--config", "--no-config", "--jobs", "--no-cache", "--full-parse"} <= set(options)
    assert {"--max-file-size", "--max-nesting", "--max-expansion", "paths"} <= set(options)


def test_view_commands_check_and_note_as_a_scan_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in ("cost", "diagram"):
        code, _, err = run([command, str(empty)], capsys)
        assert code == 0 and err == f"vpce-checks: warning: no Terraform files under {empty}\n"
    code, _, err = run(["cost", "diagrm"], capsys)
    assert code == 2 and err.endswith("diagrm: no such file or directory (did you mean `vpce-checks diagram`?)\n")


def test_the_limits_and_speed_options_reach_the_view_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = write_module(
        tmp_path / "mod",
        'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
        'resource "aws_subnet" "a" {\n  count = 2\n  vpc_id = aws_vpc.main.id\n'
        '  availability_zone = ["us-east-1a", "us-east-1b"][count.index]\n}\n'
        'resource "aws_vpc_endpoint" "sts" {\n  vpc_id = aws_vpc.main.id\n'
        '  service_name = "com.amazonaws.us-east-1.sts"\n  vpc_endpoint_type = "Interface"\n'
        "  subnet_ids = aws_subnet.a[*].id\n}\n",
    )
    _, out, err = run(["cost", str(module), "--jobs", "1", "--no-cache", "--full-parse"], capsys)
    assert re.search(r"aws_vpc_endpoint\.sts\s+sts\s+2\s+\$14\.60", out) and err == ""
    # A count over --max-expansion is reported and treated as unknown: so are the endpoint's AZs.
    _, out, err = run(["cost", str(module), "--max-expansion", "1"], capsys)
    assert re.search(r"aws_vpc_endpoint\.sts\s+sts\s+unknown\s+unknown", out)
    assert err.startswith("vpce-checks: note: ")


# --- vpce-checks diagram ------------------------------------------------------------------------------------


def test_diagram_formats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["diagram", EXAMPLES], capsys)
    assert code == 0 and err == "" and out.startswith("flowchart LR\n")
    assert '["subnet<br>aws_subnet.private[0]"]' in out
    code, out, _ = run(["diagram", EXAMPLES, "--format", "dot"], capsys)
    assert code == 0 and out.startswith("digraph vpce_checks {") and out.endswith("}\n")
    code, out, _ = run(["diagram", EXAMPLES, "--format", "markdown"], capsys)
    assert code == 0 and out.startswith("### `aws_vpc.main`\n\n```mermaid\nflowchart LR\n")


def test_diagram_to_a_file_writes_nothing_else(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = write_module(tmp_path / "mod", (ROOT / "examples" / "main.tf").read_text(encoding="utf-8"))
    for name in ("variables.tf", "endpoints.tf"):
        (module / name).write_text((ROOT / "examples" / name).read_text(encoding="utf-8"), encoding="utf-8")
    before = tree_snapshot(module)
    output = tmp_path / "vpc.mmd"
    assert run(["diagram", str(module), "-o", str(output)], capsys)[:2] == (0, "")
    assert output.read_text(encoding="utf-8").startswith("flowchart LR")
    assert tree_snapshot(module) == before


def test_diagram_says_when_mermaid_would_refuse_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = write_module(tmp_path / "big", _many_subnets(300))
    code, out, err = run(["diagram", str(module)], capsys)
    assert code == 0 and out.startswith("flowchart LR")
    assert "vpce-checks: note: Mermaid will refuse this flowchart (600 links, more than Mermaid's limit of 500)" in err


def _many_subnets(count: int) -> str:
    """One VPC whose Interface endpoint has an ENI in each of ``count`` subnets: 2 links per subnet."""
    return f"""
resource "aws_vpc" "main" {{
  cidr_block = "10.0.0.0/16"
}}
resource "aws_subnet" "a" {{
  count             = {count}
  vpc_id            = aws_vpc.main.id
  availability_zone = "us-east-1a"
}}
resource "aws_vpc_endpoint" "sts" {{
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type = "Interface"
  subnet_ids        = aws_subnet.a[*].id
}}
"""


# --- the scan's JSON and Markdown reports -------------------------------------------------------------------


def test_scan_json_has_the_documented_cost_section(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([EXAMPLES, "--format", "json"], capsys)
    document = json.loads(out)
    assert code == 1 and list(document) == ["version", "tool", "summary", "findings", "scanned", "notes", "cost"]
    assert document["version"] == 1  # fields are only added within version 1
    cost = document["cost"]
    docs = JSON_DOC.read_text(encoding="utf-8")
    example: dict[str, Any] = json.loads(docs.split("```json\n")[2].split("```", 1)[0])
    assert list(example) == list(cost) == ["currency", "hours_per_month", "prices", "vpcs"]
    (vpc,) = cost["vpcs"]
    assert list(example["vpcs"][0]) == list(vpc)
    for key in (*cost, *vpc):
        assert f"| `{key}` |" in docs, key
    assert list(example["vpcs"][0]["interface_endpoints"][0]) == list(vpc["interface_endpoints"][0])
    assert example["vpcs"][0]["interface_endpoints"] == vpc["interface_endpoints"][:2]
    assert example["vpcs"][0]["fixed_monthly"] == vpc["fixed_monthly"] == 137.24


def test_scan_json_without_vpcs_has_an_empty_cost_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = write_module(tmp_path / "mod", 'resource "aws_s3_bucket" "b" {}\n')
    assert json.loads(run([str(module), "--format", "json"], capsys)[1])["cost"]["vpcs"] == []


def test_scan_markdown_has_the_cost_table_and_the_diagram(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([EXAMPLES, "--format", "markdown"], capsys)
    assert code == 1 and out.startswith("## vpce-checks\n")
    assert (
        "| `aws_vpc.main` | ap-northeast-1 list price | 5: $91.98 | 1: $45.26 | $137.24 "
        "| no Gateway endpoint for S3, DynamoDB: $6.20 per 100 GB each |"
    ) in out
    assert "<details><summary>Diagram of <code>aws_vpc.main</code>: findings on 6 parts</summary>" in out
    block = out.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.startswith("flowchart LR\n") and "VPCE008" in block
    assert out.endswith("</details>\n")


def test_text_and_other_formats_are_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run([EXAMPLES], capsys)
    assert "$137.24" not in out and "flowchart" not in out


def _views_of(terraform: str, tmp_path: Path) -> tuple[list[Any], list[ModuleView]]:
    write_module(tmp_path / "many", terraform)
    result = scan_paths([str(tmp_path / "many")], all_rules(), view=module_view)
    return result.findings, [view for view in result.views if isinstance(view, ModuleView)]


def test_markdown_stays_within_githubs_comment_limit(tmp_path: Path) -> None:
    vpcs = "".join(
        f"""
resource "aws_vpc" "v{index}" {{
  cidr_block = "10.0.0.0/16"
}}
resource "aws_subnet" "s{index}" {{
  vpc_id            = aws_vpc.v{index}.id
  availability_zone = "us-east-1a"
}}
resource "aws_vpc_endpoint" "e{index}" {{
  vpc_id             = aws_vpc.v{index}.id
  service_name       = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type  = "Interface"
  subnet_ids         = [aws_subnet.s{index}.id]
  security_group_ids = ["sg-1"]
  private_dns_enabled = true
}}
"""
        for index in range(150)
    )
    findings, views = _views_of(vpcs, tmp_path)
    assert len({finding.vpc or finding.address for finding in findings}) >= 150  # a finding in every VPC
    output = report.extend_report("markdown", "## vpce-checks\n", findings, views)
    assert len(output) <= report.COMMENT_LIMIT
    shown = output.count("<details>")
    assert 10 < shown < 150
    assert re.search(r"Diagrams left out: .*the comment would pass GitHub's 65,536-character limit", output)
    assert f"and {150 - shown - 10} more. `vpce-checks diagram PATH` prints them" in output
    assert "... and 100 more VPCs, not listed here" in output  # the cost table lists 50


def test_markdown_leaves_out_a_diagram_mermaid_would_refuse(tmp_path: Path) -> None:
    findings, views = _views_of(
        _many_subnets(300).replace("subnet_ids", "private_dns_enabled = true\n  subnet_ids"), tmp_path
    )
    assert findings
    output = report.extend_report("markdown", "## vpce-checks\n", findings, views)
    assert "<details>" not in output
    assert "Diagrams left out: `aws_vpc.main` (600 links, more than Mermaid's limit of 500)" in output


# --- the parse phase keeps what the views read -------------------------------------------------------------


@pytest.mark.parametrize(
    "directory",
    [
        "examples",
        "fixtures/shape_nat_via_aws_route",
        "fixtures/shape_multiple_vpcs",
        "fixtures/stacks_nat_and_endpoints",
    ],
)
def test_views_are_the_same_with_the_parse_phase(tmp_path: Path, directory: str) -> None:
    def views(prefilter: bool) -> list[object]:
        parsing = ParseOptions(prefilter=prefilter, cache_directory=str(tmp_path / "cache"))
        return scan_paths([str(ROOT / directory)], all_rules(), parsing=parsing, view=module_view).views

    assert views(prefilter=True) == views(prefilter=False)


def test_every_resource_type_the_views_read_is_relevant(monkeypatch: pytest.MonkeyPatch) -> None:
    read: set[str] = set()
    original = Configuration.of_type

    def recording(self: Configuration, resource_type: str) -> Any:
        read.add(resource_type)
        return original(self, resource_type)

    monkeypatch.setattr(Configuration, "of_type", recording)
    for directory in ("examples", "fixtures/shape_nat_via_aws_route", "fixtures/shape_association_resources"):
        module_view(load_directory(str(ROOT / directory), directory), [])
    assert {"aws_nat_gateway", "aws_route_table_association"} <= read <= relevant_resource_types()


def test_the_readme_shows_the_example_picture_rendered_from_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    _, source, _ = run(["diagram", EXAMPLES], capsys)
    assert f"```mermaid\n{source}```" in readme
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    assert f"<!-- docs/example-diagram.png is rendered from this source (sha256 {digest})" in readme
    assert "![The example VPC" in readme and "](docs/example-diagram.png)" in readme
    png = (ROOT / "docs" / "example-diagram.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
