"""The analyzer only reads: no network, no writes into the scanned tree, no code from it run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import tree_snapshot

ROOT = Path(__file__).resolve().parent.parent

# Runs the CLI with every Internet socket refused, in this process and in the worker processes it forks.
NO_NETWORK = """
import socket, sys

class RefusingSocket(socket.socket):
    def __init__(self, family=socket.AF_INET, *args, **kwargs):
        if family in (socket.AF_INET, socket.AF_INET6):
            raise PermissionError("network access attempted during a scan")
        super().__init__(family, *args, **kwargs)

def refuse(*args, **kwargs):
    raise PermissionError("network access attempted during a scan")

socket.socket = RefusingSocket
socket.create_connection = refuse
socket.getaddrinfo = refuse
try:
    socket.create_connection(("127.0.0.1", 9))
except PermissionError:
    pass
else:
    sys.exit("the guard does not work")

from vpce_checks.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_scan_with_sockets_disabled_leaves_the_tree_byte_identical(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "fixtures", tree / "fixtures")
    shutil.copytree(ROOT / "examples", tree / "examples")
    before = tree_snapshot(tree)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VPCE_CHECKS_CACHE_DIR": str(tmp_path / "cache")}
    for extra in (["--jobs", "2"], ["--jobs", "2"], ["--jobs", "1", "--full-parse"]):  # cold, warm, no cache
        process = subprocess.run(
            [sys.executable, "-c", NO_NETWORK, str(tree), "-f", "json", *extra],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )
        # Notes (an unreadable module source in a fixture) are all it may say on stderr.
        unexpected = [line for line in process.stderr.splitlines() if not line.startswith("vpce-checks: note: ")]
        assert process.returncode == 1 and not unexpected, process.stderr
        assert '"rule_id": "VPCE001"' in process.stdout
    assert tree_snapshot(tree) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "tree"]
