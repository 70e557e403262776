"""What a run tells the reporters besides its findings: what was scanned, what was skipped, how to show it.

Every format's ``render(findings, rules, baselined=0, run=Run())`` takes one; the default is an
empty run (nothing known about the scan), so a reporter can be called on findings alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

from vpce_checks.core.model import Problem


class Source(Protocol):
    """The source text behind findings (see :class:`vpce_checks.source.SourceFiles`)."""

    def lines(self, path: str) -> list[str] | None:
        """The file's lines, or None when it cannot be read."""

    def column(self, path: str, line: int) -> int:
        """The 1-based column a finding on ``line`` starts at."""

    def block(self, path: str, start: int, end: int) -> tuple[int, int]:
        """The lines of the block that holds lines ``start``-``end``."""


@dataclass(frozen=True)
class Scanned:
    """How much was read: root modules, files (those of the modules they call, and plans, included), plans."""

    modules: int = 0
    files: int = 0
    plans: int = 0
    """Plan files read (each a root configuration of its own, not counted in ``modules``)."""


@dataclass(frozen=True)
class TextOptions:
    """How the ``text`` format shows a run (the other formats ignore these)."""

    color: bool = False
    show_source: bool = False
    """A code frame of the block under each finding."""
    statistics: bool = False
    """A count per rule instead of the list of findings."""
    quiet: bool = False
    """Findings only: no summary, no rule table."""
    source: Source | None = None
    """Where columns and code frames come from; without it, columns are 1 and there are no frames."""


@dataclass(frozen=True)
class Run:
    """The facts of a run that are not findings."""

    notes: Sequence[Problem] = ()
    """What the scan could not judge or skipped (never findings), in the order found, without repeats."""
    scanned: Scanned | None = None
    """How much was scanned; None when not known (a reporter called on findings alone)."""
    text: TextOptions = field(default_factory=TextOptions)


NO_RUN = Run()
"""The empty run: the default of every ``render``."""


def unique_notes(notes: Sequence[Problem]) -> list[Problem]:
    """``notes`` without repeats (one module reached from two roots says the same thing twice)."""
    seen: set[Problem] = set()
    kept = []
    for note in notes:
        if note not in seen:
            seen.add(note)
            kept.append(note)
    return kept
