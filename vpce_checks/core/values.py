"""The values the rule core reasons about.

A Terraform value seen statically is either known (plain Python data: ``None``, ``bool``, ``int``,
``float``, ``str``, ``list``, ``dict``) or not. What is not known is one of three things:

* :class:`Unknown`: nothing is known (an input without a default, a data source, remote state).
* :class:`ResourceRef`: an attribute that only exists after apply (``aws_subnet.a.id``), but whose
  *identity* is known: which resource it belongs to. Rules follow these to the referenced resource.
* :class:`PartialString`: a string template with some unknown parts, such as
  ``"com.amazonaws.${data.aws_region.current.name}.ecr.dkr"``; the known parts are kept.

Rules must treat anything that is not known as "cannot say" and stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union


class Unknown:
    """A value that cannot be known from the configuration.

    ``origin`` names where it came from (``var.vpc_id``, ``data.aws_region.current.name``) so that
    two values from the same unknown input can still be recognised as the same thing.
    """

    __slots__ = ("origin",)

    def __init__(self, origin: str | None = None) -> None:
        self.origin = origin

    def __repr__(self) -> str:
        return f"Unknown({self.origin!r})" if self.origin else "Unknown()"


@dataclass(frozen=True)
class ResourceRef:
    """An attribute of a resource instance whose value only exists after apply, e.g. its ``id``."""

    address: str
    attribute: str

    def __str__(self) -> str:
        return f"{self.address}.{self.attribute}"


@dataclass(frozen=True)
class PartialString:
    """A string template of which some parts are unknown."""

    parts: tuple[str | Unknown | ResourceRef, ...]

    @property
    def known_prefix(self) -> str:
        """The literal text before the first unknown part."""
        prefix = []
        for part in self.parts:
            if not isinstance(part, str):
                break
            prefix.append(part)
        return "".join(prefix)

    @property
    def known_suffix(self) -> str:
        """The literal text after the last unknown part."""
        suffix: list[str] = []
        for part in reversed(self.parts):
            if not isinstance(part, str):
                break
            suffix.append(part)
        return "".join(reversed(suffix))

    def __str__(self) -> str:
        return "".join(part if isinstance(part, str) else "${" + _describe(part) + "}" for part in self.parts)


def _describe(part: Unknown | ResourceRef) -> str:
    if isinstance(part, ResourceRef):
        return str(part)
    return part.origin or "unknown"


Value = Union[None, bool, int, float, str, list[Any], dict[str, Any], Unknown, ResourceRef, PartialString]  # noqa: UP007
"""Any value an attribute can hold, known or not (``list`` and ``dict`` hold Values)."""


def is_unknown(value: object) -> bool:
    """True for a value that is not fully known at its top level."""
    return isinstance(value, (Unknown, ResourceRef, PartialString))


def as_bool(value: object) -> bool | None:
    """Terraform's bool conversion: ``true``/``false`` and the strings ``"true"``/``"false"``.

    Returns None when the value is unknown or not convertible.
    """
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    return None


def as_list(value: object) -> list[Value] | None:
    """A list/set/tuple value as a list; ``None`` (null) as empty; None when unknown."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return None


def collect_references(value: Any, found: set[str]) -> None:
    """Add the address of every resource a value refers to (deep) to ``found``."""
    if isinstance(value, ResourceRef):
        found.add(value.address)
    elif isinstance(value, PartialString):
        for part in value.parts:
            collect_references(part, found)
    elif isinstance(value, list):
        for item in value:
            collect_references(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            collect_references(item, found)
