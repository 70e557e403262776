"""Tests of every reporter, built on hand-made findings and the real rules."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

import vpce_checks
from vpce_checks.core.findings import Finding, Severity
from vpce_checks.core.model import Location, Problem
from vpce_checks.core.registry import Rule, all_rules
from vpce_checks.reporters import FORMATS, github, json_report, junit, markdown, render, renderer, sarif, text
from vpce_checks.reporters.run import Run, Scanned, TextOptions
from vpce_checks.source import SourceFiles

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"

RULES = all_rules()
RULE_BY_ID = {item.id: item for item in RULES}


def finding(rule_id: str, file: str, line: int, address: str, message: str = "", **extra: Any) -> Finding:
    """A finding of a real rule (slug and severity from the rule unless given)."""
    item = RULE_BY_ID[rule_id]
    fields: dict[str, Any] = {
        "slug": item.slug,
        "severity": item.severity,
        "end_line": line + 3,
        "message": message or f"{item.title} ({address or file})",
    }
    fields.update(extra)
    return Finding(rule_id=rule_id, file=file, start_line=line, address=address, **fields)


# Sorted as the engine sorts them: file, line, rule, address.
FINDINGS = [
    finding("VPCE001", "main.tf", 12, "aws_vpc_endpoint.s3", "Gateway endpoint for S3 has no route table."),
    finding(
        "VPCE004",
        "main.tf",
        30,
        "aws_vpc_endpoint.ssm",
        "No security group.",
        suppressed=True,
        suppression_reason="default SG is locked down",
    ),
    finding("VPCE005", "main.tf", 30, "aws_vpc_endpoint.ssm", "Subnets are in one AZ."),
    finding("VPCE013", "modules/net/nat.tf", 5, "aws_nat_gateway.main", "NAT carries S3 traffic.", vpc="aws_vpc.main"),
    finding("VPCE009", "modules/net/nat.tf", 101, "aws_vpc_endpoint.ecr_api", "Only ecr.api.", severity=Severity.INFO),
    finding("VPCE000", "z broken.tf", 7, "", "Unexpected token.", end_line=7),
]


def sarif_log(findings: list[Finding] = FINDINGS, rules: list[Rule] = RULES) -> dict[str, Any]:
    output = sarif.render(findings, rules)
    return json.loads(output)  # type: ignore[no-any-return]


# --- the registry of formats -------------------------------------------------------------------


def test_formats_maps_names_to_the_modules_render() -> None:
    expected = {
        "text": text.render,
        "json": json_report.render,
        "sarif": sarif.render,
        "junit": junit.render,
        "github": github.render,
        "markdown": markdown.render,
    }
    assert {fmt: renderer(fmt) for fmt in FORMATS} == expected


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_render_dispatches_to_the_format(fmt: str) -> None:
    assert render(fmt, FINDINGS, RULES) == renderer(fmt)(FINDINGS, RULES)


def test_render_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'.*github, json, junit, markdown, sarif, text"):
        render("xml", FINDINGS, RULES)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("findings", [FINDINGS, []], ids=["findings", "empty"])
def test_output_is_deterministic_and_ends_with_a_newline(fmt: str, findings: list[Finding]) -> None:
    first = render(fmt, findings, RULES)
    second = render(fmt, list(findings), list(RULES))
    assert first == second
    assert first.encode() == second.encode()
    assert first.endswith("\n")
    assert not first.endswith("\n\n")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_has_no_absolute_paths_or_timestamps(fmt: str) -> None:
    output = render(fmt, FINDINGS, RULES)
    assert str(ROOT) not in output
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", output)


# --- text ----------------------------------------------------------------------------------------


def test_text_lines_start_with_path_line_and_column() -> None:
    lines = text.render(FINDINGS, RULES).splitlines()
    assert lines[:6] == [
        "main.tf:12:1: VPCE001 [error] Gateway endpoint for S3 has no route table. [aws_vpc_endpoint.s3]",
        "main.tf:30:1: VPCE005 [warning] Subnets are in one AZ. [aws_vpc_endpoint.ssm]",
        "modules/net/nat.tf:5:1: VPCE013 [warning] NAT carries S3 traffic. [aws_nat_gateway.main]",
        "modules/net/nat.tf:101:1: VPCE009 [info] Only ecr.api. [aws_vpc_endpoint.ecr_api]",
        # A finding without an address (an unparsable file) has no brackets.
        "z broken.tf:7:1: VPCE000 [error] Unexpected token.",
        "",
    ]


def test_text_column_comes_from_the_source_line() -> None:
    class Source:
        def lines(self, path: str) -> list[str]:
            return ["resource {"] * 11 + ["    route_table_ids = []"]

        def column(self, path: str, line: int) -> int:
            return 5 if line == 12 else 1

        def block(self, path: str, start: int, end: int) -> tuple[int, int]:
            return start, end

    run = Run(text=TextOptions(source=Source()))
    assert text.render(FINDINGS[:1], RULES, run=run).startswith("main.tf:12:5: VPCE001 [error] ")


def test_text_finding_without_a_line_has_only_its_path() -> None:
    nowhere = finding("VPCE000", "bad.tf", 0, "", "Cannot read.", end_line=0)
    assert text.render([nowhere], RULES).splitlines()[0] == "bad.tf: VPCE000 [error] Cannot read."


def test_text_lists_suppressed_findings_apart_with_their_reason() -> None:
    output = text.render(FINDINGS, RULES)
    active, _, rest = output.partition("\nSuppressed:\n")
    assert "VPCE004" not in active
    assert rest.splitlines()[0] == (
        "main.tf:30:1: VPCE004 [warning] No security group. [aws_vpc_endpoint.ssm]"
        " (suppressed: default SG is locked down)"
    )


def test_text_marks_a_suppression_without_reason() -> None:
    quiet = finding("VPCE006", "a.tf", 3, "aws_vpc_endpoint.x", "Private DNS off.", suppressed=True)
    output = text.render([quiet], RULES)
    assert "\na.tf:3:1: VPCE006 [warning] Private DNS off. [aws_vpc_endpoint.x] (suppressed)\n" in output


def test_text_rule_table_links_each_rule_once_and_the_summary_says_what_was_checked() -> None:
    lines = text.render(FINDINGS, RULES, run=Run(scanned=Scanned(modules=12, files=48))).splitlines()
    url = "https://github.com/vpce-checks/vpce-checks/blob/main/docs/rules/"
    assert lines[-10:] == [
        "",
        "By rule ('vpce-checks explain ID' prints a rule's documentation):",
        f"  1  VPCE001  error    gateway-endpoint-without-route-table  {url}VPCE001.md",
        f"  1  VPCE005  warning  interface-endpoint-single-az          {url}VPCE005.md",
        f"  1  VPCE013  warning  nat-without-gateway-endpoints         {url}VPCE013.md",
        f"  1  VPCE009  info     ecr-endpoint-pair-incomplete          {url}VPCE009.md",
        f"  1  VPCE000  error    unparsable-terraform-file             {url}VPCE000.md",
        "",
        "5 findings (2 errors, 2 warnings, 1 info), 1 suppressed",
        f"{len(RULES)} rules checked in 12 root modules, 48 files.",
    ]
    assert sum(line.count(url) for line in lines) == 5  # each rule with findings once, the suppressed one not


def test_text_statistics_count_per_rule_instead_of_the_list() -> None:
    many = [finding("VPCE005", "a.tf", line, f"aws_vpc_endpoint.e{line}") for line in range(1, 13)]
    output = text.render([*many, FINDINGS[0]], RULES, run=Run(text=TextOptions(statistics=True)))
    assert "a.tf:1:1" not in output and "Suppressed" not in output
    assert output.splitlines()[1:3] == [
        "  12  VPCE005  warning  interface-endpoint-single-az          "
        "https://github.com/vpce-checks/vpce-checks/blob/main/docs/rules/VPCE005.md",
        "   1  VPCE001  error    gateway-endpoint-without-route-table  "
        "https://github.com/vpce-checks/vpce-checks/blob/main/docs/rules/VPCE001.md",
    ]
    assert "13 findings (1 error, 12 warnings)" in output


def test_text_quiet_prints_the_findings_only() -> None:
    output = text.render(FINDINGS, RULES, run=Run(scanned=Scanned(1, 1), text=TextOptions(quiet=True)))
    assert output.splitlines() == [line for line in text.render(FINDINGS, RULES).splitlines()[:5]]
    assert text.render([], RULES, run=Run(text=TextOptions(quiet=True))) == ""
    stats = text.render(FINDINGS, RULES, run=Run(text=TextOptions(quiet=True, statistics=True))).splitlines()
    assert len(stats) == 5 and all("https://" in line for line in stats)


def test_text_colour_paints_paths_ids_and_severities_and_nothing_without_it() -> None:
    plain = text.render(FINDINGS, RULES)
    coloured = text.render(FINDINGS, RULES, run=Run(text=TextOptions(color=True)))
    assert "\x1b[" not in plain
    assert coloured.splitlines()[0] == (
        "\x1b[1mmain.tf:12:1\x1b[0m: \x1b[1mVPCE001\x1b[0m \x1b[1;31m[error]\x1b[0m"
        " Gateway endpoint for S3 has no route table. [aws_vpc_endpoint.s3]"
    )
    assert "\x1b[1;33m[warning]\x1b[0m" in coloured and "\x1b[1;36m[info]\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_text_code_frame_shows_the_block_and_marks_the_line(tmp_path: Path) -> None:
    policy = '  policy = <<EOF\n{\n  "Statement": []\n}\nEOF\n'
    source_text = (
        'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n\n'
        'resource "aws_vpc_endpoint" "s3" {\n  vpc_id = aws_vpc.main.id\n' + policy + "}\n"
    )
    (tmp_path / "main.tf").write_text(source_text)
    at_attribute = finding("VPCE001", str(tmp_path / "main.tf"), 6, "aws_vpc_endpoint.s3", "No routes.", end_line=6)
    run = Run(text=TextOptions(show_source=True, source=SourceFiles()))
    lines = text.render([at_attribute], RULES, run=run).splitlines()
    assert lines[0] == f"{tmp_path}/main.tf:6:3: VPCE001 [error] No routes. [aws_vpc_endpoint.s3]"
    # The heredoc's closing brace at column 1 does not end the frame: the block scanner knows heredocs.
    assert lines[1:9] == [
        '   5 | resource "aws_vpc_endpoint" "s3" {',
        ">  6 |   vpc_id = aws_vpc.main.id",
        "   7 |   policy = <<EOF",
        "   8 | {",
        '   9 |   "Statement": []',
        "  10 | }",
        "  11 | EOF",
        "  12 | }",
    ]
    assert lines[9] == ""
    # Without --show-source there is no frame.
    assert text.render([at_attribute], RULES).splitlines()[1] == ""


def test_text_code_frame_of_a_long_block_is_shortened(tmp_path: Path) -> None:
    body = "".join(f"  tag_{number} = {number}\n" for number in range(30))
    (tmp_path / "main.tf").write_text('resource "aws_vpc_endpoint" "x" {\n' + body + "}\n")
    middle = finding("VPCE001", str(tmp_path / "main.tf"), 16, "aws_vpc_endpoint.x", "At fault.", end_line=16)
    run = Run(text=TextOptions(show_source=True, source=SourceFiles()))
    frame = text.render([middle], RULES, run=run).splitlines()[1:10]
    assert frame == [
        '   1 | resource "aws_vpc_endpoint" "x" {',
        "     ...",
        "  14 |   tag_12 = 12",
        "  15 |   tag_13 = 13",
        "> 16 |   tag_14 = 14",
        "  17 |   tag_15 = 15",
        "  18 |   tag_16 = 16",
        "     ...",
        "  32 | }",
    ]


def test_text_code_frame_of_a_file_it_cannot_read_is_left_out() -> None:
    run = Run(text=TextOptions(show_source=True, source=SourceFiles()))
    assert text.render(FINDINGS[:1], RULES, run=run).splitlines()[:2] == [
        "main.tf:12:1: VPCE001 [error] Gateway endpoint for S3 has no route table. [aws_vpc_endpoint.s3]",
        "",
    ]


def test_text_summary_counts_unsuppressed_findings_by_severity() -> None:
    lines = text.render(FINDINGS, RULES).splitlines()
    assert lines[-2:] == ["5 findings (2 errors, 2 warnings, 1 info), 1 suppressed", f"{len(RULES)} rules checked."]
    assert lines[-3] == ""


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([FINDINGS[0]], "1 finding (1 error)"),
        ([FINDINGS[2], FINDINGS[3]], "2 findings (2 warnings)"),
        ([FINDINGS[4], FINDINGS[4]], "2 findings (2 info)"),
        ([FINDINGS[0], FINDINGS[1]], "1 finding (1 error), 1 suppressed"),
        ([FINDINGS[1]], "No findings, 1 suppressed"),
        ([], "No findings."),
    ],
)
def test_text_summary_line(findings: list[Finding], expected: str) -> None:
    assert text.summary(findings) == expected
    assert expected in text.render(findings, RULES).splitlines()


def test_text_without_findings_is_the_summary_alone() -> None:
    assert text.render([], RULES[:1]) == "No findings.\n1 rule checked.\n"
    nothing = text.render([], RULES[:1], run=Run(scanned=Scanned(0, 0)))
    assert nothing == "No findings.\n1 rule checked in 0 root modules, 0 files.\n"


# --- JSON ----------------------------------------------------------------------------------------


def test_json_document_top_level_in_fixed_order() -> None:
    data = json.loads(json_report.render(FINDINGS, RULES))
    assert list(data) == ["version", "tool", "summary", "findings", "scanned", "notes"]
    assert data["version"] == 1
    assert data["tool"] == {"name": "vpce-checks", "version": vpce_checks.__version__}
    assert data["summary"] == {
        "total": 5,
        "suppressed": 1,
        "by_severity": {"error": 2, "warning": 2, "info": 1},
        "baselined": 0,
    }
    assert list(data["summary"]["by_severity"]) == ["error", "warning", "info"]


def test_json_findings_keep_order_and_fields() -> None:
    data = json.loads(json_report.render(FINDINGS, RULES))
    assert [item["rule_id"] for item in data["findings"]] == [f.rule_id for f in FINDINGS]
    assert data["findings"][1] == {
        "rule_id": "VPCE004",
        "slug": "interface-endpoint-without-security-group",
        "severity": "warning",
        "message": "No security group.",
        "file": "main.tf",
        "start_line": 30,
        "end_line": 33,
        "address": "aws_vpc_endpoint.ssm",
        "vpc": None,
        "suppressed": True,
        "suppression_reason": "default SG is locked down",
        "suppression_until": None,
        "plan": None,
    }
    assert list(data["findings"][1]) == [
        "rule_id",
        "slug",
        "severity",
        "message",
        "file",
        "start_line",
        "end_line",
        "address",
        "vpc",
        "suppressed",
        "suppression_reason",
        "suppression_until",
        "plan",
    ]
    nat = data["findings"][3]
    assert (nat["vpc"], nat["suppressed"], nat["suppression_reason"]) == ("aws_vpc.main", False, None)
    assert data["findings"][4]["severity"] == "info"
    assert data["findings"][5]["address"] == ""


def test_json_round_trips_to_the_findings() -> None:
    data = json.loads(json_report.render(FINDINGS, RULES))
    rebuilt = [Finding(**{**item, "severity": Severity(item["severity"])}) for item in data["findings"]]
    assert rebuilt == FINDINGS


def test_json_is_indented_with_two_spaces() -> None:
    output = json_report.render(FINDINGS, RULES)
    assert output.startswith('{\n  "version": 1,\n  "tool": {\n    "name": "vpce-checks",')


def test_json_without_findings() -> None:
    data = json.loads(json_report.render([], RULES))
    assert data["summary"] == {
        "total": 0,
        "suppressed": 0,
        "by_severity": {"error": 0, "warning": 0, "info": 0},
        "baselined": 0,
    }
    assert data["findings"] == []
    assert data["scanned"] is None and data["notes"] == []


NOTES = [
    Problem("module.x: source 'git::https://example.com/x.git' is not downloaded", Location("main.tf", 3, 9)),
    Problem("the rules that judge a whole VPC were not run for this module", Location("stacks/a", 0, 0)),
    Problem("module.x: source 'git::https://example.com/x.git' is not downloaded", Location("main.tf", 3, 9)),
]


def test_json_has_what_was_scanned_and_each_note_once() -> None:
    data = json.loads(json_report.render([], RULES, run=Run(notes=NOTES, scanned=Scanned(12, 48))))
    assert data["scanned"] == {"modules": 12, "files": 48, "plans": 0}
    assert data["notes"] == [
        {"message": NOTES[0].message, "file": "main.tf", "line": 3},
        {"message": NOTES[1].message, "file": "stacks/a", "line": 0},
    ]


def test_json_docs_example_matches_the_reporter() -> None:
    docs = (ROOT / "docs" / "json-output.md").read_text(encoding="utf-8")
    assert "fields are only added, never renamed" in docs
    example = json.loads(docs.split("```json\n", 1)[1].split("```", 1)[0])
    data = json.loads(json_report.render(FINDINGS, RULES))
    data = json.loads(json_report.render(FINDINGS, RULES, run=Run(notes=NOTES, scanned=Scanned(2, 3))))
    assert list(example) == list(data)
    assert example["tool"]["version"] == vpce_checks.__version__
    assert list(example["summary"]) == list(data["summary"])
    assert list(example["scanned"]) == list(data["scanned"])
    for item in example["findings"]:
        assert list(item) == list(data["findings"][0])
    for note in example["notes"]:
        assert list(note) == list(data["notes"][0])
    # Every documented field has a row in the field tables.
    for key in [*data, *data["findings"][0]]:
        assert f"| `{key}` |" in docs
    for key in [*data["scanned"], *data["notes"][0]]:
        assert f"| `scanned.{key}` |" in docs or f"| `notes[].{key}` |" in docs


# --- SARIF ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("findings", [FINDINGS, []], ids=["findings", "empty"])
def test_sarif_is_valid_against_the_official_schema(
    sarif_validator: jsonschema.Draft4Validator, findings: list[Finding]
) -> None:
    errors = sorted(str(error) for error in sarif_validator.iter_errors(sarif_log(findings)))
    assert errors == []


def test_sarif_schema_validation_catches_a_broken_log(sarif_validator: jsonschema.Draft4Validator) -> None:
    log = sarif_log()
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(list(sarif_validator.iter_errors(log))) == 2


def test_sarif_header_and_driver() -> None:
    log = sarif_log()
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "vpce-checks"
    assert driver["version"] == vpce_checks.__version__
    assert driver["informationUri"] == "https://github.com/vpce-checks/vpce-checks"


def test_sarif_rules_table_lists_every_rule_passed_in() -> None:
    driver = sarif_log()["runs"][0]["tool"]["driver"]
    assert [item["id"] for item in driver["rules"]] == [item.id for item in RULES]
    vpce001 = RULE_BY_ID["VPCE001"]
    assert driver["rules"][1] == {
        "id": "VPCE001",
        "name": "gateway-endpoint-without-route-table",
        "shortDescription": {"text": vpce001.title},
        "fullDescription": {"text": vpce001.title},
        "help": {"text": vpce001.docs, "markdown": vpce001.docs},
        "helpUri": "https://github.com/vpce-checks/vpce-checks/blob/main/docs/rules/VPCE001.md",
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["reliability"]},
    }
    assert "## What it does" in driver["rules"][1]["help"]["markdown"]
    levels = {item["id"]: item["defaultConfiguration"]["level"] for item in driver["rules"]}
    assert levels["VPCE005"] == "warning"


def test_sarif_rule_level_for_info_is_note() -> None:
    info_rule = Rule("VPCE999", "made-up", Severity.INFO, "cost", "Made up", (), "docs", lambda network: [])
    driver = sarif_log([], [info_rule])["runs"][0]["tool"]["driver"]
    assert driver["rules"][0]["defaultConfiguration"] == {"level": "note"}


def test_sarif_results_point_at_rules_and_locations() -> None:
    results = sarif_log()["runs"][0]["results"]
    rules = sarif_log()["runs"][0]["tool"]["driver"]["rules"]
    assert [result["ruleId"] for result in results] == [f.rule_id for f in FINDINGS]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    first = results[0]
    assert first["level"] == "error"
    assert first["message"] == {"text": "Gateway endpoint for S3 has no route table."}
    assert first["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "main.tf"},
                "region": {"startLine": 12, "endLine": 15},
            },
            "logicalLocations": [{"fullyQualifiedName": "aws_vpc_endpoint.s3", "kind": "resource"}],
        }
    ]
    assert "suppressions" not in first
    assert "properties" not in first
    assert [result["level"] for result in results] == ["error", "warning", "warning", "warning", "note", "error"]


def test_sarif_result_without_address_has_no_logical_location() -> None:
    unparsable = sarif_log()["runs"][0]["results"][5]
    assert unparsable["ruleId"] == "VPCE000"
    assert "logicalLocations" not in unparsable["locations"][0]
    # The space is percent-encoded so the URI is a valid URI reference.
    assert unparsable["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "z%20broken.tf"


def test_sarif_uri_uses_forward_slashes_and_stays_relative() -> None:
    windows = finding("VPCE001", "modules\\net\\main.tf", 3, "aws_vpc_endpoint.s3")
    location = sarif_log([windows])["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "modules/net/main.tf"


def test_sarif_unknown_line_gets_no_region(sarif_validator: jsonschema.Draft4Validator) -> None:
    nowhere = finding("VPCE000", "bad.tf", 0, "", "Cannot read.", end_line=0)
    log = sarif_log([nowhere])
    assert "region" not in log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert list(sarif_validator.iter_errors(log)) == []


def test_sarif_suppressed_result_carries_the_justification() -> None:
    results = sarif_log()["runs"][0]["results"]
    assert results[1]["suppressions"] == [{"kind": "inSource", "justification": "default SG is locked down"}]
    no_reason = finding("VPCE006", "a.tf", 3, "aws_vpc_endpoint.x", suppressed=True)
    result = sarif_log([no_reason])["runs"][0]["results"][0]
    assert result["suppressions"] == [{"kind": "inSource"}]


def test_sarif_vpc_goes_into_properties() -> None:
    results = sarif_log()["runs"][0]["results"]
    assert results[3]["properties"] == {"vpc": "aws_vpc.main"}
    assert all("properties" not in result for index, result in enumerate(results) if index != 3)


def test_sarif_fingerprint_ignores_lines_and_tracks_identity() -> None:
    results = sarif_log()["runs"][0]["results"]
    expected = hashlib.sha256(b"VPCE001\0aws_vpc_endpoint.s3\0main.tf").hexdigest()
    assert results[0]["partialFingerprints"] == {"vpceChecks/v1": expected}

    moved = finding("VPCE001", "main.tf", 80, "aws_vpc_endpoint.s3", "Gateway endpoint for S3 has no route table.")
    assert sarif.fingerprint(moved) == expected
    other_address = finding("VPCE001", "main.tf", 12, "aws_vpc_endpoint.dynamodb")
    other_file = finding("VPCE001", "other.tf", 12, "aws_vpc_endpoint.s3")
    other_rule = finding("VPCE014", "main.tf", 12, "aws_vpc_endpoint.s3")
    assert len({expected, *(sarif.fingerprint(f) for f in (other_address, other_file, other_rule))}) == 4
    # The same file written with backslashes is the same finding.
    backslashed = finding("VPCE001", "a\\b.tf", 1, "x")
    assert sarif.fingerprint(backslashed) == sarif.fingerprint(finding("VPCE001", "a/b.tf", 1, "x"))


def test_sarif_result_of_a_rule_not_passed_in_has_no_rule_index() -> None:
    results = sarif_log(FINDINGS[:1], [RULE_BY_ID["VPCE005"]])["runs"][0]["results"]
    assert results[0]["ruleId"] == "VPCE001"
    assert "ruleIndex" not in results[0]


def test_sarif_without_findings_has_an_empty_result_list() -> None:
    run = sarif_log([])["runs"][0]
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(RULES)


# --- JUnit XML -----------------------------------------------------------------------------------

JUNIT_SCHEMA = Path(__file__).resolve().parent / "data" / "junit-10.xsd"


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(JUNIT_SCHEMA))


def junit_root(findings: list[Finding] = FINDINGS, rules: list[Rule] = RULES) -> ElementTree.Element:
    return ElementTree.fromstring(junit.render(findings, rules))


@pytest.mark.parametrize("findings", [FINDINGS, []], ids=["findings", "empty"])
def test_junit_is_valid_against_the_jenkins_schema(junit_schema: xmlschema.XMLSchema, findings: list[Finding]) -> None:
    output = junit.render(findings, RULES)
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    assert [str(error) for error in junit_schema.iter_errors(output)] == []


def test_junit_schema_validation_catches_a_broken_report(junit_schema: xmlschema.XMLSchema) -> None:
    root = junit_root()
    del root[0].attrib["failures"]  # required
    ElementTree.SubElement(root[0][0], "file")  # not an element of the schema
    assert len(list(junit_schema.iter_errors(ElementTree.tostring(root, encoding="unicode")))) >= 2


def test_junit_has_one_suite_per_rule_with_counts() -> None:
    root = junit_root()
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [f"{item.id} {item.slug}" for item in RULES]
    by_name = {suite.get("name", "").split()[0]: suite for suite in suites}
    assert dict(by_name["VPCE004"].attrib) == {
        "name": "VPCE004 interface-endpoint-without-security-group",
        "tests": "1",
        "failures": "0",
        "errors": "0",
        "skipped": "1",
    }
    assert (by_name["VPCE001"].get("tests"), by_name["VPCE001"].get("failures")) == ("1", "1")
    # Totals: 5 failing cases, 1 skipped, and one passing case for each of the rules without findings.
    quiet_rules = len(RULES) - len({f.rule_id for f in FINDINGS})
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (str(len(FINDINGS) + quiet_rules), "5", "0")
    assert sum(int(suite.get("tests", "0")) for suite in suites) == int(root.get("tests", "0"))
    assert len(root.findall(".//failure")) == 5 and len(root.findall(".//skipped")) == 1


def test_junit_failure_carries_file_line_address_and_message() -> None:
    (case,) = junit_root().findall("testsuite[@name='VPCE013 nat-without-gateway-endpoints']/testcase")
    assert case.get("name") == "aws_nat_gateway.main (modules/net/nat.tf:5)"
    assert case.get("classname") == "modules/net/nat.tf"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "NAT carries S3 traffic."
    assert failure.get("type") == "warning VPCE013"
    assert failure.text == (
        "modules/net/nat.tf:5: VPCE013 nat-without-gateway-endpoints (warning)\n"
        "resource: aws_nat_gateway.main\nvpc: aws_vpc.main\nNAT carries S3 traffic."
    )


def test_junit_suppressed_finding_is_skipped_with_its_reason() -> None:
    (case,) = junit_root().findall("testsuite[@name='VPCE004 interface-endpoint-without-security-group']/testcase")
    skipped = case.find("skipped")
    assert skipped is not None and skipped.get("message") == "default SG is locked down"
    assert case.find("failure") is None


def test_junit_file_finding_is_named_after_the_file_and_escapes_text() -> None:
    broken = finding("VPCE000", "a&b.tf", 3, "", 'Unexpected "<" & more.', end_line=3)
    output = junit.render([broken], [RULE_BY_ID["VPCE000"]])
    case = ElementTree.fromstring(output).find("testsuite/testcase")
    assert case is not None and case.get("name") == "a&b.tf (a&b.tf:3)"
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == 'Unexpected "<" & more.'


def test_junit_finding_of_a_rule_that_did_not_run_gets_its_own_suite() -> None:
    root = junit_root(FINDINGS[:1], [RULE_BY_ID["VPCE005"]])
    assert [suite.get("name") for suite in root] == [
        "VPCE005 interface-endpoint-single-az",
        "VPCE001 gateway-endpoint-without-route-table",
    ]


def test_junit_clean_run_has_a_passing_case_per_rule() -> None:
    root = junit_root([])
    assert root.get("tests") == str(len(RULES)) and root.get("failures") == "0"
    assert all(suite.find("testcase[@name='no findings']") is not None for suite in root)


# --- GitHub workflow commands ---------------------------------------------------------------------


def test_github_annotations_per_unsuppressed_finding() -> None:
    lines = github.render(FINDINGS, RULES).splitlines()
    assert lines[0] == (
        "::error file=main.tf,line=12,endLine=15,title=VPCE001 gateway-endpoint-without-route-table"
        "::Gateway endpoint for S3 has no route table. [aws_vpc_endpoint.s3]"
    )
    assert [line.split(" ", 1)[0] for line in lines[:-1]] == [
        "::error",
        "::warning",
        "::warning",
        "::notice",
        "::error",
    ]
    assert not any("VPCE004" in line for line in lines)  # suppressed
    assert lines[-1] == "5 findings (2 errors, 2 warnings, 1 info), 1 suppressed"


def test_github_escapes_data_and_properties() -> None:
    tricky = finding("VPCE005", "dir,x/a:b%.tf", 7, "aws_vpc_endpoint.x", "100% sure\r\nnext::warning line", end_line=9)
    (line, _) = github.render([tricky], RULES).splitlines()
    assert line == (
        "::warning file=dir%2Cx/a%3Ab%25.tf,line=7,endLine=9,title=VPCE005 interface-endpoint-single-az"
        "::100%25 sure%0D%0Anext::warning line [aws_vpc_endpoint.x]"
    )
    # The message cannot end the command: after the first "::" separator, no raw newline or CR is left.
    assert "\n" not in line and "\r" not in line
    assert github.escape_property("a:b,c") == "a%3Ab%2Cc"
    assert github.escape_data("a:b,c") == "a:b,c"


def test_github_unknown_line_has_no_line_properties_and_windows_paths_use_slashes() -> None:
    nowhere = finding("VPCE000", "mods\\bad.tf", 0, "", "Cannot read.", end_line=0)
    (line, _) = github.render([nowhere], RULES).splitlines()
    assert line == "::error file=mods/bad.tf,title=VPCE000 unparsable-terraform-file::Cannot read."


def test_github_clean_run_and_baseline_note() -> None:
    assert github.render([], RULES) == "No findings.\n"
    assert github.render([], RULES, baselined=3) == "No findings, 3 hidden by the baseline\n"


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_summary_and_table() -> None:
    output = markdown.render(FINDINGS, RULES, baselined=2)
    lines = output.splitlines()
    assert lines[0] == "## vpce-checks"
    assert lines[2] == (
        "**5 findings**: 2 errors, 2 warnings, 1 info (1 suppressed, 2 hidden by the baseline)."
        f" {len(RULES)} rules checked."
    )
    assert lines[4:6] == ["| Severity | Rule | Location | Resource | Message |", "|---|---|---|---|---|"]
    assert lines[6] == (
        "| error | [VPCE001](https://github.com/vpce-checks/vpce-checks/blob/main/docs/rules/VPCE001.md)"
        " `gateway-endpoint-without-route-table` | `main.tf:12` | `aws_vpc_endpoint.s3` |"
        " Gateway endpoint for S3 has no route table. |"
    )
    table = [line for line in lines[6:] if line.startswith("| ")]
    assert len(table) == 5 + 2  # five active rows, then the suppressed table's header and its row
    assert "<details><summary>Suppressed findings (1)</summary>" in output
    assert "(suppressed: default SG is locked down)" in output.split("<details>", 1)[1]
    assert "VPCE004" not in output.split("<details>", 1)[0]


def test_markdown_every_row_has_five_cells_even_with_pipes_and_newlines() -> None:
    tricky = finding("VPCE005", "a|b.tf", 3, 'aws_vpc_endpoint.x["a|b"]', "one | two\nthree <b>bold</b>")
    row = markdown.render([tricky], RULES).splitlines()[-1]
    assert row.replace("\\|", "").count("|") == 6
    assert "one \\| two three &lt;b&gt;bold&lt;/b&gt;" in row
    assert '`aws_vpc_endpoint.x["a\\|b"]`' in row and "`a\\|b.tf:3`" in row


def test_markdown_table_is_capped() -> None:
    many = [finding("VPCE001", "main.tf", line, f"aws_vpc_endpoint.e{line}") for line in range(1, 131)]
    output = markdown.render(many, RULES)
    rows = [line for line in output.splitlines() if line.startswith("| error |")]
    assert len(rows) == markdown.MAX_ROWS == 100
    assert "`aws_vpc_endpoint.e100`" in rows[-1]
    assert output.startswith("## vpce-checks\n\n**130 findings**: 130 errors.")
    assert output.endswith("\n\n... and 30 more, not listed here.\n")
    assert "more, not listed" not in markdown.render(many[:100], RULES)


def test_markdown_clean_run() -> None:
    assert markdown.render([], RULES) == (
        f"## vpce-checks\n\n:white_check_mark: **No findings**. {len(RULES)} rules checked.\n"
    )
    assert ":white_check_mark: **No findings** (4 hidden by the baseline)." in markdown.render([], RULES, 4)


# --- the baseline count in the other formats ----------------------------------------------------


def test_text_and_json_say_how_many_findings_the_baseline_hid() -> None:
    assert (
        text.render(FINDINGS[:1], RULES, baselined=2).splitlines()[-2]
        == "1 finding (1 error), 2 hidden by the baseline"
    )
    assert json.loads(json_report.render([], RULES, baselined=2))["summary"]["baselined"] == 2


# --- notes in SARIF, GitHub annotations and Markdown ----------------------------------------------


def test_sarif_notes_are_tool_execution_notifications(sarif_validator: jsonschema.Draft4Validator) -> None:
    log = json.loads(sarif.render(FINDINGS, RULES, run=Run(notes=NOTES)))
    assert list(sarif_validator.iter_errors(log)) == []
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "note",
            "message": {"text": NOTES[0].message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "main.tf"}, "region": {"startLine": 3}}}],
        },
        {
            "level": "note",
            "message": {"text": NOTES[1].message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "stacks/a"}}}],
        },
    ]
    assert sarif_log()["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_github_notes_are_notices_before_the_summary() -> None:
    lines = github.render([], RULES, run=Run(notes=NOTES)).splitlines()
    assert lines == [
        f"::notice file=main.tf,line=3,title=vpce-checks note::{NOTES[0].message}",
        f"::notice file=stacks/a,title=vpce-checks note::{NOTES[1].message}",
        "No findings.",
    ]


def test_markdown_lists_the_notes_collapsed() -> None:
    output = markdown.render([], RULES, run=Run(notes=NOTES))
    assert output.endswith(
        "<details><summary>Not judged or skipped (2)</summary>\n\n"
        f"- `main.tf:3`: {NOTES[0].message}\n- `stacks/a`: {NOTES[1].message}\n\n</details>\n"
    )
    assert "Not judged" not in markdown.render([], RULES)
