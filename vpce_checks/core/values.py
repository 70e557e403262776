"""The values the rule core reasons about.

A Terraform value seen statically is either known (plain Python data: ``None``, ``bool``, ``int``,
``float``, ``str``, ``list``, ``dict``) or not. What is not known is one of four things:

* :class:`Unknown`: nothing is known (an input without a default, a data source, remote state).
* :class:`ResourceRef`: an attribute that only exists after apply (``aws_subnet.a.id``), but whose
  *identity* is known: which resource it belongs to. Rules follow these to the referenced resource.
* :class:`PartialString`: a string template with some unknown parts, such as
  ``"com.amazonaws.${data.aws_region.current.name}.ecr.dkr"``; the known parts are kept.
* :class:`AnyOf`: an attribute of one of several resource instances, not known which (a plan's
  ``aws_subnet.private[count.index].id`` before apply). Rules ask of each candidate, and only an
  answer every candidate gives is known.

Rules must treat anything that is not known as "cannot say" and stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, TypeVar, Union

T = TypeVar("T")


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


@dataclass(frozen=True)
class AnyOf:
    """One of several resource instances' attributes, and not known which (two candidates or more).

    In a list (``subnet_ids``) an ``AnyOf`` item stands for one or more elements, each an attribute
    of one of ``candidates``: which ones, and how many, is not known. As a whole value it is one of
    them. A question about it has an answer only when every candidate gives the same one
    (:func:`common`): subnets that are all in one AZ are one AZ; subnets in two AZs are either.
    """

    candidates: tuple[ResourceRef, ...]

    def __str__(self) -> str:
        return "one of " + ", ".join(str(candidate) for candidate in self.candidates)


def candidates(value: object) -> tuple[ResourceRef, ...] | None:
    """The resource attributes a value may be: itself for a ResourceRef, its candidates for an AnyOf, else None."""
    if isinstance(value, ResourceRef):
        return (value,)
    if isinstance(value, AnyOf):
        return value.candidates
    return None


def common(value: object, answer: Callable[[ResourceRef], T | None]) -> T | None:
    """``answer`` for a ResourceRef, or the answer every candidate of an AnyOf gives; None when they differ.

    None also when the value is neither, or when some candidate's answer is None (not known).
    """
    refs = candidates(value)
    if not refs:
        return None
    answers = [answer(ref) for ref in refs]
    first = answers[0]
    if first is None or any(other != first for other in answers[1:]):
        return None
    return first


def _describe(part: Unknown | ResourceRef) -> str:
    if isinstance(part, ResourceRef):
        return str(part)
    return part.origin or "unknown"


Value = Union[None, bool, int, float, str, list[Any], dict[str, Any], Unknown, ResourceRef, PartialString, AnyOf]  # noqa: UP007
"""Any value an attribute can hold, known or not (``list`` and ``dict`` hold Values)."""


def is_unknown(value: object) -> bool:
    """True for a value that is not fully known at its top level."""
    return isinstance(value, (Unknown, ResourceRef, PartialString, AnyOf))


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
    elif isinstance(value, AnyOf):
        found.update(candidate.address for candidate in value.candidates)
    elif isinstance(value, PartialString):
        for part in value.parts:
            collect_references(part, found)
    elif isinstance(value, list):
        for item in value:
            collect_references(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            collect_references(item, found)
