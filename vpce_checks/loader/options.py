"""The options a load takes: limits on input, and the values given to input variables.

Standard library only and cheap to import: the command line builds its options without loading
the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    """Resource limits on input, so that no file can make a scan run out of time or memory."""

    max_file_bytes: int = 10 * 1024 * 1024
    """Larger files are reported (VPCE000) instead of read."""
    max_nesting: int = 64
    """Brackets nested deeper than this are reported instead of parsed."""
    max_expansion: int = 10_000
    """A larger ``count`` or ``for_each`` is reported and its instances are unknown."""


MAX_MODULE_INSTANCES = 500
"""Module instances expanded in one root configuration at most: a runaway for_each stops here."""
MAX_MODULE_DEPTH = 16
"""Modules nested deeper than this are skipped (Terraform has no limit; real code stays far below)."""


@dataclass
class LoadOptions:
    """Variable values given on the command line, applied to every scanned module."""

    var_files: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
