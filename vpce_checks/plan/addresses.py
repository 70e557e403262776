"""Terraform's addresses and references as ``terraform show -json`` writes them, split into steps.

A resource instance address is ``module.net[0].module.ep.aws_vpc_endpoint.this["s3"]``: module
steps, then ``[data.]TYPE.NAME`` and an optional instance key. A reference in a configuration
expression is written the same way (Terraform's ``traversalStr``): a root name, then ``.attr``
and ``[key]`` steps, a string key in double quotes with Go's escapes, a number in decimal.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Union

Key = Union[int, str, None]  # noqa: UP007
"""An instance key: a count index, a for_each key, or None for a resource without either."""

_NAME = re.compile(r"[A-Za-z_][\w-]*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


@dataclass(frozen=True)
class Step:
    """One step of a traversal: an attribute name, or an index (a number or a string key)."""

    name: str | None = None
    key: Key = None

    @property
    def is_index(self) -> bool:
        """True for ``[key]``, False for ``.name``."""
        return self.name is None


class AddressError(ValueError):
    """Text that is not an address or reference in Terraform's syntax."""


def parse_traversal(text: str) -> list[Step]:
    """The steps of ``root.attr[key].attr``: the root name is the first step. Raises AddressError."""
    steps: list[Step] = []
    position = 0
    root = _NAME.match(text, position)
    if root is None:
        raise AddressError(text)
    steps.append(Step(name=root.group()))
    position = root.end()
    while position < len(text):
        if text[position] == ".":
            name = _NAME.match(text, position + 1)
            if name is None:
                raise AddressError(text)
            steps.append(Step(name=name.group()))
            position = name.end()
        elif text[position] == "[":
            key, position = _index(text, position + 1)
            steps.append(Step(key=key))
        else:
            raise AddressError(text)
    return steps


def _index(text: str, position: int) -> tuple[Key, int]:
    """The key of ``[key]`` whose text starts at ``position``, and the offset after ``]``."""
    quoted = _QUOTED.match(text, position)
    if quoted is not None:
        try:
            key: Key = json.loads(quoted.group())
        except json.JSONDecodeError as error:
            raise AddressError(text) from error
        end = quoted.end()
    else:
        number = _NUMBER.match(text, position)
        if number is None:
            raise AddressError(text)
        value = float(number.group())
        key = int(value) if value.is_integer() else number.group()
        end = number.end()
    if end >= len(text) or text[end] != "]":
        raise AddressError(text)
    return key, end + 1


def format_key(key: Key) -> str:
    """``[0]``, ``["s3"]``, or nothing for no key, as Terraform writes instance keys."""
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key)}]"


@dataclass(frozen=True)
class ModuleStep:
    """One module call instance on a module path: ``module.<name>[<key>]``."""

    name: str
    key: Key = None

    def __str__(self) -> str:
        return f"module.{self.name}{format_key(self.key)}"


@dataclass(frozen=True)
class InstanceAddress:
    """A resource instance's address, split: module path, mode, type, name and key."""

    module: tuple[ModuleStep, ...]
    type: str
    name: str
    key: Key = None
    data: bool = False

    @property
    def module_prefix(self) -> str:
        """``module.net[0].module.ep.`` (empty in the root module)."""
        return "".join(f"{step}." for step in self.module)

    @property
    def resource(self) -> str:
        """``aws_subnet.private``, as the module's configuration names the resource (no module, no key)."""
        return f"{'data.' if self.data else ''}{self.type}.{self.name}"

    @property
    def base(self) -> str:
        """The absolute address without the instance key."""
        return self.module_prefix + self.resource

    def __str__(self) -> str:
        return self.base + format_key(self.key)


def parse_instance(address: str) -> InstanceAddress:
    """Split a resource instance address. Raises AddressError for anything else."""
    steps = parse_traversal(address)
    modules: list[ModuleStep] = []
    position = 0
    while position < len(steps) and steps[position].name == "module":
        name = steps[position + 1] if position + 1 < len(steps) else None
        if name is None or name.is_index:
            raise AddressError(address)
        instance: Key = None
        position += 2
        if position < len(steps) and steps[position].is_index:
            instance = steps[position].key
            position += 1
        modules.append(ModuleStep(str(name.name), instance))
    rest = steps[position:]
    data = bool(rest) and rest[0].name == "data"
    if data:
        rest = rest[1:]
    if len(rest) not in (2, 3) or rest[0].is_index or rest[1].is_index or (len(rest) == 3 and not rest[2].is_index):
        raise AddressError(address)
    return InstanceAddress(
        tuple(modules), str(rest[0].name), str(rest[1].name), rest[2].key if len(rest) == 3 else None, data
    )


def parse_module_path(address: str) -> tuple[ModuleStep, ...]:
    """The steps of a module instance address (``module.net[0].module.ep``; empty for the root)."""
    if not address:
        return ()
    probe = parse_instance(f"{address}.x_y.z")
    return probe.module
