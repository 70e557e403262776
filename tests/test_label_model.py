"""The model of cloudposse/label/null: enabled, id, tags and context from its inputs and defaults."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from vpce_checks.core.model import Configuration
from vpce_checks.core.values import Unknown
from vpce_checks.loader.evaluate import finalize
from vpce_checks.loader.module import Context, Module
from vpce_checks.loader.modules import Root


def label(arguments: str, name: str = "this", version: str = "0.25.0") -> str:
    return (
        f'module "{name}" {{\n  source  = "cloudposse/label/null"\n  version = "{version}"\n'
        f"{textwrap.dedent(arguments)}\n}}\n"
    )


def outputs(tmp_path: Path, text: str, wanted: dict[str, str]) -> tuple[dict[str, Any], Configuration]:
    """The values of ``wanted`` (name -> expression) in a root made of ``text``."""
    shown = "".join(f'output "{key}" {{\n  value = {expression}\n}}\n' for key, expression in wanted.items())
    (tmp_path / "main.tf").write_text(text + shown, encoding="utf-8")
    config = Configuration(directory="root")
    root = Module(Context(config, Root(str(tmp_path), "root", {})), str(tmp_path), "root")
    root.read_files()
    return {key: finalize(root.output(key)) for key in wanted}, config


def test_the_id_and_tags_follow_the_defaults(tmp_path: Path) -> None:
    values, config = outputs(
        tmp_path,
        label('namespace = "eg"\nstage = "prod"\nname = "App"\ntags = { Team = "net" }'),
        {"enabled": "module.this.enabled", "id": "module.this.id", "tags": "module.this.tags"},
    )
    assert config.notes == []
    assert values == {
        "enabled": True,
        "id": "eg-prod-app",
        "tags": {"Name": "eg-prod-app", "Namespace": "eg", "Stage": "prod", "Team": "net"},
    }


def test_a_label_inherits_the_context_and_its_direct_inputs_win(tmp_path: Path) -> None:
    text = label('namespace = "eg"\nstage = "prod"\nname = "app"\ntags = { Team = "net" }') + label(
        'name = "api"\nattributes = ["vpce"]\ntags = { Tier = "private" }\ncontext = module.this.context', "vpce"
    )
    values, _ = outputs(
        tmp_path,
        text,
        {"id": "module.vpce.id", "tags": "module.vpce.tags", "context": "module.vpce.context"},
    )
    assert values["id"] == "eg-prod-api-vpce"
    assert values["tags"] == {
        "Attributes": "vpce",
        "Name": "eg-prod-api-vpce",
        "Namespace": "eg",
        "Stage": "prod",
        "Team": "net",
        "Tier": "private",
    }
    context = values["context"]
    assert (context["name"], context["stage"], context["delimiter"], context["attributes"]) == (
        "api",
        "prod",
        None,
        ["vpce"],
    )


def test_a_disabled_context_disables_every_label_that_inherits_it(tmp_path: Path) -> None:
    text = label('enabled = false\nname = "app"') + label('attributes = ["x"]\ncontext = module.this.context', "child")
    values, _ = outputs(
        tmp_path, text, {"enabled": "module.child.enabled", "id": "module.child.id", "tags": "module.child.tags"}
    )
    assert values == {"enabled": False, "id": "", "tags": {}}


def test_an_unknown_enabled_is_unknown_and_what_it_switches_may_not_exist(tmp_path: Path) -> None:
    text = 'variable "enabled" {\n  type = bool\n}\n' + label("enabled = var.enabled")
    text += 'resource "aws_vpc_endpoint" "s3" {\n  count = module.this.enabled ? 1 : 0\n  service_name = "x"\n}\n'
    values, _ = outputs(tmp_path, text, {"enabled": "module.this.enabled"})
    assert isinstance(values["enabled"], Unknown)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('name = "My App!"\nstage = "Prod"', "prod-myapp"),
        ('name = "app"\nstage = "prod"\ndelimiter = "_"\nlabel_order = ["name", "stage"]', "app_prod"),
        ('name = "app"\nstage = "prod"\nlabel_value_case = "upper"', "PROD-APP"),
        ('name = "app"\nnamespace = "eg"\nattributes = ["blue", "1"]', "eg-app-blue-1"),
        ('name = "application"\nnamespace = "example"\nid_length_limit = 40', "example-application"),
        ('name = "application"\nnamespace = "example"\nid_length_limit = 10', None),  # the hashed short ID
    ],
)
def test_the_id_is_cleaned_cased_ordered_and_unknown_when_shortened(
    tmp_path: Path, arguments: str, expected: str | None
) -> None:
    values, _ = outputs(tmp_path, label(arguments), {"id": "module.this.id", "full": "module.this.id_full"})
    if expected is None:
        assert isinstance(values["id"], Unknown) and values["full"] == "example-application"
    else:
        assert values["id"] == expected


def test_labels_as_tags_is_set_once_by_the_first_label(tmp_path: Path) -> None:
    text = label('name = "app"\nstage = "prod"\nlabels_as_tags = ["name"]') + label(
        'labels_as_tags = ["stage"]\ncontext = module.this.context', "child"
    )
    values, _ = outputs(tmp_path, text, {"this": "module.this.tags", "child": "module.child.tags"})
    assert values == {"this": {"Name": "prod-app"}, "child": {"Name": "prod-app"}}


def test_a_release_outside_the_model_is_not_read(tmp_path: Path) -> None:
    values, config = outputs(tmp_path, label('name = "app"', version="0.24.1"), {"id": "module.this.id"})
    assert isinstance(values["id"], Unknown)
    assert "admits no release the model of cloudposse/label/null follows" in config.notes[0].message
