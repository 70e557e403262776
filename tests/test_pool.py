"""The worker pool: this process loads modules beside ``jobs - 1`` workers, in a large scan started before it grows.

Workers are forked on Linux, so what a test patches in this process before the scan starts is
patched in them too: that is how the loads are counted per process here.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import vpce_checks.scan as scan_module
from vpce_checks.cli import main

ROOT = Path(__file__).resolve().parent.parent
MODULES = 12

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are counted through fork")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Network root modules of the benchmark's shape (each with endpoints, some through a shared module)."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    target = tmp_path_factory.mktemp("pool") / "tree"
    generator.generate(str(target), modules=MODULES, resources_per_module=10, network_share=1.0, files_per_module=2)
    return target


def report(tree: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    capsys.readouterr()
    main([str(tree), "-f", "json", "--fail-on", "never", "--quiet", "--no-cache", *extra])
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_two_jobs_load_each_module_once_in_this_process_and_one_worker(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    one = report(tree, capsys, "--jobs", "1")
    log = tmp_path / "loads"
    real = scan_module.load_root

    def logged(directory: str, *arguments: Any) -> Any:
        with open(log, "a") as handle:  # appends of one short line from two processes do not interleave
            handle.write(f"{os.getpid()} {os.path.basename(directory)}\n")
        return real(directory, *arguments)

    monkeypatch.setattr(scan_module, "load_root", logged)
    assert report(tree, capsys, "--jobs", "2") == one
    loads = [line.split() for line in log.read_text().splitlines()]
    directories = Counter(name for _, name in loads)
    assert len(directories) == MODULES and set(directories.values()) == {1}, directories
    processes = Counter(pid for pid, _ in loads)
    assert str(os.getpid()) in processes, "this process loads modules too"
    assert len(processes) == 2, processes


@pytest.mark.parametrize("early", [MODULES, MODULES + 1])
def test_in_a_large_scan_the_workers_are_started_before_the_triage(
    tree: Path, early: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker forked before the triage does not carry what this process reads and keeps (see ``_Work._start``)."""
    monkeypatch.setattr(scan_module, "EARLY_POOL", early)
    seen: list[int] = []
    real = scan_module.triage

    def counted(*arguments: Any) -> Any:
        seen.append(len(multiprocessing.active_children()))
        return real(*arguments)

    monkeypatch.setattr(scan_module, "triage", counted)
    paths = sorted((tree / "network").iterdir())
    assert len(paths) == MODULES
    capsys.readouterr()
    main([*map(str, paths), "-f", "json", "--fail-on", "never", "--quiet", "--no-cache", "--jobs", "2"])
    assert seen and seen[0] == (1 if early <= MODULES else 0), seen
    assert multiprocessing.active_children() == [], "the workers are stopped when the scan ends"
