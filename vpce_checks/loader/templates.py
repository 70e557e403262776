"""Template text (heredoc bodies, ``templatefile`` files, ``templatestring`` strings, JSON-syntax strings).

Template text is rewritten as an HCL quoted string and parsed like one: literal text is escaped,
and what is inside ``${ … }`` and ``%{ … }`` is copied as it is, since quotes in there belong to
the expression. The strip markers of interpolations (``${~ x ~}``), which the parser does not
read, are applied here; those of directives are the evaluator's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lark.tree import ParseTree

from vpce_checks.core.text import interpolation_end
from vpce_checks.loader import syntax

_OPENING = re.compile(r"(?<![$%])[$%]\{")
_WHITESPACE = " \t\r\n"


def template_source(text: str) -> str:
    """Template text as the source of an HCL quoted string."""
    out = ['"']
    index = 0
    strip_next = False
    while index < len(text):
        match = _OPENING.search(text, index)
        literal = text[index : len(text) if match is None else match.start()]
        if strip_next:
            literal = literal.lstrip(_WHITESPACE)
        strip_next = False
        if match is None:
            out.append(_escape(literal))
            break
        end = interpolation_end(text, match.end()) or len(text)
        sequence = text[match.start() : end]
        if sequence.startswith("${"):
            if sequence.startswith("${~"):
                literal = literal.rstrip(_WHITESPACE)
                sequence = "${" + sequence[3:]
            if sequence.endswith("~}"):
                strip_next = True
                sequence = sequence[:-2] + "}"
        out.append(_escape(literal))
        out.append(sequence)
        index = end
    out.append('"')
    return "".join(out)


def _escape(literal: str) -> str:
    return (
        literal.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )


@lru_cache(maxsize=512)
def parse_template(text: str) -> ParseTree:
    """The parse tree of template text (a ``string`` expression). Raises :class:`syntax.ParseError`."""
    return syntax.parse_expression(template_source(text), "<template>")


def has_template_sequences(text: str) -> bool:
    """True when text holds an interpolation, a directive or an escaped one (else it is plain text)."""
    return "${" in text or "%{" in text


def heredoc_body(token: str, trim: bool) -> str:
    """The text of a heredoc token (``<<EOT … EOT``); ``<<-`` removes the common indentation."""
    first_newline = token.index("\n")
    marker = token[2 + trim : first_newline].strip()
    body = token[first_newline + 1 :].rstrip()
    if body.endswith(marker):
        body = body[: -len(marker)]
    lines = body.split("\n")
    if lines and not lines[-1].strip():
        lines = lines[:-1]
    if trim:
        indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
        cut = min(indents, default=0)
        lines = [line[cut:] for line in lines]
    return "\n".join(lines) + "\n"
