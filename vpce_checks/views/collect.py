"""The views of one scanned module, computed where its model is (in the scan's worker process).

:func:`module_view` is what :func:`vpce_checks.scan.scan_paths` calls per root module when asked
for views: it builds the layout from the model the rules read and keeps only plain data (cost
figures and unmarked diagrams), so the result travels between processes cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from vpce_checks.core.cost import VpcCost, vpc_cost
from vpce_checks.core.diagram import Diagram, join, vpc_diagram
from vpce_checks.core.findings import Finding
from vpce_checks.core.layout import vpc_layouts
from vpce_checks.core.model import Configuration
from vpce_checks.core.network import Network


@dataclass(frozen=True)
class VpcView:
    """One VPC: its cost figures and its (unmarked) picture."""

    cost: VpcCost
    diagram: Diagram


@dataclass(frozen=True)
class ModuleView:
    """The views of one root module, with the findings raised on it (to mark them on the pictures)."""

    directory: str
    vpcs: tuple[VpcView, ...]
    findings: frozenset[Finding]
    error: str | None = None
    """Why the views could not be built (an internal error), shown as a note; the scan goes on."""


def module_view(config: Configuration, findings: Sequence[Finding]) -> ModuleView:
    """The cost figures and pictures of every VPC of ``config``; a failure becomes a note, never a traceback."""
    if not config.resources:
        return ModuleView(config.directory, (), frozenset(findings))  # no VPC, no endpoint: nothing to show
    try:
        layouts = vpc_layouts(Network(config))
        vpcs = tuple(
            VpcView(vpc_cost(config.directory, layout), vpc_diagram(layout, f"v{index}"))
            for index, layout in enumerate(layouts, start=1)
        )
    except Exception as error:  # noqa: BLE001 - the views must never cost the user the scan
        message = (
            f"{config.directory}: cost and diagram left out after an internal error ({type(error).__name__}: {error})"
        )
        return ModuleView(config.directory, (), frozenset(findings), message)
    return ModuleView(config.directory, vpcs, frozenset(findings))


@dataclass(frozen=True)
class Shown:
    """A VPC to show, with the module it is in and whether the report covers several modules."""

    module: ModuleView
    vpc: VpcView
    several_modules: bool

    @property
    def title(self) -> str:
        """The VPC, with its module's directory when several modules are shown."""
        return f"{self.vpc.cost.vpc} ({self.module.directory})" if self.several_modules else self.vpc.cost.vpc


def shown_vpcs(views: Iterable[ModuleView]) -> list[Shown]:
    """Every VPC of the modules, in scan order."""
    modules = list(views)
    several = len(modules) > 1
    return [Shown(module, vpc, several) for module in modules for vpc in module.vpcs]


def picture(items: Sequence[Shown], findings: Iterable[Finding]) -> Diagram:
    """One picture of ``items``, with those of ``findings`` that belong to each item's module marked.

    IDs are made unique across modules (``m<module><id>``); VPC groups name the module when the
    items come from several.
    """
    active = set(findings)
    numbers: dict[int, int] = {}
    parts = []
    for item in items:
        number = numbers.setdefault(id(item.module), len(numbers) + 1)
        diagram = item.vpc.diagram.marked(item.module.findings & active)
        if item.several_modules:
            groups = tuple(
                replace(group, label=f"{group.label} · {item.module.directory}") if group.kind == "vpc" else group
                for group in diagram.groups
            )
            diagram = replace(diagram, groups=groups)
        parts.append(_prefixed(diagram, f"m{number}"))
    return join(parts)


def _prefixed(diagram: Diagram, prefix: str) -> Diagram:
    def name(identifier: str | None) -> str | None:
        return None if identifier is None else prefix + identifier

    return replace(
        diagram,
        groups=tuple(replace(group, id=prefix + group.id, parent=name(group.parent)) for group in diagram.groups),
        nodes=tuple(replace(node, id=prefix + node.id, group=name(node.group)) for node in diagram.nodes),
        edges=tuple(replace(edge, source=prefix + edge.source, target=prefix + edge.target) for edge in diagram.edges),
    )
