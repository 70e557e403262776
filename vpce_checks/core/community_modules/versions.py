"""Terraform version constraints (``~> 5.0``, ``>= 3.0, != 4.0.0``) as sets of releases.

A module call's ``version`` admits a set of releases; a model states which releases it follows
and which of its facts changed at which release. Both are :class:`VersionSet` values, so "does this
call admit a release where the DNS default was false?" is an intersection.

The syntax and meaning are Terraform's ("Version Constraints" in the Terraform language docs):
conditions separated by commas, each an operator and a version; ``=`` (or none) is one exact
version, ``!=`` excludes one, ``>``, ``>=``, ``<``, ``<=`` compare, and ``~>`` lets only the
rightmost given component grow: ``~> 5.0`` is ``>= 5.0.0, < 6.0.0``, ``~> 5.8.1`` is
``>= 5.8.1, < 5.9.0``, and ``~> 5`` is ``>= 5.0.0`` (as Terraform's version library reads a
single component). Module releases are numbered ``major.minor.patch``; a missing component is 0.

A prerelease (``6.0.0-beta1``) is selected only by an exact constraint, and a model's changes are
stated for releases: a constraint naming a prerelease is read as admitting any release, so that
every fact that differs between releases stays unknown. So is a constraint Terraform would
reject, such as ``>= banana``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Version = tuple[int, int, int]

_CONDITION = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?\s*$")


def _version(text: str) -> Version:
    parts = [int(part) for part in text.split(".")]
    parts += [0] * (3 - len(parts))
    return (parts[0], parts[1], parts[2])


def _next(version: Version) -> Version:
    """The release right after ``version`` (its next patch)."""
    return (version[0], version[1], version[2] + 1)


@dataclass(frozen=True)
class Interval:
    """The releases ``low`` <= v < ``high`` (``high`` None: no upper bound)."""

    low: Version
    high: Version | None

    @property
    def empty(self) -> bool:
        """True when no release lies in it."""
        return self.high is not None and self.high <= self.low


@dataclass(frozen=True)
class VersionSet:
    """A set of releases: disjoint, sorted intervals."""

    intervals: tuple[Interval, ...]

    @classmethod
    def any(cls) -> VersionSet:
        """Every release."""
        return cls((Interval((0, 0, 0), None),))

    @classmethod
    def parse(cls, constraint: str | None) -> VersionSet:
        """The releases a constraint admits; None or ``""`` (no constraint) admits every release."""
        if constraint is None or not constraint.strip():
            return cls.any()
        result = cls.any()
        for condition in constraint.split(","):
            match = _CONDITION.match(condition)
            if match is None or match.group(3):
                return cls.any()  # not understood, or a prerelease: see the module docstring
            operator, text = match.group(1) or "=", match.group(2)
            result = result & _condition(operator, text)
        return result

    @classmethod
    def exact(cls, version: str) -> VersionSet | None:
        """The one release ``version`` (``5.8.1``, ``v5.8.1``) names, or None when it is no release number."""
        match = re.fullmatch(r"v?(\d+(?:\.\d+){0,2})", version.strip())
        if match is None:
            return None
        low = _version(match.group(1))
        return cls((Interval(low, _next(low)),))

    @property
    def empty(self) -> bool:
        """True when no release is admitted."""
        return not self.intervals

    def __and__(self, other: VersionSet) -> VersionSet:
        """The releases both admit."""
        found = []
        for first in self.intervals:
            for second in other.intervals:
                low = max(first.low, second.low)
                highs = [high for high in (first.high, second.high) if high is not None]
                interval = Interval(low, min(highs) if highs else None)
                if not interval.empty:
                    found.append(interval)
        return VersionSet(tuple(sorted(found, key=lambda interval: interval.low)))

    def overlaps(self, other: VersionSet) -> bool:
        """True when some release is admitted by both."""
        return not (self & other).empty


def _condition(operator: str, text: str) -> VersionSet:
    version = _version(text)
    first: Version = (0, 0, 0)
    intervals = {
        "=": [Interval(version, _next(version))],
        "!=": [Interval(first, version), Interval(_next(version), None)],
        ">=": [Interval(version, None)],
        ">": [Interval(_next(version), None)],
        "<": [Interval(first, version)],
        "<=": [Interval(first, _next(version))],
    }.get(operator)
    if intervals is None:
        # ~>: the components before the rightmost given one stay fixed.
        given = text.count(".") + 1
        high = None if given == 1 else (version[0] + 1, 0, 0) if given == 2 else (version[0], version[1] + 1, 0)
        intervals = [Interval(version, high)]
    return VersionSet(tuple(interval for interval in intervals if not interval.empty))
