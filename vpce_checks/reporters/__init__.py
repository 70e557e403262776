"""Reporters: turn findings into text, JSON, SARIF, JUnit XML, GitHub annotations or Markdown.

Each format's module has ``render(findings, rules, baselined=0, run=NO_RUN) -> str``; :data:`FORMATS`
maps the format names the CLI accepts to them. ``baselined`` is how many findings a baseline file
hid (they are not passed in); ``run`` holds the rest of what the run knows (notes, what was
scanned, how the text format shows it). Output is deterministic and ends with a newline.
"""

from __future__ import annotations

from typing import Protocol, Sequence

from vpce_checks.core.findings import Finding
from vpce_checks.core.registry import Rule
from vpce_checks.reporters import github, json_report, junit, markdown, sarif, text
from vpce_checks.reporters.run import NO_RUN, Run


class Renderer(Protocol):
    """A format's ``render`` function."""

    def __call__(
        self, findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0, run: Run = NO_RUN
    ) -> str:
        """Render ``findings`` and the ``rules`` that ran; ``baselined`` findings were hidden."""


FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
    "markdown": markdown.render,
}
"""Format name → render function."""


def render(
    fmt: str, findings: Sequence[Finding], rules: Sequence[Rule], baselined: int = 0, run: Run | None = None
) -> str:
    """Render ``findings`` (already sorted) in format ``fmt``; ``rules`` are the rules that ran.

    Raises :class:`ValueError` for a format not in :data:`FORMATS`.
    """
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} (choose from {', '.join(sorted(FORMATS))})") from None
    return renderer(findings, rules, baselined, run or NO_RUN)
