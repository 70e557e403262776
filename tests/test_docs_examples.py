"""The examples in the docs work: YAML parses, commands parse, configuration and baseline load.

Every fenced block is taken from the Markdown itself, so the docs cannot rot unnoticed.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from vpce_checks.baseline import read_baseline
from vpce_checks.cli import main, parse_arguments
from vpce_checks.config import _toml, find_config_file, load_config
from vpce_checks.core.findings import Severity

ROOT = Path(__file__).resolve().parent.parent
CI_DOC = ROOT / "docs" / "ci.md"
CONFIG_DOC = ROOT / "docs" / "configuration.md"
HOOK_ID = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]["id"]


def blocks(path: Path, language: str) -> list[str]:
    """The contents of the fenced code blocks of ``language`` in ``path``."""
    return re.findall(rf"^```{language}\n(.*?)^```$", path.read_text(encoding="utf-8"), flags=re.M | re.S)


def vpce_commands(script: str) -> list[list[str]]:
    """Every ``vpce-checks`` command in shell lines or YAML ``run:``/``script:`` lines, as argument lists.

    Comments and redirections are dropped; ``$(vpce-checks ...)`` substitutions count too.
    """
    commands = [shlex.split(inner) for inner in re.findall(r"\$\(vpce-checks ([^)]*)\)", script)]
    for line in script.replace("\\\n", " ").splitlines():
        line = re.sub(r"^\s*(- )?(run: )?", "", line.split(" #", 1)[0])
        if line.startswith("vpce-checks "):
            commands.append(shlex.split(line.split(">>", 1)[0])[1:])
    return commands


def test_every_vpce_checks_command_in_the_docs_parses() -> None:
    texts = [
        *blocks(CI_DOC, "yaml"),
        *blocks(CI_DOC, "sh"),
        *blocks(CONFIG_DOC, "sh"),
        (ROOT / "README.md").read_text(),
    ]
    commands = [command for text in texts for command in vpce_commands(text)]
    assert len(commands) >= 12
    for arguments in commands:
        if "PATH..." in arguments or "ID" in arguments[1:]:  # placeholders of the usage summary
            continue
        try:
            parse_arguments(arguments)
        except SystemExit:  # pragma: no cover - the assertion below says which
            pytest.fail(f"the docs show an invalid command: vpce-checks {' '.join(arguments)}")


def ci_yaml(having: str) -> dict[str, Any]:
    """The YAML block of docs/ci.md that has the top-level key ``having`` (the first such)."""
    return next(document for document in map(yaml.safe_load, blocks(CI_DOC, "yaml")) if having in document)


def test_ci_yaml_examples_parse() -> None:
    documents = [yaml.safe_load(block) for block in blocks(CI_DOC, "yaml")]
    assert len(documents) == 10
    assert all(isinstance(document, dict) for document in documents)


def test_github_workflow_uploads_sarif_and_writes_the_summary() -> None:
    workflow: dict[str, Any] = next(
        document
        for document in map(yaml.safe_load, blocks(CI_DOC, "yaml"))
        if "jobs" in document
        and any("setup-python" in step.get("uses", "") for step in document["jobs"]["vpce-checks"]["steps"])
    )
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["vpce-checks"]["steps"]
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    sarif_step = next(step for step in steps if "--format sarif" in step.get("run", ""))
    assert f"--output {upload['with']['sarif_file']}" in sarif_step["run"]
    assert any("--format markdown" in step.get("run", "") and "$GITHUB_STEP_SUMMARY" in step["run"] for step in steps)
    assert steps[-1]["run"] == "vpce-checks . --format github"  # the gate comes after the reports
    checkov = ci_yaml("checkov")
    script = " ".join(step.get("run", "") for step in checkov["checkov"]["steps"])
    for needed in ("pipx install checkov==", '--external-checks-dir "$(vpce-checks checkov-dir)"', "--skip-download"):
        assert needed in script


def test_gitlab_jobs_keep_junit_reports() -> None:
    jobs = ci_yaml("vpce-checks-checkov")
    for name in ("vpce-checks", "vpce-checks-checkov"):
        report = jobs[name]["artifacts"]["reports"]["junit"]
        assert jobs[name]["artifacts"]["when"] == "always"
        assert any(report in line for line in jobs[name]["script"]), name
    assert "--format junit" in " ".join(jobs["vpce-checks"]["script"])
    assert "custom_policies" in " ".join(jobs["vpce-checks-checkov"]["script"])


def test_pre_commit_snippets_name_real_hooks() -> None:
    ours = [yaml.safe_load(block) for block in blocks(CI_DOC, "yaml") + blocks(ROOT / "README.md", "yaml")]
    hooks = {
        (repo["repo"], hook["id"]): hook
        for document in ours
        for repo in document.get("repos", [])
        for hook in repo["hooks"]
    }
    assert ("https://github.com/vpce-checks/vpce-checks", HOOK_ID) in hooks
    checkov = hooks[("https://github.com/bridgecrewio/checkov", "checkov")]
    assert "--external-checks-dir=tools/vpce-checks/custom_policies" in checkov["args"]
    assert "additional_dependencies" not in checkov  # python-hcl2 would break checkov's hcl2
    assert "vpce-checks checkov-dir" in hooks[("local", "checkov-vpce-checks")]["entry"]


@pytest.mark.parametrize(("language", "name"), [("toml", "pyproject.toml"), ("yaml", ".vpce-checks.yaml")])
def test_configuration_examples_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, name: str) -> None:
    (example,) = [block for block in blocks(CONFIG_DOC, language) if block.startswith(f"# {name}\n")]
    (tmp_path / ".git").mkdir()
    (tmp_path / name).write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load_config(find_config_file())
    assert config.source == name
    assert config.ignore == ("VPCE013",) and config.fail_on == "warning"
    assert config.severity == {"VPCE005": Severity.ERROR, "VPCE006": Severity.INFO}
    assert config.exclude == ("legacy", "modules/*/examples")
    assert config.is_excluded("modules/vpc/examples/main.tf")


def test_the_two_configuration_examples_say_the_same() -> None:
    (toml_example,) = blocks(CONFIG_DOC, "toml")
    yaml_example = next(block for block in blocks(CONFIG_DOC, "yaml") if block.startswith("# .vpce-checks.yaml"))
    assert _toml().loads(toml_example)["tool"]["vpce-checks"] == yaml.safe_load(yaml_example)


def test_baseline_example_reads(tmp_path: Path) -> None:
    (example,) = blocks(CONFIG_DOC, "json")
    (tmp_path / "b.json").write_text(example, encoding="utf-8")
    baseline = read_baseline(str(tmp_path / "b.json"))
    assert sum(baseline.keys.values()) == 1


def test_the_baseline_recipe_works_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/ci.md: configuration + one --update-baseline; then every CI gate passes until a new finding."""
    from test_baseline import ERRORS_TWO
    from test_cli import ERROR, module

    config = next(block for block in blocks(CI_DOC, "yaml") if block.startswith("# .vpce-checks.yaml\n"))
    (recipe,) = [block for block in blocks(CI_DOC, "sh") if "--update-baseline" in block]
    # The commands of the CI set-ups that gate (the report steps use --fail-on never).
    gates = [
        command
        for document in map(yaml.safe_load, blocks(CI_DOC, "yaml"))
        for command in vpce_commands(yaml.safe_dump(document, width=1000))
        if "never" not in command and "checkov-dir" not in command and "tfplan.json" not in command
    ]
    assert [".", "--format", "github"] in gates and ["."] in gates  # GitHub's and GitLab's
    (tmp_path / ".git").mkdir()
    module(tmp_path, ERROR, "network")
    (tmp_path / ".vpce-checks.yaml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for command in vpce_commands(recipe):
        assert main(command) == 0
    capsys.readouterr()
    assert (tmp_path / ".vpce-checks-baseline.json").is_file()
    for gate in gates:
        assert main(gate) == 0, gate
    assert "hidden by the baseline" in capsys.readouterr().out
    (tmp_path / "network" / "main.tf").write_text(ERRORS_TWO, encoding="utf-8")  # a new finding
    for gate in gates:
        assert main(gate) == 1, gate


PLAN_FIXTURE = ROOT / "fixtures" / "shape_count_index"


def plan_recipes() -> list[dict[str, Any]]:
    """The CI set-ups of docs/ci.md that write a plan and read it."""
    return [
        document
        for document in map(yaml.safe_load, blocks(CI_DOC, "yaml"))
        if "terraform show -json tfplan > tfplan.json" in yaml.safe_dump(document, width=1000)
    ]


@pytest.mark.parametrize("index", [0, 1], ids=["github", "gitlab"])
def test_the_plan_recipes_work_as_written_on_a_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], index: int
) -> None:
    """docs/ci.md's plan route: the report steps write their files and pass, the gate fails on the plan's error."""
    recipe = plan_recipes()[index]
    commands = [command for command in vpce_commands(yaml.safe_dump(recipe, width=1000)) if "tfplan.json" in command]
    assert commands and all(command[0] == "tfplan.json" for command in commands)
    for path in PLAN_FIXTURE.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())  # the checkout, and the plan made in it
    (tmp_path / "expected.yaml").unlink()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    for command in commands:
        assert main(["--no-config", *command]) == (0 if "never" in command else 1), command
        output = command[command.index("--output") + 1] if "--output" in command else None
        if output:
            text = (tmp_path / output).read_text(encoding="utf-8")
            assert "endpoints.tf" in text and "VPCE011" in text
    assert "VPCE014" in capsys.readouterr().out
    if index == 0:
        sarif = json.loads((tmp_path / "vpce-checks.sarif").read_text(encoding="utf-8"))
        assert {result["properties"]["plan"] for result in sarif["runs"][0]["results"]} == {"tfplan.json"}
        steps = recipe["jobs"]["plan"]["steps"]
        wrapper = next(step for step in steps if step.get("uses", "").startswith("hashicorp/setup-terraform@"))
        assert wrapper["with"]["terraform_wrapper"] is False  # its output would break tfplan.json
    else:
        assert recipe["vpce-checks-plan"]["needs"] == ["terraform-plan"]
        assert recipe["terraform-plan"]["artifacts"]["paths"] == ["tfplan.json"]


def test_the_checkov_plan_form_reads_the_plan_file() -> None:
    (command,) = [block for block in blocks(CI_DOC, "sh") if "--framework terraform_plan" in block]
    assert "-f tfplan.json" in command and "--external-checks-dir" in command


def test_no_doc_installs_from_a_registry_the_package_is_not_on() -> None:
    """Until a release, `pip install vpce-checks` fails: the docs may name it only as what comes after one."""
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"pipx? install (vpce-checks)\b(?!\s*@)", text):
            sentence = text[text.rfind(".", 0, match.start()) : text.find(".", match.end())]
            assert "release" in sentence or "not on PyPI" in sentence, f"{path.name}: {sentence!r}"


def test_the_local_hook_pattern_covers_every_terraform_file_kind() -> None:
    local = next(
        hook
        for document in map(yaml.safe_load, blocks(CI_DOC, "yaml"))
        for repo in document.get("repos", [])
        if repo["repo"] == "local"
        for hook in repo["hooks"]
    )
    pattern = re.compile(local["files"])
    published = re.compile(yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]["files"])
    kinds = ["main.tf", "stack.tf.json", "main.tofu", "main.tofu.json", "prod.tfvars", "prod.tfvars.json"]
    for name in kinds:
        assert pattern.search(f"net/{name}"), name
    for name in ("README.md", "main.tf.bak", "tfvars.txt", "x.tofu.bak"):
        assert not pattern.search(name), name
    # Whatever the published hook reacts to, the local one does too.
    assert all(pattern.search(name) for name in kinds if published.search(name))
