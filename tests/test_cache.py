"""The parse cache and the process pool: same results cold, warm, corrupt or disabled, in any number of jobs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import tree_snapshot

from vpce_checks.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ["vpce000_malformed_file_next_to_valid", "shape_tf_json", "shape_count_index", "shape_locals", "shape_splat"]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the examples and some fixtures: modules valid and broken, HCL and JSON."""
    target = tmp_path / "tree"
    shutil.copytree(ROOT / "examples", target / "examples")
    for case in FIXTURES:
        shutil.copytree(ROOT / "fixtures" / case, target / case)
    return target


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("VPCE_CHECKS_CACHE_DIR", str(directory))
    return directory


def scan(tree: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(tree), "-f", "json", "--fail-on", "never", "--quiet", *extra])  # quiet: no notes
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.json"))


def test_cold_warm_and_uncached_runs_agree_and_touch_nothing_in_the_tree(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree_snapshot(tree)
    reference = scan(tree, capsys, "--no-cache", "--jobs", "1")
    assert not cache.exists(), "--no-cache must not write the cache"
    assert scan(tree, capsys, "--jobs", "1") == reference
    stored = entries(cache)
    assert len(stored) == len([p for p in tree.rglob("*.tf")])
    assert scan(tree, capsys, "--jobs", "1") == reference
    assert entries(cache) == stored
    assert not list(cache.rglob("*.tmp")), "a temporary file was left behind"
    assert tree_snapshot(tree) == before


def test_two_jobs_give_the_same_report_in_the_same_order(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = scan(tree, capsys, "--no-cache", "--jobs", "1")
    assert scan(tree, capsys, "--no-cache", "--jobs", "2") == one
    assert scan(tree, capsys, "--jobs", "2") == one  # cold cache, written from two processes
    assert scan(tree, capsys, "--jobs", "2") == one


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:100] + bytes([data[100] ^ 0x20]) + data[101:],  # one flipped bit
        lambda data: b"",
        lambda data: b"not a checksum\n{}",
        lambda data: data.replace(b'"parsed"', b'"parsex"'),
    ],
    ids=["truncated", "bit-flip", "empty", "garbage", "edited"],
)
def test_a_corrupt_entry_is_rebuilt_never_trusted(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str], damage: object
) -> None:
    reference = scan(tree, capsys, "--jobs", "1")
    for entry in entries(cache):
        entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert scan(tree, capsys, "--jobs", "1") == reference
    assert scan(tree, capsys, "--jobs", "1") == reference


def test_a_well_formed_entry_for_another_key_is_not_used(
    tree: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = scan(tree, capsys, "--jobs", "1")
    stored = entries(cache)
    swapped = stored[0].read_bytes()
    stored[0].write_bytes(stored[1].read_bytes())  # valid checksum, wrong key
    stored[1].write_bytes(swapped)
    assert scan(tree, capsys, "--jobs", "1") == reference


def test_an_unwritable_cache_directory_only_costs_speed(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = scan(tree, capsys, "--no-cache", "--jobs", "1")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("VPCE_CHECKS_CACHE_DIR", str(blocker / "cache"))
    assert scan(tree, capsys, "--jobs", "1") == reference


def test_the_cache_defaults_to_the_user_cache_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    from vpce_checks.loader.cache import default_directory

    monkeypatch.delenv("VPCE_CHECKS_CACHE_DIR")
    assert "vpce-checks" in default_directory()
    monkeypatch.setenv("VPCE_CHECKS_CACHE_DIR", os.sep + "elsewhere")
    assert default_directory() == os.sep + "elsewhere"


def test_a_failing_parse_phase_falls_back_to_full_parses(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vpce_checks.scan as scan_module

    reference = scan(tree, capsys, "--no-cache", "--jobs", "1")

    def broken(*_: object) -> None:
        raise KeyError("a cache entry with a valid checksum but the wrong shape")

    monkeypatch.setattr(scan_module, "preparse", broken)
    assert scan(tree, capsys, "--jobs", "1") == reference
