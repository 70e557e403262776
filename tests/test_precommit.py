"""The pre-commit hook, run for real: ``pre-commit try-repo`` this repository in a scratch git repository.

try-repo installs the hook from this repository (its HEAD plus uncommitted changes to tracked
files) into a fresh environment, which needs PyPI for python-hcl2: about 10-20 s per run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_cli import CLEAN, ERROR

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def test_hook_definition() -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "vpce-checks" and hook["language"] == "python"
    assert hook["entry"] == "vpce-checks scan"
    assert hook["require_serial"] is True
    files = re.compile(hook["files"])
    for name in (
        "main.tf",
        "net/endpoints.tf",
        "stack.tf.json",
        "main.tofu",
        "stack.tofu.json",
        "prod.tfvars",
        "terraform.tfvars",
        "x.tfvars.json",
    ):
        assert files.search(name), name
    for name in ("README.md", "package.json", "main.tf.bak", "tfvars.txt", "main.tofu.bak"):
        assert not files.search(name), name


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PRE_COMMIT_HOME for the session, apart from the user's own cache."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """A git repository with a failing module (bad/), a passing one (good/) and a file the hook ignores."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, check=False).returncode:
        pytest.skip("this copy of vpce-checks is not a git checkout, so pre-commit cannot try it")
    for name, text in {
        "bad/main.tf": ERROR,
        "good/main.tf": CLEAN,
        "good/terraform.tfvars": "",
        "README.md": "x",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    return tmp_path


def try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    # Variables a surrounding git hook may set would point pre-commit at the wrong repository.
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env["PRE_COMMIT_HOME"] = str(home)
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "vpce-checks", "--files", *files]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)


def test_try_repo_fails_on_the_failing_module_and_passes_the_clean_one(
    scratch_repo: Path, pre_commit_home: Path
) -> None:
    failing = try_repo(scratch_repo, pre_commit_home, "bad/main.tf", "README.md")
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert re.search(r"vpce-checks\.+Failed", output), output
    assert re.search(r"bad/main\.tf:8:1: VPCE001 \[error\] Gateway endpoint for s3 has no route table", output), output
    assert "1 finding (1 error)" in output

    passing = try_repo(scratch_repo, pre_commit_home, "good/main.tf", "good/terraform.tfvars")
    output = passing.stdout + passing.stderr
    assert passing.returncode == 0, output
    assert re.search(r"vpce-checks\.+Passed", output), output
