"""python-hcl2 parse trees as plain JSON data, for the parse cache and for passing between processes.

A tree becomes ``[rule, line, end_line, [children...]]`` and a token ``[type, text]``. Of the
positions, only the lines of blocks and attributes are kept (0 elsewhere): they are all the
loader reads, and leaving out the rest makes decoding a cached tree faster. For the same reason,
newlines and comments between elements (``new_line_or_comment``), which the loader skips, are
left out. Plain data cannot run code
when it is loaded, unlike a pickle read from a cache directory another user might write to.
"""

from __future__ import annotations

from typing import Any

from lark import Token, Tree
from lark.tree import Meta, ParseTree

POSITIONED = frozenset({"block", "attribute"})
"""The rules whose lines the loader reads."""

Encoded = list[Any]
"""A tree or token in the JSON form described above."""


class MalformedTree(ValueError):
    """Encoded data that is not a tree this module wrote (a corrupt cache entry)."""


def encode(node: ParseTree, line_offset: int = 0) -> Encoded:
    """The JSON form of a parse tree, with every line moved down by ``line_offset``."""
    children = [
        [child.type, str(child)] if isinstance(child, Token) else encode(child, line_offset)
        for child in node.children
        if isinstance(child, Token) or child.data != "new_line_or_comment"
    ]
    meta = node.meta
    if meta.empty or node.data not in POSITIONED:
        return [str(node.data), 0, 0, children]
    return [str(node.data), meta.line + line_offset, meta.end_line + line_offset, children]


def decode(data: Encoded) -> ParseTree:
    """The parse tree an :func:`encode` result stands for. Raises :class:`MalformedTree`."""
    try:
        rule, line, end_line, encoded_children = data
        children = [
            Token(str(child[0]), str(child[1])) if len(child) == 2 else decode(child) for child in encoded_children
        ]
        if not line:
            return Tree(str(rule), children)
        meta = Meta()  # type: ignore[no-untyped-call]
        meta.line, meta.end_line, meta.empty = int(line), int(end_line), False
        return Tree(str(rule), children, meta)
    except (TypeError, ValueError) as error:
        raise MalformedTree(str(error)) from error
