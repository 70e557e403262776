"""Which files are configuration, in which order, and which OpenTofu file shadows which."""

from __future__ import annotations

from pathlib import Path

from helpers import load_hcl

from vpce_checks.loader.discover import discover
from vpce_checks.loader.files import configuration_files, is_override_file, is_terraform_file


def test_tofu_twins_win_and_the_rest_is_read_in_order() -> None:
    names = [
        "variables.tf",
        "main.tofu",
        "main.tf",
        "stack.tf.json",
        "stack.tofu.json",
        "network.tf.json",
        "network.tofu",  # not a twin: .tf.json pairs only with .tofu.json
        "override.tf",
        "override.tofu",
        "a_override.tf.json",
        "terraform.tfvars",
        "README.md",
        ".#main.tf",
        "#main.tf#",
        "main.tf~",
    ]
    chosen = configuration_files(names)
    assert chosen.primary == ["main.tofu", "network.tf.json", "network.tofu", "stack.tofu.json", "variables.tf"]
    assert chosen.overrides == ["a_override.tf.json", "override.tofu"]


def test_override_names() -> None:
    for name in ("override.tf", "override.tf.json", "main_override.tf", "x_override.tofu.json", "override.tofu"):
        assert is_override_file(name), name
    for name in ("overrides.tf", "my-override.tf", "override_main.tf", "override.tfvars", "main.tf"):
        assert not is_override_file(name), name


def test_hidden_and_backup_files_are_not_configuration() -> None:
    assert [
        name for name in (".hidden.tf", ".#main.tf", "#main.tf#", "main.tf~", "main.tf") if is_terraform_file(name)
    ] == ["main.tf"]


def test_a_directory_of_tofu_files_is_a_module(tmp_path: Path) -> None:
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "main.tofu").write_text("", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / ".draft.tf").write_text("", encoding="utf-8")
    assert discover(str(tmp_path)).directories == [str(tmp_path / "stack")]


def test_a_broken_shadowed_file_is_not_read(tmp_path: Path) -> None:
    config = load_hcl(
        tmp_path,
        {
            "main.tf": 'resource "aws_vpc" "main" {\n  cidr_block = = "broken"\n}\n',
            "main.tofu": 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n',
            ".#main.tf": "not terraform",
        },
    )
    assert config.problems == []
    vpc = config.resource("aws_vpc.main")
    assert vpc is not None and vpc.location.file == "mod/main.tofu"
