"""python-hcl2 8's parser, rebuilt from its grammar for checkov's environment.

The loader reads python-hcl2 8's Lark parse trees. checkov's environment cannot hold python-hcl2
(its fork, bc-python-hcl2, is imported as ``hcl2`` too), but it holds lark, on which python-hcl2
is built. So this module builds python-hcl2's own LALR parser from ``hcl2.lark`` (a verbatim copy
of python-hcl2 8's grammar; its MIT licence is in ``LICENSE.python-hcl2``) with the same options
and post-lexer: the trees are python-hcl2's, token for token and line for line. A test compares
the grammar with the installed python-hcl2's file and the trees with python-hcl2's on every
fixture and on generated input, so an upgrade of python-hcl2 cannot drift from it unnoticed.

Building the LALR tables takes about two seconds, more than checkov needs to start on a small
directory, so they are kept in the cache directory as JSON (plain data: loading it cannot
run code), keyed by the grammar and the lark version; a missing, corrupt or unreadable entry only
costs the build.
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import lark
from lark import Lark, Token
from lark.grammar import Rule
from lark.lexer import TerminalDef
from lark.tree import ParseTree

from vpce_checks.loader import syntax
from vpce_checks.loader.cache import FORMAT, Store

GRAMMAR = Path(__file__).with_name("hcl2.lark")
_OPTIONS: dict[str, Any] = {"parser": "lalr", "propagate_positions": True}
"""python-hcl2 8's options for its parser (``hcl2/parser.py``), besides the post-lexer."""


class PostLexer:
    r"""python-hcl2 8's post-lexer (``hcl2/postlexer.py``): a newline before a binary operator continues the line.

    An LALR parser cannot tell a newline that ends an attribute from one that continues an
    expression on the next line (``a\\n  && b``), so the newline is merged into the operator token.
    """

    OPERATOR_TYPES: frozenset[str] = frozenset(
        {
            "DOUBLE_EQ",
            "NEQ",
            "LT",
            "GT",
            "LEQ",
            "GEQ",
            "ASTERISK",
            "SLASH",
            "PERCENT",
            "DOUBLE_AMP",
            "DOUBLE_PIPE",
            "PLUS",
            "QMARK",
        }
    )
    """Token types a continuation newline may precede (not MINUS, which is also unary negation)."""

    always_accept: tuple[str, ...] = ()
    """Lark asks post-lexers for terminals to accept unexpectedly: none."""

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        """The token stream with each newline that precedes an operator merged into it."""
        pending: Token | None = None
        for token in stream:
            if token.type == "NL_OR_COMMENT":
                if pending is not None:
                    yield pending
                pending = token
                continue
            if pending is not None:
                if token.type in self.OPERATOR_TYPES:
                    token = token.update(value=str(pending) + str(token))
                else:
                    yield pending
                pending = None
            yield token
        if pending is not None:
            yield pending


def grammar_text() -> str:
    """The grammar python-hcl2 8 parses with."""
    return GRAMMAR.read_text(encoding="utf-8")


def identity() -> str:
    """What names this parser in cache keys: the grammar's digest and lark's version."""
    digest = hashlib.sha256(GRAMMAR.read_bytes()).hexdigest()[:16]
    return f"hcl2-grammar={digest};lark={lark.__version__}"


@lru_cache(maxsize=1)
def build(cache_directory: str | None) -> Lark:
    """The parser, from the cached tables in ``cache_directory`` when they are there (None: no cache)."""
    cache = Store(cache_directory)
    digest = hashlib.sha256(f"lark-tables;format={FORMAT};{identity()};python={sys.version_info[:2]}\0".encode())
    digest.update(GRAMMAR.read_bytes())
    key = digest.hexdigest()
    entry = cache.get(key)
    if entry is not None:
        try:
            data = _decode(entry["tables"])
            parser: Lark = Lark._load_from_dict(data["data"], data["memo"], postlex=PostLexer())  # type: ignore[no-untyped-call]
            return parser
        except Exception:  # noqa: BLE001 - a cache entry lark cannot load is rebuilt, never trusted
            pass
    parser = Lark(grammar_text(), postlex=PostLexer(), **_OPTIONS)
    try:
        tables, memo = parser.memo_serialize([TerminalDef, Rule])
        tables["options"] = {name: value for name, value in tables["options"].items() if name != "postlex"}
        cache.put(key, {"tables": _encode({"data": tables, "memo": memo})})
    except TypeError:
        pass  # a lark whose tables hold other types than these: it only costs the build next time
    return parser


def parses_to_tree(parser: Lark, text: str) -> ParseTree:
    """What ``hcl2.parses_to_tree(text)`` returns in python-hcl2 8 (it appends a newline too)."""
    tree: ParseTree = parser.parse(text + "\n")
    return tree


def install(cache_directory: str | None) -> None:
    """Make the loader parse with this parser (see :func:`vpce_checks.loader.syntax.use_parser`)."""
    parser = build(cache_directory)
    syntax.use_parser(lambda text: parses_to_tree(parser, text), identity())


# Lark's tables are dicts (some keyed by numbers), lists, tuples and scalars; JSON needs a mark
# for the tuples and for the dicts whose keys are not strings.
_TUPLE, _PAIRS = "__tuple__", "__pairs__"


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _encode(item) for key, item in value.items()}
        return {_PAIRS: [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in the table cache")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if _PAIRS in value:
            return {_decode(key): _decode(item) for key, item in value[_PAIRS]}
        if _TUPLE in value:
            return tuple(_decode(item) for item in value[_TUPLE])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value
