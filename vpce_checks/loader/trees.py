"""python-hcl2 parse trees: lines moved for a block parsed apart from its file, and a plain form.

A block parsed alone (see :func:`vpce_checks.loader.syntax.parse_blocks`) has lines that count from
its own first line; :func:`shift_lines` moves them to where the block is in the file. The loader
reads only the lines of blocks and attributes (:data:`POSITIONED`). :func:`encode` gives a tree's
plain form, for comparing trees.
"""

from __future__ import annotations

from typing import Any

from lark import Token
from lark.tree import ParseTree

POSITIONED = frozenset({"block", "attribute"})
"""The rules whose lines the loader reads."""

Encoded = list[Any]
"""A tree as ``[rule, line, end_line, [children...]]`` (lines of :data:`POSITIONED` rules only), a token
as ``[type, text]``."""


def shift_lines(node: ParseTree, offset: int) -> ParseTree:
    """``node`` with every line of it and below moved down by ``offset``, in place."""
    if offset:
        for subtree in node.iter_subtrees():
            meta = subtree.meta
            if not meta.empty:
                meta.line += offset
                meta.end_line += offset
    return node


def encode(node: ParseTree) -> Encoded:
    """The plain form of a parse tree, without the newlines and comments between elements."""
    children = [
        [child.type, str(child)] if isinstance(child, Token) else encode(child)
        for child in node.children
        if isinstance(child, Token) or child.data != "new_line_or_comment"
    ]
    meta = node.meta
    if meta.empty or node.data not in POSITIONED:
        return [str(node.data), 0, 0, children]
    return [str(node.data), meta.line, meta.end_line, children]
