"""Date and time functions: formatdate, timeadd, timecmp (timestamp and plantimestamp read the clock).

https://developer.hashicorp.com/terraform/language/functions/formatdate: timestamps are RFC 3339
strings; durations are Go's (``1h30m``, ``-2.5s``, ``300ms``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from vpce_checks.loader.conversions import EvalError, unknowable
from vpce_checks.loader.functions.base import Environment, builtin, string, unknown_result

_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[-+]\d{2}:\d{2})")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,
    "\u03bcs": 1_000,
    "ms": 1_000_000,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_SEGMENT = re.compile(r"([0-9]*)(?:\.([0-9]*))?([^0-9.]+)")


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp (as Go's ``time.RFC3339`` layout parses it)."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise EvalError(f"not a valid RFC3339 timestamp: {text!r}")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    offset = timezone.utc
    if zone != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            raise EvalError(f"not a valid RFC3339 timestamp: bad UTC offset in {text!r}")
        sign = -1 if zone[0] == "-" else 1
        offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
    if int(year) == 0:
        raise unknowable()  # year 0 is valid in Go, not in Python
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=offset,
        )
    except ValueError as error:
        raise EvalError(f"not a valid RFC3339 timestamp: {error}") from error


def rfc3339(moment: datetime) -> str:
    """Go's ``time.RFC3339`` layout: whole seconds, ``Z`` for a zero offset."""
    text = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )
    minutes = int((moment.utcoffset() or timedelta(0)).total_seconds()) // 60
    if minutes == 0:
        return text + "Z"
    sign = "-" if minutes < 0 else "+"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_duration(text: str) -> int:
    """A Go duration in nanoseconds."""
    rest = text
    sign = 1
    if rest[:1] in "+-":
        sign = -1 if rest[0] == "-" else 1
        rest = rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise EvalError(f"invalid duration {text!r}")
    total = 0
    position = 0
    while position < len(rest):
        match = _SEGMENT.match(rest, position)
        if match is None or (not match.group(1) and not match.group(2)):
            raise EvalError(f"invalid duration {text!r}")
        unit = _UNITS.get(match.group(3))
        if unit is None:
            raise EvalError(f"unknown unit {match.group(3)!r} in duration {text!r}")
        whole = int(match.group(1) or "0")
        fraction = match.group(2) or ""
        total += whole * unit + (int(fraction) * unit // 10 ** len(fraction) if fraction else 0)
        position = match.end()
    if total > 2**63 - 1:
        raise EvalError(f"invalid duration {text!r}: too large")
    return sign * total


@builtin("formatdate", 2)
def _formatdate(arguments: list[Any], environment: Environment) -> Any:
    spec, moment = string(arguments[0]), parse_timestamp(string(arguments[1]))
    out: list[str] = []
    index = 0
    while index < len(spec):
        char = spec[index]
        if char == "'":
            if spec.startswith("''", index):
                out.append("'")
                index += 2
                continue
            end = index + 1
            literal: list[str] = []
            while True:
                if end >= len(spec):
                    raise EvalError("unterminated literal '")
                if spec[end] == "'":
                    if spec.startswith("''", end):
                        literal.append("'")
                        end += 2
                        continue
                    break
                literal.append(spec[end])
                end += 1
            out.append("".join(literal))
            index = end + 1
        elif char.isascii() and char.isalpha():
            end = index
            while end < len(spec) and spec[end] == char:
                end += 1
            out.append(_date_verb(spec[index:end], moment))
            index = end
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _date_verb(verb: str, moment: datetime) -> str:
    letter, size = verb[0], len(verb)
    hour12 = moment.hour % 12 or 12
    choices: dict[str, dict[int, str]] = {
        "Y": {2: f"{moment.year % 100:02d}", 4: f"{moment.year:04d}"},
        "M": {
            1: str(moment.month),
            2: f"{moment.month:02d}",
            3: _MONTHS[moment.month - 1][:3],
            4: _MONTHS[moment.month - 1],
        },
        "D": {1: str(moment.day), 2: f"{moment.day:02d}"},
        "E": {3: _DAYS[moment.weekday()][:3], 4: _DAYS[moment.weekday()]},
        "h": {1: str(moment.hour), 2: f"{moment.hour:02d}"},
        "H": {1: str(hour12), 2: f"{hour12:02d}"},
        "A": {2: "AM" if moment.hour < 12 else "PM"},
        "a": {2: "am" if moment.hour < 12 else "pm"},
        "m": {1: str(moment.minute), 2: f"{moment.minute:02d}"},
        "s": {1: str(moment.second), 2: f"{moment.second:02d}"},
        "Z": _zones(moment),
    }
    if letter not in choices or size not in choices[letter]:
        raise EvalError(f"invalid date format verb {verb!r}")
    return choices[letter][size]


def _zones(moment: datetime) -> dict[int, str]:
    minutes = int((moment.utcoffset() or timedelta(0)).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    compact = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    colon = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return {1: "Z" if minutes == 0 else colon, 3: "UTC" if minutes == 0 else compact, 4: compact, 5: colon}


@builtin("timeadd", 2)
def _timeadd(arguments: list[Any], environment: Environment) -> Any:
    moment = parse_timestamp(string(arguments[0]))
    nanoseconds = parse_duration(string(arguments[1]))
    try:
        return rfc3339(moment + timedelta(microseconds=nanoseconds // 1000))
    except OverflowError as error:
        raise unknowable() from error


@builtin("timecmp", 2)
def _timecmp(arguments: list[Any], environment: Environment) -> Any:
    first, second = parse_timestamp(string(arguments[0])), parse_timestamp(string(arguments[1]))
    return (first > second) - (first < second)


unknown_result("timestamp", 0, 0)
unknown_result("plantimestamp", 0, 0)
