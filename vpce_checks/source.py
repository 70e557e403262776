"""The source text behind a finding, for the text report: its column and the block it sits in.

Findings carry lines, not columns; the column shown is that of the first character written on the
finding's first line (the attribute at fault, or the block's keyword), which is where an editor
should put the cursor. The block is found with the loader's top-level block scanner, so strings,
heredocs and comments cannot end it early; where the scanner cannot split a file (or for JSON),
the frame is the finding's own lines.
"""

from __future__ import annotations

import os

from vpce_checks.loader.options import Limits
from vpce_checks.loader.prefilter import split_blocks


class SourceFiles:
    """Files read on demand, once each, for the findings that point into them."""

    def __init__(self, max_nesting: int = Limits().max_nesting, root: str = "") -> None:
        self.max_nesting = max_nesting
        self.root = root
        """Relative paths are read below this directory (the current one when empty)."""
        self._lines: dict[str, list[str] | None] = {}
        self._spans: dict[str, list[tuple[int, int]]] = {}

    def lines(self, path: str) -> list[str] | None:
        """The lines of ``path`` without line endings, or None when it cannot be read as text."""
        if path not in self._lines:
            try:
                with open(os.path.join(self.root, path), encoding="utf-8-sig", errors="strict") as handle:
                    self._lines[path] = handle.read().splitlines()
            except (OSError, UnicodeDecodeError, ValueError):
                self._lines[path] = None
        return self._lines[path]

    def column(self, path: str, line: int) -> int:
        """The 1-based column of the first non-blank character of ``line`` (1 when unknown)."""
        lines = self.lines(path)
        if lines is None or not 1 <= line <= len(lines):
            return 1
        text = lines[line - 1]
        stripped = text.lstrip()
        return len(text) - len(stripped) + 1 if stripped else 1

    def block(self, path: str, start: int, end: int) -> tuple[int, int]:
        """The first and last line of the top-level block holding lines ``start``-``end``.

        When no block holds them (a JSON file, a file the scanner cannot split), the finding's own
        lines are returned.
        """
        for first, last in self._block_spans(path):
            if first <= start <= last:
                return first, max(last, end)
        return start, end

    def _block_spans(self, path: str) -> list[tuple[int, int]]:
        if path not in self._spans:
            lines = self.lines(path)
            spans: list[tuple[int, int]] = []
            if lines is not None and not os.path.basename(path).endswith(".json"):
                text = "\n".join(lines) + "\n"
                split = split_blocks(text, self.max_nesting)
                if split.confident and split.too_deep is None:
                    spans = [
                        (block.line, block.line + text.count("\n", block.start, block.end)) for block in split.blocks
                    ]
            self._spans[path] = spans
        return self._spans[path]
