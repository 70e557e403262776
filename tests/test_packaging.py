"""What a pip install ships: the checkov checks directory, and ``vpce-checks checkov-dir`` finding it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_cli import run

import vpce_checks

ROOT = Path(__file__).resolve().parent.parent


def test_checkov_dir_prints_the_installed_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "site-packages" / "vpce_checks"
    (package / "checkov_policies").mkdir(parents=True)
    monkeypatch.setattr(vpce_checks, "__file__", str(package / "__init__.py"))
    code, out, err = run(["checkov-dir"], capsys)
    assert (code, out, err) == (0, f"{package / 'checkov_policies'}\n", "")


def test_checkov_dir_missing_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(vpce_checks, "__file__", str(tmp_path / "vpce_checks" / "__init__.py"))
    code, out, err = run(["checkov-dir"], capsys)
    assert code == 2 and out == ""
    assert f"{tmp_path / 'vpce_checks' / 'checkov_policies'}: no checkov checks in this installation" in err


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=False)
    if listing.returncode:
        pytest.skip("not a git checkout: cannot tell which files a release holds")
    return [name for name in listing.stdout.splitlines() if (ROOT / name).is_file()]


def test_a_wheel_ships_the_checkov_checks(tmp_path: Path) -> None:
    """Build a wheel (not editable) from a copy of the sources with stand-in check files in it."""
    source = tmp_path / "source"
    for name in tracked_files():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / name).read_bytes())
    policies = source / "vpce_checks" / "checkov_policies"
    stand_ins = ["__init__.py", "vpce_checks_adapter.py", "README.md", "graph/__init__.py", "graph/cross_resource.py"]
    for name in stand_ins:
        (policies / name).parent.mkdir(parents=True, exist_ok=True)
        (policies / name).write_text("# stand-in for a check file\n", encoding="utf-8")

    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("vpce_checks-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "installed")
    for name in stand_ins:
        assert f"vpce_checks/checkov_policies/{name}" in names
    assert "vpce_checks/core/prices.json" in names
    # The licence is an SPDX expression (PEP 639), which setuptools 77 and later write as such.
    (metadata,) = (tmp_path / "installed").glob("vpce_checks-*.dist-info/METADATA")
    assert "License-Expression: Apache-2.0" in metadata.read_text(encoding="utf-8").splitlines()
    models = Path(ROOT / "vpce_checks" / "core" / "community_modules")
    for data in sorted([*models.glob("*/*.tf"), *models.glob("*/model.json")]):
        assert data.relative_to(ROOT).as_posix() in names  # the community-module models are package data

    # The unpacked wheel is what pip installs: checkov-dir run from it points into it.
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "installed")}
    process = subprocess.run(
        [sys.executable, "-m", "vpce_checks", "checkov-dir"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout == f"{(tmp_path / 'installed' / 'vpce_checks' / 'checkov_policies').resolve()}\n"
