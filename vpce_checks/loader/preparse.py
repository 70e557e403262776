"""The parse phase: parse the files of a module before it is evaluated, fast.

Every native-syntax file of the module is split into its top-level blocks by
:mod:`vpce_checks.loader.prefilter`, and only the blocks that can matter are handed to
python-hcl2, each parsed alone with its lines moved back to where they are in the file; results
are kept in a :class:`ParseCache` by content. They are handed to
:func:`vpce_checks.loader.syntax.read_file`, which the module loader calls as before; a file
this phase did not prepare is parsed whole there.

Two passes per file: the first splits it and parses what is always kept (every block except
resources of types no rule reads); the module-wide selection then adds the resources that kept
blocks refer to, and a second pass parses those.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from lark import Tree

from vpce_checks.loader import syntax, trees
from vpce_checks.loader.cache import ParseCache
from vpce_checks.loader.files import configuration_files, is_json_file
from vpce_checks.loader.prefilter import FileBlocks, TopBlock, references, select_blocks, split_blocks
from vpce_checks.loader.syntax import Limits, ParseError, Preparsed

Entry = dict[str, Any]
"""A file's parse results in the cache's JSON form (see :func:`_first_pass`)."""


@dataclass(frozen=True)
class Settings:
    """How to parse: limits, the cache directory (None: no cache), the resource types rules read."""

    limits: Limits
    cache_directory: str | None
    relevant_types: frozenset[str]


def preparse(directories: Sequence[str], settings: Settings) -> None:
    """Parse the Terraform files of ``directories`` and provide the results to ``read_file``.

    A directory or file that cannot be listed or read is left alone: the loader reports it.
    """
    syntax.set_limits(settings.limits)
    modules: list[list[str]] = []
    for directory in directories:
        syntax.mark_prepared(directory)
        try:
            chosen = configuration_files(os.listdir(directory))
        except OSError:
            continue
        modules.append([os.path.join(directory, name) for name in [*chosen.primary, *chosen.overrides]])
    paths = [path for files in modules for path in files]
    if not paths:
        return
    first = {path: _first_pass(path, settings) for path in paths}
    wanted: dict[str, list[int]] = {}
    for files in modules:
        wanted.update(_selection({path: first[path] for path in files}, settings.relevant_types))
    for path, indices in wanted.items():
        if any(str(index) not in first[path]["parsed"] for index in indices):
            first[path] = _second_pass(path, first[path], indices, settings)
    for path, entry in first.items():
        provided = _provided(entry, wanted.get(path, []))
        if provided is not None:
            syntax.provide(path, provided)


def _selection(entries: dict[str, Entry], relevant_types: Iterable[str]) -> dict[str, list[int]]:
    """The blocks to parse for one module's files (see :func:`select_blocks`)."""
    files = {}
    for path, entry in entries.items():
        blocks = [TopBlock(kind, tuple(labels), start, end, line) for kind, labels, start, end, line in entry["blocks"]]
        block_references = [{(first, second) for first, second in found} for found in entry["references"]]
        other = {(first, second) for first, second in entry["other_references"]}
        files[path] = FileBlocks(blocks, block_references, other)
    return select_blocks(files, relevant_types)


def _provided(entry: Entry, indices: list[int]) -> Preparsed | None:
    """What ``read_file`` gets for a file: its kept blocks as one document, or its error."""
    if entry.get("error"):
        message, line = entry["error"]
        return Preparsed(error=(message, line))
    if entry.get("full"):
        skipped = tuple((message, line, header) for message, line, header in entry.get("skipped", []))
        return Preparsed(tree=entry["full"], skipped=skipped)
    if entry.get("unprepared"):
        return None
    blocks = [entry["parsed"][str(index)] for index in indices]
    return Preparsed(tree=["start", 0, 0, [["body", 0, 0, blocks]]])


def _empty(unprepared: bool = False, other_references: Iterable[Any] = ()) -> Entry:
    return {
        "blocks": [],
        "references": [],
        "other_references": sorted(other_references),
        "parsed": {},
        "unprepared": unprepared,
    }


def _read(path: str, limits: Limits) -> bytes | None:
    """The file's bytes, or None when the loader's own reading should report on it."""
    try:
        if os.stat(path).st_size > limits.max_file_bytes:
            return None
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _first_pass(path: str, settings: Settings) -> Entry:
    """Split one file and parse the blocks that are always kept; from the cache when possible.

    An entry has ``blocks`` (type, labels, start, end, line), ``references`` per block,
    ``other_references`` (from text read whole), ``parsed`` (block index -> encoded tree), or
    ``full`` (the whole file's tree) or ``error`` (message, line), or ``unprepared`` for a file
    the loader reads itself (JSON, unreadable, not UTF-8, over the size limit).
    """
    content = _read(path, settings.limits)
    if content is None:
        return _empty(unprepared=True)
    try:
        text = _text_of(content)
    except UnicodeDecodeError:
        return _empty(unprepared=True)
    if is_json_file(path):
        return _empty(unprepared=True, other_references=references(text))
    cache = ParseCache(settings.cache_directory)
    key = cache.key(content, f"nesting={settings.limits.max_nesting}")
    entry = cache.get(key)
    if entry is not None and _well_formed(entry):
        return entry
    entry = _split(text, path)
    always = [
        index
        for index, (kind, labels, *_) in enumerate(entry["blocks"])
        if kind != "resource" or len(labels) != 2 or labels[0] in settings.relevant_types
    ]
    entry = _parse_blocks(entry, text, path, always)
    cache.put(key, entry)
    entry["key"] = key
    return entry


def _second_pass(path: str, entry: Entry, indices: list[int], settings: Settings) -> Entry:
    """Parse the blocks of ``indices`` not parsed yet, and update the cache entry."""
    content = _read(path, settings.limits)
    cache = ParseCache(settings.cache_directory)
    key = entry.get("key")
    if content is None or key != cache.key(content, f"nesting={settings.limits.max_nesting}"):
        return _empty(unprepared=True)  # the file changed under us: let the loader read it afresh
    entry = _parse_blocks(entry, _text_of(content), path, indices)
    cache.put(key, entry)
    return entry


def _text_of(content: bytes) -> str:
    """The text as the loader reads it. Raises UnicodeDecodeError.

    ``open`` in text mode turns CRLF and CR into LF, and a leading byte order mark is dropped
    (:func:`vpce_checks.loader.syntax.without_byte_order_mark`).
    """
    return syntax.without_byte_order_mark(content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"))


def _split(text: str, path: str) -> Entry:
    split = split_blocks(text, syntax.limits.max_nesting)
    if split.too_deep is not None:
        return {**_empty(), "error": [syntax.too_deep_message(), split.too_deep.line]}
    if not split.confident:
        return _whole_file(text, path)
    entry = _empty()
    for block in split.blocks:
        entry["blocks"].append([block.type, list(block.labels), block.start, block.end, block.line])
        entry["references"].append(sorted(references(text[block.start : block.end])))
    return entry


def _parse_blocks(entry: Entry, text: str, path: str, indices: list[int]) -> Entry:
    """``entry`` with the blocks of ``indices`` parsed; the whole file when one of them fails.

    A block that does not parse alone sends the file to :func:`vpce_checks.loader.syntax.parse_blocks`,
    as without this phase, so that the blocks left out and the problems reported are the same.
    """
    if entry.get("full") or entry.get("error"):
        return entry
    parsed = dict(entry["parsed"])
    for index in indices:
        if str(index) in parsed:
            continue
        _, _, start, end, line = entry["blocks"][index]
        try:
            document = syntax.parse_hcl(text[start:end] + "\n", path)
        except ParseError:
            return _whole_file(text, path)
        found = [child for child in syntax.subtree(document, 0).children if isinstance(child, Tree)]
        blocks = [child for child in found if child.data == "block"]
        if len(blocks) != 1:
            return _whole_file(text, path)  # the scanner misjudged: trust the parser
        block = blocks[0]
        parsed[str(index)] = trees.encode(block, line - 1)
    return {**entry, "parsed": parsed}


def _whole_file(text: str, path: str) -> Entry:
    """The entry of a file parsed whole; the resources its text refers to are kept in other files."""
    return {**_empty(other_references=references(text)), **_parse_whole(text, path)}


def _parse_whole(text: str, path: str) -> Entry:
    try:
        tree, skipped = syntax.parse_blocks(text, path)
    except ParseError as error:
        return {"error": [error.problem.message, error.problem.location.start_line]}
    left_out = [
        [part.problem.message, part.problem.location.start_line, None if part.header is None else list(part.header)]
        for part in skipped
    ]
    return {"full": trees.encode(tree), "skipped": left_out}


def _well_formed(entry: Entry) -> bool:
    """True when a cache entry has the shape this module writes (the checksum guards the bytes)."""
    return (
        isinstance(entry.get("blocks"), list)
        and isinstance(entry.get("references"), list)
        and isinstance(entry.get("parsed"), dict)
        and len(entry["blocks"]) == len(entry["references"])
    )
