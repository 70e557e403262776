"""Suppressions that end: ``until=`` on skip comments, configuration ignores and baseline entries.

Today's date is always injected (``Environment.today``), so no test depends on the real date.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from test_cli import ERROR, WARNING_ONLY, module

from vpce_checks.baseline import BaselineError, apply_baseline, read_baseline, write_baseline
from vpce_checks.cli import Environment, main
from vpce_checks.config import ConfigError, load_config
from vpce_checks.core.findings import Finding, Severity
from vpce_checks.core.model import find_suppressions, parse_until, split_until
from vpce_checks.expiry import expire_suppressions

BEFORE, LAST_DAY, AFTER = date(2027, 3, 30), date(2027, 3, 31), date(2027, 4, 1)
SUPPRESSED = ERROR.replace(
    'resource "aws_vpc_endpoint" "s3" {\n',
    'resource "aws_vpc_endpoint" "s3" {\n  # vpce-checks:skip=VPCE001:sandbox, routes come later:until=2027-03-31\n',
)


def scan(args: list[str], today: date) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, Environment(out, err, {}, today))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- the grammar -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sandbox:until=2027-03-31", ("sandbox", "2027-03-31")),
        ("until=2027-03-31", ("", "2027-03-31")),
        ("a reason: with colons:until=2027-03-31 ", ("a reason: with colons", "2027-03-31")),
        ("sandbox", ("sandbox", None)),
        ("sandbox until=2027-03-31", ("sandbox until=2027-03-31", None)),  # until= must follow a colon
        ("x:until=", ("x", "")),
    ],
)
def test_split_until(text: str, expected: tuple[str, str | None]) -> None:
    assert split_until(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2027-03-31", date(2027, 3, 31)), ("2027-13-01", None), ("20270331", None), ("soon", None), ("", None)],
)
def test_parse_until_accepts_only_real_dates_written_yyyy_mm_dd(text: str, expected: date | None) -> None:
    assert parse_until(text) == expected


def test_skip_comments_carry_their_until() -> None:
    lines = [
        "  # checkov:skip=VPCE005:single-AZ sandbox:until=2027-03-31",
        "  # vpce-checks:skip=VPCE006:until=2027-01-01",
        "  # vpce-checks:skip=VPCE004:shared SG",
    ]
    found = [(s.rule, s.reason, s.until) for s in find_suppressions(lines, 10)]
    assert found == [
        ("VPCE005", "single-AZ sandbox", "2027-03-31"),
        ("VPCE006", "no reason given", "2027-01-01"),
        ("VPCE004", "shared SG", None),
    ]


# --- skip comments -----------------------------------------------------------------------------------


def finding(until: str | None, reason: str = "sandbox") -> Finding:
    return Finding(
        "VPCE001", "s", Severity.ERROR, "No routes.", "a.tf", 1, 1, "x", None, True, reason, suppression_until=until
    )


def test_a_suppression_holds_through_its_last_day_and_is_raised_the_day_after() -> None:
    assert expire_suppressions([finding("2027-03-31")], LAST_DAY)[0].suppressed
    (raised,) = expire_suppressions([finding("2027-03-31")], AFTER)
    assert not raised.suppressed and raised.suppression_reason is None
    assert raised.message == "No routes. (suppression expired on 2027-03-31: sandbox)"
    assert expire_suppressions([finding(None)], date(2999, 1, 1))[0].suppressed  # no until: for ever


def test_an_until_that_is_no_date_suppresses_nothing() -> None:
    (raised,) = expire_suppressions([finding("2027-31-03")], BEFORE)
    assert not raised.suppressed
    assert "until=2027-31-03 is not a date YYYY-MM-DD, so it suppresses nothing" in raised.message


def test_an_expired_skip_comment_fails_the_scan_again(tmp_path: Path) -> None:
    directory = str(module(tmp_path, SUPPRESSED))
    code, out, _ = scan([directory], LAST_DAY)
    assert code == 0 and "(suppressed: sandbox, routes come later)" in out
    code, out, _ = scan([directory, "-f", "json"], AFTER)
    (raised,) = json.loads(out)["findings"]
    assert code == 1 and raised["suppressed"] is False
    assert raised["message"].endswith("(suppression expired on 2027-03-31: sandbox, routes come later)")
    code, out, _ = scan([directory, "-f", "json"], BEFORE)
    (held,) = json.loads(out)["findings"]
    assert (held["suppressed"], held["suppression_until"]) == (True, "2027-03-31")


# --- configuration ignores ----------------------------------------------------------------------------


def test_an_ignore_entry_with_until_runs_the_rule_again_after_it(in_tmp: Path) -> None:
    module(in_tmp, WARNING_ONLY)
    (in_tmp / ".vpce-checks.yaml").write_text(
        'ignore: ["VPCE006:clients use endpoint DNS names:until=2027-03-31", VPCE013]\nfail-on: warning\n'
    )
    config = load_config(".vpce-checks.yaml")
    assert config.ignore == ("VPCE006", "VPCE013") and config.ignore_until == {"VPCE006": LAST_DAY}
    assert config.ignored(LAST_DAY) == ("VPCE006", "VPCE013") and config.ignored(AFTER) == ("VPCE013",)
    code, out, _ = scan(["mod"], LAST_DAY)
    assert code == 0 and "VPCE006" not in out
    code, out, _ = scan(["mod"], AFTER)
    assert code == 1 and "VPCE006" in out
    assert "(ignored in .vpce-checks.yaml until 2027-03-31: expired)" in out
    # --ignore on the command line replaces the file's list, deadlines and all.
    code, out, _ = scan(["mod", "--ignore", "VPCE006"], AFTER)
    assert code == 0 and "VPCE006" not in out


def test_an_ignore_entry_with_a_bad_date_is_a_configuration_error(in_tmp: Path) -> None:
    (in_tmp / ".vpce-checks.yaml").write_text("fail-on: error\nignore: [VPCE006:until=2027-02-30]\n")
    with pytest.raises(
        ConfigError, match=r"\.vpce-checks\.yaml:2: ignore: VPCE006:until=2027-02-30: until=2027-02-30 is"
    ):
        load_config(".vpce-checks.yaml")


def test_ignore_until_in_pyproject(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.vpce-checks]\nignore = ["VPCE013:until=2027-03-31"]\n')
    assert load_config("pyproject.toml").ignore_until == {"VPCE013": LAST_DAY}


# --- baselines ------------------------------------------------------------------------------------------


def recorded(rule_id: str = "VPCE001") -> Finding:
    return Finding(rule_id, "s", Severity.ERROR, "No routes.", "a.tf", 1, 1, "x")


def test_a_baseline_entry_with_until_hides_through_its_day(in_tmp: Path) -> None:
    write_baseline("b.json", [recorded(), recorded("VPCE008")])
    document = json.loads((in_tmp / "b.json").read_text())
    document["findings"][0]["until"] = "2027-03-31"
    (in_tmp / "b.json").write_text(json.dumps(document))
    baseline = read_baseline("b.json")
    assert baseline.until == {("VPCE001", "a.tf", "x"): LAST_DAY}
    assert apply_baseline([recorded(), recorded("VPCE008")], baseline, LAST_DAY).hidden == 2
    after = apply_baseline([recorded(), recorded("VPCE008")], baseline, AFTER)
    assert (after.hidden, after.expired) == (1, 1)
    assert [f.message for f in after.findings] == ["No routes. (its baseline entry in b.json expired on 2027-03-31)"]


def test_re_recording_keeps_the_deadlines(in_tmp: Path) -> None:
    write_baseline("b.json", [recorded()], {("VPCE001", "a.tf", "x"): LAST_DAY})
    assert json.loads((in_tmp / "b.json").read_text())["findings"][0]["until"] == "2027-03-31"


def test_a_baseline_until_that_is_no_date_is_an_error(in_tmp: Path) -> None:
    entry = {"rule_id": "VPCE001", "file": "a.tf", "address": "x", "count": 1, "until": "next spring"}
    (in_tmp / "b.json").write_text(json.dumps({"version": 1, "tool": "vpce-checks", "findings": [entry]}))
    with pytest.raises(BaselineError, match=r"findings\[0\]\.until: expected a date YYYY-MM-DD, got 'next spring'"):
        read_baseline("b.json")


def test_baseline_expiry_through_the_command_line(in_tmp: Path) -> None:
    module(in_tmp, ERROR)
    assert scan(["mod", "--baseline", "b.json", "--update-baseline"], BEFORE)[0] == 0
    document = json.loads((in_tmp / "b.json").read_text())
    document["findings"][0]["until"] = "2027-03-31"
    (in_tmp / "b.json").write_text(json.dumps(document))
    assert scan(["mod", "--baseline", "b.json"], LAST_DAY)[0] == 0
    code, out, _ = scan(["mod", "--baseline", "b.json"], AFTER)
    assert code == 1 and "(its baseline entry in b.json expired on 2027-03-31)" in out
    # Recording again keeps the date: re-recording does not renew a deadline.
    assert scan(["mod", "--baseline", "b.json", "--update-baseline"], AFTER)[0] == 0
    assert json.loads((in_tmp / "b.json").read_text())["findings"][0]["until"] == "2027-03-31"
    assert scan(["mod", "--baseline", "b.json"], AFTER)[0] == 1
