"""Static evaluation of Terraform expressions, as far as the configuration allows.

Whatever depends on something outside the configuration evaluates to an unknown value (see
:mod:`vpce_checks.core.values`), never to an error or a guess. Errors that Terraform itself would
report (a missing key, an index out of range) raise :class:`EvalError`, which ``try()`` and
``can()`` catch and which callers turn into an unknown value.

The built-in functions are pure functions of values (:mod:`vpce_checks.loader.functions`); the
evaluator calls them. What needs unevaluated expressions is here: ``try``, ``can``, templates
(directives, heredocs, ``templatefile``, ``templatestring``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol

from lark import Token, Tree
from lark.tree import ParseTree

from vpce_checks.core.values import PartialString, ResourceRef, Unknown, Value, is_unknown
from vpce_checks.loader import functions, syntax, templates
from vpce_checks.loader.conversions import (
    EvalError,
    Unknowable,
    Unordered,
    equal,
    is_set,
    is_string_ref,
    normal_number,
    number_text,
    template,
    to_bool,
    to_number,
    to_string,
)
from vpce_checks.loader.functions import Environment
from vpce_checks.loader.syntax import Expression, JsonValue


def max_collection() -> int:
    """Larger ``count``, ``for_each`` or ``range()`` than this are unknown (``--max-expansion``)."""
    return syntax.limits.max_expansion


class Scope(Protocol):
    """What names mean where an expression is evaluated: the module's symbols and local bindings."""

    def lookup(self, name: str) -> Any:
        """The value of a root name (``var``, ``local``, a resource type, a for-expression variable)."""

    def environment(self) -> Environment:
        """What the built-in functions may know beyond their arguments (limits, the module's files)."""


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

    def environment(self) -> Environment:
        """The outer scope's."""
        return self.outer.environment()


@dataclass
class TemplateScope:
    """The scope of a ``templatefile``/``templatestring`` template: only the variables it is given."""

    variables: Mapping[str, Any]
    functions_environment: Environment = field(default_factory=Environment)

    def lookup(self, name: str) -> Any:
        """A template variable; a template can refer to nothing else."""
        if name not in self.variables:
            raise EvalError(f"vars map does not contain key {name!r}, referenced in the template")
        return self.variables[name]

    def environment(self) -> Environment:
        """The calling expression's."""
        return self.functions_environment


def evaluate(expression: Expression, scope: Scope) -> Value:
    """The value of an expression, with nothing of the evaluator's own types left in it."""
    try:
        return finalize(Evaluator(scope).value(expression))
    except EvalError:
        return Unknown()
    except RecursionError:
        return Unknown()


def finalize(value: Any) -> Value:
    """Replace namespaces and resource proxies left in a value by unknowns; sets become plain lists."""
    if isinstance(value, list):
        return [finalize(item) for item in value]
    if isinstance(value, dict):
        return {key: finalize(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float, str, Unknown, ResourceRef, PartialString)):
        return value
    return Unknown(getattr(value, "origin", None))


class Evaluator:
    """Evaluates python-hcl2 parse trees (and JSON-syntax values) in a scope.

    ``in_template_file`` is set inside a ``templatefile()`` template, which may not call
    ``templatefile()`` again.
    """

    def __init__(self, scope: Scope, in_template_file: bool = False) -> None:
        self.scope = scope
        self.in_template_file = in_template_file

    def inner(self, names: Mapping[str, Any]) -> Evaluator:
        """An evaluator for the same place with more names bound."""
        return Evaluator(Bindings(self.scope, names), self.in_template_file)

    def value(self, expression: Expression) -> Any:
        """The raw value of an expression (may hold namespaces; see :func:`finalize`)."""
        if isinstance(expression, JsonValue):
            return self._json(expression.value)
        return self.tree(expression)

    def _json(self, value: Any) -> Any:
        if isinstance(value, str):
            if not templates.has_template_sequences(value):
                return value
            return self.template_text(value)
        if isinstance(value, list):
            return [self._json(item) for item in value]
        if isinstance(value, dict):
            return {key: self._json(item) for key, item in value.items() if key != "//"}
        return value

    def template_text(self, text: str) -> Any:
        """The value of template text (a heredoc body, a JSON string, a template file)."""
        try:
            parsed = templates.parse_template(text)
        except syntax.ParseError:
            # A broken template ("${eu-central-1") is rejected by Terraform too, but the parser may
            # also lack something Terraform reads: unknown either way, so try() does not guess.
            return Unknown()
        return self.tree(parsed)

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
        operator = _operator(str(operator_node.children[0]))
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
        items = _template_items(node)
        if len(items) == 1 and items[0][0] == "expression":
            return self.tree(items[0][1])  # "${x}" is x itself, whatever its type
        parts = self._template_parts(_template_structure(items))
        return template(parts)

    def _template_parts(self, nodes: list[Any]) -> list[Any]:
        """The parts of a template (text, interpolations, ``%{ if }`` and ``%{ for }`` directives)."""
        parts: list[Any] = []
        for kind, *content in nodes:
            if kind == "text":
                parts.append(content[0])
            elif kind == "expression":
                parts.append(self.tree(content[0]))
            elif kind == "if":
                condition_node, then_nodes, else_nodes = content
                condition = to_bool(self.tree(condition_node))
                if condition is None:
                    return [Unknown()]
                parts.extend(self._template_parts(then_nodes if condition else else_nodes))
            else:
                names, collection_node, body = content
                collection = self.tree(collection_node)
                if isinstance(collection, Unordered) and len(collection) > 1:
                    return [Unknown()]  # the text would follow an order that is not known
                pairs = iterate(collection)
                if pairs is None:
                    return [Unknown()]
                for key, item in pairs:
                    names_bound = {names[0]: key, names[1]: item} if len(names) == 2 else {names[0]: item}
                    parts.extend(self.inner(names_bound)._template_parts(body))
        return parts

    def _heredoc_template(self, node: ParseTree) -> Any:
        return self._heredoc(str(node.children[0]), trim=False)

    def _heredoc_template_trim(self, node: ParseTree) -> Any:
        return self._heredoc(str(node.children[0]), trim=True)

    def _heredoc(self, token: str, trim: bool) -> Any:
        body = templates.heredoc_body(token, trim)
        if not templates.has_template_sequences(body):
            return body
        return self.template_text(body)

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
            return number_text(key)
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
        result: list[Any] = Unordered() if isinstance(target, Unordered) else []
        for item in items:
            for step in _subtrees(splat):
                if step.data == "get_attr":
                    item = get_attribute(item, _attr_name(step))
                else:
                    item = get_index(item, self._index_key(step))
            result.append(item)
        return result

    def _function_call(self, node: ParseTree) -> Any:
        names = [
            str(child.children[0]) for child in node.children if isinstance(child, Tree) and child.data == "identifier"
        ]
        arguments_node = next((c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None)
        argument_nodes = _subtrees(arguments_node) if arguments_node is not None else []
        expand = arguments_node is not None and any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in arguments_node.children
        )
        name = "::".join(names)
        bare = functions.bare_name(name)
        if bare in ("try", "can") and not expand:
            return self._try(argument_nodes) if bare == "try" else self._can(argument_nodes)
        arguments = [self.tree(argument) for argument in argument_nodes]
        if expand and arguments:
            last = arguments.pop()
            if is_unknown(last) or isinstance(last, Unordered):
                return Unknown()
            if not isinstance(last, list):
                raise EvalError(f"{name}(): the argument before ... must be a list, tuple or set")
            arguments.extend(last)
        if bare == "templatefile":
            return self._templatefile(arguments)
        if bare == "templatestring":
            return self._templatestring(arguments)
        return functions.call(name, arguments, self.scope.environment())

    def _try(self, nodes: list[ParseTree]) -> Any:
        """``try()``: the first argument that evaluates without an error.

        Terraform answers unknown when an argument depends on an unknown value, because evaluating
        it later might fail; here that holds for any argument whose value is not settled.
        """
        if not nodes:
            raise EvalError("try() needs at least one argument")
        for node in nodes:
            try:
                value = self.tree(node)
            except EvalError:
                continue
            return value if _settled(value) else Unknown()
        raise EvalError("no argument of try() could be evaluated")

    def _can(self, nodes: list[ParseTree]) -> Any:
        """``can()``: whether its argument evaluates without an error (unknown when that may change)."""
        if len(nodes) != 1:
            raise EvalError("can() takes exactly one argument")
        try:
            value = self.tree(nodes[0])
        except EvalError:
            return False
        return True if _settled(value) else Unknown()

    def _templatefile(self, arguments: list[Any]) -> Any:
        if self.in_template_file:
            raise EvalError("cannot recursively call templatefile from inside templatefile call")
        if len(arguments) != 2:
            raise EvalError("templatefile() takes 2 arguments")
        path, variables = arguments
        if is_unknown(path):
            return Unknown()
        try:
            text = functions.read_text(self.scope.environment(), to_string(path))
        except Unknowable:
            return Unknown()
        return self._render(text, variables, in_template_file=True)

    def _templatestring(self, arguments: list[Any]) -> Any:
        if len(arguments) != 2:
            raise EvalError("templatestring() takes 2 arguments")
        text, variables = arguments
        if is_unknown(text):
            return Unknown()
        return self._render(to_string(text), variables, in_template_file=self.in_template_file)

    def _render(self, text: str, variables: Any, in_template_file: bool) -> Any:
        """A template rendered with only ``variables`` in scope."""
        if is_unknown(variables):
            return Unknown()
        if not isinstance(variables, dict):
            raise EvalError("invalid vars value: must be a map")
        for name in variables:
            if not _IDENTIFIER.fullmatch(name):
                raise EvalError(f"invalid template variable name {name!r}")
        scope = TemplateScope(variables, self.scope.environment())
        return Evaluator(scope, in_template_file).template_text(text)

    # For expressions -----------------------------------------------------------------------------

    def _for_tuple_expr(self, node: ParseTree) -> Any:
        intro, value_node, *rest = _subtrees(node)
        loop = self._for_iterations(intro, rest[0] if rest else None)
        if loop is None:
            return Unknown()
        iterations, unordered = loop
        values = [inner.tree(value_node) for inner in iterations]
        return Unordered(values) if unordered else values

    def _for_object_expr(self, node: ParseTree) -> Any:
        subtrees = _subtrees(node)
        intro, key_node, value_node = subtrees[:3]
        loop = self._for_iterations(intro, subtrees[3] if len(subtrees) > 3 else None)
        if loop is None:
            return Unknown()
        iterations, unordered = loop
        grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
        result: dict[str, Any] = {}
        for inner in iterations:
            key = inner.tree(key_node)
            if isinstance(key, (int, float)) and not isinstance(key, bool):
                key = number_text(key)
            if not isinstance(key, str):
                return Unknown()
            value = inner.tree(value_node)
            if grouping:
                result.setdefault(key, Unordered() if unordered else []).append(value)
            elif key in result:
                raise EvalError(f"duplicate key {key!r} in for expression")
            else:
                result[key] = value
        return result

    def _for_iterations(self, intro: ParseTree, condition: ParseTree | None) -> tuple[list[Evaluator], bool] | None:
        """An evaluator per kept iteration, and whether their order is unknown; None when they are unknown."""
        names = [
            str(child.children[0]) for child in intro.children if isinstance(child, Tree) and child.data == "identifier"
        ]
        collection = self.tree(_subtrees(intro)[-1])
        pairs = iterate(collection)
        if pairs is None:
            return None
        iterations = []
        for key, item in pairs:
            inner = self.inner({names[0]: key, names[1]: item} if len(names) == 2 else {names[0]: item})
            if condition is not None:
                keep = to_bool(inner.tree(_subtrees(condition)[0]))
                if keep is None:
                    return None
                if not keep:
                    continue
            iterations.append(inner)
        return iterations, isinstance(collection, Unordered)


_OPERATOR = re.compile(r"(==|!=|<=|>=|&&|\|\||[<>+\-*/%])\s*$")


def _operator(token: str) -> str:
    """A binary operator's symbol: python-hcl2 folds a line break (and comments) before it into its token."""
    found = _OPERATOR.search(token)
    return found.group(1) if found else token.strip()


# Parse-tree helpers ----------------------------------------------------------------------------


def _subtrees(node: ParseTree) -> list[ParseTree]:
    return [child for child in node.children if isinstance(child, Tree) and child.data != "new_line_or_comment"]


def _is_bare_interpolation(node: ParseTree) -> bool:
    """True for a string that is exactly one ``${...}`` and nothing else."""
    inner = _subtrees(node)
    if node.data != "expr_term" or len(inner) != 1 or inner[0].data != "string":
        return False
    parts = _subtrees(inner[0])
    return len(parts) == 1 and isinstance(parts[0].children[0], Tree) and parts[0].children[0].data == "interpolation"


_DIRECTIVES = {
    "template_if_start": "if",
    "template_else": "else",
    "template_endif": "endif",
    "template_for_start": "for",
    "template_endfor": "endfor",
}
_TEMPLATE_SPACE = " \t\r\n"


def _template_items(node: ParseTree) -> list[tuple[Any, ...]]:
    """The flat parts of a quoted template, with the strip markers of its directives applied."""
    items: list[tuple[Any, ...]] = []
    strip_next = False
    for part in node.children:
        if not isinstance(part, Tree):
            continue
        content = part.children[0]
        if isinstance(content, Token):
            text = _literal_text(content)
            items.append(("text", text.lstrip(_TEMPLATE_SPACE) if strip_next else text))
            strip_next = False
            continue
        strip_next = False
        if content.data == "interpolation":
            items.append(("expression", _subtrees(content)[0]))
            continue
        kind = _DIRECTIVES.get(content.data)
        if kind is None:
            raise EvalError(f"unsupported template part {content.data}")
        tokens = [child for child in content.children if isinstance(child, Token)]
        if len(tokens) > 1 and tokens[1].type == "STRIP_MARKER" and items and items[-1][0] == "text":
            items[-1] = ("text", items[-1][1].rstrip(_TEMPLATE_SPACE))
        strip_next = len(tokens) > 1 and tokens[-2].type == "STRIP_MARKER"
        subtrees = _subtrees(content)
        if kind == "if":
            items.append(("if", subtrees[-1]))
        elif kind == "for":
            names = [str(tree.children[0]) for tree in subtrees if tree.data == "identifier"]
            items.append(("for", names, subtrees[-1]))
        else:
            items.append((kind,))
    return items


def _template_structure(items: list[tuple[Any, ...]]) -> list[Any]:
    """Nest ``if``/``else``/``endif`` and ``for``/``endfor`` items; EvalError when they do not pair up."""
    root: list[Any] = []
    stack: list[tuple[tuple[Any, ...], list[Any], list[Any] | None]] = []
    current = root
    for item in items:
        kind = item[0]
        if kind in ("text", "expression"):
            current.append(item)
        elif kind in ("if", "for"):
            body: list[Any] = []
            stack.append((item, body, None))
            current = body
        elif kind == "else":
            if not stack or stack[-1][0][0] != "if" or stack[-1][2] is not None:
                raise EvalError("%{ else } without %{ if }")
            opening, then_body, _ = stack.pop()
            else_body: list[Any] = []
            stack.append((opening, then_body, else_body))
            current = else_body
        else:
            expected = "if" if kind == "endif" else "for"
            if not stack or stack[-1][0][0] != expected:
                raise EvalError(f"%{{ {kind} }} without %{{ {expected} }}")
            opening, first_body, second_body = stack.pop()
            current = stack[-1][2] if stack and stack[-1][2] is not None else stack[-1][1] if stack else root
            if expected == "if":
                current.append(("if", opening[1], first_body, second_body or []))
            else:
                current.append(("for", opening[1], opening[2], first_body))
    if stack:
        raise EvalError("a template directive is not closed")
    return root


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


def _origin(value: Any) -> str | None:
    return getattr(value, "origin", None)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _settled(value: Any) -> bool:
    """True when evaluating the value again after apply cannot fail: it holds nothing unknown but
    references to string attributes (``id``, ``arn``) and templates of them.
    """
    if isinstance(value, list):
        return all(_settled(item) for item in value)
    if isinstance(value, dict):
        return all(_settled(item) for item in value.values())
    if isinstance(value, ResourceRef):
        return is_string_ref(value)
    if isinstance(value, PartialString):
        return all(isinstance(part, str) or is_string_ref(part) for part in value.parts)
    return value is None or isinstance(value, (bool, int, float, str))


def binary(operator: str, left: Any, right: Any) -> Any:
    """Arithmetic and comparison with Terraform's conversions; unknown in, unknown out."""
    if operator in ("==", "!="):
        verdict = equal(left, right)
        if verdict is None:
            return Unknown()
        return verdict if operator == "==" else not verdict
    if is_unknown(left) or is_unknown(right):
        return Unknown()
    a, b = to_number(left), to_number(right)
    if operator == "+":
        return normal_number(a + b)
    if operator == "-":
        return normal_number(a - b)
    if operator == "*":
        return normal_number(a * b)
    if operator == "/":
        if b == 0:
            raise EvalError("division by zero")
        return normal_number(a / b)
    if operator == "%":
        if b == 0:
            raise EvalError("division by zero")
        return normal_number(a % b)
    comparisons = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}
    if operator in comparisons:
        return comparisons[operator]
    raise EvalError(f"unknown operator {operator}")


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
    if is_set(target):
        raise EvalError("a set has no indices; convert it with tolist() first")
    if is_unknown(key):
        return Unknown()
    if hasattr(target, "attribute") or isinstance(target, (ResourceRef, PartialString, Unordered)):
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
    """(key, value) pairs: a list's index keys, a map's sorted keys, a set's elements as their own keys.

    None when unknown. The elements of an :class:`Unordered` list come in no known order, so their
    index keys are unknown.
    """
    if is_unknown(collection):
        return None
    if collection is None:
        raise EvalError("cannot iterate over null")
    if is_set(collection):
        return [(item, item) for item in collection]
    if isinstance(collection, Unordered):
        return [(Unknown(), item) for item in collection]
    if isinstance(collection, list):
        return list(enumerate(collection))
    if isinstance(collection, dict):
        return [(key, collection[key]) for key in sorted(collection)]
    raise EvalError("cannot iterate over a primitive value")
