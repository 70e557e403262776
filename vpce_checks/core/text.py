"""Terraform text that both front ends read: where a ``${...}`` interpolation ends."""

from __future__ import annotations


def interpolation_end(text: str, start: int) -> int | None:
    """The index just past the ``}`` that closes an interpolation whose body starts at ``start``.

    Braces inside the body nest, and those inside quoted strings do not count. None when the
    interpolation is not closed.
    """
    depth, index, quoted = 1, start, False
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return None
