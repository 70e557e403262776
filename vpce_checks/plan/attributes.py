"""One resource instance's attributes from a plan: planned values where known, references where not.

``planned_values`` holds the known values (``values``), which parts are sensitive
(``sensitive_values``), and ``resource_changes`` which are unknown until apply (``after_unknown``,
the same shape with ``true`` at each unknown leaf). A sensitive value is unknown here, whatever the
plan prints. An unknown value is rebuilt from what its expression refers to
(:mod:`vpce_checks.plan.configuration`) when it names resources and nothing else (a variable, a
local, a data source may be what the value holds): an attribute named ``*_id`` is one resource
attribute, or one of several; one named ``*_ids`` is a list with an item per reference, read as
"every reference gives it at least one element, and it holds nothing else"; but a list whose
expression chooses (``count.index``, ``each.key``: ``each.key == "s3" ? [...] : null``) may hold
only some of them, or be null, and is unknown. The unknown elements of a list the plan partly
knows are each one of the references' resources. Anything else unknown stays
:class:`~vpce_checks.core.values.Unknown`. A known ID
(``subnet-0a1b…``) under an ``*_id``/``*_ids`` name that is the ID of a resource of the plan is
read as a reference to it, as the configuration wrote it.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from vpce_checks.core.values import AnyOf, ResourceRef, Unknown, Value
from vpce_checks.plan.configuration import CHOICE, Item, Resolver, Scope, one_value

ID_SUFFIXES = ("_id", "_ids")


class AttributeReader:
    """Rebuilds the attributes of resource instances, sharing the plan's ID index and resolver."""

    def __init__(self, resolver: Resolver, ids: Mapping[str, ResourceRef]) -> None:
        self.resolver = resolver
        self.ids = ids
        """A known ID -> the resource attribute it is (``subnet-0a1b…`` -> ``aws_subnet.a.id``)."""

    def read(
        self,
        address: str,
        values: Mapping[str, Any],
        unknown: Any,
        sensitive: Any,
        expressions: Mapping[str, Any] | None,
        scope: Scope,
    ) -> dict[str, Value]:
        """The attributes the configuration writes (every one when it is not known what is written)."""
        if expressions is not None:
            names = list(expressions)
        else:
            names = list(dict.fromkeys([*values, *(unknown if isinstance(unknown, dict) else {})]))
        result: dict[str, Value] = {}
        for name in names:
            expression = expressions.get(name) if expressions is not None else None
            items = _Items(self, expression, scope, f"{address}.{name}")
            result[name] = self._value(
                values.get(name), _part(unknown, name), _part(sensitive, name), name, items.origin, items
            )
        return result

    def _value(
        self, value: Any, unknown: Any, sensitive: Any, key: str, origin: str, items: Callable[[], list[Item]]
    ) -> Value:
        if sensitive is True:
            return Unknown(f"{origin} (sensitive)")
        if unknown is True:
            return self._from_references(key, origin, items)
        if isinstance(value, dict):
            names = dict.fromkeys([*value, *(unknown if isinstance(unknown, dict) else {})])
            return {
                name: self._value(
                    value.get(name), _part(unknown, name), _part(sensitive, name), name, f"{origin}.{name}", items
                )
                for name in names
            }
        if isinstance(value, list):
            if key.endswith("_ids") and _any_unknown(unknown):
                masks = [_index(unknown, index) for index in range(len(value))]
                known = [self.mapped(item) for item, mask in zip(value, masks, strict=True) if mask is not True]
                return list(dict.fromkeys([*known, _each_one_of(items(), origin)]))
            return [
                self._value(item, _index(unknown, index), _index(sensitive, index), key, f"{origin}[{index}]", items)
                for index, item in enumerate(value)
            ]
        if isinstance(value, str) and key.endswith(ID_SUFFIXES):
            return self.ids.get(value, value)
        return value  # type: ignore[no-any-return]

    def _from_references(self, key: str, origin: str, items: Callable[[], list[Item]]) -> Value:
        if key.endswith("_ids"):
            found = items()
            if CHOICE in found or any(isinstance(item, Unknown) for item in found):
                return Unknown(origin)
            return list(dict.fromkeys(found))
        if key.endswith("_id"):
            return one_value(items(), origin)
        return Unknown(origin)

    def mapped(self, item: Item) -> Item:
        """A literal ID read as the resource attribute it is, when the plan has that resource."""
        return self.ids.get(item, item) if isinstance(item, str) else item


def _each_one_of(items: list[Item], origin: str) -> Value:
    """One item for the unknown elements of a list: each is one of the references' resources."""
    value = one_value(items, origin)
    return value if isinstance(value, (ResourceRef, AnyOf)) else Unknown(origin)


class _Items:
    """What an attribute's expression refers to, worked out once and only when a value needs it."""

    def __init__(self, reader: AttributeReader, expression: Any, scope: Scope, origin: str) -> None:
        self.reader = reader
        self.expression = expression
        self.scope = scope
        self.origin = origin
        self._found: list[Item] | None = None

    def __call__(self) -> list[Item]:
        if self._found is None:
            resolver = self.reader.resolver
            found = resolver.expression_items(self.expression, self.scope) if self.expression is not None else []
            self._found = [self.reader.mapped(item) for item in found] or [Unknown(self.origin)]
        return self._found


def _part(mask: Any, name: str) -> Any:
    if mask is True:
        return True
    return mask.get(name, False) if isinstance(mask, dict) else False


def _index(mask: Any, index: int) -> Any:
    if mask is True:
        return True
    return mask[index] if isinstance(mask, list) and index < len(mask) else False


def _any_unknown(mask: Any) -> bool:
    if mask is True:
        return True
    if isinstance(mask, list):
        return any(_any_unknown(item) for item in mask)
    if isinstance(mask, dict):
        return any(_any_unknown(item) for item in mask.values())
    return False
