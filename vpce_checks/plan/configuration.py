"""The plan's ``configuration``: what each attribute's expression refers to, followed across modules.

A plan leaves unknown what only apply computes (the ``id`` of every new resource), so
``subnet_ids = [aws_subnet.a.id]`` of a new subnet has no value in the plan. The configuration
says what each expression refers to, as a list of strings (``expressions.<name>.references``)
in which each reference is written first in full and then shortened step by step
(``aws_subnet.a[0].id``, ``aws_subnet.a[0]``, ``aws_subnet.a``). Each such run is one reference of
the expression (:func:`reference_heads`). A reference names one instance (``aws_subnet.a[0].id``,
``aws_subnet.a.id``: exact), or any instance of a resource (``aws_subnet.a[*].id``,
``aws_subnet.a[count.index].id``, ``[for s in aws_subnet.a : s.id]`` leave only ``aws_subnet.a``):
an :class:`~vpce_checks.core.values.AnyOf` of its instances. ``count.index`` and ``each.key`` choose
(an index, or a condition on the key: :data:`CHOICE`); ``each.value`` is what ``for_each`` refers to; a child module's
``var.x`` is what the calling module block's ``x`` refers to (in the caller), ``module.m.out``
what the output's expression refers to (in the module). What cannot be followed is unknown: a
root module variable (its value is in the plan, but not how the expression used it), a local
(the plan's configuration has no locals), a data source, ``path``, ``terraform``, ``self``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Union

from vpce_checks.core.values import AnyOf, ResourceRef, Unknown
from vpce_checks.plan.addresses import AddressError, ModuleStep, Step, format_key, parse_traversal


class _Choice:
    """The mark of ``count.index``, ``each.key`` or ``each.value`` among references: the expression chooses."""

    def __repr__(self) -> str:
        return "CHOICE"


CHOICE = _Choice()
"""Among an expression's items: it chooses per instance (an index, or a condition on the key), so a
list it builds may hold only some of its references, or be null for some instances."""

Item = Union[ResourceRef, AnyOf, Unknown, str, _Choice]  # noqa: UP007
"""What a reference contributes to a value: a resource attribute, one of several, unknown, a literal, or CHOICE."""

MAX_DEPTH = 32
"""References followed through this many module boundaries at most (a cycle ends unknown)."""
_SELECTORS = (("count", "index"), ("each", "key"))
_OPAQUE = ("local", "data", "path", "terraform", "self")


@dataclass(frozen=True)
class ConfigModule:
    """One module of the plan's ``configuration`` (``root_module`` or a call's ``module``)."""

    data: dict[str, Any]

    def resource(self, address: str) -> dict[str, Any] | None:
        """The configuration of a resource by its address in the module (``aws_subnet.a``, ``data.x.y``)."""
        return self._resources.get(address)

    @cached_property
    def _resources(self) -> dict[str, dict[str, Any]]:
        return {
            str(item.get("address")): item
            for item in _list(self.data.get("resources"))
            if isinstance(item, dict) and item.get("address")
        }

    def call(self, name: str) -> dict[str, Any] | None:
        """The ``module_calls`` entry of a module block."""
        calls = self.data.get("module_calls")
        found = calls.get(name) if isinstance(calls, dict) else None
        return found if isinstance(found, dict) else None

    def child(self, name: str) -> ConfigModule | None:
        """The configuration of the module a module block calls."""
        call = self.call(name)
        module = call.get("module") if call else None
        return ConfigModule(module) if isinstance(module, dict) else None

    def output(self, name: str) -> dict[str, Any] | None:
        """An output's expression."""
        outputs = self.data.get("outputs")
        found = outputs.get(name) if isinstance(outputs, dict) else None
        expression = found.get("expression") if isinstance(found, dict) else None
        return expression if isinstance(expression, dict) else None

    def variable_default(self, name: str) -> tuple[bool, Any]:
        """``(True, default)`` for a variable with a default, else ``(False, None)``."""
        variables = self.data.get("variables")
        found = variables.get(name) if isinstance(variables, dict) else None
        if isinstance(found, dict) and "default" in found:
            return True, found["default"]
        return False, None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def module_at(root: ConfigModule, path: tuple[ModuleStep, ...]) -> ConfigModule | None:
    """The configuration of the module instance at ``path`` (the key does not matter)."""
    module: ConfigModule | None = root
    for step in path:
        module = module.child(step.name) if module is not None else None
    return module


def reference_heads(references: list[Any]) -> list[str]:
    """The references of an expression: the full form of each, without its shortened copies."""
    heads: list[str] = []
    previous: str | None = None
    for text in references:
        if not isinstance(text, str):
            continue
        shortened = previous is not None and len(previous) > len(text) and previous.startswith(text)
        if shortened and previous is not None and previous[len(text)] in ".[":
            previous = text
            continue
        heads.append(text)
        previous = text
    return heads


def all_references(expression: Any) -> list[Any]:
    """The references of an expression and of every nested block's expressions, in order."""
    if isinstance(expression, list):
        return [reference for item in expression for reference in all_references(item)]
    if not isinstance(expression, dict):
        return []
    if isinstance(expression.get("references"), list):
        return list(expression["references"])
    if "constant_value" in expression:
        return []
    return [reference for item in expression.values() for reference in all_references(item)]


@dataclass(frozen=True)
class Scope:
    """Where an expression is evaluated: a module instance, its configuration, and ``each.value``'s source."""

    path: tuple[ModuleStep, ...]
    module: ConfigModule
    for_each: dict[str, Any] | None = None
    """The ``for_each_expression`` of the block the expression is in, for ``each.value``."""

    @property
    def prefix(self) -> str:
        """``module.net[0].`` (empty in the root module)."""
        return "".join(f"{step}." for step in self.path)


class Resolver:
    """Follows references to the resource instances of the plan."""

    def __init__(self, root: ConfigModule, instances: dict[str, list[str]]) -> None:
        self.root = root
        self.instances = instances
        """Resource address without key (``module.x.aws_subnet.a``) -> its instances' addresses."""

    def expression_items(self, expression: Any, scope: Scope, depth: int = 0) -> list[Item]:
        """What an expression (an attribute's, or a whole nested block's) is made of."""
        if isinstance(expression, dict) and "constant_value" in expression and "references" not in expression:
            return _constant_items(expression["constant_value"])
        references = all_references(expression)
        if not references:
            return [Unknown("an expression the plan does not describe")]
        return self.items(references, scope, depth)

    def items(self, references: list[Any], scope: Scope, depth: int = 0) -> list[Item]:
        """What the references of one expression contribute, in order."""
        if depth > MAX_DEPTH:
            return [Unknown("references nested too deep")]
        found: list[Item] = []
        for head in reference_heads(references):
            try:
                steps = parse_traversal(head)
            except AddressError:
                found.append(Unknown(head))
                continue
            root = steps[0].name
            second = steps[1].name if len(steps) > 1 else None
            if (root, second) in _SELECTORS:
                found.append(CHOICE)  # chooses among what the other references name
            elif root == "each":
                found.append(CHOICE)
                found.extend(self._each_value(scope, depth))
            elif root == "var" and second is not None:
                found.extend(self._variable(second, scope, depth))
            elif root == "module":
                found.extend(self._module_output(steps, scope, depth, head))
            elif root in _OPAQUE or len(steps) < 2 or steps[1].is_index:
                found.append(Unknown(scope.prefix + head))
            else:
                found.extend(self._resource(steps, scope))
        return found

    def _each_value(self, scope: Scope, depth: int) -> list[Item]:
        if scope.for_each is None:
            return [Unknown(scope.prefix + "each.value")]
        return self.expression_items(scope.for_each, Scope(scope.path, scope.module), depth + 1)

    def _variable(self, name: str, scope: Scope, depth: int) -> list[Item]:
        if not scope.path:
            return [Unknown(f"var.{name}")]  # known in the plan, but not how the expression uses it
        parent_path = scope.path[:-1]
        parent = module_at(self.root, parent_path)
        call = parent.call(scope.path[-1].name) if parent is not None else None
        if parent is None or call is None:
            return [Unknown(f"{scope.prefix}var.{name}")]
        expressions = call.get("expressions")
        expression = expressions.get(name) if isinstance(expressions, dict) else None
        if expression is None:
            has_default, default = scope.module.variable_default(name)
            return _constant_items(default) if has_default else [Unknown(f"{scope.prefix}var.{name}")]
        for_each = call.get("for_each_expression")
        caller = Scope(parent_path, parent, for_each if isinstance(for_each, dict) else None)
        return self.expression_items(expression, caller, depth + 1)

    def _module_output(self, steps: list[Step], scope: Scope, depth: int, head: str) -> list[Item]:
        unknown: list[Item] = [Unknown(scope.prefix + head)]
        if len(steps) < 3 or steps[1].is_index:
            return unknown
        name, rest = str(steps[1].name), steps[2:]
        key = None
        if rest[0].is_index:
            key, rest = rest[0].key, rest[1:]
        if not rest or rest[0].is_index:
            return unknown  # the whole module object, or a splat over its instances
        child = scope.module.child(name)
        expression = child.output(str(rest[0].name)) if child is not None else None
        if child is None or expression is None:
            return unknown
        inner = Scope((*scope.path, ModuleStep(name, key)), child)
        return self.expression_items(expression, inner, depth + 1)

    def _resource(self, steps: list[Step], scope: Scope) -> list[Item]:
        base = f"{scope.prefix}{steps[0].name}.{steps[1].name}"
        rest = steps[2:]
        if rest and rest[0].is_index:
            attribute = rest[1].name if len(rest) > 1 and not rest[1].is_index else None
            return [ResourceRef(base + format_key(rest[0].key), attribute or "id")]
        if rest:
            return [ResourceRef(base, str(rest[0].name))]
        instances = self.instances.get(base)
        if instances is None:
            return [Unknown(base)]
        refs = tuple(ResourceRef(address, "id") for address in instances)
        if len(refs) == 1:
            return [refs[0]]
        return [AnyOf(refs)] if refs else []


def _constant_items(value: Any) -> list[Item]:
    """A constant's contribution: its strings (literal IDs), or unknown for any other shape."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return [Unknown("a constant")]


def one_value(items: list[Item], origin: str) -> ResourceRef | AnyOf | Unknown | str:
    """A single value made of ``items``: one resource attribute, one of several, a literal, or unknown.

    A value the plan leaves unknown is unknown because what the expression chose is (a choice on
    known values is made at plan time), so choosing (:data:`CHOICE`) leaves it one of the candidates.
    """
    refs: list[ResourceRef] = []
    literals: set[str] = set()
    for item in items:
        if isinstance(item, _Choice):
            continue
        if isinstance(item, Unknown):
            return Unknown(origin)
        if isinstance(item, str):
            literals.add(item)
        elif isinstance(item, AnyOf):
            refs.extend(item.candidates)
        else:
            refs.append(item)
    unique = list(dict.fromkeys(refs))
    if literals:
        return literals.pop() if not unique and len(literals) == 1 else Unknown(origin)
    if not unique:
        return Unknown(origin)
    return unique[0] if len(unique) == 1 else AnyOf(tuple(unique))
