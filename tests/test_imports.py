"""What a run imports: only what it needs (imports are deterministic, unlike timings).

``--version``, ``rules``, ``explain`` and a scan answered from the result cache must not load the
parser (lark, python-hcl2), the YAML reader or ``importlib.metadata``, which are most of the
start-up time of a pre-commit run. Each command runs in a fresh interpreter; what the
interpreter itself loaded before the command started (``site``) does not count.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("lark", "hcl2", "yaml", "importlib.metadata", "platformdirs", "concurrent.futures")

PROBE = """
import contextlib, io, json, sys
before = set(sys.modules)
from vpce_checks.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(json.loads(sys.argv[1]))
print(json.dumps({"code": code, "modules": sorted(set(sys.modules) - before)}))
"""


def imported(arguments: list[str], cache: Path) -> tuple[int, set[str]]:
    """The exit code of ``vpce-checks ARGUMENTS`` and the modules it imported."""
    environment = {"VPCE_CHECKS_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    process = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(arguments)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cache.parent,
        check=True,
    )
    found = json.loads(process.stdout)
    return found["code"], set(found["modules"])


def heavy(modules: set[str]) -> set[str]:
    return {name for name in modules if name in HEAVY or name.startswith(tuple(f"{root}." for root in HEAVY))}


@pytest.mark.parametrize("arguments", [["--version"], ["rules"], ["explain", "VPCE008"], ["--help"]], ids=" ".join)
def test_commands_that_read_no_terraform_import_no_parser(tmp_path: Path, arguments: list[str]) -> None:
    code, modules = imported(arguments, tmp_path / "cache")
    assert code == 0
    assert heavy(modules) == set()
    if arguments == ["--version"]:
        assert "vpce_checks.core.registry" not in modules, "the rules are not needed"


def test_a_scan_answered_from_the_cache_imports_no_parser(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    arguments = [str(ROOT / "examples"), str(ROOT / "fixtures" / "shape_functions"), "--jobs", "1"]
    for fmt in ("json", "text"):  # the JSON report holds the views (cost), so it has entries of its own
        code, cold = imported([*arguments, "-f", fmt], cache)
        assert code == 1
        assert {"lark", "hcl2", "vpce_checks.loader.module"} <= cold  # the cold run parsed
        code, warm = imported([*arguments, "-f", fmt], cache)
        assert code == 1
        assert heavy(warm) == set(), fmt
        assert not warm & {"vpce_checks.loader.module", "vpce_checks.loader.syntax"}


def test_a_scan_of_modules_with_nothing_to_report_imports_no_parser(tmp_path: Path) -> None:
    """A module that names no endpoint or VPC is not parsed, cold or warm."""
    module = tmp_path / "service"
    module.mkdir()
    (module / "main.tf").write_text('resource "aws_iam_role" "worker" {\n  name = "worker"\n}\n')
    code, modules = imported([str(module), "--no-cache"], tmp_path / "cache")
    assert code == 0
    assert heavy(modules) == set()


def test_a_cold_text_scan_imports_neither_yaml_nor_the_views(tmp_path: Path) -> None:
    """PyYAML is for YAML files and yamldecode()/yamlencode(); the views are for the formats that show them."""
    module = tmp_path / "network"
    module.mkdir()
    (module / "main.tf").write_text(
        'resource "aws_vpc_endpoint" "s3" {\n'
        '  vpc_id       = "vpc-1"\n'
        '  service_name = "com.amazonaws.eu-west-1.s3"\n'
        "}\n"
    )
    code, modules = imported([str(module), "--no-cache"], tmp_path / "cache")
    assert "hcl2" in modules  # it parsed
    assert not {name for name in modules if name == "yaml" or name.startswith(("yaml.", "vpce_checks.views"))}
    _, json_run = imported([str(module), "--no-cache", "-f", "json"], tmp_path / "cache")
    assert "vpce_checks.views.collect" in json_run
    text = (module / "main.tf").read_text()
    (module / "main.tf").write_text(
        text.replace('"com.amazonaws.eu-west-1.s3"', 'yamldecode("com.amazonaws.eu-west-1.s3")')
    )
    _, decoding = imported([str(module), "--no-cache"], tmp_path / "cache")
    assert "yaml" in decoding
