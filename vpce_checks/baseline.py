"""Baselines: record today's findings once, then report and fail only on new ones.

A finding is identified by its rule ID, resource address and file, not its line, so a baseline
survives edits that move resources up or down. The same key may be recorded more than once (two
findings of one rule on one resource, e.g. a VPC-level rule reporting twice); each recorded copy
hides one current finding, so a third one is new.

The file is JSON, written in a stable order so that it diffs well under version control::

    {
      "version": 1,
      "tool": "vpce-checks",
      "findings": [
        {"rule_id": "VPCE005", "file": "network/endpoints.tf", "address": "aws_vpc_endpoint.ssm", "count": 1}
      ]
    }

``file`` is relative to the directory of the baseline file, with ``/`` separators, so the baseline
matches whatever directory the scan is started from.

An entry may carry ``"until": "YYYY-MM-DD"``, written by hand: it hides its findings through that
day, and from the next day on they are reported again, saying that the baseline entry expired.
``--update-baseline`` keeps the ``until`` of every entry it records again, so re-recording does not
renew a deadline.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePath
from typing import Any, Mapping, Sequence

from vpce_checks.core.findings import Finding
from vpce_checks.core.model import parse_until

VERSION = 1
TOOL = "vpce-checks"

Key = tuple[str, str, str]
"""(rule ID, file relative to the baseline's directory, resource address)."""


class BaselineError(Exception):
    """A baseline file that is missing, unreadable or not a vpce-checks baseline."""


@dataclass(frozen=True)
class Baseline:
    """A baseline file's recorded keys, each with how often it was recorded and until when."""

    path: str
    keys: Counter[Key]
    until: dict[Key, date] = field(default_factory=dict)
    """The last day each key with an ``until`` is hidden."""


@dataclass(frozen=True)
class Filtered:
    """The findings a baseline lets through, how many it hid, and how many it no longer hides (expired)."""

    findings: list[Finding]
    hidden: int
    expired: int = 0


def write_baseline(path: str, findings: Sequence[Finding], until: Mapping[Key, date] | None = None) -> int:
    """Record the unsuppressed ``findings`` in the baseline file at ``path``; returns how many.

    ``until`` (from the baseline being replaced) gives the entries that keep a deadline.
    """
    until = until or {}
    keys = Counter(_key(finding, _base(path)) for finding in findings if not finding.suppressed)
    entries: list[dict[str, Any]] = []
    for key, count in sorted(keys.items(), key=lambda item: (item[0][1], item[0][0], item[0][2])):
        rule_id, file, address = key
        entry: dict[str, Any] = {"rule_id": rule_id, "file": file, "address": address, "count": count}
        if key in until:
            entry["until"] = until[key].isoformat()
        entries.append(entry)
    document = {"version": VERSION, "tool": TOOL, "findings": entries}
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(document, indent=2) + "\n")
    except OSError as error:
        raise BaselineError(f"{path}: cannot write the baseline file: {error.strerror}") from error
    return sum(keys.values())


def read_baseline(path: str) -> Baseline:
    """Read and check the baseline file at ``path``."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: baseline file not found; create it with --update-baseline (see docs/configuration.md)"
        ) from None
    except OSError as error:
        raise BaselineError(f"{path}: cannot read the baseline file: {error.strerror}") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: not a vpce-checks baseline (not valid JSON: {error})") from error
    if not isinstance(document, dict) or document.get("tool") != TOOL or "findings" not in document:
        raise BaselineError(f'{path}: not a vpce-checks baseline (expected an object with "tool": "{TOOL}")')
    if document.get("version") != VERSION:
        raise BaselineError(
            f"{path}: baseline version {document.get('version')!r} is not supported (this vpce-checks "
            f"reads version {VERSION}); recreate it with --update-baseline"
        )
    if not isinstance(document["findings"], list):
        raise BaselineError(f'{path}: not a vpce-checks baseline ("findings" must be a list)')
    keys: Counter[Key] = Counter()
    until: dict[Key, date] = {}
    for index, entry in enumerate(document["findings"]):
        key = _entry_key(path, index, entry)
        keys[key] += entry["count"]
        if "until" in entry:
            day = parse_until(entry["until"]) if isinstance(entry["until"], str) else None
            if day is None:
                raise BaselineError(
                    f"{path}: findings[{index}].until: expected a date YYYY-MM-DD, got {entry['until']!r}"
                )
            until[key] = day
    return Baseline(path, keys, until)


def apply_baseline(findings: Sequence[Finding], baseline: Baseline, today: date | None = None) -> Filtered:
    """Drop the unsuppressed ``findings`` recorded in ``baseline``, copy for copy.

    Suppressed findings are kept: they are reported as suppressed whatever the baseline says.
    An entry whose ``until`` is before ``today`` (default: the real today) hides nothing: its
    findings are kept, their messages saying that the baseline entry expired.
    """
    today = today or date.today()
    remaining = Counter(baseline.keys)
    base = _base(baseline.path)
    kept = []
    expired = 0
    for finding in findings:
        key = _key(finding, base)
        if not finding.suppressed and remaining[key] > 0:
            until = baseline.until.get(key)
            if until is not None and today > until:
                expired += 1
                message = f"{finding.message} (its baseline entry in {baseline.path} expired on {until})"
                kept.append(replace(finding, message=message))
                continue
            remaining[key] -= 1
            continue
        kept.append(finding)
    return Filtered(kept, len(findings) - len(kept), expired)


def _base(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def _key(finding: Finding, base: str) -> Key:
    file = PurePath(os.path.relpath(os.path.abspath(finding.file), base)).as_posix() if finding.file else ""
    return (finding.rule_id, file, finding.address)


def _entry_key(path: str, index: int, entry: Any) -> Key:
    fields = ("rule_id", "file", "address")
    valid = (
        isinstance(entry, dict)
        and all(isinstance(entry.get(name), str) for name in fields)
        and isinstance(entry.get("count"), int)
        and not isinstance(entry.get("count"), bool)
        and entry["count"] >= 1
    )
    if not valid:
        raise BaselineError(
            f"{path}: findings[{index}] is not a baseline entry "
            '(expected {"rule_id": str, "file": str, "address": str, "count": positive integer})'
        )
    return (entry["rule_id"], entry["file"], entry["address"])
