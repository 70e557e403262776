"""Characters as Terraform counts them: grapheme clusters, and Go's case and space rules.

Terraform measures strings (``length``, ``substr``, ``strrev``, ``format`` widths) in grapheme
clusters. The standard library has no segmentation, so :func:`clusters` handles text in which
every code point stands alone (all text in real configurations) and raises :class:`Unknowable`
for text with combining marks, joiners, regional indicators or Hangul jamo, whose clustering it
would have to guess.
"""

from __future__ import annotations

import unicodedata

from vpce_checks.loader.conversions import nfc, unknowable

_JOINING_CATEGORIES = frozenset({"Mn", "Mc", "Me", "Cf", "Cs"})
_JOINING_RANGES = (
    (0x1100, 0x11FF),  # Hangul jamo
    (0xA960, 0xA97F),
    (0xD7B0, 0xD7FF),
    (0x1F1E6, 0x1F1FF),  # regional indicators (flags)
    (0x1F3FB, 0x1F3FF),  # emoji skin tone modifiers
    (0xFF9E, 0xFF9F),  # halfwidth katakana sound marks
    (0x0E33, 0x0E33),  # Thai and Lao spacing marks written as letters
    (0x0EB3, 0x0EB3),
)


def _joins(char: str) -> bool:
    code = ord(char)
    if code < 0x300:
        return False
    if unicodedata.category(char) in _JOINING_CATEGORIES:
        return True
    return any(low <= code <= high for low, high in _JOINING_RANGES)


def clusters(text: str) -> list[str]:
    """The grapheme clusters of (NFC-normalized) text; Unknowable when they cannot be told apart."""
    text = nfc(text)
    if text.isascii():
        if "\r\n" not in text:
            return list(text)
    elif any(_joins(char) for char in text):
        raise unknowable()
    result: list[str] = []
    for char in text:
        if char == "\n" and result and result[-1] == "\r":
            result[-1] = "\r\n"
        else:
            result.append(char)
    return result


def simple_case(text: str, upper: bool) -> str:
    """Go's per-character case mapping; Unknowable where it differs from Python's full mapping."""
    result = []
    for char in nfc(text):
        mapped = char.upper() if upper else char.lower()
        if len(mapped) != 1:
            raise unknowable()  # "ß", "İ": Go keeps or maps them to one character
        result.append(mapped)
    return "".join(result)


GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
"""The characters Go's ``unicode.IsSpace`` accepts (Python's ``str.isspace`` also takes ``\\x1c``-``\\x1f``)."""


def title(text: str) -> str:
    """Go's ``strings.Title``: the first letter after every separator in title case."""
    result = []
    previous = " "
    for char in nfc(text):
        if _is_separator(previous):
            mapped = char.title()
            if len(mapped) != 1:
                raise unknowable()
            result.append(mapped)
        else:
            result.append(char)
        previous = char
    return "".join(result)


def _is_separator(char: str) -> bool:
    if char.isascii():
        return not (char.isalnum() or char == "_")
    if char.isalpha() or unicodedata.category(char) == "Nd":
        return False
    return char in GO_SPACE
