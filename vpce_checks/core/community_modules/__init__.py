"""Models of the community modules most configurations call, read when they are not downloaded.

Each model is a folder beside this file: a small stand-in Terraform module (``*.tf``) that
declares the real module's inputs with their defaults, the resources the rules read at the
addresses the real module uses, and its outputs, written from the module's documented
interface; and a ``model.json`` that says which module it stands for (registry address,
repository, subdirectory), which releases it follows, which defaults and behaviours changed
between those releases, and which inputs change nothing it describes. The HCL front end reads
the stand-in as if ``terraform init`` had downloaded it, so a model is evaluated by the same code
as any module and a new one needs no Python. ``README.md`` in this folder explains the form and
how to add a model.

This package is data plus a catalogue: it imports only the standard library, like the rest of
the core. The checkov front end runs the same loader, so it reads the same stand-ins.
"""

from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from vpce_checks.core.community_modules.sources import SourceAddress, parse_source
from vpce_checks.core.community_modules.versions import VersionSet
from vpce_checks.core.values import Unknown

__all__ = ["Model", "ModelUse", "find_model", "models"]

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Change:
    """A value that holds for some releases: a default, or a behaviour of the module."""

    releases: VersionSet
    value: Any
    source: str
    """Where it was read: a release's file, the CHANGELOG, an upgrade guide."""


@dataclass(frozen=True)
class Model:
    """One modelled module: where its stand-in is, what it stands for, what changed between releases."""

    name: str
    """The module as its registry address names it (``terraform-aws-modules/vpc/aws//modules/x``)."""
    directory: str
    registry: str
    repository: str
    subdirectory: str
    releases: VersionSet
    releases_text: str
    summary: str
    read: tuple[str, ...]
    """The sources read to write the model."""
    by_release: dict[str, tuple[Change, ...]] = field(default_factory=dict)
    """Variable -> the values it takes in which releases (input defaults and module behaviours)."""
    behaviours: frozenset[str] = frozenset()
    """The variables of ``by_release`` that are no input of the real module: a caller cannot set them."""
    inert_inputs: tuple[str, ...] = ()
    """Inputs (glob patterns) that change nothing the model describes: tags, names, flow logs, ..."""

    def matches(self, address: SourceAddress) -> bool:
        """True when a parsed ``source`` names this module."""
        if address.subdirectory != self.subdirectory:
            return False
        return address.registry == self.registry or address.repository == self.repository

    def use(self, constraint: str | None, ref: str | None = None) -> ModelUse:
        """The model for a call with this ``version`` constraint (or Git ``ref``)."""
        admitted = VersionSet.parse(constraint)
        if constraint is None and ref is not None:
            admitted = VersionSet.exact(ref) or VersionSet.any()  # a branch or commit: any release
        releases = admitted & self.releases
        if releases.empty:
            wanted = f"version {constraint!r}" if constraint is not None else f"ref {ref!r}"
            return ModelUse(
                self,
                releases,
                {},
                f"{wanted} admits no release the model of {self.name} follows ({self.releases_text})",
            )
        values = {name: _value_in(changes, releases, name) for name, changes in self.by_release.items()}
        return ModelUse(self, releases, values)

    def is_inert(self, name: str) -> bool:
        """True for an input the model may ignore."""
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.inert_inputs)


@dataclass(frozen=True)
class ModelUse:
    """A model for one module call: the releases its constraint admits and the values they give."""

    model: Model
    releases: VersionSet
    defaults: dict[str, Any]
    """Variable -> its value when the caller does not set it; Unknown where admitted releases differ."""
    problem: str | None = None
    """Why the model cannot stand for this call (its releases are outside the model's)."""


def _value_in(changes: tuple[Change, ...], releases: VersionSet, name: str) -> Any:
    """The one value the admitted releases agree on, else unknown."""
    values = [change.value for change in changes if change.releases.overlaps(releases)]
    if values and all(value == values[0] for value in values):
        return values[0]
    return Unknown(f"{name} (differs between the admitted releases)")


@lru_cache(maxsize=1)
def models() -> tuple[Model, ...]:
    """Every model in this folder, by folder name."""
    found = []
    for entry in sorted(os.listdir(HERE)):
        path = os.path.join(HERE, entry, "model.json")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                found.append(_read_model(os.path.join(HERE, entry), json.load(handle)))
    return tuple(found)


def _read_model(directory: str, data: dict[str, Any]) -> Model:
    by_release: dict[str, tuple[Change, ...]] = {}
    behaviours = set()
    for section in ("input_defaults", "behaviours"):
        for name, changes in data.get(section, {}).items():
            by_release[name] = tuple(
                Change(VersionSet.parse(item["releases"]), item["value"], item["source"]) for item in changes
            )
            if section == "behaviours":
                behaviours.add(name)
    subdirectory = data.get("subdirectory", "")
    return Model(
        name=data["registry"] + (f"//{subdirectory}" if subdirectory else ""),
        directory=directory,
        registry=data["registry"],
        repository=data["repository"],
        subdirectory=subdirectory,
        releases=VersionSet.parse(data["releases"]),
        releases_text=data["releases"],
        summary=data["summary"],
        read=tuple(data["read"]),
        by_release=by_release,
        behaviours=frozenset(behaviours),
        inert_inputs=tuple(data.get("inert_inputs", ())),
    )


def find_model(source: str) -> tuple[Model, SourceAddress] | None:
    """The model of the module a ``source`` names, if there is one, with the parsed address."""
    address = parse_source(source)
    if address is None:
        return None
    for model in models():
        if model.matches(address):
            return model, address
    return None


def modules_table_markdown() -> str:
    """The README's table of modelled modules: releases followed, what is modelled, what was read."""
    lines = ["| Module | Releases | What is modelled | Read from |", "|---|---|---|---|"]
    for model in models():
        lines.append(f"| `{model.name}` | `{model.releases_text}` | {model.summary} | {'; '.join(model.read)} |")
    return "\n".join(lines)
