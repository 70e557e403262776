"""The Terraform functions that configurations use around endpoints, evaluated statically.

A function given an unknown argument returns an unknown result, except where part of the answer
is still certain (``concat`` of known lists with unknown elements, ``format`` with an unknown
region, ``length`` of a list whose elements are unknown). Functions not listed here evaluate to
unknown.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from lark.tree import ParseTree

from vpce_checks.core.values import PartialString, ResourceRef, Unknown, is_unknown
from vpce_checks.loader.evaluate import (
    EvalError,
    Evaluator,
    contains_unknown,
    max_collection,
    template,
    to_bool,
    to_number,
    to_string,
)

Function = Callable[[list[Any]], Any]


def call(name: str, evaluator: Evaluator, argument_nodes: list[ParseTree], expand: bool) -> Any:
    """Call a function on its (unevaluated) arguments."""
    if name in ("try", "can"):
        return _try(evaluator, argument_nodes) if name == "try" else _can(evaluator, argument_nodes)
    function = FUNCTIONS.get(name.removeprefix("provider::terraform::"))
    arguments = [evaluator.tree(node) for node in argument_nodes]
    if expand and arguments:
        last = arguments.pop()
        if is_unknown(last) or not isinstance(last, list):
            return Unknown()
        arguments.extend(last)
    if function is None:
        return Unknown()
    try:
        return function(arguments)
    except (ValueError, TypeError, IndexError, KeyError, ArithmeticError) as error:
        # Wrong arity or argument types: Terraform rejects the call, so the value is an error, not a crash.
        raise EvalError(f"{name}(): {error}") from error


def _try(evaluator: Evaluator, nodes: list[ParseTree]) -> Any:
    for node in nodes:
        try:
            value = evaluator.tree(node)
        except EvalError:
            continue
        return value
    raise EvalError("no argument of try() could be evaluated")


def _can(evaluator: Evaluator, nodes: list[ParseTree]) -> Any:
    try:
        value = evaluator.tree(nodes[0])
    except EvalError:
        return False
    return Unknown() if contains_unknown(value) else True


def _known(function: Function) -> Function:
    """Wrap a function that needs every argument wholly known."""

    def wrapper(arguments: list[Any]) -> Any:
        if any(contains_unknown(argument) for argument in arguments):
            return Unknown()
        return function(arguments)

    return wrapper


def _list_arguments(arguments: list[Any]) -> list[list[Any]] | None:
    lists = []
    for argument in arguments:
        if is_unknown(argument):
            return None
        if not isinstance(argument, list):
            raise EvalError("expected a list")
        lists.append(argument)
    return lists


def _concat(arguments: list[Any]) -> Any:
    lists = _list_arguments(arguments)
    return Unknown() if lists is None else [item for items in lists for item in items]


def _length(arguments: list[Any]) -> Any:
    (value,) = arguments
    if is_unknown(value):
        return Unknown()
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        return len(value)
    raise EvalError("length() needs a collection or string")


def _element(arguments: list[Any]) -> Any:
    items, index = arguments
    if is_unknown(items) or is_unknown(index):
        return Unknown()
    if not isinstance(items, list) or not items:
        raise EvalError("element() needs a non-empty list")
    return items[int(to_number(index)) % len(items)]


def _distinct(arguments: list[Any]) -> Any:
    (items,) = arguments
    if is_unknown(items) or not isinstance(items, list):
        return Unknown()
    if any(isinstance(item, (Unknown, PartialString)) for item in items):
        return Unknown()  # an unknown element might equal another
    result: list[Any] = []
    for item in items:
        if item not in result:
            result.append(item)
    return result


def _toset(arguments: list[Any]) -> Any:
    # Terraform orders a set of strings lexically; other elements keep first-seen order here.
    result = _distinct(arguments)
    if isinstance(result, list) and all(isinstance(item, str) for item in result):
        return sorted(result)
    return result


def _tolist(arguments: list[Any]) -> Any:
    (items,) = arguments
    if is_unknown(items) or isinstance(items, list):
        return items if isinstance(items, list) else Unknown()
    raise EvalError("tolist() needs a list or set")


def _flatten(arguments: list[Any]) -> Any:
    (items,) = arguments
    if is_unknown(items):
        return Unknown()

    def flat(value: Any) -> list[Any] | None:
        result = []
        for item in value:
            if isinstance(item, list):
                inner = flat(item)
                if inner is None:
                    return None
                result.extend(inner)
            elif isinstance(item, Unknown):
                return None  # might be a list to flatten
            else:
                result.append(item)
        return result

    if not isinstance(items, list):
        raise EvalError("flatten() needs a list")
    flattened = flat(items)
    return Unknown() if flattened is None else flattened


def _merge(arguments: list[Any]) -> Any:
    result: dict[str, Any] = {}
    for argument in arguments:
        if argument is None:
            continue
        if is_unknown(argument):
            return Unknown()
        if not isinstance(argument, dict):
            raise EvalError("merge() needs maps")
        result.update(argument)
    return result


def _lookup(arguments: list[Any]) -> Any:
    mapping, key, *default = arguments
    if is_unknown(mapping) or is_unknown(key):
        return Unknown()
    if not isinstance(mapping, dict):
        raise EvalError("lookup() needs a map")
    text = to_string(key)
    if text in mapping:
        return mapping[text]
    if default:
        return default[0]
    raise EvalError(f"no key {text!r}")


def _keys(arguments: list[Any]) -> Any:
    (mapping,) = arguments
    if is_unknown(mapping):
        return Unknown()
    if not isinstance(mapping, dict):
        raise EvalError("keys() needs a map")
    return sorted(mapping)


def _values(arguments: list[Any]) -> Any:
    (mapping,) = arguments
    if is_unknown(mapping):
        return Unknown()
    if not isinstance(mapping, dict):
        raise EvalError("values() needs a map")
    return [mapping[key] for key in sorted(mapping)]


_VERB = re.compile(r"%(?:%|(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z])")


def _format(arguments: list[Any]) -> Any:
    spec, *values = arguments
    if not isinstance(spec, str):
        return Unknown()
    parts: list[Any] = []
    position = 0
    remaining = list(values)
    for match in _VERB.finditer(spec):
        parts.append(spec[position : match.start()])
        position = match.end()
        verb = match.group(0)
        if verb == "%%":
            parts.append("%")
            continue
        if not remaining:
            raise EvalError("format() has too few arguments")
        value = remaining.pop(0)
        if is_unknown(value):
            parts.append(Unknown(getattr(value, "origin", None)) if not isinstance(value, ResourceRef) else value)
        elif verb[-1] == "q":
            parts.append('"' + to_string(value) + '"')
        elif verb[-1] == "d":
            parts.append(str(int(to_number(value))))
        elif verb[-1] in "sv":
            parts.append(to_string(value))
        else:
            return Unknown()
    parts.append(spec[position:])
    return template(parts)


def _join(arguments: list[Any]) -> Any:
    separator, *lists = arguments
    if not isinstance(separator, str):
        return Unknown()
    items = _concat(lists)
    if is_unknown(items):
        return Unknown()
    parts: list[Any] = []
    for index, item in enumerate(items):
        if index:
            parts.append(separator)
        parts.append(item)
    return template(parts)


def _split(arguments: list[Any]) -> Any:
    separator, text = arguments
    return to_string(text).split(to_string(separator))


def _replace(arguments: list[Any]) -> Any:
    if len(arguments) != 3:
        raise EvalError("replace() takes three arguments")
    text, search, replacement = arguments
    if isinstance(text, str) and isinstance(search, str) and search and is_unknown(replacement):
        # "com.amazonaws.REGION.s3" with an unknown region keeps its known parts.
        if search.startswith("/") and search.endswith("/") and len(search) > 1:
            return Unknown()
        pieces = text.split(search)
        parts: list[Any] = [pieces[0]]
        for piece in pieces[1:]:
            parts += [replacement, piece]
        return template(parts)
    if any(contains_unknown(argument) for argument in arguments):
        return Unknown()
    text, search, replacement = (to_string(argument) for argument in arguments)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        pattern = search[1:-1]
        return re.sub(pattern, re.sub(r"\$(\d+)", r"\\\1", replacement), text)
    return text.replace(search, replacement)


def _coalesce(arguments: list[Any]) -> Any:
    for argument in arguments:
        if is_unknown(argument):
            return Unknown()
        if argument is not None and argument != "":
            return argument
    raise EvalError("coalesce() found no non-null argument")


def _contains(arguments: list[Any]) -> Any:
    items, value = arguments
    if is_unknown(items) or is_unknown(value) or not isinstance(items, list):
        return Unknown() if is_unknown(items) or is_unknown(value) else _fail("contains() needs a list")
    if value in items:
        return True
    return Unknown() if any(is_unknown(item) for item in items) else False


def _fail(message: str) -> Any:
    raise EvalError(message)


def _range(arguments: list[Any]) -> Any:
    numbers = [to_number(argument) for argument in arguments]
    start, stop, step = (
        (0, numbers[0], 1) if len(numbers) == 1 else (numbers[0], numbers[1], numbers[2] if len(numbers) > 2 else 1)
    )
    if step == 0:
        raise EvalError("range() step is 0")
    if abs((stop - start) / step) > max_collection():
        return Unknown()
    result = []
    value = start
    while (step > 0 and value < stop) or (step < 0 and value > stop):
        result.append(value)
        value += step
    return result


def _zipmap(arguments: list[Any]) -> Any:
    keys, values = arguments
    if len(keys) != len(values):
        raise EvalError("zipmap() needs lists of equal length")
    return {to_string(key): value for key, value in zip(keys, values, strict=False)}


def _compact(arguments: list[Any]) -> Any:
    (items,) = arguments
    return [item for item in items if item is not None and item != ""]


def _one(arguments: list[Any]) -> Any:
    (items,) = arguments
    if is_unknown(items):
        return Unknown()
    if not isinstance(items, list) or len(items) > 1:
        raise EvalError("one() needs a list of at most one element")
    return items[0] if items else None


def _index(arguments: list[Any]) -> Any:
    items, value = arguments
    for position, item in enumerate(items):
        if item == value:
            return position
    raise EvalError("index(): value not found")


def _tomap(arguments: list[Any]) -> Any:
    (value,) = arguments
    if is_unknown(value) or isinstance(value, dict):
        return value
    raise EvalError("tomap() needs a map")


def _strings(function: Callable[..., Any]) -> Function:
    return _known(lambda arguments: function(*(to_string(argument) for argument in arguments)))


def _slice(arguments: list[Any]) -> Any:
    items, start, end = arguments
    return items[int(to_number(start)) : int(to_number(end))]


def _tobool(arguments: list[Any]) -> Any:
    (value,) = arguments
    return None if value is None else to_bool(value)


FUNCTIONS: dict[str, Function] = {
    "concat": _concat,
    "length": _length,
    "element": _element,
    "distinct": _distinct,
    "toset": _toset,
    "tolist": _tolist,
    "flatten": _flatten,
    "merge": _merge,
    "lookup": _lookup,
    "keys": _keys,
    "values": _values,
    "format": _format,
    "join": _join,
    "split": _known(_split),
    "replace": _replace,
    "lower": _strings(str.lower),
    "upper": _strings(str.upper),
    "trimspace": _strings(str.strip),
    "trimprefix": _strings(lambda text, prefix: text.removeprefix(prefix)),
    "trimsuffix": _strings(lambda text, suffix: text.removesuffix(suffix)),
    "startswith": _strings(lambda text, prefix: text.startswith(prefix)),
    "endswith": _strings(lambda text, suffix: text.endswith(suffix)),
    "coalesce": _coalesce,
    "contains": _contains,
    "range": _known(_range),
    "zipmap": _known(_zipmap),
    "compact": _known(_compact),
    "one": _one,
    "index": _known(_index),
    "tomap": _tomap,
    "tostring": _known(lambda arguments: None if arguments[0] is None else to_string(arguments[0])),
    "tonumber": _known(lambda arguments: None if arguments[0] is None else to_number(arguments[0])),
    "tobool": _known(_tobool),
    "slice": _known(_slice),
    "reverse": _known(lambda arguments: list(reversed(arguments[0]))),
    "sort": _known(lambda arguments: sorted(to_string(item) for item in arguments[0])),
    "min": _known(lambda arguments: min(to_number(item) for item in arguments)),
    "max": _known(lambda arguments: max(to_number(item) for item in arguments)),
    "abs": _known(lambda arguments: abs(to_number(arguments[0]))),
    "setunion": _known(lambda arguments: _toset([[item for items in arguments for item in items]])),
}
"""Every function evaluated statically, by Terraform name."""
