"""Reporters: turn findings into text, JSON or SARIF.

Each format's module has ``render(findings, rules) -> str``; :data:`FORMATS` maps the format
names the CLI accepts to them. Output is deterministic and ends with a newline.
"""

from __future__ import annotations

from typing import Callable, Sequence

from vpce_checks.core.findings import Finding
from vpce_checks.core.registry import Rule
from vpce_checks.reporters import json_report, sarif, text

Renderer = Callable[[Sequence[Finding], Sequence[Rule]], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
}
"""Format name → render function."""


def render(fmt: str, findings: Sequence[Finding], rules: Sequence[Rule]) -> str:
    """Render ``findings`` (already sorted) in format ``fmt``; ``rules`` are the rules that ran.

    Raises :class:`ValueError` for a format not in :data:`FORMATS`.
    """
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} (choose from {', '.join(sorted(FORMATS))})") from None
    return renderer(findings, rules)
