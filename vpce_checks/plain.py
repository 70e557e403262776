"""Dataclass values as plain JSON data and back, driven by their type hints.

A dataclass becomes the list of its fields' values, an enum its value, a tuple, list or set a
list. Decoding follows the declared types only, so data read from a cache can build nothing but
the types asked for; anything that does not fit raises :class:`PlainError`. Numbers keep their
JSON kind (an int stays an int where a float is declared), so a value comes back equal and prints
the same.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union

T = TypeVar("T")


class PlainError(ValueError):
    """A value that has no plain form, or data that is not the plain form of the type asked for."""


def encode(value: Any) -> Any:
    """The plain form of ``value`` (dataclasses, enums, tuples, lists, sets, dicts with string keys, scalars)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, item.name)) for item in dataclasses.fields(value) if item.init]
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((encode(item) for item in value), key=repr)
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: encode(item) for key, item in value.items()}
    raise PlainError(f"no plain form for {type(value).__name__}")


def decode(data: Any, kind: type[T]) -> T:
    """The value of type ``kind`` whose plain form is ``data``. Raises :class:`PlainError`."""
    value: T = _decode(data, kind)
    return value


def _decode(data: Any, kind: Any) -> Any:
    if kind is Any:
        return data
    origin = typing.get_origin(kind)
    arguments = typing.get_args(kind)
    if origin is Union or origin is types.UnionType:
        if data is None and type(None) in arguments:
            return None
        choices = [argument for argument in arguments if argument is not type(None)]
        if len(choices) != 1:
            raise PlainError(f"cannot decode into {kind}")
        return _decode(data, choices[0])
    if kind is type(None):
        return _expect(data, type(None))
    if origin in (tuple, list, set, frozenset):
        items = _expect(data, list)
        if origin is tuple and not (len(arguments) == 2 and arguments[1] is Ellipsis):
            if len(items) != len(arguments):
                raise PlainError(f"expected {len(arguments)} items")
            return tuple(_decode(item, argument) for item, argument in zip(items, arguments, strict=True))
        item_kind = arguments[0] if arguments else Any
        return origin(_decode(item, item_kind) for item in items)
    if origin is dict:
        mapping = _expect(data, dict)
        value_kind = arguments[1] if len(arguments) == 2 else Any
        return {_expect(key, str): _decode(item, value_kind) for key, item in mapping.items()}
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(data)
        except ValueError as error:
            raise PlainError(str(error)) from error
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        fields = _fields(kind)
        values = _expect(data, list)
        if len(values) != len(fields):
            raise PlainError(f"{kind.__name__}: expected {len(fields)} fields")
        return kind(**{name: _decode(item, hint) for (name, hint), item in zip(fields, values, strict=True)})
    if kind is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise PlainError("expected a number")
        return data
    if kind in (str, int, bool):
        if kind is int and isinstance(data, bool):
            raise PlainError("expected an int")
        return _expect(data, kind)
    raise PlainError(f"cannot decode into {kind}")


def _expect(data: Any, kind: type[T]) -> T:
    if not isinstance(data, kind):
        raise PlainError(f"expected {kind.__name__}, got {type(data).__name__}")
    return data


@cache
def _fields(kind: type) -> tuple[tuple[str, Any], ...]:
    """The (name, type) of each field of a dataclass that ``__init__`` takes, in order."""
    hints = typing.get_type_hints(kind)
    return tuple((item.name, hints[item.name]) for item in dataclasses.fields(kind) if item.init)
