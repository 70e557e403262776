"""Reading Terraform files (native HCL and JSON syntax) into blocks of unevaluated expressions.

Native files are parsed by python-hcl2 into its Lark parse tree; expressions stay as subtrees and
are evaluated later by :mod:`vpce_checks.loader.evaluate`. JSON files give the same shapes, their
string templates parsed by python-hcl2 too. Text goes through :mod:`vpce_checks.loader.compat`
first, so that what Terraform accepts and python-hcl2 does not is read too, and a file with a
syntax error loses only the top-level blocks that hold one (:func:`parse_blocks`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Union

import hcl2
from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.tree import ParseTree

from vpce_checks.core.model import Location, Problem
from vpce_checks.loader import compat, inputs, trees
from vpce_checks.loader.files import is_json_file
from vpce_checks.loader.options import Limits
from vpce_checks.loader.prefilter import TopBlock, split_blocks


@dataclass(frozen=True)
class JsonValue:
    """A value written in JSON syntax: strings in it are templates, the rest literal."""

    value: Any


Expression = Union[ParseTree, JsonValue]  # noqa: UP007
"""An unevaluated expression: a python-hcl2 parse tree, or a value from a ``.tf.json`` file."""


@dataclass
class Body:
    """The inside of a block: its attributes (with lines) and nested blocks, in order."""

    attributes: dict[str, Expression] = field(default_factory=dict)
    attribute_lines: dict[str, int] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Block:
    """A block such as ``resource "aws_vpc_endpoint" "s3" { … }``."""

    type: str
    labels: list[str]
    body: Body
    location: Location
    overrides: list[Location] = field(default_factory=list)
    """Where the override-file blocks merged into this one are written (see :mod:`.overrides`)."""


@dataclass(frozen=True)
class Skipped:
    """A part of a file left out for a syntax error: the problem, and the block's header if known."""

    problem: Problem
    header: tuple[str, ...] | None
    """``(type, *labels)`` of the block; None for the rest of a file the scanner could not split."""


class ParseError(Exception):
    """A file that is not valid Terraform, with the line where reading stopped.

    When only some top-level blocks of a file hold errors, ``blocks`` are the file's other blocks,
    read as usual, and ``skipped`` says what was left out (``problem`` is the first problem).
    """

    def __init__(self, problem: Problem, blocks: list[Block] | None = None, skipped: list[Skipped] | None = None):
        super().__init__(problem.message)
        self.problem = problem
        self.blocks: list[Block] = blocks or []
        self.skipped: list[Skipped] = skipped or []

    @property
    def problems(self) -> list[Problem]:
        """Every problem of the file: one per part left out, or the one that makes it unreadable."""
        return [part.problem for part in self.skipped] or [self.problem]


limits = Limits()
"""The limits in force; the command line replaces them (:func:`set_limits`)."""


def set_limits(new: Limits) -> None:
    """Use ``new`` for every file read from now on."""
    global limits
    limits = new


@dataclass(frozen=True)
class Preparsed:
    """A file parsed ahead of time (see :mod:`vpce_checks.loader.preparse`): a tree or an error."""

    tree: ParseTree | None = None
    error: tuple[str, int] | None = None
    """The message and line of the problem that makes the file unreadable."""
    skipped: tuple[tuple[str, int, list[str] | None], ...] = ()
    """Message, line and header (see :class:`Skipped`) of each part left out of ``tree``."""


_preparsed: dict[str, Preparsed] = {}
_preparer: Callable[[str], None] | None = None
_prepared_directories: set[str] = set()


def provide(path: str, result: Preparsed) -> None:
    """Hand :func:`read_file` the result for ``path``, used (once) instead of parsing it again."""
    _preparsed[_store_key(path)] = result


def prepare_on_demand(preparer: Callable[[str], None] | None) -> None:
    """Have ``preparer(directory)`` provide results when a file of a directory not prepared is read.

    This is how a module loaded through another one (a local module call) gets the parse phase
    too; each directory is prepared at most once until :func:`forget_provided`.
    """
    global _preparer
    _preparer = preparer


def mark_prepared(directory: str) -> None:
    """Note that ``directory`` has been through the parse phase (so it is not prepared again)."""
    _prepared_directories.add(_store_key(directory))


def forget_provided() -> None:
    """Drop every result :func:`provide` gave that no :func:`read_file` has used."""
    _preparsed.clear()
    _prepared_directories.clear()


def _provided(path: str) -> Preparsed | None:
    key = _store_key(path)
    directory = os.path.dirname(key)
    if key not in _preparsed and _preparer is not None and directory not in _prepared_directories:
        mark_prepared(directory)
        _preparer(directory)
    return _preparsed.pop(key, None)


def _store_key(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def read_file(path: str, display: str) -> list[Block]:
    """The top-level blocks of one configuration file (``.tf``, ``.tofu``, ``.tf.json``, ``.tofu.json``).

    ``display`` is the file's name as findings show it. Raises :class:`ParseError`; when some
    top-level blocks could be read, the error holds them (``blocks``) and what was left out
    (``skipped``, a problem each).
    """
    provided = _provided(path)
    if provided is not None:
        if provided.error is not None:
            message, line = provided.error
            raise ParseError(Problem(message, Location(display, line, line)))
        assert provided.tree is not None
        skipped = [
            Skipped(Problem(message, Location(display, line, line)), None if header is None else tuple(header))
            for message, line, header in provided.skipped
        ]
        return _complete(_hcl_blocks(provided.tree, display), skipped)
    text = _read_text(path, display)
    if is_json_file(path):
        return _json_blocks(text, display)
    tree, skipped = parse_blocks(text, display)
    return _complete(_hcl_blocks(tree, display), skipped)


def _complete(blocks: list[Block], skipped: list[Skipped]) -> list[Block]:
    """``blocks`` when nothing was left out, else the :class:`ParseError` that carries them."""
    if skipped:
        raise ParseError(skipped[0].problem, blocks, skipped)
    return blocks


def read_attributes(path: str, display: str) -> Body:
    """The attributes of a ``.tfvars`` or ``.tfvars.json`` file. Raises :class:`ParseError`."""
    text = _read_text(path, display)
    if path.endswith(".json"):
        data = _load_json_object(text, display)
        return Body(attributes={key: JsonValue(value) for key, value in data.items()})
    return _hcl_body(subtree(parse_hcl(text, display), 0), display)


def _read_text(path: str, display: str) -> str:
    content = read_content(path, display)
    try:
        return decoded(content, json=path.endswith(".json"))
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise ParseError(Problem("file is not UTF-8 text", Location(display, line, line))) from error


def read_content(path: str, display: str) -> bytes:
    """The bytes of a file, within the size limit. Raises :class:`ParseError`.

    What is read is reported to :mod:`vpce_checks.loader.inputs` (a cached result depends on it).
    """
    try:
        size = os.stat(path).st_size
        if size > limits.max_file_bytes:
            inputs.file_unread(path)
            raise ParseError(Problem(too_large_message(size), Location(display, 1, 1)))
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError as error:
        inputs.file_unread(path)
        raise ParseError(Problem(f"cannot read file: {error.strerror}", Location(display, 1, 1))) from error
    inputs.file_read(path, content)
    return content


def decoded(content: bytes, json: bool = False) -> str:
    """A file's text as Terraform reads it: UTF-8, CRLF and CR read as LF; native syntax without a leading BOM.

    Raises UnicodeDecodeError.
    """
    text = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    return text if json else without_byte_order_mark(text)


def without_byte_order_mark(text: str) -> str:
    """Native-syntax text without the UTF-8 byte order mark it may start with.

    Terraform's HCL parser ignores a leading byte order mark in native syntax (hashicorp/terraform
    pull request 19715); its JSON parser does not (see :func:`_load_json_object`).
    """
    return text[1:] if text.startswith(BYTE_ORDER_MARK) else text


BYTE_ORDER_MARK = "\ufeff"


def too_large_message(size: int) -> str:
    """The message for a file over the size limit."""
    return (
        f"file is {size / 1048576:.1f} MB, larger than the {limits.max_file_bytes / 1048576:g} MB limit;"
        " it was not read (raise --max-file-size to scan it)"
    )


def too_deep_message() -> str:
    """The message for text nested deeper than the limit."""
    return f"brackets nested more than {limits.max_nesting} deep; the file was not read (see --max-nesting)"


Parser = Callable[[str], ParseTree]
"""Turns HCL text into python-hcl2 8's parse tree (raising lark's ``UnexpectedInput`` on bad input)."""


def _python_hcl2(text: str) -> ParseTree:
    tree: ParseTree = hcl2.parses_to_tree(text)
    return tree


_parser: Parser = _python_hcl2
_parser_identity = ""


def use_parser(parser: Parser | None, identity: str = "") -> None:
    """Parse with ``parser`` instead of python-hcl2 itself (None restores python-hcl2).

    Inside checkov's environment ``hcl2`` is checkov's fork, so the checkov adapter installs a
    parser built from python-hcl2 8's own grammar; ``identity`` keeps the results cached from it apart.
    """
    global _parser, _parser_identity
    _parser, _parser_identity = (parser, identity) if parser is not None else (_python_hcl2, "")


def parser_identity() -> str:
    """What names the parser in use in cache keys (empty for python-hcl2 itself)."""
    return _parser_identity


def parse_hcl(text: str, display: str, first_line: int = 1) -> ParseTree:
    """python-hcl2's parse tree of HCL text. Raises :class:`ParseError` with the failing line.

    ``first_line`` is the line of the file on which ``text`` starts: errors name lines of the
    file (the tree's own lines still count from 1).
    """
    prepared = compat.prepare(text)
    try:
        tree = _parser(prepared.text)
    except UnexpectedInput as error:
        line = max(1, min(int(getattr(error, "line", 1) or 1), text.count("\n") + 1)) + first_line - 1
        message = compat.restore_in_message(_syntax_message(error, line), prepared.names)
        raise ParseError(Problem(message, Location(display, line, line))) from error
    except RecursionError as error:
        raise ParseError(Problem("nesting is too deep to parse", Location(display, first_line, first_line))) from error
    compat.restore_names(tree, prepared.names)
    return tree


def parse_blocks(text: str, display: str) -> tuple[ParseTree, list[Skipped]]:
    """The parse tree of a whole file and, when it has syntax errors, what was left out.

    A file that does not parse whole is split into its top-level blocks
    (:func:`vpce_checks.loader.prefilter.split_blocks`), each parsed alone: the blocks that
    parse are kept (lines as in the file), and each one that does not is a problem at the
    line of its error. Raises :class:`ParseError` when nothing can be told apart (the scanner
    cannot delimit a single block, or the text nests too deep).
    """
    try:
        return parse_hcl(text, display), []
    except ParseError as whole:
        failure = whole
    split = split_blocks(text, limits.max_nesting)
    if split.too_deep is not None or not split.blocks:
        raise failure
    kept: list[ParseTree] = []
    failed: list[tuple[Problem, TopBlock | None, int, int]] = []
    parts: list[tuple[int, int, int, TopBlock | None]] = [
        (block.start, block.end, block.line, block) for block in split.blocks
    ]
    if not split.confident:  # the scanner lost its way after the last block: the rest goes as one part
        tail = split.blocks[-1].end
        parts.append((tail, len(text), text.count("\n", 0, tail) + 1, None))
    for start, end, line, block in parts:
        try:
            document = parse_hcl(text[start:end] + "\n", display, first_line=line)
        except ParseError as error:
            first = text.count("\n", 0, len(text) - len(text[start:].lstrip())) + 1
            failed.append((error.problem, block, first, text.rstrip().count("\n", 0, end) + 1))
            continue
        kept.extend(
            trees.shift_lines(child, line - 1)
            for child in subtree(document, 0).children
            if isinstance(child, Tree) and child.data != "new_line_or_comment"
        )
    skipped = [
        Skipped(_left_out(problem, block, (first, last), bool(kept)), None if block is None else block.header)
        for problem, block, first, last in failed
    ]
    return Tree("start", [Tree("body", kept)]), skipped


def _left_out(problem: Problem, block: TopBlock | None, lines: tuple[int, int], others_read: bool) -> Problem:
    """The problem of a part (``lines``) that could not be read, saying what was read instead."""
    if not others_read:
        return problem
    if block is None:
        what = f"the rest of the file (lines {lines[0]}-{lines[1]}) was skipped"
    else:
        header = " ".join([block.type, *(f'"{label}"' for label in block.labels)])
        what = f"block {header} (lines {lines[0]}-{lines[1]}) was skipped"
    message = (
        f"{problem.message}; {what}, the file's other blocks were read, and rules that need the whole"
        " module stay silent"
    )
    return Problem(message, problem.location)


def subtree(node: ParseTree, index: int) -> ParseTree:
    """The child at ``index``, which the grammar guarantees to be a tree."""
    child = node.children[index]
    assert isinstance(child, Tree), f"{node.data}[{index}] is a token"
    return child


def parse_expression(text: str, display: str) -> ParseTree:
    """The parse tree of one expression. Raises :class:`ParseError`."""
    document = parse_hcl(f"x = {text}\n", display)
    return subtree(subtree(subtree(document, 0), 0), 2)


def _syntax_message(error: UnexpectedInput, line: int) -> str:
    where = f"line {line}, column {getattr(error, 'column', '?')}"
    if isinstance(error, UnexpectedEOF):
        return f"invalid HCL: the file ends too early (unclosed block, string or bracket?) at {where}"
    if isinstance(error, UnexpectedToken):
        token = str(error.token).strip().splitlines()[0] if str(error.token).strip() else "end of line"
        return f"invalid HCL: unexpected {token[:40]!r} at {where}"
    if isinstance(error, UnexpectedCharacters):
        return f"invalid HCL: unexpected character {error.char!r} at {where}"
    return f"invalid HCL at {where}"


def _line(tree: ParseTree) -> int:
    return int(getattr(tree.meta, "line", 1)) if not tree.meta.empty else 1


def _end_line(tree: ParseTree) -> int:
    return int(getattr(tree.meta, "end_line", _line(tree))) if not tree.meta.empty else _line(tree)


def _hcl_blocks(tree: ParseTree, display: str) -> list[Block]:
    return _hcl_body(subtree(tree, 0), display).blocks


def _hcl_body(body: ParseTree, display: str) -> Body:
    result = Body()
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name = _name_of(subtree(child, 0))
            result.attributes[name] = subtree(child, 2)
            result.attribute_lines[name] = _line(child)
        elif child.data == "block":
            result.blocks.append(_hcl_block(child, display))
    return result


def _hcl_block(tree: ParseTree, display: str) -> Block:
    labels: list[str] = []
    body: ParseTree | None = None
    for child in tree.children:
        if isinstance(child, Tree):
            if child.data == "body":
                body = child
            elif child.data != "new_line_or_comment":
                labels.append(_name_of(child))
    assert body is not None, "the grammar guarantees a body"
    location = Location(display, _line(tree), _end_line(tree))
    return Block(labels[0], labels[1:], _hcl_body(body, display), location)


def _name_of(tree: ParseTree) -> str:
    """The text of an identifier, keyword or quoted label."""
    if tree.data == "string":
        return "".join(
            str(part.children[0])
            for part in tree.children
            if isinstance(part, Tree) and isinstance(part.children[0], Token)
        )
    token = tree.children[0]
    return str(token) if isinstance(token, Token) else _name_of(token)


# JSON syntax ---------------------------------------------------------------------------------------

# Block types whose JSON shape is {label: {label: body}} per level of labels.
_LABELS = {
    "resource": 2,
    "data": 2,
    "variable": 1,
    "output": 1,
    "module": 1,
    "provider": 1,
    "locals": 0,
    "terraform": 0,
}


def _load_json_object(text: str, display: str) -> dict[str, Any]:
    data = _load_json(text, display)
    if not isinstance(data, dict):
        raise ParseError(Problem("a Terraform JSON file must hold one JSON object", Location(display, 1, 1)))
    return data


def _load_json(text: str, display: str) -> Any:
    if text.startswith(BYTE_ORDER_MARK):
        # HCL's JSON scanner has no byte order mark rule: Terraform stops with "Invalid start of value".
        message = (
            "the file starts with a UTF-8 byte order mark, which Terraform's JSON parser rejects; save it without one"
        )
        raise ParseError(Problem(message, Location(display, 1, 1)))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(
            Problem(f"invalid JSON: {error.msg}", Location(display, error.lineno, error.lineno))
        ) from error
    return data


def _json_blocks(text: str, display: str) -> list[Block]:
    """The blocks of a JSON-syntax file.

    HCL's JSON syntax allows an array of objects wherever an object of blocks or labels is
    expected, the root included ("a JSON object or a JSON array of objects", hashicorp/hcl
    json/public.go): each object counts as if its properties were written in one object.
    """
    data = _load_json(text, display)
    if not isinstance(data, dict) and not (
        isinstance(data, list) and data and all(isinstance(item, dict) for item in data)
    ):
        message = "a Terraform JSON file must hold one JSON object, or an array of objects"
        raise ParseError(Problem(message, Location(display, 1, 1)))
    lines = _JsonLines(text)
    blocks: list[Block] = []
    for root in _objects(data):
        for block_type, content in root.items():
            depth = _LABELS.get(block_type)
            if depth is None:
                continue
            for labels, body in _json_levels(content, depth):
                start = lines.find(labels[-1] if labels else block_type)
                location = Location(display, start, start)
                blocks.append(Block(block_type, labels, _json_body(body, lines), location))
    return blocks


def _objects(value: Any) -> list[dict[str, Any]]:
    """An object, or the objects of an array of them."""
    if isinstance(value, dict):
        return [value]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _json_levels(content: Any, depth: int) -> list[tuple[list[str], dict[str, Any]]]:
    if depth == 0:
        return [([], body) for body in _objects(content)]
    result = []
    for level in _objects(content):
        for key, inner in level.items():
            for labels, body in _json_levels(inner, depth - 1):
                result.append(([key, *labels], body))
    return result


def _json_body(data: dict[str, Any], lines: _JsonLines) -> Body:
    body = Body()
    for key, value in data.items():
        if key == "//":
            continue  # a comment, in JSON syntax
        body.attributes[key] = JsonValue(value)
        body.attribute_lines[key] = lines.find(key)
    return body


class _JsonLines:
    """Approximate lines for JSON keys: the first line at or after the last found that has the key."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._cursor = 0

    def find(self, key: str) -> int:
        needle = json.dumps(key) + ""
        for index in range(self._cursor, len(self._lines)):
            if needle in self._lines[index]:
                self._cursor = index
                return index + 1
        return self._cursor + 1
