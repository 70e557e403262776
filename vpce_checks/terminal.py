"""What a terminal gets and a pipe does not: colour and a progress line.

Colour follows the conventions other command-line tools share: ``--color always``/``never`` win;
under ``auto``, a non-empty ``FORCE_COLOR`` turns colour on (force-color.org), then a non-empty
``NO_COLOR`` turns it off (no-color.org), and otherwise colour is used only when the stream is a
terminal whose ``TERM`` is not ``dumb``. Pipes and files therefore get plain text.

The progress line is shown only on a terminal, never in CI (``CI`` set) or with ``--quiet``, and only
once a scan has run :data:`PROGRESS_DELAY` seconds, so quick scans print nothing extra. The clock is
injected, so tests need no timing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Mapping, TextIO

COLOR_MODES = ("auto", "always", "never")
PROGRESS_DELAY = 1.0
"""Seconds a scan runs before the progress line appears."""

_RESET = "\x1b[0m"
_CLEAR_LINE = "\r\x1b[K"


def color_enabled(mode: str, stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether to colour what is written to ``stream`` under ``--color mode``."""
    if mode != "auto":
        return mode == "always"
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("NO_COLOR"):
        return False
    return is_terminal(stream) and environ.get("TERM") != "dumb"


def is_terminal(stream: TextIO) -> bool:
    """True when ``stream`` is an interactive terminal (False for pipes, files and closed streams)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@dataclass(frozen=True)
class Palette:
    """ANSI styles, or none at all: every method returns its text unchanged when ``enabled`` is False."""

    enabled: bool = False

    def paint(self, text: str, *codes: str) -> str:
        """``text`` in the SGR ``codes`` (``"1"`` bold, ``"31"`` red, ...)."""
        if not self.enabled or not text:
            return text
        return f"\x1b[{';'.join(codes)}m{text}{_RESET}"

    def bold(self, text: str) -> str:
        """Bold text (paths, rule IDs)."""
        return self.paint(text, "1")

    def dim(self, text: str) -> str:
        """Faint text (the gutter of a code frame)."""
        return self.paint(text, "2")

    def severity(self, text: str, severity: str) -> str:
        """``text`` in the colour of a severity (error red, warning yellow, info cyan) or a note."""
        return self.paint(text, *_SEVERITY_CODES.get(severity, ("1",)))


PLAIN = Palette()
"""No styles at all."""

_SEVERITY_CODES = {"error": ("1", "31"), "warning": ("1", "33"), "info": ("1", "36"), "note": ("1", "36")}


def progress_enabled(stream: TextIO, environ: Mapping[str, str], quiet: bool) -> bool:
    """Whether a progress line may be written to ``stream``: a terminal, not CI, not ``--quiet``."""
    return not quiet and not environ.get("CI") and environ.get("TERM") != "dumb" and is_terminal(stream)


class Progress:
    """``vpce-checks: scanning 12/48 modules`` on one line of ``stream``, rewritten in place.

    Nothing is written until :data:`PROGRESS_DELAY` seconds after the progress was created;
    :meth:`finish` erases the line, so the report that follows starts on a clean line.
    """

    def __init__(
        self, stream: TextIO, enabled: bool, clock: Callable[[], float] = time.monotonic, delay: float = PROGRESS_DELAY
    ) -> None:
        self.stream = stream
        self.enabled = enabled
        self.clock = clock
        self.delay = delay
        self.started = clock()
        self.shown = False

    def update(self, done: int, total: int) -> None:
        """Say that ``done`` of ``total`` modules are scanned (once the delay has passed)."""
        if not self.enabled or self.clock() - self.started < self.delay:
            return
        noun = "module" if total == 1 else "modules"
        self.stream.write(f"{_CLEAR_LINE}vpce-checks: scanning {done}/{total} {noun}")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        """Erase the progress line, if one was shown."""
        if self.shown:
            self.stream.write(_CLEAR_LINE)
            self.stream.flush()
            self.shown = False
