"""The community-module catalogue: version constraints, source addresses, and each model's data."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from vpce_checks.core.community_modules import find_model, models
from vpce_checks.core.community_modules.sources import SourceAddress, parse_source
from vpce_checks.core.community_modules.versions import VersionSet
from vpce_checks.loader.files import is_terraform_file
from vpce_checks.loader.syntax import read_file


def admits(constraint: str | None, version: str) -> bool:
    exact = VersionSet.exact(version)
    assert exact is not None
    return VersionSet.parse(constraint).overlaps(exact)


@pytest.mark.parametrize(
    ("constraint", "inside", "outside"),
    [
        ("~> 5.0", ["5.0.0", "5.8.1", "5.99.3"], ["4.9.9", "6.0.0"]),
        ("~> 5.8.1", ["5.8.1", "5.8.12"], ["5.8.0", "5.9.0", "6.0.0"]),
        ("~> 0.25", ["0.25.0", "0.99.0"], ["0.24.9", "1.0.0"]),
        ("~> 5", ["5.0.0", "6.4.0", "12.0.0"], ["4.0.0"]),
        (">= 3.0, < 5.0", ["3.0.0", "4.9.0"], ["2.78.0", "5.0.0"]),
        ("> 4.0.0", ["4.0.1", "5.0.0"], ["4.0.0", "3.0.0"]),
        ("<= 4.0.0", ["4.0.0", "0.1.0"], ["4.0.1"]),
        (">= 4.0, != 4.0.0", ["4.0.1"], ["4.0.0"]),
        ("= 5.8.1", ["5.8.1"], ["5.8.0", "5.8.2"]),
        ("5.8.1", ["5.8.1"], ["5.8.2"]),
        ("v5.8.1", ["5.8.1"], ["5.8.2"]),
        (" >=5.0 ,<6 ", ["5.0.0", "5.9.9"], ["6.0.0", "4.0.0"]),
        (None, ["0.0.1", "99.0.0"], []),
        ("", ["1.0.0"], []),
    ],
)
def test_version_constraints_admit_what_terraform_admits(
    constraint: str | None, inside: list[str], outside: list[str]
) -> None:
    for version in inside:
        assert admits(constraint, version), f"{constraint!r} should admit {version}"
    for version in outside:
        assert not admits(constraint, version), f"{constraint!r} should not admit {version}"


@pytest.mark.parametrize("constraint", ["6.0.0-beta1", ">= banana", "~> 5.0, ~>"])
def test_constraints_the_model_cannot_read_admit_any_release(constraint: str) -> None:
    assert VersionSet.parse(constraint) == VersionSet.any()


def test_contradictory_constraints_admit_nothing() -> None:
    assert VersionSet.parse(">= 5.0, < 4.0").empty
    assert VersionSet.parse("= 4.0.0, != 4.0.0").empty
    assert not VersionSet.parse("< 0.0.0").overlaps(VersionSet.any())


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("terraform-aws-modules/vpc/aws", SourceAddress(registry="terraform-aws-modules/vpc/aws")),
        (
            "registry.terraform.io/Terraform-AWS-Modules/vpc/aws//modules/vpc-endpoints/",
            SourceAddress(registry="terraform-aws-modules/vpc/aws", subdirectory="modules/vpc-endpoints"),
        ),
        ("registry.opentofu.org/cloudposse/label/null", SourceAddress(registry="cloudposse/label/null")),
        (
            "git::https://github.com/terraform-aws-modules/terraform-aws-vpc.git?ref=v5.8.1",
            SourceAddress(repository="github.com/terraform-aws-modules/terraform-aws-vpc", ref="v5.8.1"),
        ),
        (
            "git::https://github.com/terraform-aws-modules/terraform-aws-vpc.git//modules/vpc-endpoints?ref=v5.8.1",
            SourceAddress(
                repository="github.com/terraform-aws-modules/terraform-aws-vpc",
                subdirectory="modules/vpc-endpoints",
                ref="v5.8.1",
            ),
        ),
        (
            "git::ssh://git@github.com/cloudposse/terraform-null-label.git?depth=1&ref=0.25.0",
            SourceAddress(repository="github.com/cloudposse/terraform-null-label", ref="0.25.0"),
        ),
        (
            "git@github.com:terraform-aws-modules/terraform-aws-vpc.git?ref=v3.19.0",
            SourceAddress(repository="github.com/terraform-aws-modules/terraform-aws-vpc", ref="v3.19.0"),
        ),
        (
            "github.com/cloudposse/terraform-null-label",
            SourceAddress(repository="github.com/cloudposse/terraform-null-label"),
        ),
        (
            "git::https://git.example.com/platform/vpc.git?ref=v2",
            SourceAddress(repository="git.example.com/platform/vpc", ref="v2"),
        ),
        ("app.terraform.io/acme/vpc/aws", None),
        ("https://example.com/vpc-module.zip", None),
        ("s3::https://s3-eu-west-1.amazonaws.com/bucket/vpc.zip", None),
        ("gitlab.com/acme/vpc", None),
    ],
)
def test_sources_are_parsed_as_terraform_reads_them(source: str, expected: SourceAddress | None) -> None:
    assert parse_source(source) == expected


@pytest.mark.parametrize(
    ("source", "model"),
    [
        ("terraform-aws-modules/vpc/aws", "terraform-aws-modules/vpc/aws"),
        ("github.com/terraform-aws-modules/terraform-aws-vpc?ref=v5.8.1", "terraform-aws-modules/vpc/aws"),
        (
            "terraform-aws-modules/vpc/aws//modules/vpc-endpoints",
            "terraform-aws-modules/vpc/aws//modules/vpc-endpoints",
        ),
        ("cloudposse/label/null", "cloudposse/label/null"),
        ("git::https://github.com/cloudposse/terraform-null-label.git?ref=tags/0.25.0", "cloudposse/label/null"),
        ("terraform-aws-modules/vpc/aws//modules/flow-log", None),
        ("cloudposse/vpc/aws", None),
        ("terraform-aws-modules/eks/aws", None),
    ],
)
def test_each_model_is_found_by_its_sources(source: str, model: str | None) -> None:
    found = find_model(source)
    assert (found[0].name if found else None) == model


@pytest.mark.parametrize("model", models(), ids=lambda model: model.name)
def test_each_model_is_well_formed(model: object) -> None:
    """Its stand-in parses, its data names only variables it declares, and behaviours are no inputs."""
    from vpce_checks.core.community_modules import Model

    assert isinstance(model, Model)
    blocks = [
        block
        for name in sorted(os.listdir(model.directory))
        if is_terraform_file(name)
        for block in read_file(os.path.join(model.directory, name), name)
    ]
    variables = {block.labels[0] for block in blocks if block.type == "variable"}
    assert set(model.by_release) <= variables
    assert all(name.startswith("model_") for name in model.behaviours)
    assert not any(model.is_inert(name) for name in variables), "a declared input cannot also be inert"
    for name in variables - set(model.by_release):
        block = next(block for block in blocks if block.type == "variable" and block.labels[0] == name)
        assert "default" in block.body.attributes, f"{name}: a default, or one by release in model.json"
    assert any(block.type == "output" for block in blocks)
    data = json.loads((Path(model.directory) / "model.json").read_text(encoding="utf-8"))
    for changes in [*data.get("input_defaults", {}).values(), *data.get("behaviours", {}).values()]:
        for change in changes:
            assert change["source"].strip() and not VersionSet.parse(change["releases"]).empty
            assert model.releases.overlaps(VersionSet.parse(change["releases"]))
