"""``format`` and ``formatlist``: Terraform's printf, its verbs, flags, widths and precisions.

https://developer.hashicorp.com/terraform/language/functions/format. Widths count grapheme
clusters; numbers follow Go's ``fmt`` for integers and ``math/big`` for floats (``%g`` without a
precision is the shortest form, so ``format("%v", 1000000)`` is ``1e+06``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from vpce_checks.core.values import PartialString, ResourceRef, Unknown
from vpce_checks.loader.conversions import (
    EvalError,
    Unknowable,
    Unordered,
    contains_unknown,
    template,
    to_number,
    unknowable,
)
from vpce_checks.loader.functions.base import Environment, boolean, builtin, known, string
from vpce_checks.loader.functions.encoding import json_text, quote_json
from vpce_checks.loader.functions.text import clusters

_VERB = re.compile(
    r"%(?P<flags>[-+# 0]*)(?:\[(?P<index>[1-9][0-9]*)\])?(?P<width>[1-9][0-9]*|\*)?(?:\.(?P<precision>[0-9]*|\*))?"
)


def format_string(spec: str, values: list[Any]) -> Any:
    """The formatted text; a PartialString when ``%s``/``%v`` meet an unknown value."""
    parts: list[Any] = []
    literal: list[str] = []
    next_argument = 1
    index = 0
    while index < len(spec):
        char = spec[index]
        if char != "%":
            literal.append(char)
            index += 1
            continue
        if spec.startswith("%%", index):
            literal.append("%")
            index += 2
            continue
        match = _VERB.match(spec, index)
        assert match is not None  # every part of the pattern is optional
        end = match.end()
        if end >= len(spec) or not spec[end].isascii() or not spec[end].isalpha():
            shown = spec[end] if end < len(spec) else "end of string"
            raise EvalError(f"unrecognized format character {shown!r} at offset {end}")
        if match.group("width") == "*" or match.group("precision") == "*":
            raise unknowable()  # widths taken from arguments are not supported here
        argument = int(match.group("index")) if match.group("index") else next_argument
        next_argument = argument + 1
        if argument > len(values):
            raise EvalError(f"not enough arguments for {spec[index : end + 1]!r} at {index}")
        parts.append("".join(literal))
        literal = []
        parts.append(_verb(spec[end], match, values[argument - 1]))
        index = end + 1
    parts.append("".join(literal))
    return template(parts)


def _verb(mode: str, match: re.Match[str], value: Any) -> Any:
    flags = match.group("flags")
    width = int(match.group("width")) if match.group("width") else None
    precision_text = match.group("precision")
    precision = None if precision_text is None else int(precision_text or "0")
    if contains_unknown(value):
        # An unknown argument is still a string in a %s or %v without padding: the text around it is certain.
        plain = mode in "sv" and width is None and precision is None and "#" not in flags
        if plain and isinstance(value, (Unknown, ResourceRef, PartialString)):
            return value
        raise unknowable()
    if mode != "v" and value is None:
        raise EvalError(f"unsupported value for %{mode}: null value cannot be formatted")
    if mode == "v":
        if "#" not in flags and isinstance(value, str):
            return _pad(value, width, flags)
        if "#" not in flags and isinstance(value, (int, float)) and not isinstance(value, bool):
            return _pad(_float_text(value, "g", None), width, flags)
        return _pad(json_text(value), width, flags)
    if mode == "t":
        return "true" if boolean(value) else "false"
    if mode in "bdoxX":
        return _integer(to_number(known(value)), mode, flags, width, precision)
    if mode in "eEfgG":
        return _float(to_number(known(value)), mode, flags, width, precision)
    if mode in "sq":
        text = string(value)
        if precision:
            text = "".join(clusters(text)[:precision])
        return _pad(quote_json(text) if mode == "q" else text, width, flags)
    raise EvalError(f"unsupported format verb {mode!r}")


def _pad(text: str, width: int | None, flags: str) -> str:
    if width is None:
        return text
    missing = width - len(clusters(text))
    if missing <= 0:
        return text
    padding = ("0" if "0" in flags else " ") * missing
    return text + padding if "-" in flags else padding + text


def _integer(number: int | float, mode: str, flags: str, width: int | None, precision: int | None) -> str:
    """Go's ``fmt`` integer verbs (%b %d %o %x %X) with their flags."""
    if isinstance(number, float):
        if not number.is_integer():
            raise EvalError(f"unsupported value for %{mode}: an integer is required")
        number = int(number)
    negative = number < 0
    magnitude = abs(number)
    digits = {"b": format(magnitude, "b"), "d": str(magnitude), "o": format(magnitude, "o")}.get(mode)
    if digits is None:
        digits = format(magnitude, mode)
    sign = "-" if negative else "+" if "+" in flags else " " if " " in flags else ""
    if precision is not None:
        digits = "" if precision == 0 and magnitude == 0 else digits.rjust(precision, "0")
    elif "0" in flags and "-" not in flags and width is not None:
        digits = digits.rjust(width - len(sign), "0")  # Go counts the zeros before adding any 0x prefix
    prefix = ""
    if "#" in flags:
        prefix = {"b": "0b", "x": "0x", "X": "0X"}.get(mode, "")
        if mode == "o" and not digits.startswith("0"):
            prefix = "0"
    text = sign + prefix + digits
    if width is not None and len(text) < width:
        padding = " " * (width - len(text))
        text = text + padding if "-" in flags else padding + text
    return text


def _float(number: int | float, mode: str, flags: str, width: int | None, precision: int | None) -> str:
    """Go's ``big.Float`` verbs (%e %E %f %g %G) with their flags."""
    infinite = isinstance(number, float) and abs(number) == float("inf")
    negative = number < 0 or (isinstance(number, float) and str(number).startswith("-"))
    if infinite:
        body = "Inf"
        sign = "-" if negative else " " if " " in flags else "+"
    else:
        body = _float_text(abs(number), mode.lower(), precision)
        if mode.isupper():
            body = body.upper()
        sign = "-" if negative else "+" if "+" in flags else " " if " " in flags else ""
    padding = max(0, (width or 0) - len(sign) - len(body))
    if "0" in flags and not infinite:
        return sign + "0" * padding + body
    if "-" in flags:
        return sign + body + " " * padding
    return " " * padding + sign + body


def _float_text(number: int | float, mode: str, precision: int | None) -> str:
    """Go's ``big.Float`` text of a number in %e, %f or %g (lower case)."""
    if number < 0:
        return "-" + _float_text(-number, mode, precision)
    exact = Decimal(number) if isinstance(number, int) else Decimal(repr(number))
    if mode == "f":
        places = 6 if precision is None else precision
        return format(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN), "f")
    if mode == "e":
        return _exponent_form(exact, 6 if precision is None else precision)
    # %g: shortest digits without a precision, else that many significant digits.
    digits, exponent = _digits(exact, None if precision is None else max(precision, 1))
    shortest = precision is None
    limit = max(precision or 1, 1) if not shortest else 6
    if not shortest and limit > len(digits) and len(digits) >= exponent:
        limit = len(digits)
    if exponent - 1 < -4 or exponent - 1 >= limit:
        return _e_text(digits, exponent)
    if exponent <= 0:
        return "0." + "0" * -exponent + digits
    if exponent >= len(digits):
        return digits + "0" * (exponent - len(digits))
    return digits[:exponent] + "." + digits[exponent:]


def _digits(exact: Decimal, significant: int | None) -> tuple[str, int]:
    """Decimal digits (no trailing zeros) and the exponent e with value = 0.digits x 10**e."""
    if exact == 0:
        return "0", 1
    if significant is not None:
        exact = exact.quantize(Decimal(1).scaleb(exact.adjusted() - significant + 1), rounding=ROUND_HALF_EVEN)
    sign, digit_tuple, exponent = exact.normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(str(digit) for digit in digit_tuple)
    return digits, len(digits) + exponent


def _e_text(digits: str, exponent: int) -> str:
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    power = exponent - 1
    return f"{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"


def _exponent_form(exact: Decimal, places: int) -> str:
    if exact == 0:
        digits, exponent = "0", 1
    else:
        digits, exponent = _digits(exact, places + 1)
    digits = digits.ljust(places + 1, "0")
    mantissa = digits[0] + ("." + digits[1:] if places > 0 else "")
    power = exponent - 1
    return f"{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"


@builtin("format", 1, None, known=False)
def _format(arguments: list[Any], environment: Environment) -> Any:
    return format_string(string(arguments[0]), arguments[1:])


@builtin("formatlist", 1, None, known=False)
def _formatlist(arguments: list[Any], environment: Environment) -> Any:
    spec = string(arguments[0])
    values = arguments[1:]
    if not values:
        return [format_string(spec, [])]
    length = None
    for value in values:
        if isinstance(value, list):
            if isinstance(value, Unordered):
                raise unknowable()
            if length is not None and len(value) != length:
                raise EvalError(f"arguments have different lengths ({length} and {len(value)})")
            length = len(value)
        else:
            known(value)  # an unknown might be a list, which would change the result's length
    rows = 1 if length is None else length
    result = []
    for row in range(rows):
        row_values = [value[row] if isinstance(value, list) else value for value in values]
        try:
            result.append(format_string(spec, row_values))
        except Unknowable:
            result.append(Unknown())
    return result
