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
from typing import Any, Callable, TypeVar, Union

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
    value: T = _decoder(typing.cast(Any, kind))(data)
    return value


Decoder = Callable[[Any], Any]


@cache
def _decoder(kind: Any) -> Decoder:
    """A function decoding the plain form of ``kind``: the type is looked at once, not at every value."""
    if kind is Any:
        return lambda data: data
    origin = typing.get_origin(kind)
    arguments = typing.get_args(kind)
    if origin is Union or origin is types.UnionType:
        choices = [argument for argument in arguments if argument is not type(None)]
        if len(choices) != 1:
            raise PlainError(f"cannot decode into {kind}")
        optional = type(None) in arguments
        return _optional(_decoder(choices[0])) if optional else _decoder(choices[0])
    if kind is type(None):
        return lambda data: _expect(data, type(None))
    if origin is tuple and not (len(arguments) == 2 and arguments[1] is Ellipsis):
        return _fixed_tuple(tuple(_decoder(argument) for argument in arguments))
    if origin in (tuple, list, set, frozenset):
        return _collection(origin, _decoder(arguments[0] if arguments else Any))
    if origin is dict:
        return _mapping(_decoder(arguments[1] if len(arguments) == 2 else Any))
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return _enumeration(kind)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind)
    if kind is float:
        return _number
    if kind in (str, int, bool):
        return _scalar(kind)
    raise PlainError(f"cannot decode into {kind}")


def _optional(decoder: Decoder) -> Decoder:
    return lambda data: None if data is None else decoder(data)


def _fixed_tuple(decoders: tuple[Decoder, ...]) -> Decoder:
    def decode(data: Any) -> Any:
        items = _expect(data, list)
        if len(items) != len(decoders):
            raise PlainError(f"expected {len(decoders)} items")
        return tuple(decoder(item) for item, decoder in zip(items, decoders, strict=True))

    return decode


def _collection(origin: Any, decoder: Decoder) -> Decoder:
    return lambda data: origin(decoder(item) for item in _expect(data, list))


def _mapping(decoder: Decoder) -> Decoder:
    return lambda data: {_expect(key, str): decoder(item) for key, item in _expect(data, dict).items()}


def _enumeration(kind: type[enum.Enum]) -> Decoder:
    def decode(data: Any) -> Any:
        try:
            return kind(data)
        except ValueError as error:
            raise PlainError(str(error)) from error

    return decode


def _dataclass(kind: type) -> Decoder:
    # The field decoders are made on first use: a dataclass may refer to itself.
    fields: list[tuple[tuple[str, Decoder], ...]] = []

    def decode(data: Any) -> Any:
        if not fields:
            fields.append(tuple((name, _decoder(hint)) for name, hint in _fields(kind)))
        named = fields[0]
        values = _expect(data, list)
        if len(values) != len(named):
            raise PlainError(f"{kind.__name__}: expected {len(named)} fields")
        return kind(**{name: decoder(item) for (name, decoder), item in zip(named, values, strict=True)})

    return decode


def _number(data: Any) -> Any:
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        raise PlainError("expected a number")
    return data


def _scalar(kind: type) -> Decoder:
    if kind is int:

        def decode_int(data: Any) -> Any:
            if isinstance(data, bool):
                raise PlainError("expected an int")
            return _expect(data, int)

        return decode_int
    return lambda data: _expect(data, kind)


def _expect(data: Any, kind: type[T]) -> T:
    if not isinstance(data, kind):
        raise PlainError(f"expected {kind.__name__}, got {type(data).__name__}")
    return data


@cache
def _fields(kind: type) -> tuple[tuple[str, Any], ...]:
    """The (name, type) of each field of a dataclass that ``__init__`` takes, in order."""
    hints = typing.get_type_hints(kind)
    return tuple((item.name, hints[item.name]) for item in dataclasses.fields(kind) if item.init)
