"""HCL that Terraform accepts and python-hcl2 rejects, rewritten into text python-hcl2 accepts.

python-hcl2 8.1.4 (the newest release) rejects some valid native syntax found in public code.
HCL (its native syntax specification and Terraform's parser) accepts, and this module rewrites:

- a newline directly before ``=>``, ``.attr``, ``.*`` or ``...`` inside brackets (a ``for``
  expression, function arguments, parentheses, a tuple), where HCL ignores newlines:
  ``{ for k, v in var.m : k`` / ``=> v }``;
- a newline directly inside ``${ … }`` or ``%{ … }`` of a quoted string, where HCL ignores
  newlines too (its parser reads interpolations with newlines off);
- an inline comment ``/* … */`` on one line, which HCL treats as a space, where python-hcl2 allows
  no comment (between a block's labels, around ``=``);
- identifiers with letters beyond ASCII (HCL identifiers are Unicode ``ID_Start`` /
  ``ID_Continue``, plus ``-``): each is replaced by an ASCII placeholder and
  :func:`restore_names` puts the name back into the parse tree;
- strip markers on interpolations (``${~ x ~}``): the marker is removed together with the
  whitespace it strips from the next literal text, which is what it means.

The rewrite never moves a block or attribute to another line: a newline taken out of an
expression is put back at the next line break after it (or at the end of the text). It only
rewrites what it fully understands: text it cannot follow (an unterminated string or heredoc,
unbalanced brackets) is handed to python-hcl2 unchanged, so its error is reported as before.
Heredoc contents are never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Token
from lark.tree import ParseTree

# Cheap tests for anything the rewrite could change (most files have none of it), one pattern
# each: an alternation would lose the regex engine's literal search. "/*" followed by a quote is
# left out: it is the end of an ARN in a policy ("arn:aws:s3:::bucket/*"), hardly ever a comment.
_TRIGGERS = tuple(
    re.compile(pattern)
    for pattern in (r'/\*(?!")', r"\n[ \t]*(?:=>|\.)", r"\$\{[^}\n]*\n", r"%\{[^}\n]*\n", r"\$\{~", r"~[ \t]*\}")
)

_CODE = re.compile(
    r"""
    (?P<gap>(?:[ \t\r\n]|\#[^\n]*|//[^\n]*|/\*.*?\*/)+)
    |(?P<heredoc><<-?(?P<marker>[A-Za-z][\w.-]*)\r?\n)
    |(?P<quote>")
    |(?P<open>[(\[{])
    |(?P<close>[)\]}])
    |(?P<arrow>=>)
    |(?P<compare>[=!<>]=)
    |(?P<assign>=)
    |(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<word>(?:[^\W\d]|[^\x00-\x7f])(?:[\w-]|[^\x00-\x7f])*)
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_STRING = re.compile(r'\\.|\$\$\{|%%\{|\$\{|%\{|"|\n', re.DOTALL)
_COMMENT = re.compile(r"#[^\n]*|//[^\n]*|/\*.*?\*/", re.DOTALL)
_TRAILING_SPACE = re.compile(r"(?:[ \t]|(?<!\\)(?:\\\\)*\\[ntr])+$")
_LEADING_SPACE = re.compile(r"(?:[ \t]|\\[ntr])+")

# Frames of the bracket stack.
_BODY = "body"  # the file, or a block's body: newlines end attributes
_BRACE = "brace"  # an expression's "{" before its first token: an object or a for expression
_OBJECT = "object"  # newlines separate elements
_FOR = "for"  # "{ for … }": newlines ignored
_PAREN = "paren"  # "(…)": newlines ignored
_SQUARE = "square"  # "[…]": newlines ignored
_INTERP = "interp"  # "${…}" in a quoted string: newlines ignored
_DIRECTIVE = "directive"  # "%{…}" in a quoted string: newlines ignored
_QUOTED = "quoted"  # inside "…"
_CLOSERS = {_PAREN: ")", _SQUARE: "]"}
_NEWLINES_IGNORED = frozenset({_FOR, _PAREN, _SQUARE, _INTERP, _DIRECTIVE})


@dataclass(frozen=True)
class Prepared:
    """Text for python-hcl2, and the identifiers its placeholders stand for."""

    text: str
    names: dict[str, str] = field(default_factory=dict)
    """Placeholder -> identifier as written."""


class _CannotFollow(Exception):
    """Text the rewrite does not understand: python-hcl2 gets it unchanged."""


@dataclass
class _Frame:
    kind: str
    expression: bool = False
    """In a body: an attribute's value is being read (a ``{`` there opens an object)."""
    literal_from: int = 0
    """In a quoted string: where the current literal text starts in the output."""
    strip_close: bool = False
    """In an interpolation: it ends with ``~}``."""


def prepare(text: str) -> Prepared:
    """``text`` with the constructs listed in the module docstring rewritten (or unchanged)."""
    if text.isascii() and not any(trigger.search(text) for trigger in _TRIGGERS):
        return Prepared(text)
    try:
        return _Rewriter(text).run()
    except _CannotFollow:
        return Prepared(text)


def restore_names(tree: ParseTree, names: dict[str, str]) -> None:
    """Put the identifiers that :func:`prepare` replaced back into ``tree`` (in place)."""
    if not names:
        return
    for node in tree.iter_subtrees():
        for index, child in enumerate(node.children):
            if isinstance(child, Token) and child.type == "NAME" and str(child) in names:
                node.children[index] = child.update(value=names[str(child)])


def restore_in_message(message: str, names: dict[str, str]) -> str:
    """A parser message about the rewritten text, with the identifiers as written."""
    for placeholder, name in names.items():
        message = message.replace(placeholder, name)
    return message


def _is_identifier(word: str) -> bool:
    """HCL's ``ID_Start (ID_Continue | '-')*``, with Python's (XID) identifier classes."""
    return word[0].isidentifier() and all(char == "-" or ("a" + char).isidentifier() for char in word[1:])


def _blank_comments(gap: str, keep_newlines: bool) -> str:
    """The gap with comments turned into spaces; newlines kept, or dropped when ``keep_newlines`` is False."""

    def blank(match: re.Match[str]) -> str:
        comment = match.group()
        if keep_newlines and "\n" in comment and comment.startswith("/*"):
            return comment  # a comment over several lines: python-hcl2 reads it as a line break
        return " " * len(comment)

    blanked = _COMMENT.sub(blank, gap)
    return blanked if keep_newlines else blanked.replace("\n", " ")


class _Rewriter:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.pending = 0
        """Newlines taken out of expressions, to be put back at the next line break."""
        self.stack = [_Frame(_BODY)]
        self.names: dict[str, str] = {}
        self.placeholders: dict[str, str] = {}
        prefix = "vpceu"
        while prefix in text:
            prefix += "x"
        self.prefix = prefix

    def run(self) -> Prepared:
        position = 0
        while position < len(self.text):
            position = self._quoted(position) if self.stack[-1].kind == _QUOTED else self._code(position)
        if len(self.stack) != 1 or self.stack[0].kind != _BODY:
            raise _CannotFollow
        self.out.append("\n" * self.pending)
        return Prepared("".join(self.out), self.names)

    # Code ------------------------------------------------------------------------------------

    def _code(self, position: int) -> int:
        match = _CODE.match(self.text, position)
        assert match is not None  # "other" matches any character
        kind, token, end = match.lastgroup, match.group(), match.end()
        frame = self.stack[-1]
        if frame.kind == _BRACE and kind != "gap":
            frame.kind = _FOR if token == "for" else _OBJECT
        if kind == "gap":
            self._gap(token, end)
        elif kind == "heredoc":
            return self._heredoc(position, end, match.group("marker"))
        elif kind == "quote":
            self.out.append(token)
            self.stack.append(_Frame(_QUOTED, literal_from=len(self.out)))
        elif kind == "open":
            self.out.append(token)
            self._open(token, frame)
        elif kind == "close":
            return self._close(token, frame, end)
        elif kind == "assign":
            self.out.append(token)
            if frame.kind == _BODY:
                frame.expression = True
        elif kind == "word":
            self.out.append(self._name(token))
        elif kind == "other" and token == "~" and frame.kind == _INTERP and self._closes_next(end):
            frame.strip_close = True  # "~}": the marker goes, and the whitespace it strips when "}" comes
        else:
            self.out.append(token)
        return end

    def _gap(self, gap: str, end: int) -> None:
        frame = self.stack[-1]
        if "\n" not in gap:
            self.out.append(_blank_comments(gap, keep_newlines=True))
            return
        if frame.kind == _BODY:
            frame.expression = False
        if frame.kind in (_INTERP, _DIRECTIVE) or (
            frame.kind in _NEWLINES_IGNORED and self.text.startswith(("=>", "."), end)
        ):
            # python-hcl2 wants no line break here, and HCL ignores it: take it out for now.
            self.pending += gap.count("\n")
            self.out.append(_blank_comments(gap, keep_newlines=False))
            return
        blanked = _blank_comments(gap, keep_newlines=True)
        first = blanked.index("\n") + 1
        self.out.append(blanked[:first] + "\n" * self.pending + blanked[first:])
        self.pending = 0

    def _heredoc(self, start: int, body: int, marker: str) -> int:
        terminator = re.compile(rf"^[ \t]*{re.escape(marker)}\r?(?:\n|\Z)", re.MULTILINE)
        found = terminator.search(self.text, body)
        if found is None:
            raise _CannotFollow
        self.out.append(self.text[start : found.end()])
        frame = self.stack[-1]
        if frame.kind == _BODY:
            frame.expression = False  # the heredoc took the attribute's line break with it
        if frame.kind not in (_INTERP, _DIRECTIVE) and found.group().endswith("\n"):
            self.out.append("\n" * self.pending)  # a line break, where the next line may start anything
            self.pending = 0
        return found.end()

    def _open(self, token: str, frame: _Frame) -> None:
        if token == "(":
            self.stack.append(_Frame(_PAREN))
        elif token == "[":
            self.stack.append(_Frame(_SQUARE))
        elif frame.kind == _BODY and not frame.expression:
            self.stack.append(_Frame(_BODY))
        else:
            self.stack.append(_Frame(_BRACE))

    def _close(self, token: str, frame: _Frame, end: int) -> int:
        expected = _CLOSERS.get(frame.kind, "}")
        if token != expected or len(self.stack) == 1:
            raise _CannotFollow
        self.stack.pop()
        self.out.append(token)
        if frame.kind in (_INTERP, _DIRECTIVE):
            self.stack[-1].literal_from = len(self.out)
        if frame.strip_close:
            stripped = _LEADING_SPACE.match(self.text, end)  # "~}": the literal after it loses its leading spaces
            return stripped.end() if stripped else end
        return end

    def _closes_next(self, position: int) -> bool:
        rest = self.text[position : position + 200].lstrip(" \t")
        return rest.startswith("}")

    def _name(self, word: str) -> str:
        if word.isascii() or not _is_identifier(word):
            return word  # an invalid name is left for python-hcl2 to reject, as Terraform does
        if word not in self.placeholders:
            placeholder = f"{self.prefix}{len(self.placeholders)}"
            self.placeholders[word] = placeholder
            self.names[placeholder] = word
        return self.placeholders[word]

    # Quoted strings --------------------------------------------------------------------------

    def _quoted(self, position: int) -> int:
        frame = self.stack[-1]
        match = _STRING.search(self.text, position)
        if match is None or match.group() == "\n":
            raise _CannotFollow  # a string that does not end on its line: python-hcl2 says so
        self.out.append(self.text[position : match.start()])
        token = match.group()
        if token == '"':
            self.out.append(token)
            self.stack.pop()
        elif token in ("${", "%{"):
            stripped = token == "${" and self.text.startswith("~", match.end())
            if stripped:
                self._strip_literal_end(frame)
            self.out.append(token)
            self.stack.append(_Frame(_INTERP if token == "${" else _DIRECTIVE))
            return match.end() + (1 if stripped else 0)
        else:
            self.out.append(token)  # an escape, or an escaped "$${" / "%%{"
        return match.end()

    def _strip_literal_end(self, frame: _Frame) -> None:
        """``${~``: the literal text before it loses its trailing whitespace."""
        literal = "".join(self.out[frame.literal_from :])
        del self.out[frame.literal_from :]
        self.out.append(_TRAILING_SPACE.sub("", literal))
