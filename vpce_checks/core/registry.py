"""Rules: their metadata and logic in one place, and the one registry that discovers them.

A rule is a function decorated with :func:`rule`. Its docstring is its documentation page, with
the sections listed in :data:`DOC_SECTIONS`; the docs pages and the README table are generated
from here. Every module of :mod:`vpce_checks.core.rules` is imported by :func:`all_rules`, so a
new rule needs no list to be kept by hand.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable

from vpce_checks.core.findings import Severity
from vpce_checks.core.layout import LAYOUT_RESOURCE_TYPES
from vpce_checks.core.model import Location, Resource
from vpce_checks.core.network import ENDPOINT, VIEW_RESOURCE_TYPES
from vpce_checks.core.routing import VPC_TYPES

if TYPE_CHECKING:
    from vpce_checks.core.network import Network

DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References")
DOCS_URL = "https://github.com/vpce-checks/vpce-checks/blob/main/docs/rules/{id}.md"
CATEGORIES = ("input", "reliability", "security", "cost", "correctness")


@dataclass(frozen=True)
class Violation:
    """What a rule reports: the resource (or file) at fault, where, and why."""

    address: str
    location: Location
    message: str
    vpc: str | None = None


def violation(resource: Resource, message: str, attribute: str | None = None, vpc: str | None = None) -> Violation:
    """A violation at a resource, pointing at ``attribute``'s line when it is written."""
    start = resource.line_of(attribute) if attribute else resource.location.start_line
    end = start if attribute and resource.has(attribute) else resource.location.end_line
    location = Location(resource.location.file, start, end)
    return Violation(resource.address, location, message, vpc)


Check = Callable[["Network"], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    """A rule's metadata and its check."""

    id: str
    slug: str
    severity: Severity
    category: str
    title: str
    resource_types: tuple[str, ...]
    """The resource types the rule reports on (the anchor of its findings)."""
    docs: str
    check: Check

    @property
    def docs_url(self) -> str:
        """The rule's documentation page on the web (the checkov guideline and the SARIF help link)."""
        return DOCS_URL.format(id=self.id)


_RULES: dict[str, Rule] = {}


def rule(
    *, id: str, slug: str, severity: Severity, category: str, title: str, resource_types: tuple[str, ...]
) -> Callable[[Check], Check]:
    """Register the decorated function as a rule; its docstring is the rule's documentation."""
    if category not in CATEGORIES:
        raise ValueError(f"{id}: unknown category {category!r}")

    def register(check: Check) -> Check:
        docs = inspect.cleandoc(check.__doc__ or "")
        existing = _RULES.get(id)
        if existing is not None and existing.check.__module__ != check.__module__:
            raise ValueError(f"rule id {id} is used twice")
        _RULES[id] = Rule(id, slug, severity, category, title, resource_types, docs, check)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every rule, sorted by ID (importing the rule modules the first time)."""
    _discover()
    return sorted(_RULES.values(), key=lambda item: item.id)


@lru_cache(maxsize=1)
def _discover() -> None:
    import vpce_checks.core.rules as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


def find_rule(key: str) -> Rule | None:
    """The rule with this ID or slug (case-insensitive for IDs)."""
    for candidate in all_rules():
        if key.upper() == candidate.id or key == candidate.slug:
            return candidate
    return None


@lru_cache(maxsize=1)
def relevant_resource_types() -> frozenset[str]:
    """The resource types any rule or view reads: the network view's, the layout's and each rule's."""
    return VIEW_RESOURCE_TYPES | LAYOUT_RESOURCE_TYPES | {name for item in all_rules() for name in item.resource_types}


@lru_cache(maxsize=1)
def anchor_resource_types() -> frozenset[str]:
    """The resource types a finding, an outcome or a view can be about: endpoints and VPCs.

    Every rule reports on an endpoint (``Network.endpoints``) or a VPC (``Network.vpcs``, which
    adopted default VPCs are too), on a type it declares, or on a problem with the input
    (VPCE000); the views draw and price VPCs. So a configuration with no resource of these types
    has nothing to report but its problems, whatever else it holds (a test checks this on every
    fixture).
    """
    return frozenset({ENDPOINT, *VPC_TYPES}) | {name for item in all_rules() for name in item.resource_types}
