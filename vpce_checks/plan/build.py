"""Building the core's :class:`~vpce_checks.core.model.Configuration` from one plan document.

What exists after apply is what the plan says: the resource instances of ``planned_values`` (root
and child modules), every ``count`` and ``for_each`` instance with its key; a resource that
``resource_changes`` plans to delete (``["delete"]``) is not there afterwards, and one replaced
(``["delete", "create"]``) is. One it forgets (``["forget"]``, a ``removed`` block that does not
destroy) leaves Terraform's state but not AWS: it may still be there, so it is read as uncertain
(no rule judges it, and none relies on its absence). A resource of ``prior_state`` that the plan
neither changes nor lists (a ``-target`` plan leaves the others out) exists as it is. Only
what the configuration writes becomes an attribute, as in the Terraform files, so that "omitted"
still means omitted; its value is the planned one, rebuilt from references where the plan leaves
it unknown (:mod:`vpce_checks.plan.attributes`). Every instance of a plan certainly exists.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from functools import cached_property
from pathlib import PurePath
from typing import Any, Iterator

from vpce_checks.core.model import Configuration, Location, Problem, Resource
from vpce_checks.core.registry import relevant_resource_types
from vpce_checks.core.routing import VPC_TYPES
from vpce_checks.core.values import ResourceRef, collect_references
from vpce_checks.plan.addresses import AddressError, InstanceAddress, parse_instance
from vpce_checks.plan.attributes import AttributeReader
from vpce_checks.plan.configuration import ConfigModule, Resolver, Scope, module_at
from vpce_checks.plan.document import Document, read_document
from vpce_checks.plan.sources import Place, Sources

DELETE = ["delete"]
"""``change.actions`` after which a resource instance no longer exists."""
FORGET = ["forget"]
"""``change.actions`` of a ``removed`` block with ``destroy = false``: out of the state, still in AWS."""
VPC_ID_ATTRIBUTES = ("default_route_table_id", "default_security_group_id")
"""IDs a VPC carries of objects AWS made with it, which the configuration names through the VPC."""
_ADDRESS = re.compile(r'"address"\s*:\s*"((?:[^"\\]|\\.)*)"')


def load_plan(path: str, display: str | None = None) -> Configuration:
    """The configuration a plan file describes (the JSON of ``terraform show -json`` or ``tofu show -json``).

    ``display`` is how findings name the plan (default: the path as given). A file that is not a
    readable plan gives a configuration with that problem (a VPCE000 finding) and nothing else.
    Standard library only: the checkov front end runs it inside checkov's environment.
    """
    shown = display or PurePath(os.path.normpath(path)).as_posix()
    document = read_document(path, shown)
    if isinstance(document, Problem):
        return Configuration(directory=shown, problems=[document], plan=shown)
    directory = os.path.dirname(path) or "."
    return PlanReader(document, directory).configuration()


class PlanReader:
    """One plan document, read into the model."""

    def __init__(self, document: Document, directory: str) -> None:
        self.document = document
        data = document.data
        configuration = _object(data.get("configuration"))
        root = configuration.get("root_module")
        self.has_configuration = isinstance(root, dict)
        self.config = ConfigModule(_object(root))
        self.provider_config = _object(configuration.get("provider_config"))
        display_directory = PurePath(document.display).parent.as_posix()
        self.sources = Sources(directory, "" if display_directory == "." else display_directory)
        self.changes: dict[str, dict[str, Any]] = {
            _text(change.get("address")): _object(change.get("change"))
            for change in _objects(data.get("resource_changes"))
            if change.get("mode", "managed") == "managed" and "deposed" not in change
        }
        self.forgotten: set[str] = set()
        """Instances the plan forgets (in prior_state, out of the state after apply, maybe still in AWS)."""
        self.instances = self._instances()

    def _instances(self) -> dict[str, tuple[dict[str, Any], bool]]:
        """Address -> (the instance's object, True when it comes from ``planned_values``), in plan order."""
        found: dict[str, tuple[dict[str, Any], bool]] = {}
        planned = _object(self.document.data.get("planned_values"))
        for resource in _module_resources(planned.get("root_module")):
            address = _text(resource.get("address"))
            actions = self.changes.get(address, {}).get("actions")
            if address and actions not in (DELETE, FORGET):
                found[address] = (resource, True)
        prior = _object(_object(self.document.data.get("prior_state")).get("values"))
        for resource in _module_resources(prior.get("root_module")):
            address = _text(resource.get("address"))
            actions = self.changes.get(address, {}).get("actions")
            if address and address not in found and (address not in self.changes or actions == FORGET):
                found[address] = (resource, False)  # left out of the plan (-target): unchanged
                if actions == FORGET:
                    self.forgotten.add(address)
        return found

    @cached_property
    def _bases(self) -> dict[str, list[str]]:
        """Resource address without key -> the addresses of its instances."""
        bases: dict[str, list[str]] = {}
        for address in self.instances:
            parsed = _parse(address)
            if parsed is not None:
                bases.setdefault(parsed.base, []).append(address)
        return bases

    @cached_property
    def _ids(self) -> dict[str, ResourceRef]:
        """Known IDs -> the resource attribute each is (a resource's ``id``, a VPC's default table and group)."""
        ids: dict[str, ResourceRef] = {}
        # The VPC's own names first: the ``aws_default_route_table`` (or ``aws_default_security_group``)
        # that adopts the object has the same ID, and names it through the VPC.
        for address, (resource, _) in self.instances.items():
            values = resource.get("values")
            if _type_of(address) in VPC_TYPES and isinstance(values, dict):
                for attribute in VPC_ID_ATTRIBUTES:
                    if isinstance(values.get(attribute), str) and values[attribute]:
                        ids.setdefault(values[attribute], ResourceRef(address, attribute))
        for address, (resource, _) in self.instances.items():
            values = resource.get("values")
            if isinstance(values, dict) and isinstance(values.get("id"), str) and values["id"]:
                ids.setdefault(values["id"], ResourceRef(address, "id"))
        return ids

    def configuration(self) -> Configuration:
        """The model of everything the plan says exists after apply."""
        display = self.document.display
        config = Configuration(directory=display, plan=display, region=self._region())
        reader = AttributeReader(Resolver(self.config, self._bases), self._ids)
        wanted = relevant_resource_types()
        pending = [address for address in self.instances if _type_of(address) in wanted]
        built: dict[str, Resource] = {}
        while pending:
            address = pending.pop(0)
            if address in built or address not in self.instances:
                continue
            resource = self._resource(address, reader)
            if resource is None:
                continue
            built[address] = resource
            referenced: set[str] = set()
            for value in resource.attributes.values():
                collect_references(value, referenced)
            pending.extend(sorted(referenced - built.keys()))
        order = {address: index for index, address in enumerate(self.instances)}
        config.resources = sorted(built.values(), key=lambda resource: order[resource.address])
        for note in self._notes():
            config.notes.append(note)
            config.complete = False
        config.module_directories = self.sources.local_directories()
        return config

    def _resource(self, address: str, reader: AttributeReader) -> Resource | None:
        parsed = _parse(address)
        if parsed is None or parsed.data:
            return None
        resource, planned = self.instances[address]
        module = module_at(self.config, parsed.module)
        declared = _object(module.resource(parsed.resource) if module is not None else None)
        expressions = declared.get("expressions") if declared else None
        for_each = declared.get("for_each_expression")
        scope = Scope(parsed.module, module or ConfigModule({}), for_each if isinstance(for_each, dict) else None)
        values = resource.get("values")
        change = self.changes.get(address, {}) if planned else {}
        sensitive = resource.get("sensitive_values", change.get("after_sensitive", False))
        attributes = reader.read(
            address,
            values if isinstance(values, dict) else {},
            change.get("after_unknown", False),
            sensitive,
            expressions if isinstance(expressions, dict) and self.has_configuration else None,
            scope,
        )
        place = self._place(parsed)
        return Resource(
            address=address,
            type=parsed.type,
            name=parsed.name,
            attributes=attributes,
            location=place.location,
            attribute_lines=dict(place.attribute_lines),
            module=parsed.module_prefix.rstrip("."),
            certain=address not in self.forgotten,
            suppressions=place.suppressions,
        )

    def _place(self, address: InstanceAddress) -> Place:
        """The resource's block beside the plan; else the module block calling the module it is in; else the plan."""
        names = tuple(step.name for step in address.module)
        sources: list[str] = []
        module: ConfigModule | None = self.config
        for name in names:
            call = module.call(name) if module is not None else None
            sources.append(str(call.get("source", "")) if call else "")
            module = module.child(name) if module is not None else None
        for depth in range(len(names), -1, -1):
            files = self.sources.module(names[:depth], tuple(sources[:depth]))
            if files is None:
                continue
            header = ("resource", address.type, address.name) if depth == len(names) else ("module", names[depth])
            place = files.place(header)
            if place is not None:
                return place
        line = self._plan_lines.get(str(address), 1)
        return Place(Location(self.document.display, line, line))

    @cached_property
    def _plan_lines(self) -> dict[str, int]:
        """Each address's first line in the plan file (all on line 1 in the one-line form Terraform prints)."""
        text = self.document.text
        if text.count("\n", 0, len(text) - 1) == 0:
            return {}
        lines: dict[str, int] = {}
        position, line = 0, 1
        for match in _ADDRESS.finditer(text):
            line += text.count("\n", position, match.start())
            position = match.start()
            with contextlib.suppress(ValueError):
                lines.setdefault(json.loads(f'"{match.group(1)}"'), line)
        return lines

    def _region(self) -> str | None:
        """The root module's default AWS provider ``region``, when it is written as a constant."""
        expressions = _object(_object(self.provider_config.get("aws")).get("expressions"))
        value = _object(expressions.get("region")).get("constant_value")
        return value if isinstance(value, str) else None

    def _notes(self) -> Iterator[Problem]:
        """Why the plan may not hold everything that will exist: absences prove nothing then."""
        data = self.document.data
        where = Location(self.document.display, 0, 0)
        if data.get("errored") is True:
            yield Problem("the plan stopped at an error: it holds only what was planned before it", where)
        elif data.get("complete") is False:
            yield Problem("the plan is not complete (-target, or deferred changes): it may leave resources out", where)
        if _objects(data.get("deferred_changes")):
            yield Problem(
                "the plan defers some changes until their inputs are known: those resources are not read", where
            )
        if not self.has_configuration:
            yield Problem("the plan has no configuration: values it leaves unknown stay unknown", where)


def _type_of(address: str) -> str | None:
    parsed = _parse(address)
    return parsed.type if parsed is not None and not parsed.data else None


def _parse(address: str) -> InstanceAddress | None:
    try:
        return parse_instance(address)
    except AddressError:
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _module_resources(module: Any) -> Iterator[dict[str, Any]]:
    """The resources of a ``planned_values``/``values`` module and of its child modules, depth first."""
    if not isinstance(module, dict):
        return
    for resource in _objects(module.get("resources")):
        if resource.get("mode", "managed") == "managed":
            yield resource
    for child in _objects(module.get("child_modules")):
        yield from _module_resources(child)
