r"""Terraform's regular expressions (Go's RE2 syntax) run by Python's ``re``.

The two syntaxes mostly agree; where they do not, a pattern is rewritten (``$`` is the end of
the text in RE2, ``\\d``, ``\\w`` and ``\\s`` are ASCII, ``(?<name>...)`` names a group), rejected
as Terraform rejects it (backreferences, lookaround: EvalError), or left unknown where it cannot
be translated faithfully (``\\pL`` Unicode classes, the ``U`` flag).
"""

from __future__ import annotations

import re
from functools import lru_cache

from vpce_checks.loader.conversions import EvalError, unknowable

_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_CLASS_ESCAPES = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
_SIMPLE_ESCAPES = set("afnrtv") | set(".*+?()[]{}|^$\\/-!\"#%&',:;<=>@_`~ ")


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> tuple[re.Pattern[str], bool]:
    """The compiled pattern, and whether it uses word boundaries (ASCII in RE2, Unicode in Python)."""
    translated, boundaries = _translate(pattern)
    try:
        return re.compile(translated), boundaries
    except re.error as error:
        raise EvalError(f"invalid regexp pattern {pattern!r}: {error}") from error


def _translate(pattern: str) -> tuple[str, bool]:
    out: list[str] = []
    multiline = False
    boundaries = False
    index = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "\\":
            escape, index, boundary = _escape(pattern, index, in_class=False)
            boundaries = boundaries or boundary
            out.append(escape)
            continue
        if char == "[":
            text, index = _character_class(pattern, index)
            out.append(text)
            continue
        if char == "(" and pattern.startswith("(?", index):
            text, index, flags = _group(pattern, index, at_start=not out)
            if "m" in flags:
                multiline = True
            out.append(text)
            continue
        if char == "$" and not multiline:
            out.append(r"\Z")  # RE2's $ is only the end of the text; Python's also matches before a last newline
        elif char in "*+?}" and pattern[index + 1 : index + 2] == "+":
            raise EvalError(f"invalid nested repetition operator in {pattern!r}")
        elif char == "{" and pattern.startswith("{,", index):
            raise unknowable()  # a literal in RE2, a repetition in Python
        else:
            out.append(char)
        index += 1
    return "".join(out), boundaries


def _escape(pattern: str, index: int, in_class: bool) -> tuple[str, int, bool]:
    """One backslash escape starting at ``index``: its Python form, the next index, a word boundary."""
    if index + 1 >= len(pattern):
        raise EvalError(f"trailing backslash at end of expression {pattern!r}")
    code = pattern[index + 1]
    if code in _CLASS_ESCAPES:
        inner = _CLASS_ESCAPES[code]
        return (inner if in_class else f"[{inner}]"), index + 2, False
    if code in "DWS":
        if in_class:
            raise unknowable()
        return f"[^{_CLASS_ESCAPES[code.lower()]}]", index + 2, False
    if code in "bB" and not in_class:
        return "\\" + code, index + 2, True
    if code == "A" and not in_class:
        return r"\A", index + 2, False
    if code == "z" and not in_class:
        return r"\Z", index + 2, False
    if code == "x":
        if pattern.startswith("{", index + 2):
            end = pattern.find("}", index + 3)
            if end < 0:
                raise EvalError(f"invalid escape sequence in {pattern!r}")
            return f"\\U{int(pattern[index + 3 : end], 16):08x}", end + 1, False
        return pattern[index : index + 4], index + 4, False
    if code == "Q" and not in_class:
        end = pattern.find("\\E", index + 2)
        literal = pattern[index + 2 :] if end < 0 else pattern[index + 2 : end]
        return re.escape(literal), (len(pattern) if end < 0 else end + 2), False
    if code in "01234567":
        digits = re.match(r"[0-7]{1,3}", pattern[index + 1 :])
        assert digits is not None
        if code != "0" and len(digits.group(0)) == 1:
            raise EvalError(f"invalid escape sequence \\{code} in {pattern!r}: backreferences are not supported")
        return f"\\u{int(digits.group(0), 8):04x}", index + 1 + digits.end(), False
    if code in "pPC":
        raise unknowable()  # Unicode classes and single bytes: not translated
    if code in _SIMPLE_ESCAPES or not code.isalnum():
        return "\\" + code, index + 2, False
    raise EvalError(f"invalid escape sequence \\{code} in {pattern!r}")


def _character_class(pattern: str, index: int) -> tuple[str, int]:
    out = ["["]
    index += 1
    if pattern.startswith("^", index):
        out.append("^")
        index += 1
    first = True
    while index < len(pattern):
        char = pattern[index]
        if char == "]" and not first:
            out.append("]")
            return "".join(out), index + 1
        first = False
        if char == "[" and pattern.startswith("[:", index):
            end = pattern.find(":]", index + 2)
            name = pattern[index + 2 : end] if end > 0 else ""
            if name.startswith("^"):
                raise unknowable()
            if name not in _POSIX:
                raise EvalError(f"invalid character class range in {pattern!r}")
            out.append(_POSIX[name])
            index = end + 2
        elif char == "\\":
            escape, index, _ = _escape(pattern, index, in_class=True)
            out.append(escape)
        elif char in "[&~|":
            out.append("\\" + char)  # literal in RE2; Python warns about set operations
            index += 1
        else:
            out.append(char)
            index += 1
    raise EvalError(f"missing closing ] in {pattern!r}")


def _group(pattern: str, index: int, at_start: bool) -> tuple[str, int, str]:
    """A ``(?`` group opening: its Python form, the next index, and the flags it sets."""
    rest = pattern[index + 2 :]
    if rest.startswith("P<"):
        return "(?P<", index + 4, ""
    if rest.startswith("<") and not rest.startswith(("<=", "<!")):
        return "(?P<", index + 3, ""
    if rest.startswith(":"):
        return "(?:", index + 3, ""
    flags = re.match(r"([imsU]*)(?:-([imsU]*))?([:)])", rest)
    if flags is None:
        raise EvalError(f"invalid or unsupported Perl syntax in {pattern!r}")
    on, off, end = flags.group(1), flags.group(2) or "", flags.group(3)
    after = index + 2 + flags.end()
    if "U" in on + off:
        raise unknowable()  # RE2's ungreedy flag; Python's (?U) means something else
    if end == ")":
        if not at_start:
            raise unknowable()  # a flag change in the middle of a pattern applies to its rest in RE2
        return (f"(?{on})" if on else ""), after, on  # flags start off: turning one off changes nothing
    if "m" in on and "$" in pattern:
        raise unknowable()  # $ inside a multi-line group only
    return f"(?{on}{'-' + off if off else ''}:", after, ""


def go_matches(compiled: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Successive non-overlapping matches as Go finds them: an empty match next to the previous one is skipped."""
    matches: list[re.Match[str]] = []
    position, previous_end = 0, -1
    while position <= len(text):
        match = compiled.search(text, position)
        if match is None:
            break
        accept = True
        if match.end() == position:
            if match.start() == previous_end:
                accept = False
            position += 1
        else:
            position = match.end()
        previous_end = match.end()
        if accept:
            matches.append(match)
    return matches


def expand(template: str, match: re.Match[str]) -> str:
    """Go's ``Regexp.Expand``: ``$1``, ``${1}``, ``$name``, ``${name}`` and ``$$`` in a replacement."""
    out: list[str] = []
    index = 0
    groups = match.re.groupindex
    while index < len(template):
        char = template[index]
        if char != "$":
            out.append(char)
            index += 1
            continue
        if template.startswith("$$", index):
            out.append("$")
            index += 2
            continue
        braced = re.match(r"\{([A-Za-z0-9_]+)\}", template[index + 1 :])
        plain = re.match(r"[A-Za-z0-9_]+", template[index + 1 :])
        found = braced or plain
        if found is None:
            out.append("$")  # malformed: a literal dollar sign
            index += 1
            continue
        name = found.group(1) if braced else found.group(0)
        index += 1 + found.end()
        if name.isdigit():
            number = int(name)
            if number <= (match.re.groups or 0):
                out.append(match.group(number) or "")
        elif name in groups:
            out.append(match.group(name) or "")
    return "".join(out)
