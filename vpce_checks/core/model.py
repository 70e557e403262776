"""The normalized model the rules see: resource instances of one Terraform configuration.

Front ends (the python-hcl2 loader, later the checkov adapter) build it; the rules read it. It knows
nothing of how the Terraform was parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Mapping, Sequence

from vpce_checks.core.values import Value


@dataclass(frozen=True)
class Location:
    """Where something is written: a file (as given to the scanner) and a 1-based line range."""

    file: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class Suppression:
    """An inline ``skip`` comment inside a resource block: which rule (ID or slug), why, and until when.

    ``until`` is the date text of a trailing ``:until=YYYY-MM-DD`` as written (None when there is
    none); :func:`parse_until` reads it. Whether it has passed is for the caller to say, since only
    the caller knows today's date.
    """

    rule: str
    reason: str
    line: int
    until: str | None = None


_SUPPRESSION = re.compile(r"(?:#|//)\s*(checkov|vpce-checks):skip=([A-Za-z0-9_\-]+)(?::[ \t]*([^\n]*))?", re.IGNORECASE)
_UNTIL = re.compile(r"(?:^|:)[ \t]*until=([^\s:]*)[ \t]*$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NO_REASON = "no reason given"


def split_until(text: str) -> tuple[str, str | None]:
    """Split ``reason:until=2027-03-31`` into the reason and the date text (None without ``until=``).

    The same grammar serves skip comments, the configuration's ``ignore`` entries and baselines:
    ``until=`` comes last, after an optional reason.
    """
    match = _UNTIL.search(text)
    if match is None:
        return text.strip(), None
    return text[: match.start()].strip(), match.group(1)


def parse_until(text: str) -> date | None:
    """The date of an ``until=`` text written as ``YYYY-MM-DD``; None when it is not such a date."""
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def find_suppressions(lines: Sequence[str], first_line: int) -> list[Suppression]:
    """The ``#checkov:skip=ID:reason`` and ``# vpce-checks:skip=ID:reason`` comments in a block's lines.

    ``lines`` are the block's source lines, the first of them being line ``first_line``. A reason
    may end with ``:until=YYYY-MM-DD``: the suppression holds through that day. Every front end
    reads suppressions through this function, so they mean the same everywhere.
    """
    found = []
    for offset, line in enumerate(lines):
        for match in _SUPPRESSION.finditer(line):
            reason, until = split_until(match.group(3) or "")
            found.append(Suppression(match.group(2), reason or NO_REASON, first_line + offset, until))
    return found


@dataclass
class Resource:
    """One resource instance, with its attributes evaluated as far as they can be.

    ``address`` is the full instance address (``aws_subnet.private[1]``,
    ``aws_vpc_endpoint.this["ssm"]``). Nested blocks appear in ``attributes`` as lists of dicts.
    ``certain`` is False when the resource may or may not exist (its ``count``/``for_each`` is
    unknown); rules never raise findings on such a resource and never rely on its absence.
    """

    address: str
    type: str
    name: str
    attributes: Mapping[str, Value]
    location: Location
    attribute_lines: Mapping[str, int] = field(default_factory=dict)
    module: str = ""
    certain: bool = True
    suppressions: Sequence[Suppression] = ()

    def get(self, name: str, default: Value = None) -> Value:
        """The attribute's value, or ``default`` when it is not written."""
        return self.attributes.get(name, default)

    def has(self, name: str) -> bool:
        """True when the attribute is written in the configuration."""
        return name in self.attributes

    def line_of(self, name: str) -> int:
        """The line an attribute is written on, or the resource's first line."""
        return self.attribute_lines.get(name, self.location.start_line)


@dataclass(frozen=True)
class Problem:
    """Input the front end could not read (a parse error), reported as a finding of its own."""

    message: str
    location: Location


@dataclass
class Configuration:
    """One Terraform module as Terraform sees it: every resource instance declared in a directory.

    The lookups (:meth:`resource`, :meth:`of_type`) index ``resources`` on first use, so a front
    end fills ``resources`` completely before any rule runs.
    """

    directory: str
    resources: list[Resource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    region: Value = None
    """The AWS provider's region when it is written in the configuration (for prices), else None."""
    notes: list[Problem] = field(default_factory=list)
    """What the front end skipped (a module whose source is not available), shown to the user; never findings."""
    complete: bool = True
    """False when part of the configuration could not be read (a skipped module): absences prove nothing."""
    escaped: set[str] = field(default_factory=set)
    """Addresses of resources handed to a skipped module, which may attach things to them unseen."""
    module_directories: set[str] = field(default_factory=set)
    """The local module directories this configuration calls (real paths): analysed through it."""
    plan: str | None = None
    """The plan file the configuration was read from (as given to the scanner); None for Terraform files."""

    @cached_property
    def _by_address(self) -> dict[str, Resource]:
        return {resource.address: resource for resource in self.resources}

    def resource(self, address: str) -> Resource | None:
        """The resource instance with this full address, if the configuration declares it."""
        return self._by_address.get(address)

    @cached_property
    def _by_type(self) -> dict[str, list[Resource]]:
        grouped: dict[str, list[Resource]] = {}
        for resource in self.resources:
            grouped.setdefault(resource.type, []).append(resource)
        return grouped

    def of_type(self, resource_type: str) -> list[Resource]:
        """Every resource instance of one type, in declaration order."""
        return self._by_type.get(resource_type, [])
