"""Splitting Terraform text into its top-level blocks cheaply, and choosing which ones to parse.

python-hcl2 parses about 0.13 MB/s, and most blocks of a real configuration (IAM roles and their
policies, buckets, functions) cannot change what a rule sees. This scanner finds where each
top-level block starts and ends without parsing it: it knows quoted strings with ``${ }`` and
``%{ }`` templates, heredocs (``<<EOF``, ``<<-EOF``), the three comment forms and brackets. When
it meets anything it does not understand with certainty (an attribute at the top level, two
blocks on one line, an unclosed string) it gives up, and the caller parses the whole file, so
python-hcl2 stays the judge of what is valid.

:func:`select_blocks` then keeps, for a whole module, every block that can matter: all blocks
other than ``resource``, resources of the types the rules read, and (to a fixpoint) every
resource that a kept block refers to by ``TYPE.NAME``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

_HEADER = re.compile(r'([A-Za-z_][\w-]*)((?:[ \t]+(?:"[^"\\\n$%]*"|[A-Za-z_][\w-]*))*)[ \t]*\{')
_LABEL = re.compile(r'"([^"]*)"|([A-Za-z_][\w-]*)')
_BETWEEN_BLOCKS = re.compile(r"(?:\s+|#[^\n]*|//[^\n]*|/\*.*?\*/)*", re.S)
_AFTER_BLOCK = re.compile(r"[ \t\r]*(?:(?:#|//)[^\n]*)?(?:\n|\Z)")
_EXPRESSION = re.compile(r'"|\{|\}|\(|\)|\[|\]|#|//|/\*|<<-?[ \t]*([A-Za-z_][\w-]*)[ \t]*\r?\n')
_STRING = re.compile(r'\\.|\$\$\{|%%\{|\$\{|%\{|"|\n', re.S)
_REFERENCE = re.compile(r"(?<![\w.-])([A-Za-z][A-Za-z0-9]*_[\w-]*)\.([A-Za-z_][\w-]*)")
_CLOSING = {"{": "}", "(": ")", "[": "]", "${": "}"}


@dataclass(frozen=True)
class TopBlock:
    """One top-level block as the scanner found it: header, span and where it starts."""

    type: str
    labels: tuple[str, ...]
    start: int
    """Offset of the block's first character in the text."""
    end: int
    """Offset just past its closing brace."""
    line: int
    """Line (1-based) of its first character."""

    @property
    def header(self) -> tuple[str, ...]:
        """``(type, *labels)``."""
        return (self.type, *self.labels)

    @property
    def key(self) -> tuple[str, str] | None:
        """``(type, name)`` for a resource block, else None."""
        if self.type == "resource" and len(self.labels) == 2:
            return (self.labels[0], self.labels[1])
        return None


@dataclass(frozen=True)
class TooDeep:
    """The text nests brackets deeper than the limit; ``line`` is where it first does."""

    line: int


@dataclass
class Split:
    """The result of scanning one file: its blocks, or why it must be parsed whole."""

    blocks: list[TopBlock] = field(default_factory=list)
    confident: bool = True
    too_deep: TooDeep | None = None


def split_blocks(text: str, max_depth: int) -> Split:
    """The top-level blocks of HCL ``text``; ``confident=False`` when it cannot be split for sure.

    Brackets nested deeper than ``max_depth`` are reported in ``too_deep``.
    """
    blocks: list[TopBlock] = []
    position, line = 0, 1
    length = len(text)
    while True:
        gap = _BETWEEN_BLOCKS.match(text, position)
        assert gap is not None  # the pattern matches the empty string
        line += text.count("\n", position, gap.end())
        position = gap.end()
        if position >= length:
            return Split(blocks)
        header = _HEADER.match(text, position)
        if header is None:
            return Split(blocks, confident=False)
        labels = tuple(quoted or bare for quoted, bare in _LABEL.findall(header.group(2)))
        end = _block_end(text, header.end(), max_depth)
        if isinstance(end, TooDeep):
            return Split(blocks, confident=False, too_deep=end)
        if end is None:
            return Split(blocks, confident=False)
        after = _AFTER_BLOCK.match(text, end)
        if after is None:
            return Split(blocks, confident=False)
        blocks.append(TopBlock(header.group(1), labels, position, end, line))
        line += text.count("\n", position, after.end())
        position = after.end()


def _block_end(text: str, position: int, max_depth: int) -> int | TooDeep | None:
    """The offset just past the ``}`` closing a block whose body starts at ``position``.

    None when the text ends first or holds something the scanner does not trust; a
    :class:`TooDeep` when nesting passes ``max_depth``.
    """
    stack = ["{"]
    while stack:
        if stack[-1] == '"':
            match = _STRING.search(text, position)
            if match is None:
                return None
            token = match.group()
            position = match.end()
            if token == '"':
                stack.pop()
            elif token in ("${", "%{"):
                stack.append("${")
            elif token == "\n":
                return None  # a quoted string cannot span lines: let the parser say so
            continue
        match = _EXPRESSION.search(text, position)
        if match is None:
            return None
        token = match.group()
        position = match.end()
        if token == '"':
            stack.append('"')
        elif token in ("{", "(", "["):
            stack.append(token)
            if len(stack) > max_depth:
                return TooDeep(text.count("\n", 0, position) + 1)
        elif token in ("}", ")", "]"):
            if _CLOSING[stack.pop()] != token:
                return None
        elif token in ("#", "//"):
            newline = text.find("\n", position)
            position = len(text) if newline < 0 else newline
        elif token == "/*":
            close = text.find("*/", position)
            if close < 0:
                return None
            position = close + 2
        elif match.group(1):
            terminator = re.compile(rf"^[ \t]*{re.escape(match.group(1))}[ \t]*\r?$", re.M)
            found = terminator.search(text, position)
            if found is None:
                return None
            position = found.end()
    return position


def references(text: str) -> set[tuple[str, str]]:
    """Every ``TYPE.NAME`` in ``text`` whose TYPE has the ``provider_kind`` shape of a resource type.

    A superset of the resource references the text can make (every resource type has a provider
    prefix and an underscore); ``var.x``, ``local.y`` or ``lambda.amazonaws`` in a policy are not.
    """
    return set(_REFERENCE.findall(text))


@dataclass
class FileBlocks:
    """What the module-wide selection needs to know about one file."""

    blocks: list[TopBlock]
    block_references: list[set[tuple[str, str]]]
    """The references each block's text makes (same order as ``blocks``)."""
    other_references: set[tuple[str, str]] = field(default_factory=set)
    """References made by parts that are always read whole (a ``.tf.json`` file, an unsplit file)."""


def select_blocks(files: Mapping[str, FileBlocks], relevant_types: Iterable[str]) -> dict[str, list[int]]:
    """For each file of one module, the indices of the blocks to parse.

    Kept: every block that is not a resource, resources of ``relevant_types``, every copy of a
    resource declared twice (so the duplicate is still reported), and every resource referred to
    from a kept block, to a fixpoint. A reference to an undeclared name of a declared type keeps
    the first block of that type, so the type stays known as it would in a full parse.
    """
    relevant = set(relevant_types)
    declared: dict[tuple[str, str], list[tuple[str, int]]] = {}
    first_of_type: dict[str, tuple[str, int]] = {}
    kept: dict[str, set[int]] = {path: set() for path in files}
    pending: list[set[tuple[str, str]]] = []
    for path, info in files.items():
        pending.append(info.other_references)
        for index, block in enumerate(info.blocks):
            key = block.key
            if key is None or key[0] in relevant:
                kept[path].add(index)
                pending.append(info.block_references[index])
            if key is not None:
                declared.setdefault(key, []).append((path, index))
                first_of_type.setdefault(key[0], (path, index))
    for places in declared.values():
        if len(places) > 1:
            for path, index in places:
                if index not in kept[path]:
                    kept[path].add(index)
                    pending.append(files[path].block_references[index])
    seen: set[tuple[str, str]] = set()
    while pending:
        for reference in pending.pop():
            if reference in seen:
                continue
            seen.add(reference)
            place = first_of_type.get(reference[0])
            for path, index in declared.get(reference, [place] if place is not None else []):
                if index not in kept[path]:
                    kept[path].add(index)
                    pending.append(files[path].block_references[index])
    return {path: sorted(indices) for path, indices in kept.items()}
