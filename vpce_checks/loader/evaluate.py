"""Static evaluation of Terraform expressions, as far as the configuration allows.

Whatever depends on something outside the configuration evaluates to an unknown value (see
:mod:`vpce_checks.core.values`), never to an error or a guess. Errors that Terraform itself would
report (a missing key, an index out of range) raise :class:`EvalError`, which ``try()`` and
``can()`` catch and which callers turn into an unknown value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Protocol

from lark import Token, Tree
from lark.tree import ParseTree

from vpce_checks.core.values import PartialString, ResourceRef, Unknown, Value, as_bool, is_unknown
from vpce_checks.loader import syntax
from vpce_checks.loader.syntax import Expression, JsonValue


def max_collection() -> int:
    """Larger ``count``, ``for_each`` or ``range()`` than this are unknown (``--max-expansion``)."""
    return syntax.limits.max_expansion


class EvalError(Exception):
    """An expression Terraform itself would reject (missing key, bad index, wrong type)."""


class Scope(Protocol):
    """What names mean where an expression is evaluated: the module's symbols and local bindings."""

    def lookup(self, name: str) -> Any:
        """The value of a root name (``var``, ``local``, a resource type, a for-expression variable)."""


@dataclass
class Bindings:
    """A scope that adds names (for-expression variables, ``each``, ``count``) to an outer scope."""

    outer: Scope
    names: Mapping[str, Any]

    def lookup(self, name: str) -> Any:
        """The bound value, or the outer scope's."""
        if name in self.names:
            return self.names[name]
        return self.outer.lookup(name)


def evaluate(expression: Expression, scope: Scope) -> Value:
    """The value of an expression, with nothing of the evaluator's own types left in it."""
    try:
        return finalize(Evaluator(scope).value(expression))
    except EvalError:
        return Unknown()
    except RecursionError:
        return Unknown()


def finalize(value: Any) -> Value:
    """Replace namespaces and resource proxies left in a value by unknowns."""
    if isinstance(value, list):
        return [finalize(item) for item in value]
    if isinstance(value, dict):
        return {key: finalize(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float, str, Unknown, ResourceRef, PartialString)):
        return value
    return Unknown(getattr(value, "origin", None))


class Evaluator:
    """Evaluates python-hcl2 parse trees (and JSON-syntax values) in a scope."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def value(self, expression: Expression) -> Any:
        """The raw value of an expression (may hold namespaces; see :func:`finalize`)."""
        if isinstance(expression, JsonValue):
            return self._json(expression.value)
        return self.tree(expression)

    def _json(self, value: Any) -> Any:
        if isinstance(value, str):
            if "${" not in value and "%{" not in value:
                return value
            try:
                parsed = syntax.parse_expression(syntax.template_to_hcl(value), "<json>")
            except syntax.ParseError as error:
                # A broken template in a JSON string ("${eu-central-1") is rejected by Terraform too.
                raise EvalError(f"invalid template {value!r}: {error.problem.message}") from error
            return self.tree(parsed)
        if isinstance(value, list):
            return [self._json(item) for item in value]
        if isinstance(value, dict):
            return {key: self._json(item) for key, item in value.items() if key != "//"}
        return value

    def tree(self, node: ParseTree) -> Any:
        """The value of one parse-tree node."""
        handler: Callable[[ParseTree], Any] | None = getattr(self, "_" + node.data, None)
        if handler is None:
            return Unknown()
        return handler(node)

    # Structure -----------------------------------------------------------------------------------

    def _expr_term(self, node: ParseTree) -> Any:
        inner = _subtrees(node)
        return self.tree(inner[0]) if inner else Unknown()

    def _conditional(self, node: ParseTree) -> Any:
        condition, if_true, if_false = _subtrees(node)
        test = to_bool(self.tree(condition))
        if test is None:
            return Unknown()
        return self.tree(if_true if test else if_false)

    def _binary_op(self, node: ParseTree) -> Any:
        left_node, term = _subtrees(node)[:2]
        operator_node, right_node = _subtrees(term)
        operator = str(operator_node.children[0])
        left = self.tree(left_node)
        # && and || short-circuit on a known left side, so `false && unknown` is known.
        if operator in ("&&", "||"):
            left_bool = to_bool(left)
            if left_bool is not None and left_bool == (operator == "||"):
                return left_bool
            right_bool = to_bool(self.tree(right_node))
            if left_bool is None or right_bool is None:
                return Unknown()
            return right_bool
        return binary(operator, left, self.tree(right_node))

    def _unary_op(self, node: ParseTree) -> Any:
        operator = str(node.children[0])
        operand = self.tree(_subtrees(node)[0])
        if is_unknown(operand):
            return Unknown()
        if operator == "!":
            result = to_bool(operand)
            if result is None:
                raise EvalError("! needs a bool")
            return not result
        return -to_number(operand)

    # Literals ------------------------------------------------------------------------------------

    def _int_lit(self, node: ParseTree) -> Any:
        return int(str(node.children[0]))

    def _float_lit(self, node: ParseTree) -> Any:
        return float(str(node.children[0]))

    def _literal_value(self, node: ParseTree) -> Any:
        return {"true": True, "false": False, "null": None}[str(node.children[0])]

    def _string(self, node: ParseTree) -> Any:
        parts: list[Any] = []
        for part in node.children:
            if not isinstance(part, Tree):
                continue
            content = part.children[0]
            if isinstance(content, Token):
                parts.append(_literal_text(content))
            elif content.data == "interpolation":
                parts.append(self.tree(_subtrees(content)[0]))
            else:
                return Unknown()  # template directives (%{ if }, %{ for }) are not evaluated
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]  # "${x}" is x itself, whatever its type
        return template(parts)

    def _heredoc_template(self, node: ParseTree) -> Any:
        return _heredoc(str(node.children[0]), trim=False)

    def _heredoc_template_trim(self, node: ParseTree) -> Any:
        return _heredoc(str(node.children[0]), trim=True)

    def _tuple(self, node: ParseTree) -> Any:
        items = _subtrees(node)
        values = [self.tree(item) for item in items]
        # Terraform 0.11 flattened ["${var.list}"] into the list itself; in 0.12+ that shape is a
        # type error for every list attribute, so reading it the 0.11 way is never wrong.
        if len(items) == 1 and isinstance(values[0], list) and _is_bare_interpolation(items[0]):
            return values[0]
        return values

    def _object(self, node: ParseTree) -> Any:
        result: dict[str, Any] = {}
        unknown_key = False
        for element in _subtrees(node):
            key_node, value_node = _subtrees(element)
            key = self._object_key(key_node)
            if not isinstance(key, str):
                unknown_key = True
                continue
            result[key] = self.tree(value_node)
        return Unknown() if unknown_key else result

    def _object_key(self, key_node: ParseTree) -> Any:
        inner = _subtrees(key_node)
        if not inner:  # a keyword used as a key
            return str(syntax.subtree(key_node, 0).children[0])
        expression = inner[0]
        # A bare name is a literal key, not a reference: { s3 = … } means "s3".
        if expression.data == "expr_term" and not _has_parentheses(expression):
            term = _subtrees(expression)[0]
            if term.data == "identifier":
                return str(term.children[0])
        key = self.tree(expression)
        if isinstance(key, (int, float)) and not isinstance(key, bool):
            return _number_text(key)
        return key

    # References ----------------------------------------------------------------------------------

    def _identifier(self, node: ParseTree) -> Any:
        return self.scope.lookup(str(node.children[0]))

    def _get_attr_expr_term(self, node: ParseTree) -> Any:
        target, get_attr = _subtrees(node)
        return get_attribute(self.tree(target), _attr_name(get_attr))

    def _index_expr_term(self, node: ParseTree) -> Any:
        target, index = _subtrees(node)
        return get_index(self.tree(target), self._index_key(index))

    def _index_key(self, index: ParseTree) -> Any:
        if index.data == "short_index":
            return int(str(index.children[-1]))
        return self.tree(_subtrees(index)[0])

    def _attr_splat_expr_term(self, node: ParseTree) -> Any:
        return self._splat(node)

    def _full_splat_expr_term(self, node: ParseTree) -> Any:
        return self._splat(node)

    def _splat(self, node: ParseTree) -> Any:
        target_node, splat = _subtrees(node)
        target = self.tree(target_node)
        if is_unknown(target):
            return Unknown(_origin(target))
        if target is None:
            return []
        items = target if isinstance(target, list) else [target]
        result = []
        for item in items:
            for step in _subtrees(splat):
                if step.data == "get_attr":
                    item = get_attribute(item, _attr_name(step))
                else:
                    item = get_index(item, self._index_key(step))
            result.append(item)
        return result

    def _function_call(self, node: ParseTree) -> Any:
        from vpce_checks.loader.functions import call

        names = [
            str(child.children[0]) for child in node.children if isinstance(child, Tree) and child.data == "identifier"
        ]
        arguments_node = next((c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None)
        argument_nodes = _subtrees(arguments_node) if arguments_node is not None else []
        expand = arguments_node is not None and any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in arguments_node.children
        )
        return call("::".join(names), self, argument_nodes, expand)

    # For expressions -----------------------------------------------------------------------------

    def _for_tuple_expr(self, node: ParseTree) -> Any:
        intro, value_node, *rest = _subtrees(node)
        iterations = self._for_iterations(intro, rest[0] if rest else None)
        if iterations is None:
            return Unknown()
        return [inner.tree(value_node) for inner in iterations]

    def _for_object_expr(self, node: ParseTree) -> Any:
        subtrees = _subtrees(node)
        intro, key_node, value_node = subtrees[:3]
        iterations = self._for_iterations(intro, subtrees[3] if len(subtrees) > 3 else None)
        if iterations is None:
            return Unknown()
        grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
        result: dict[str, Any] = {}
        for inner in iterations:
            key = inner.tree(key_node)
            if isinstance(key, (int, float)) and not isinstance(key, bool):
                key = _number_text(key)
            if not isinstance(key, str):
                return Unknown()
            value = inner.tree(value_node)
            if grouping:
                result.setdefault(key, []).append(value)
            elif key in result:
                raise EvalError(f"duplicate key {key!r} in for expression")
            else:
                result[key] = value
        return result

    def _for_iterations(self, intro: ParseTree, condition: ParseTree | None) -> list[Evaluator] | None:
        """An evaluator per kept iteration of a for expression; None when that cannot be known."""
        iterations = []
        for bindings in self._for_bindings(intro):
            if bindings is None:
                return None
            inner = Evaluator(Bindings(self.scope, bindings))
            if condition is not None:
                keep = to_bool(inner.tree(_subtrees(condition)[0]))
                if keep is None:
                    return None
                if not keep:
                    continue
            iterations.append(inner)
        return iterations

    def _for_bindings(self, intro: ParseTree) -> Iterator[dict[str, Any] | None]:
        """Each iteration's variables; one None when the collection is unknown."""
        names = [
            str(child.children[0]) for child in intro.children if isinstance(child, Tree) and child.data == "identifier"
        ]
        collection = self.tree(_subtrees(intro)[-1])
        pairs = iterate(collection)
        if pairs is None:
            yield None
            return
        for key, item in pairs:
            if len(names) == 2:
                yield {names[0]: key, names[1]: item}
            else:
                yield {names[0]: item}


# Helpers shared with functions.py ---------------------------------------------------------------


def _subtrees(node: ParseTree) -> list[ParseTree]:
    return [child for child in node.children if isinstance(child, Tree) and child.data != "new_line_or_comment"]


def _is_bare_interpolation(node: ParseTree) -> bool:
    """True for a string that is exactly one ``${...}`` and nothing else."""
    inner = _subtrees(node)
    if node.data != "expr_term" or len(inner) != 1 or inner[0].data != "string":
        return False
    parts = _subtrees(inner[0])
    return len(parts) == 1 and isinstance(parts[0].children[0], Tree) and parts[0].children[0].data == "interpolation"


def _has_parentheses(expr_term: ParseTree) -> bool:
    return any(isinstance(child, Token) and child.type == "LPAR" for child in expr_term.children)


def _attr_name(get_attr: ParseTree) -> str:
    name_node = _subtrees(get_attr)[0]
    return str(name_node.children[0])


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)


def _literal_text(token: Token) -> str:
    text = str(token)
    if token.type == "ESCAPED_INTERPOLATION" or token.type == "ESCAPED_DIRECTIVE":
        return text[1:]  # $${x} is the literal text ${x}

    def unescape(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, "\\" + code)

    return _ESCAPE.sub(unescape, text) if "\\" in text else text


def _heredoc(token: str, trim: bool) -> Any:
    first_newline = token.index("\n")
    marker = token[2 + trim : first_newline].strip()
    body = token[first_newline + 1 :].rstrip()
    if body.endswith(marker):
        body = body[: -len(marker)]
    lines = body.split("\n")
    if lines and not lines[-1].strip():
        lines = lines[:-1]
    if "${" in body or "%{" in body:
        return Unknown()  # interpolated heredocs (policies, scripts) matter to no rule
    if trim:
        indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
        cut = min(indents, default=0)
        lines = [line[cut:] for line in lines]
    return "\n".join(lines) + "\n"


def _origin(value: Any) -> str | None:
    return getattr(value, "origin", None)


def template(parts: list[Any]) -> Any:
    """Join template parts into a string, or a PartialString when some are unknown."""
    pieces: list[str | Unknown | ResourceRef] = []
    for part in parts:
        if isinstance(part, PartialString):
            pieces.extend(part.parts)
        elif isinstance(part, ResourceRef):
            pieces.append(part)
        elif is_unknown(part):
            pieces.append(Unknown(_origin(part)))
        else:
            pieces.append(to_string(part))
    merged: list[str | Unknown | ResourceRef] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + piece
        elif piece != "":
            merged.append(piece)
    if all(isinstance(piece, str) for piece in merged):
        return "".join(piece for piece in merged if isinstance(piece, str))
    return PartialString(tuple(merged))


def to_string(value: Any) -> str:
    """Terraform's conversion of a primitive to string; raises EvalError for others."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, str):
        return value
    raise EvalError(f"cannot use {type(value).__name__} as a string")


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_number(value: Any) -> int | float:
    """Terraform's conversion to number; raises EvalError when impossible."""
    if isinstance(value, bool) or value is None:
        raise EvalError("not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError as error:
            raise EvalError(f"{value!r} is not a number") from error
        return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    raise EvalError("not a number")


def to_bool(value: Any) -> bool | None:
    """Terraform's conversion to bool; None when unknown; EvalError when impossible."""
    converted = as_bool(value)
    if converted is None and not is_unknown(value):
        raise EvalError("not a bool")
    return converted


def _normal(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def binary(operator: str, left: Any, right: Any) -> Any:
    """Arithmetic and comparison with Terraform's conversions; unknown in, unknown out."""
    if operator in ("==", "!="):
        if is_unknown(left) or is_unknown(right) or contains_unknown(left) or contains_unknown(right):
            return Unknown()
        equal = _normal(left) == _normal(right) and (type(left) is bool) == (type(right) is bool)
        return equal if operator == "==" else not equal
    if is_unknown(left) or is_unknown(right):
        return Unknown()
    a, b = to_number(left), to_number(right)
    if operator == "+":
        return _normal(a + b)
    if operator == "-":
        return _normal(a - b)
    if operator == "*":
        return _normal(a * b)
    if operator == "/":
        if b == 0:
            raise EvalError("division by zero")
        return _normal(a / b)
    if operator == "%":
        if b == 0:
            raise EvalError("division by zero")
        return _normal(a % b)
    comparisons = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}
    if operator in comparisons:
        return comparisons[operator]
    raise EvalError(f"unknown operator {operator}")


def contains_unknown(value: Any) -> bool:
    """True when the value or anything inside it is unknown."""
    if isinstance(value, list):
        return any(contains_unknown(item) for item in value)
    if isinstance(value, dict):
        return any(contains_unknown(item) for item in value.values())
    return is_unknown(value)


def get_attribute(target: Any, name: str) -> Any:
    """``target.name``: into a namespace, resource instance or object."""
    if isinstance(target, Unknown):
        return Unknown(f"{target.origin}.{name}" if target.origin else None)
    if isinstance(target, (ResourceRef, PartialString)):
        return Unknown()
    if hasattr(target, "attribute"):
        return target.attribute(name)
    if isinstance(target, dict):
        if name not in target:
            raise EvalError(f"no attribute {name!r}")
        return target[name]
    if isinstance(target, list):
        raise EvalError(f"cannot read .{name} of a list (use [*].{name})")
    raise EvalError(f"cannot read .{name} of {type(target).__name__}")


def get_index(target: Any, key: Any) -> Any:
    """``target[key]``: a list element or a map value."""
    if isinstance(target, Unknown):
        if target.origin and not is_unknown(key):
            return Unknown(f"{target.origin}[{json.dumps(key)}]")
        return Unknown()
    if is_unknown(key):
        return Unknown()
    if hasattr(target, "attribute") or isinstance(target, (ResourceRef, PartialString)):
        return Unknown()
    if isinstance(target, list):
        position = to_number(key)
        if not isinstance(position, int) or not 0 <= position < len(target):
            raise EvalError(f"index {key} is out of range")
        return target[position]
    if isinstance(target, dict):
        text = to_string(key)
        if text not in target:
            raise EvalError(f"no key {text!r}")
        return target[text]
    raise EvalError(f"cannot index {type(target).__name__}")


def iterate(collection: Any) -> list[tuple[Any, Any]] | None:
    """(key, value) pairs of a list (index keys) or map (sorted keys); None when unknown."""
    if is_unknown(collection):
        return None
    if collection is None:
        raise EvalError("cannot iterate over null")
    if isinstance(collection, list):
        return list(enumerate(collection))
    if isinstance(collection, dict):
        return [(key, collection[key]) for key in sorted(collection)]
    raise EvalError("cannot iterate over a primitive value")
