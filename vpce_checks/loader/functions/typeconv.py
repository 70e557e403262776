"""Type conversion functions: tobool, tolist, tomap, tonumber, toset, tostring, and the sensitivity ones.

https://developer.hashicorp.com/terraform/language/functions (Type Conversion Functions).
``try`` and ``can`` need their arguments unevaluated and live in the evaluator. Sensitivity and
ephemerality are not tracked, so ``sensitive``/``nonsensitive`` return their argument and
``issensitive``/``ephemeralasnull`` are unknown.
"""

from __future__ import annotations

from typing import Any

from vpce_checks.core.values import PartialString
from vpce_checks.loader.conversions import (
    EvalError,
    Unordered,
    is_string_ref,
    make_set,
    parse_number,
    to_string,
    type_name,
    unify,
    unknowable,
)
from vpce_checks.loader.functions.base import Environment, builtin, known


@builtin("tostring", 1, known=False)
def _tostring(arguments: list[Any], environment: Environment) -> Any:
    value = arguments[0]
    if value is None or isinstance(value, PartialString) or is_string_ref(value):
        return value
    if isinstance(value, (list, dict)):
        raise EvalError(f"cannot convert {type_name(value)} to string")
    return to_string(known(value))


@builtin("tonumber", 1, known=False)
def _tonumber(arguments: list[Any], environment: Environment) -> Any:
    value = known(arguments[0])
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        return parse_number(value)
    raise EvalError(f"cannot convert {type_name(value)} to number")


@builtin("tobool", 1, known=False)
def _tobool(arguments: list[Any], environment: Environment) -> Any:
    value = known(arguments[0])
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise EvalError(f"cannot convert {type_name(value)} {value!r} to bool")


@builtin("tolist", 1, known=False)
def _tolist(arguments: list[Any], environment: Environment) -> Any:
    value = known(arguments[0])
    if value is None:
        return None
    if not isinstance(value, list):
        raise EvalError(f"cannot convert {type_name(value)} to list")
    if isinstance(value, Unordered):
        return Unordered(value)  # a set's order becomes the list's, and it is not known
    return unify(list(value))


@builtin("toset", 1, known=False)
def _toset(arguments: list[Any], environment: Environment) -> Any:
    value = known(arguments[0])
    if value is None:
        return None
    if not isinstance(value, list):
        raise EvalError(f"cannot convert {type_name(value)} to set")
    return make_set(list(value))


@builtin("tomap", 1, known=False)
def _tomap(arguments: list[Any], environment: Environment) -> Any:
    value = known(arguments[0])
    if value is None:
        return None
    if not isinstance(value, dict):
        raise EvalError(f"cannot convert {type_name(value)} to map")
    keys = list(value)
    return dict(zip(keys, unify([value[key] for key in keys]), strict=True))


@builtin("sensitive", 1, known=False)
def _sensitive(arguments: list[Any], environment: Environment) -> Any:
    return arguments[0]


@builtin("nonsensitive", 1, known=False)
def _nonsensitive(arguments: list[Any], environment: Environment) -> Any:
    return arguments[0]


@builtin("issensitive", 1, known=False)
def _issensitive(arguments: list[Any], environment: Environment) -> Any:
    raise unknowable()  # which values are sensitive is not tracked


@builtin("ephemeralasnull", 1, known=False)
def _ephemeralasnull(arguments: list[Any], environment: Environment) -> Any:
    raise unknowable()  # which values are ephemeral is not tracked
