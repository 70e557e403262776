"""Numeric functions: abs, ceil, floor, log, max, min, parseint, pow, signum.

Terraform computes with 512-bit floats; these use Python's integers (exact) and 64-bit floats,
which differ only in digits far beyond what a configuration uses.
"""

from __future__ import annotations

import math
from typing import Any

from vpce_checks.loader.conversions import EvalError, normal_number
from vpce_checks.loader.functions.base import Environment, builtin, integer, number, string

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@builtin("abs", 1)
def _abs(arguments: list[Any], environment: Environment) -> Any:
    return abs(number(arguments[0]))


def _rounded(value: int | float, rounding: Any) -> int | float:
    if isinstance(value, int) or math.isinf(value):
        return value
    return int(rounding(value))


@builtin("ceil", 1)
def _ceil(arguments: list[Any], environment: Environment) -> Any:
    return _rounded(number(arguments[0]), math.ceil)


@builtin("floor", 1)
def _floor(arguments: list[Any], environment: Environment) -> Any:
    return _rounded(number(arguments[0]), math.floor)


def _go_log(value: float) -> float:
    if value < 0 or math.isnan(value):
        return math.nan
    if value == 0:
        return -math.inf
    return math.log(value)


def _go_divide(dividend: float, divisor: float) -> float:
    """IEEE division as Go computes it (Python raises where Go gives an infinity)."""
    if divisor == 0:
        if dividend == 0 or math.isnan(dividend):
            return math.nan
        return math.copysign(math.inf, dividend) * math.copysign(1, divisor)
    return dividend / divisor


@builtin("log", 2)
def _log(arguments: list[Any], environment: Environment) -> Any:
    value, base = float(number(arguments[0])), float(number(arguments[1]))
    result = _go_divide(_go_log(value), _go_log(base))
    if math.isnan(result):
        raise EvalError(f"log({value:g}, {base:g}) is not a number")
    return normal_number(result)


@builtin("max", 1, None)
def _max(arguments: list[Any], environment: Environment) -> Any:
    return max(number(argument) for argument in arguments)


@builtin("min", 1, None)
def _min(arguments: list[Any], environment: Environment) -> Any:
    return min(number(argument) for argument in arguments)


@builtin("parseint", 2)
def _parseint(arguments: list[Any], environment: Environment) -> Any:
    text, base = string(arguments[0]), integer(arguments[1])
    if not 2 <= base <= 62:
        raise EvalError("base must be a whole number between 2 and 62 inclusive")
    digits = text[1:] if text[:1] in "+-" else text
    # Up to base 36 letters are case-insensitive; above, lower case comes first (Go's big.Int).
    alphabet = _DIGITS[:base] if base > 36 else _DIGITS[:base] + _DIGITS[10:base].upper()
    if not digits or any(char not in alphabet for char in digits):
        raise EvalError(f"cannot parse {text!r} as a base {base} integer")
    value = 0
    for char in digits:
        value = value * base + (_DIGITS.index(char.lower() if base <= 36 else char))
    return -value if text.startswith("-") else value


@builtin("pow", 2)
def _pow(arguments: list[Any], environment: Environment) -> Any:
    base, exponent = float(number(arguments[0])), float(number(arguments[1]))
    try:
        result = math.pow(base, exponent)
    except OverflowError:
        return math.inf
    except ValueError as error:
        if base == 0:
            return math.inf  # Go: pow(0, negative) is +Inf
        raise EvalError("pow() result is not a number") from error
    return normal_number(result)


@builtin("signum", 1)
def _signum(arguments: list[Any], environment: Environment) -> Any:
    value = number(arguments[0])
    return (value > 0) - (value < 0)
