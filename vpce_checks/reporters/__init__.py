"""Reporters: turn findings into text, JSON, SARIF, JUnit XML, GitHub annotations or Markdown.

Each format's module has ``render(findings, rules, baselined=0, run=NO_RUN) -> str``; :data:`FORMATS`
maps the format names the CLI accepts to them. ``baselined`` is how many findings a baseline file
hid (they are not passed in); ``run`` holds the rest of what the run knows (notes, what was
scanned, how the text format shows it). Output is deterministic and ends with a newline.
A format's module is imported when it renders, so naming the formats costs nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, Sequence

if TYPE_CHECKING:
    from vpce_checks.core.findings import Finding
    from vpce_checks.core.registry import Rule
    from vpce_checks.reporters.run import Run


class Renderer(Protocol):
    """A format's ``render`` function."""

    def __call__(self, findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0, run: Run = ...) -> str:
        """Render ``findings`` and the ``rules`` that ran; ``baselined`` findings were hidden."""


FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "markdown": "markdown",
}
"""Format name → the module of :mod:`vpce_checks.reporters` that renders it."""


def renderer(fmt: str) -> Renderer:
    """The ``render`` function of format ``fmt``. Raises :class:`ValueError` for a format not in :data:`FORMATS`."""
    try:
        module = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} (choose from {', '.join(sorted(FORMATS))})") from None
    found: Renderer = importlib.import_module(f"{__name__}.{module}").render
    return found


def render(
    fmt: str, findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0, run: Run | None = None
) -> str:
    """Render ``findings`` (already sorted) in format ``fmt``; ``rules`` are the rules that ran.

    Raises :class:`ValueError` for a format not in :data:`FORMATS`.
    """
    from vpce_checks.reporters.run import NO_RUN

    return renderer(fmt)(findings, rules, baselined, run or NO_RUN)
