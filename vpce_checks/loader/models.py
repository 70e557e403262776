"""A community-module model read as a module: what its caller sees of it.

The stand-in module of a model (:mod:`vpce_checks.core.community_modules`) is loaded like any
downloaded module. Three things differ, and live here:

* its files are package data, not the user's: its resources are shown at the module block that
  calls it, each attribute at the line of the caller's argument it is computed from;
* its version-dependent defaults come from the model for the releases the call admits;
* an input the model does not declare, and does not list as inert, is not modelled: what the
  module does with it is unknown, so the configuration counts as incomplete and what the input
  refers to may get attachments the analyzer cannot see.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from lark import Tree

from vpce_checks.core.community_modules import ModelUse
from vpce_checks.loader.syntax import Expression, JsonValue

_VARIABLE_IN_TEMPLATE = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")


def referenced_variables(expression: Expression) -> list[str]:
    """The ``var.<name>`` an expression reads, in the order they are written."""
    if isinstance(expression, JsonValue):
        return _VARIABLE_IN_TEMPLATE.findall(str(expression.value))
    found: list[str] = []
    _walk(expression, found)
    return found


def _walk(node: Any, found: list[str]) -> None:
    if not isinstance(node, Tree):
        return
    children = [child for child in node.children if isinstance(child, Tree) and child.data != "new_line_or_comment"]
    if node.data == "get_attr_expr_term" and len(children) == 2 and _identifier(children[0]) == "var":
        attribute = _identifier(children[1])
        if attribute is not None and attribute not in found:
            found.append(attribute)
        return
    for child in children:
        _walk(child, found)


def _identifier(node: Tree[Any]) -> str | None:
    """The name of ``var`` in ``expr_term(identifier var)`` or of ``x`` in ``get_attr(. identifier x)``."""
    for child in node.children:
        if isinstance(child, Tree) and child.data == "identifier":
            return str(child.children[0])
    return None


def attribute_lines(attributes: dict[str, Expression], caller_lines: dict[str, int]) -> dict[str, int]:
    """Each attribute's line at the caller: that of the first argument its expression reads."""
    lines = {}
    for name, expression in attributes.items():
        written = [caller_lines[variable] for variable in referenced_variables(expression) if variable in caller_lines]
        if written:
            lines[name] = written[0]
    return lines


def unmodelled_inputs(use: ModelUse, declared: Iterable[str], arguments: Iterable[str]) -> list[str]:
    """The caller's arguments the model cannot know the effect of."""
    model = use.model
    known = set(declared) - model.behaviours
    return [name for name in arguments if name not in known and not model.is_inert(name)]
