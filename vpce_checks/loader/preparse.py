"""The parse phase: parse the files of a module before it is evaluated, only what can matter.

Every native-syntax file of the module is split into its top-level blocks by
:mod:`vpce_checks.loader.prefilter`, the module-wide selection chooses the blocks that can matter,
and each file is parsed once by python-hcl2 with the other blocks blanked out (their lines kept,
so every line stays where it is in the file). The trees are handed to
:func:`vpce_checks.loader.syntax.read_file`, which the module loader calls as before; a file this
phase did not prepare (JSON, unreadable, not UTF-8, over the size limit) is read there. An
override file is parsed whole: each of its blocks is merged, or reported when it matches nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from lark import Tree
from lark.tree import ParseTree

from vpce_checks.loader import inputs, syntax
from vpce_checks.loader.files import configuration_files, is_json_file, is_override_file
from vpce_checks.loader.options import Limits
from vpce_checks.loader.prefilter import FileBlocks, TopBlock, references, select_blocks, split_blocks
from vpce_checks.loader.syntax import ParseError, Preparsed


@dataclass(frozen=True)
class Settings:
    """How to parse: the limits, and the resource types the rules read."""

    limits: Limits
    relevant_types: frozenset[str]


@dataclass
class _File:
    """One file of a module as the scanner sees it, before anything is parsed."""

    path: str
    text: str | None = None
    """None for a file left to the loader (JSON, unreadable, not UTF-8, over the size limit)."""
    blocks: list[TopBlock] = field(default_factory=list)
    block_references: list[set[tuple[str, str]]] = field(default_factory=list)
    other_references: set[tuple[str, str]] = field(default_factory=set)
    """References of text read whole (JSON, or a file the scanner cannot split)."""
    ready: Preparsed | None = None
    """The result when it needs no selection: the file read whole, or its error."""


def preparse(directories: Sequence[str], settings: Settings) -> None:
    """Parse the Terraform files of ``directories`` and provide the results to ``read_file``.

    A directory or file that cannot be listed or read is left alone: the loader reports it.
    """
    syntax.set_limits(settings.limits)
    for directory in directories:
        syntax.mark_prepared(directory)
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        inputs.listed(directory, names)
        chosen = configuration_files(names)
        files = [_scan(os.path.join(directory, name), settings.limits) for name in [*chosen.primary, *chosen.overrides]]
        for file, provided in _parsed(files, settings.relevant_types):
            syntax.provide(file.path, provided)


def _parsed(files: list[_File], relevant_types: Iterable[str]) -> list[tuple[_File, Preparsed]]:
    """Each file's result; a file whose kept blocks do not parse is read whole, and the selection redone.

    A file read whole refers to resources from blocks the selection had left out, so what it refers
    to in the other files is kept as well (each round reads at least one more file whole).
    """
    while True:
        wanted = _selection(files, relevant_types)
        results: list[tuple[_File, Preparsed]] = []
        fell_back = False
        for file in files:
            if file.ready is None and file.text is not None:
                result = _parse(file, wanted[file.path])
                if result is None:
                    file.other_references = references(file.text)
                    file.blocks, file.block_references = [], []
                    file.ready = _whole(file.text, file.path)
                    fell_back = True
                    continue
                results.append((file, result))
            elif file.ready is not None:
                results.append((file, file.ready))
        if not fell_back:
            return results


def _selection(files: list[_File], relevant_types: Iterable[str]) -> dict[str, list[int]]:
    """The blocks to parse for one module's files (see :func:`select_blocks`)."""
    found = {file.path: FileBlocks(file.blocks, file.block_references, file.other_references) for file in files}
    return select_blocks(found, relevant_types)


def _read(path: str, limits: Limits) -> bytes | None:
    """The file's bytes, or None when the loader's own reading should report on it."""
    try:
        if os.stat(path).st_size > limits.max_file_bytes:
            return None
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError:
        return None
    inputs.file_read(path, content)
    return content


def _scan(path: str, limits: Limits) -> _File:
    """Read and split one file; a file that cannot be split is parsed whole here."""
    content = _read(path, limits)
    if content is None:
        return _File(path)
    try:
        text = syntax.decoded(content, json=is_json_file(path))
    except UnicodeDecodeError:
        return _File(path)
    if is_json_file(path):
        return _File(path, other_references=references(text))
    if is_override_file(os.path.basename(path)):
        # Every override block is merged or reported as matching nothing, whatever its type.
        return _File(path, other_references=references(text), ready=_whole(text, path))
    split = split_blocks(text, limits.max_nesting)
    if split.too_deep is not None:
        return _File(path, ready=Preparsed(error=(syntax.too_deep_message(), split.too_deep.line)))
    if not split.confident:
        return _File(path, other_references=references(text), ready=_whole(text, path))
    block_references = [references(text[block.start : block.end]) for block in split.blocks]
    return _File(path, text, split.blocks, block_references)


def _parse(file: _File, indices: list[int]) -> Preparsed | None:
    """The kept blocks of a split file as one tree, parsed in one go with the others blanked out.

    None when that text does not parse, or does not give the blocks the scanner found: the file
    is then read by :func:`vpce_checks.loader.syntax.parse_blocks`, as without this phase, so that
    the blocks left out and the problems reported are the same.
    """
    assert file.text is not None
    text = file.text
    kept = set(indices)
    parts: list[str] = []
    position = 0
    for index, block in enumerate(file.blocks):
        parts.append(text[position : block.start])
        piece = text[block.start : block.end]
        parts.append(piece if index in kept else "\n" * piece.count("\n"))
        position = block.end
    parts.append(text[position:])
    try:
        document = syntax.parse_hcl("".join(parts), file.path)
    except ParseError:
        return None
    body = syntax.subtree(document, 0)
    found = [child for child in body.children if isinstance(child, Tree) and child.data == "block"]
    lines = [file.blocks[index].line for index in indices]
    if [_first_line(block) for block in found] != lines:
        return None  # the scanner misjudged: trust the parser
    return Preparsed(tree=document)


def _first_line(tree: ParseTree) -> int:
    return int(tree.meta.line) if not tree.meta.empty else 0


def _whole(text: str, path: str) -> Preparsed:
    """A file parsed whole (its blocks recovered one by one when it has syntax errors), or its error."""
    try:
        tree, skipped = syntax.parse_blocks(text, path)
    except ParseError as error:
        return Preparsed(error=(error.problem.message, error.problem.location.start_line))
    left_out = tuple(
        (part.problem.message, part.problem.location.start_line, None if part.header is None else list(part.header))
        for part in skipped
    )
    return Preparsed(tree=tree, skipped=left_out)
