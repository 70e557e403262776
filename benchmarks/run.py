"""Time vpce-checks (cold and warm cache) against checkov with only our checks, on one tree, in one run.

Each program runs as a child process, measured for wall time and peak memory (the child's own
rusage). The report prints both tools' figures, the ratios, files/s and MB/s, the pre-commit path
(one changed file, warm cache) and whether the two tools report the same (rule ID, resource) pairs.

    python benchmarks/run.py                      # generate the default tree (500 modules) and run
    python benchmarks/run.py --tree DIR           # an existing tree
    python benchmarks/run.py --modules 20 --skip-checkov

checkov must live in its own virtualenv (its ``hcl2`` is a fork that clashes with python-hcl2);
``--checkov`` names its executable.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from vpce_checks.core.registry import all_rules  # noqa: E402

Pair = tuple[str, str, str]
"""(module directory relative to the tree, rule ID, resource address)"""


@dataclass
class Run:
    """One measured child process."""

    label: str
    seconds: float
    peak_mb: float
    code: int
    output: str


def measure(label: str, command: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run ``command`` to completion; wall time and the child's peak resident memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace")
        errors = err.read().decode("utf-8", "replace")
    if process.returncode not in (0, 1):
        print(f"{label}: exit code {process.returncode}\n{errors[-2000:]}", file=sys.stderr)
    # ru_maxrss is the largest of the child and its own waited-for children, in KB on Linux.
    return Run(label, seconds, usage.ru_maxrss / 1024, process.returncode, text)


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
    parser.add_argument("--tree", type=Path, help="an existing tree (default: generate one in a temporary directory)")
    parser.add_argument("--modules", type=int, default=500)
    parser.add_argument("--resources-per-module", type=int, default=100)
    parser.add_argument("--endpoint-share", type=float, default=0.05)
    parser.add_argument("--files-per-module", type=int, default=10)
    parser.add_argument("--checkov", default=str(ROOT / ".venv-checkov" / "bin" / "checkov"))
    parser.add_argument("--skip-checkov", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vpce-bench-") as scratch:
        tree = arguments.tree
        if tree is None:
            tree = Path(scratch) / "tree"
            generate(
                str(tree),
                arguments.modules,
                arguments.resources_per_module,
                arguments.endpoint_share,
                arguments.files_per_module,
            )
        tree = tree.resolve()
        files, size = terraform_size(tree)
        megabytes = size / 1e6
        print(f"tree: {files} files, {megabytes:.1f} MB, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
        env = {**os.environ, "VPCE_CHECKS_CACHE_DIR": str(Path(scratch) / "cache")}
        ours = [sys.executable, "-m", "vpce_checks", "-f", "json", "--jobs", str(arguments.jobs)]
        runs = [measure("vpce-checks cold", [*ours, str(tree)], env, ROOT)]
        runs.append(measure("vpce-checks warm", [*ours, str(tree)], env, ROOT))
        changed = next(iter(sorted(tree.rglob("network.tf"))), None) or next(iter(sorted(tree.rglob("*.tf"))))
        module_files, module_bytes = terraform_size(changed.parent, recursive=False)
        module_megabytes = module_bytes / 1e6
        original = changed.read_bytes()
        changed.write_bytes(original + b"\n# a one-line change\n")
        try:
            runs.append(measure("pre-commit (1 changed file)", [*ours, str(changed)], env, ROOT))
        finally:
            changed.write_bytes(original)
        checkov = None
        if not arguments.skip_checkov:
            ids = ",".join(rule.id for rule in all_rules())
            command = [arguments.checkov, "--framework", "terraform", "--external-checks-dir"]
            command += [str(ROOT / "custom_policies"), "--check", ids, "-o", "json", "--skip-download", "-d", str(tree)]
            checkov = measure("checkov (our checks only)", command, dict(os.environ), ROOT)
            runs.append(checkov)

    print(f"{'':30} {'wall s':>9} {'peak MB':>8} {'files/s':>9} {'MB/s':>7} {'checkov x':>10}")
    for run in runs:
        # The pre-commit run reads the whole module of the changed file, since rules need it.
        count, volume = (module_files, module_megabytes) if run.label.startswith("pre-commit") else (files, megabytes)
        ratio = f"{checkov.seconds / run.seconds:10.1f}" if checkov and run is not checkov else f"{'':10}"
        print(
            f"{run.label:30} {run.seconds:9.2f} {run.peak_mb:8.0f} {count / run.seconds:9.0f}"
            f" {volume / run.seconds:7.2f} {ratio}"
        )
    if checkov is not None:
        print_agreement(our_pairs(runs[0].output, tree), checkov_pairs(checkov.output))


if __name__ == "__main__":
    main()
