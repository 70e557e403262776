"""Bad input never gives a traceback: each case is a finding or a clear message, and the rest is still scanned.

Every case writes the bad file next to a valid file with a known error (VPCE001) in the same
module, and a second module with the same error elsewhere: both must still be reported.
"""

from __future__ import annotations

import builtins
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from strategies import TOKEN
from test_cli import ERROR

from vpce_checks.cli import main

FindingPairs = set[tuple[str, str, int]]


def scan(tmp_path: Path, bad: dict[str, bytes | str], capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """Scan a tree holding ``bad`` files in module ``mod``; returns the JSON findings."""
    for module in ("mod", "other"):
        (tmp_path / module).mkdir(exist_ok=True)
        (tmp_path / module / "valid.tf").write_text(ERROR, encoding="utf-8")
    for name, content in bad.items():
        path = tmp_path / "mod" / name
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
    capsys.readouterr()
    code = main([str(tmp_path), "-f", "json", "--jobs", "1", *args])
    out, err = capsys.readouterr()
    # Notes (the VPC-level rules were not run for a module with a VPCE000 finding) are all stderr holds.
    assert code == 1 and all(line.startswith("vpce-checks: note: ") for line in err.splitlines()), err
    findings = json.loads(out)["findings"]
    for module in ("mod", "other"):
        assert any(f["rule_id"] == "VPCE001" and f"/{module}/" in f["file"] for f in findings), module
    return findings


def unparsable(findings: Any) -> list[tuple[str, int, str]]:
    return [(Path(f["file"]).name, f["start_line"], f["message"]) for f in findings if f["rule_id"] == "VPCE000"]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ('resource "aws_vpc" "a" {\n  cidr_block = "10.0.0.0/16\n}\n', 2, "invalid HCL"),
        ('locals {\n  x = 1\n  policy = <<EOF\n  {"a": 1}\n}\n', 3, "invalid HCL"),
        ('locals {\n  x = "${var.a"\n}\n', 2, "invalid HCL"),
        ("/* a comment never closed\nlocals {}\n", 1, "invalid HCL"),
        ('resource "aws_vpc" "a" {\n  cidr_block = "10.0.0.0/16"\n', 3, "invalid HCL"),
        ('variable "x" {}\n# caf\xe9 in Latin-1\n'.encode("latin-1"), 2, "not UTF-8"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8, 2, "not UTF-8"),
        ("locals {\n  x = 1\n  deep = " + "[" * 200 + "]" * 200 + "\n}\n", 3, "nested more than 64"),
    ],
    ids=[
        "unterminated-string",
        "unterminated-heredoc",
        "unterminated-template",
        "unclosed-comment",
        "unclosed-block",
        "not-utf8",
        "binary",
        "deep-nesting",
    ],
)
def test_unreadable_hcl_is_a_finding_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | str, line: int, words: str
) -> None:
    [(name, found_line, message)] = unparsable(scan(tmp_path, {"bad.tf": content}, capsys))
    assert (name, words in message) == ("bad.tf", True), message
    assert found_line == line, message


def test_deep_nesting_within_a_raised_limit_is_parsed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = "locals {\n  deep = " + "[" * 100 + "]" * 100 + "\n}\n"
    assert unparsable(scan(tmp_path, {"deep.tf": content}, capsys, "--max-nesting", "200")) == []


def test_an_empty_file_is_fine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert unparsable(scan(tmp_path, {"empty.tf": "", "blank.tf": "\n\n  \n"}, capsys)) == []


def test_a_file_over_the_size_limit_is_reported_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = ("# " + "x" * 1021 + "\n") * (50 * 1024)  # 50 MB
    [(name, line, message)] = unparsable(scan(tmp_path, {"big.tf": big}, capsys))
    assert (name, line) == ("big.tf", 1) and "50.0 MB, larger than the 10 MB limit" in message
    small = ("# " + "x" * 1021 + "\n") * 2048  # 2 MB
    (tmp_path / "mod" / "big.tf").unlink()
    [(_, _, message)] = unparsable(scan(tmp_path, {"two.tf": small}, capsys, "--max-file-size", "1"))
    assert "2.0 MB, larger than the 1 MB limit" in message
    assert unparsable(scan(tmp_path, {"two.tf": small}, capsys, "--max-file-size", "3")) == []


def test_symlink_loops_neither_hang_nor_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mod").mkdir()
    os.symlink("loop.tf", tmp_path / "mod" / "loop.tf")  # a file link to itself
    os.symlink("..", tmp_path / "mod" / "up")  # a directory loop, which discovery does not follow
    [(name, line, message)] = unparsable(scan(tmp_path, {}, capsys))
    assert (name, line) == ("loop.tf", 1) and "cannot read file" in message


def test_unreadable_files_and_directories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run as root here, where chmod 000 does not stop reads: open and listdir are made to refuse."""
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "main.tf").write_text(ERROR)
    real_open, real_listdir = builtins.open, os.listdir

    def refusing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("secret.tf"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    def refusing_listdir(path: Any = ".") -> list[str]:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(builtins, "open", refusing_open)
    monkeypatch.setattr(os, "listdir", refusing_listdir)
    problems = unparsable(scan(tmp_path, {"secret.tf": ERROR.replace('"main"', '"other"')}, capsys))
    assert ("secret.tf", 1, "cannot read file: Permission denied") in problems
    assert ("locked", 1, "cannot read directory: Permission denied") in problems


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ('{\n  "resource": {\n    "aws_vpc": [1, 2,]\n  }\n}\n', 3, "invalid JSON"),
        ("[1, 2, 3]\n", 1, "must hold one JSON object, or an array of objects"),
        ("", 1, "invalid JSON"),
    ],
    ids=["not-json", "not-an-object", "empty"],
)
def test_tf_json_that_is_not_a_json_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, line: int, words: str
) -> None:
    [(name, found_line, message)] = unparsable(scan(tmp_path, {"bad.tf.json": content}, capsys))
    assert name == "bad.tf.json" and words in message and found_line == line, message


ODD_VALUES = """
variable "azs" {
  type    = list(string)
  default = "eu-west-1a"
}
variable "n" {
  type = number
}
locals {
  a = local.b
  b = local.a
  self = local.self
}
resource "aws_subnet" "odd" {
  vpc_id            = local.a
  availability_zone = var.azs[0]
  count             = "three"
}
resource "aws_subnet" "unknown_count" {
  count             = var.n
  vpc_id            = local.self
  availability_zone = var.azs[count.index]
}
resource "aws_subnet" "unknown_each" {
  for_each          = var.unknown
  vpc_id            = each.value
  availability_zone = each.key
}
"""


def test_wrong_types_self_references_and_unknown_expansions_stay_silent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = scan(tmp_path, {"odd.tf": ODD_VALUES}, capsys)
    assert unparsable(findings) == []
    assert {f["rule_id"] for f in findings} == {"VPCE001"}


HUGE = """
resource "aws_subnet" "many" {
  vpc_id = "vpc-1"
  count  = 25
}
resource "aws_subnet" "keyed" {
  vpc_id   = "vpc-1"
  for_each = toset(["a", "b", "c", "d", "e"])
}
"""


def test_an_expansion_over_the_limit_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problems = unparsable(scan(tmp_path, {"huge.tf": HUGE}, capsys, "--max-expansion", "4"))
    assert sorted(problems) == [
        (
            "huge.tf",
            4,
            "aws_subnet.many: count is 25, more than the expansion limit of 4; its instances are"
            " treated as unknown (raise --max-expansion to expand them)",
        ),
        (
            "huge.tf",
            8,
            "aws_subnet.keyed: for_each has 5 items, more than the expansion limit of 4; its instances"
            " are treated as unknown (raise --max-expansion to expand them)",
        ),
    ]
    assert unparsable(scan(tmp_path, {"huge.tf": HUGE}, capsys, "--max-expansion", "25")) == []


@pytest.mark.parametrize("flag", ["--max-file-size", "--max-nesting", "--max-expansion", "--jobs"])
def test_limit_flags_reject_nonsense(tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str) -> None:
    for value in ("0", "-3", "many"):
        assert main([str(tmp_path), flag, value]) == 2
        assert flag in capsys.readouterr().err


def _token_kind(token: bytes) -> str:
    if token.startswith(b'"'):
        return "string"
    if token.startswith(b"<<"):
        return "heredoc"
    if token[:1].isalpha() or token[:1] == b"_":
        return "identifier"
    if token[:1].isdigit():
        return "number"
    return token.decode()  # each punctuation mark is its own kind: { } [ ] ( ) = , . ${ ...


def test_malformed_hcl_at_every_kind_of_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Delete, then duplicate, the first token of each kind in a real file: a finding with a line, never a crash."""
    source = (Path(__file__).resolve().parent.parent / "examples" / "endpoints.tf").read_bytes()
    lines = source.count(b"\n") + 1
    first: dict[str, re.Match[bytes]] = {}
    for match in TOKEN.finditer(source):
        first.setdefault(_token_kind(match.group()), match)
    assert {"string", "identifier", "number", "{", "}", "[", "]", "=", ",", "."} <= set(first)
    broken = 0
    for kind, match in sorted(first.items()):
        for variant in (
            source[: match.start()] + source[match.end() :],
            source[: match.end()] + b" " + match.group() + source[match.end() :],
        ):
            problems = unparsable(scan(tmp_path, {"endpoints.tf": variant}, capsys))
            assert all(name == "endpoints.tf" and 1 <= line <= lines + 1 for name, line, _ in problems), kind
            broken += bool(problems)
    assert broken >= len(first)  # most edits break the file, and each of those is reported


ONE_BROKEN_BLOCK = """\
resource "aws_vpc_endpoint" "sts" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type = "Interface"
  subnet_ids        = ["subnet-1" "subnet-2"]
}

resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.dynamodb"
}
"""


@pytest.mark.parametrize("mode", [[], ["--full-parse"]], ids=["default", "full-parse"])
def test_an_error_in_one_block_costs_that_block_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: list[str]
) -> None:
    findings = scan(tmp_path, {"bad.tf": ONE_BROKEN_BLOCK}, capsys, *mode)
    [(name, line, message)] = unparsable(findings)
    assert (name, line) == ("bad.tf", 5)
    assert 'block resource "aws_vpc_endpoint" "sts" (lines 1-6) was skipped' in message
    assert "rules that need the whole module stay silent" in message
    read = {(f["rule_id"], f["address"]) for f in findings if f["file"].endswith("/mod/bad.tf")}
    assert read == {("VPCE000", ""), ("VPCE001", "aws_vpc_endpoint.dynamodb")}


def test_blocks_before_what_the_scanner_cannot_follow_are_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = ONE_BROKEN_BLOCK.replace('["subnet-1" "subnet-2"]', '["subnet-1", "subnet-2"]').replace(
        '"com.amazonaws.us-east-1.dynamodb"', '"com.amazonaws.us-east-1.ecr.api"'
    ) + ('resource "aws_vpc_endpoint" "kms" {\n  service_name = "com.amazonaws.us-east-1.kms\n}\n')
    findings = scan(tmp_path, {"bad.tf": text}, capsys)
    [(_, line, message)] = unparsable(findings)
    assert line == 13 and "the rest of the file (lines 12-14) was skipped" in message
    found = {(f["rule_id"], f["address"]) for f in findings if f["file"].endswith("/mod/bad.tf")}
    # The ECR endpoint is read (a Gateway endpoint for an Interface-only service); whether it has
    # route tables is unknown, since the rest of its file may attach some.
    assert found == {("VPCE000", ""), ("VPCE002", "aws_vpc_endpoint.dynamodb")}


def test_a_byte_order_mark_is_ignored_in_native_syntax_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mark = b"\xef\xbb\xbf"
    native = {
        "bom.tf": mark + b'variable "region" {\r\n  default = "us-east-1"\r\n}\r\n',
        "terraform.tfvars": mark + b'region = "eu-west-1"\n',
    }
    for mode in ([], ["--full-parse"]):
        assert unparsable(scan(tmp_path, dict(native), capsys, *mode)) == []
    [(name, line, message)] = unparsable(scan(tmp_path, {"bom.tf.json": mark + b'{"variable": {"x": {}}}'}, capsys))
    assert (name, line) == ("bom.tf.json", 1) and "byte order mark" in message


@pytest.mark.parametrize(
    ("broken", "reported"),
    [
        ('variable "name" {\n  default = = "x"\n}\n', True),
        (
            'resource "aws_vpc_endpoint_route_table_association" "s3" {\n'
            "  vpc_endpoint_id = aws_vpc_endpoint.s3_gateway.id\n  route_table_id = = aws_route_table.x.id\n}\n",
            False,
        ),
        ('module "routes" {\n  source = = "./routes"\n}\n', False),
        ('resource "aws_vpc_endpoint_route_table_association" "s3" {\n  route_table_id = "rtb-1\n}\n', False),
    ],
    ids=["unrelated-block", "association-block", "module-block", "unsplittable-rest"],
)
def test_a_left_out_block_that_may_attach_things_silences_absences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], broken: str, reported: bool
) -> None:
    """A broken association block may be the route table an endpoint lacks: that is unknown, not a finding."""
    endpoint = (
        'resource "aws_vpc_endpoint" "s3_gateway" {\n  vpc_id = "vpc-1"\n'
        '  service_name = "com.amazonaws.us-east-1.s3"\n}\n'
    )
    (tmp_path / "main.tf").write_text(endpoint + broken, encoding="utf-8")
    for mode in ([], ["--full-parse"]):
        main([str(tmp_path), "-f", "json", "--jobs", "1", "--no-cache", *mode])
        findings = json.loads(capsys.readouterr().out)["findings"]
        assert len(unparsable(findings)) == 1
        found = ("VPCE001", "aws_vpc_endpoint.s3_gateway") in {(f["rule_id"], f["address"]) for f in findings}
        assert found == reported, mode
