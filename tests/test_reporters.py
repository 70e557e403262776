"""Tests of the text, JSON and SARIF reporters, built on hand-made findings and the real rules."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import vpce_checks
from vpce_checks.core.findings import Finding, Severity
from vpce_checks.core.registry import Rule, all_rules
from vpce_checks.reporters import FORMATS, github, json_report, junit, markdown, render, sarif, text

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
    assert expected == FORMATS


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_render_dispatches_to_the_format(fmt: str) -> None:
    assert render(fmt, FINDINGS, RULES) == FORMATS[fmt](FINDINGS, RULES)


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


def test_text_groups_findings_by_file_with_aligned_columns() -> None:
    lines = text.render(FINDINGS, RULES).splitlines()
    assert lines[:6] == [
        "main.tf",
        "   12  VPCE001  error    Gateway endpoint for S3 has no route table. [aws_vpc_endpoint.s3]",
        "   30  VPCE005  warning  Subnets are in one AZ. [aws_vpc_endpoint.ssm]",
        "modules/net/nat.tf",
        "    5  VPCE013  warning  NAT carries S3 traffic. [aws_nat_gateway.main]",
        "  101  VPCE009  info     Only ecr.api. [aws_vpc_endpoint.ecr_api]",
    ]
    # A finding without an address (an unparsable file) has no brackets.
    assert lines[6:8] == ["z broken.tf", "    7  VPCE000  error    Unexpected token."]


def test_text_lists_suppressed_findings_apart_with_their_reason() -> None:
    output = text.render(FINDINGS, RULES)
    active, _, rest = output.partition("\nSuppressed:\n")
    assert "VPCE004" not in active
    assert rest.splitlines()[:2] == [
        "main.tf",
        "   30  VPCE004  warning  No security group. [aws_vpc_endpoint.ssm] (suppressed: default SG is locked down)",
    ]


def test_text_marks_a_suppression_without_reason() -> None:
    quiet = finding("VPCE006", "a.tf", 3, "aws_vpc_endpoint.x", "Private DNS off.", suppressed=True)
    output = text.render([quiet], RULES)
    assert "  3  VPCE006  warning  Private DNS off. [aws_vpc_endpoint.x] (suppressed)\n" in output


def test_text_summary_counts_unsuppressed_findings_by_severity() -> None:
    lines = text.render(FINDINGS, RULES).splitlines()
    assert lines[-3:] == [
        "5 findings (2 errors, 2 warnings, 1 info), 1 suppressed",
        f"{len(RULES)} rules checked.",
        "Run 'vpce-checks explain ID' for details.",
    ]
    assert lines[-4] == ""


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


def test_text_without_findings_has_no_hint() -> None:
    assert text.render([], RULES[:1]) == "No findings.\n1 rule checked.\n"


# --- JSON ----------------------------------------------------------------------------------------


def test_json_document_top_level_in_fixed_order() -> None:
    data = json.loads(json_report.render(FINDINGS, RULES))
    assert list(data) == ["version", "tool", "summary", "findings"]
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


def test_json_docs_example_matches_the_reporter() -> None:
    docs = (ROOT / "docs" / "json-output.md").read_text(encoding="utf-8")
    assert "fields are only added, never renamed" in docs
    example = json.loads(docs.split("```json\n", 1)[1].split("```", 1)[0])
    data = json.loads(json_report.render(FINDINGS, RULES))
    assert list(example) == list(data)
    assert example["tool"]["version"] == vpce_checks.__version__
    assert list(example["summary"]) == list(data["summary"])
    for item in example["findings"]:
        assert list(item) == list(data["findings"][0])
    # Every documented field has a row in the field tables.
    for key in data["findings"][0]:
        assert f"| `{key}` |" in docs


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
