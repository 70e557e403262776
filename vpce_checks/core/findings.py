"""Severities and findings: what the rules produce and the reporters print."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    """How bad a finding is. Ordered: ``info < warning < error``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """A number that orders severities (higher is worse)."""
        return _RANKS[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Finding:
    """One problem found at one place.

    ``address`` is the resource instance the finding is about (empty for a file that could not be
    parsed); ``vpc`` is the VPC address for rules that judge a whole VPC. A suppressed finding
    carries the suppression's reason and, when it has one, its ``until`` date text.
    """

    rule_id: str
    slug: str
    severity: Severity
    message: str
    file: str
    start_line: int
    end_line: int
    address: str
    vpc: str | None = None
    suppressed: bool = False
    suppression_reason: str | None = None
    suppression_until: str | None = None
    """The ``until=`` date text of the suppression (as written), when it has one."""
    plan: str | None = None
    """The plan file the finding was read from, when it comes from a plan (``file`` is then the
    Terraform file of the resource's block when it was found beside the plan, else the plan)."""

    @property
    def sort_key(self) -> tuple[str, int, str, str, str]:
        """Order of output: by file, line, rule, address, message (so output is deterministic)."""
        return (self.file, self.start_line, self.rule_id, self.address, self.message)
