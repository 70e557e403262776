"""Time vpce-checks against checkov and against the cost of reading the bytes, on generated trees, in one run.

Each program runs as a child process, measured for wall time and peak memory: the largest sum of
the resident memory of the child and all its descendants (sampled from /proc every 10 ms; the
child's own rusage when it ends before a sample). The report prints, each as measured in this run:

- on the 500-module tree: vpce-checks cold and warm against checkov running only our checks
  (``--check 'VPCE*'``), the ratios, and whether both report the same (rule, resource) failures;
- on the 5,000-module tree: the floor (reading and hashing every Terraform file of the tree in
  one Python process), vpce-checks cold and warm as multiples of it, and peak memory;
- pre-commit (one changed file of the 5,000-module tree, warm cache, run as the hook runs it:
  ``vpce-checks scan FILE``) and ``vpce-checks --version``, as multiples of ``python3 -c pass``;
  beside them what python-hcl2 alone costs in a new process to parse the files that run loads
  (import, build its parser, parse): the part of a pre-commit run no caching can remove.

Every program runs with Python's bytecode cache on (``PYTHONDONTWRITEBYTECODE`` is dropped from
the environment, and each is run once before it is measured), as for an installed package.

    python benchmarks/run.py                       # both trees, checkov on the small one
    python benchmarks/run.py --modules 500 --large-modules 0 --skip-checkov

checkov must live in its own virtualenv (its ``hcl2`` is a fork that clashes with python-hcl2);
``--checkov`` names its executable. Nothing here asserts a time: the figures are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

Pair = tuple[str, str, str]
"""(module directory relative to the tree, rule ID, resource address)"""

# What the floor costs: every Terraform file of the tree read and hashed as the result cache
# hashes it (SHA-256), in one Python process; the time printed excludes the interpreter's start.
FLOOR = """
import hashlib, os, sys, time
start = time.perf_counter()
count = size = 0
for directory, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith((".tf", ".tf.json", ".tofu", ".tofu.json")):
            with open(os.path.join(directory, name), "rb") as handle:
                data = handle.read()
            hashlib.sha256(data).hexdigest()
            count += 1
            size += len(data)
print(time.perf_counter() - start, count, size)
"""


# What parsing costs on its own: python-hcl2 imported, its parser built, the files named parsed.
PARSE_ONLY = """
import sys
import hcl2
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        hcl2.parses_to_tree(handle.read())
"""


@dataclass
class Run:
    """One measured child process."""

    label: str
    seconds: float
    peak_mb: float
    code: int
    output: str


def _tree_rss_kb(pid: int) -> int:
    """The resident memory of ``pid`` and all its descendants now, in KB (0 for what has gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                total += next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(label: str, command: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run ``command`` to completion; wall time and the peak memory of its whole process tree."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=cwd)
        peak = [0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.01):
                peak[0] = max(peak[0], _tree_rss_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace")
        errors = err.read().decode("utf-8", "replace")
    if process.returncode not in (0, 1):
        print(f"{label}: exit code {process.returncode}\n{errors[-2000:]}", file=sys.stderr)
    # ru_maxrss (KB) is only a fallback for a child too short to be sampled: it counts one process,
    # and a forked child starts out charged with this process's pages.
    return Run(label, seconds, (peak[0] or usage.ru_maxrss) / 1024, process.returncode, text)


def best(label: str, command: list[str], env: dict[str, str], cwd: Path, times: int) -> Run:
    """The fastest of ``times`` runs of a short command (start-up times are noisy on a shared machine)."""
    return min((measure(label, command, env, cwd) for _ in range(times)), key=lambda run: run.seconds)


def terraform_size(directory: Path, recursive: bool = True) -> tuple[int, int]:
    """Number of Terraform files in ``directory`` (and below it when ``recursive``) and their bytes."""
    find = directory.rglob if recursive else directory.glob
    files = [path for pattern in ("*.tf", "*.tf.json") for path in find(pattern)]
    return len(files), sum(path.stat().st_size for path in files)


def our_pairs(output: str, tree: Path) -> set[Pair]:
    """The unsuppressed (module, rule, address) pairs of a vpce-checks JSON report."""
    pairs = set()
    for finding in json.loads(output)["findings"]:
        if not finding["suppressed"] and finding["address"]:
            module = os.path.relpath(os.path.dirname(os.path.abspath(finding["file"])), tree)
            pairs.add((module, finding["rule_id"], finding["address"]))
    return pairs


def checkov_pairs(output: str) -> set[Pair] | None:
    """The failed (module, check ID, resource) pairs of checkov's JSON, or None when it is not JSON."""
    try:
        data: Any = json.loads(output)
    except ValueError:
        return None
    reports = data if isinstance(data, list) else [data]
    pairs = set()
    for report in reports:
        if not isinstance(report, dict):
            continue
        for check in report.get("results", {}).get("failed_checks", []):
            module = os.path.dirname(str(check.get("file_path", "")).lstrip("/")) or "."
            pairs.add((module, str(check.get("check_id")), str(check.get("resource"))))
    return pairs


def print_agreement(ours: set[Pair], theirs: set[Pair] | None) -> None:
    """Say whether both tools report the same pairs, and list the differences if not."""
    if theirs is None:
        print("agreement: checkov's output was not JSON; nothing to compare")
        return
    only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
    if not only_ours and not only_theirs:
        print(f"agreement: yes, the same {len(ours)} (rule, resource) failures")
        return
    print(
        f"agreement: NO. vpce-checks {len(ours)} failures, checkov {len(theirs)};"
        f" {len(only_ours)} only in vpce-checks, {len(only_theirs)} only in checkov"
    )
    for label, pairs in (("only vpce-checks", only_ours), ("only checkov", only_theirs)):
        for module, rule, address in pairs[:10]:
            print(f"  {label}: {rule} {module}/{address}")
        if len(pairs) > 10:
            print(f"  {label}: ... and {len(pairs) - 10} more")


def main() -> None:
    """Parse the arguments, run everything and print the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, help="an existing tree instead of the generated 500-module one")
    parser.add_argument("--modules", type=int, default=500)
    parser.add_argument("--large-modules", type=int, default=5000, help="the large tree's modules (0: skip it)")
    parser.add_argument("--resources-per-module", type=int, default=100)
    parser.add_argument("--network-share", type=float, default=0.1)
    parser.add_argument("--files-per-module", type=int, default=10)
    parser.add_argument("--checkov", default=str(ROOT / ".venv-checkov" / "bin" / "checkov"))
    parser.add_argument("--skip-checkov", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vpce-bench-") as scratch:
        print(f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} at the start, --jobs {arguments.jobs}")
        ours = [sys.executable, "-m", "vpce_checks", "-f", "json", "--jobs", str(arguments.jobs)]
        env = {**os.environ, "VPCE_CHECKS_CACHE_DIR": str(Path(scratch) / "cache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as for an installed package
        subprocess.run([sys.executable, "-m", "vpce_checks", "--version"], env=env, capture_output=True, check=False)
        tree = arguments.tree or _generated(Path(scratch) / "small", arguments.modules, arguments)
        small = _cold_and_warm(tree.resolve(), ours, env, "small")
        checkov = None
        if not arguments.skip_checkov:
            command = [arguments.checkov, "--framework", "terraform", "--external-checks-dir"]
            command += [str(ROOT / "custom_policies"), "--check", "VPCE*", "-o", "json", "--skip-download"]
            checkov = measure("checkov --check 'VPCE*'", [*command, "-d", str(tree)], dict(os.environ), ROOT)
        files, size = terraform_size(tree)
        print(f"\n{arguments.modules if arguments.tree is None else ''} modules: {files} files, {size / 1e6:.1f} MB")
        _table([*small, *([checkov] if checkov else [])], checkov, None, files, size)
        if checkov is not None:
            print_agreement(our_pairs(small[0].output, tree.resolve()), checkov_pairs(checkov.output))
        shutil.rmtree(Path(scratch) / "cache", ignore_errors=True)
        if arguments.large_modules:
            large = _generated(Path(scratch) / "large", arguments.large_modules, arguments).resolve()
            floor_run = measure("floor: read + hash", [sys.executable, "-c", FLOOR, str(large)], env, ROOT)
            floor = float(floor_run.output.split()[0])
            runs = _cold_and_warm(large, ours, env, "large")
            pass_run = best("python3 -c pass", [sys.executable, "-c", "pass"], env, ROOT, 5)
            changed = sorted(large.glob("network/*/endpoints.tf"))[0]  # a module that is loaded
            original = changed.read_bytes()
            hook = [sys.executable, "-m", "vpce_checks", "scan"]  # what the pre-commit hook runs
            edits = []
            try:
                for number in range(5):  # a new change each time, so that no run finds its own result cached
                    changed.write_bytes(original + f"\n# change {number}\n".encode())
                    edits.append(measure("pre-commit: 1 changed file", [*hook, str(changed)], env, ROOT))
            finally:
                changed.write_bytes(original)
            precommit = min(edits, key=lambda run: run.seconds)
            parsed = [str(path) for path in _loaded_files(changed.parent)]
            parse_only = best(
                f"python-hcl2 alone: {len(parsed)} files", [sys.executable, "-c", PARSE_ONLY, *parsed], env, ROOT, 5
            )
            version = best("vpce-checks --version", [sys.executable, "-m", "vpce_checks", "--version"], env, ROOT, 5)
            files, size = terraform_size(large)
            print(f"\n{arguments.large_modules} modules: {files} files, {size / 1e6:.1f} MB")
            print(f"floor (read and hash every Terraform file, one process): {floor:.2f} s")
            _table([floor_run, *runs], None, floor, files, size)
            print(f"\n{'':32} {'wall s':>8} {'peak MB':>8} {'÷ python3 -c pass':>18}")
            for run in (pass_run, precommit, parse_only, version):
                print(f"{run.label:32} {run.seconds:8.3f} {run.peak_mb:8.0f} {run.seconds / pass_run.seconds:18.1f}")
        print(f"load {os.getloadavg()[0]:.2f} at the end")


def _loaded_files(directory: Path) -> list[Path]:
    """The Terraform files of ``directory`` and of the local modules it calls (what a scan of it parses)."""
    seen: list[Path] = []
    pending = [directory.resolve()]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.append(current)
        for path in sorted(current.glob("*.tf")):
            for source in re.findall(r'source\s*=\s*"(\.\.?/[^"]*)"', path.read_text(encoding="utf-8")):
                pending.append((current / source).resolve())
    return [path for place in seen for path in sorted(place.glob("*.tf"))]


def _generated(directory: Path, modules: int, arguments: argparse.Namespace) -> Path:
    generate(
        str(directory), modules, arguments.resources_per_module, arguments.network_share, arguments.files_per_module
    )
    return directory


def _cold_and_warm(tree: Path, ours: list[str], env: dict[str, str], name: str) -> list[Run]:
    """vpce-checks on ``tree`` with an empty cache, then again with the cache it wrote."""
    shutil.rmtree(env["VPCE_CHECKS_CACHE_DIR"], ignore_errors=True)
    cold = measure("vpce-checks cold", [*ours, str(tree)], env, ROOT)
    warm = measure("vpce-checks warm", [*ours, str(tree)], env, ROOT)
    if cold.output != warm.output:
        print(f"{name} tree: the cold and the warm reports DIFFER")
    return [cold, warm]


def _table(runs: list[Run], checkov: Run | None, floor: float | None, files: int, size: int) -> None:
    """Wall time, peak memory, files/s and MB/s of each run, with its ratio to checkov or to the floor."""
    last = "checkov ÷ this" if checkov else "÷ floor"
    print(f"{'':32} {'wall s':>8} {'peak MB':>8} {'files/s':>8} {'MB/s':>6} {last:>15}")
    for run in runs:
        ratio = ""
        if checkov is not None and run is not checkov:
            ratio = f"{checkov.seconds / run.seconds:.1f}"
        elif floor is not None and not run.label.startswith("floor"):
            ratio = f"{run.seconds / floor:.1f}"
        print(
            f"{run.label:32} {run.seconds:8.2f} {run.peak_mb:8.0f} {files / run.seconds:8.0f}"
            f" {size / 1e6 / run.seconds:6.2f} {ratio:>15}"
        )


if __name__ == "__main__":
    main()
