"""Collection functions, keeping what is known about lists of references.

https://developer.hashicorp.com/terraform/language/functions (Collection Functions). Terraform
answers "unknown" at plan time for most of these when an element is unknown; here the question is
what the value will be after apply, so an element that is a reference stays in the result wherever
the result does not depend on its value: ``slice()``, ``element()``, ``concat()``, ``one()``,
``reverse()`` and ``flatten()`` only move elements, and ``distinct()``, ``setsubtract()`` and the
other set functions can still decide equality, because the ``id`` (or ``arn``) of two instances of
one resource type are different values (see :func:`vpce_checks.loader.conversions.equal`).
``sort()`` of references keeps the elements but not an order (:class:`Unordered`).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from vpce_checks.core.values import PartialString, ResourceRef, Unknown, is_unknown
from vpce_checks.loader.conversions import (
    EvalError,
    Unordered,
    distinct,
    equal,
    find,
    is_certain_string,
    is_set,
    is_string_ref,
    make_set,
    to_bool,
    to_number,
    to_string,
    type_name,
    unify,
    unknowable,
)
from vpce_checks.loader.functions.base import (
    Environment,
    builtin,
    integer,
    known,
    mapping,
    not_null,
    number,
    sequence,
    string,
    strings,
)
from vpce_checks.loader.functions.text import clusters


def _like(source: list[Any], items: list[Any]) -> list[Any]:
    """A list with ``source``'s certainty of order: unordered stays unordered."""
    return Unordered(items) if isinstance(source, Unordered) else list(items)


def _ordered(value: list[Any]) -> list[Any]:
    """The elements of a list whose order matters to the result; Unknowable when it is not known."""
    if isinstance(value, Unordered):
        raise unknowable()
    return value


def _not_a_set(value: list[Any], function: str) -> None:
    if is_set(value):
        raise EvalError(f"{function}() cannot read elements from a set; convert it with tolist() first")


@builtin("alltrue", 1, known=False)
def _alltrue(arguments: list[Any], environment: Environment) -> Any:
    for item in sequence(arguments[0]):
        if is_unknown(item):
            raise unknowable()
        if item is None or not to_bool(item):
            return False
    return True


@builtin("anytrue", 1, known=False)
def _anytrue(arguments: list[Any], environment: Environment) -> Any:
    unknown = False
    for item in sequence(arguments[0]):
        if is_unknown(item):
            unknown = True
        elif item is not None and to_bool(item):
            return True
    if unknown:
        raise unknowable()
    return False


@builtin("chunklist", 2, known=False)
def _chunklist(arguments: list[Any], environment: Environment) -> Any:
    items = sequence(arguments[0])
    if not items:
        return []
    size = integer(arguments[1])
    if size < 0:
        raise EvalError("the size argument must be positive")
    if size == 0:
        return [list(items)]
    items = _ordered(items)
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def _non_empty(value: Any) -> bool | None:
    """Whether a value is certainly neither null nor "": None when that cannot be known."""
    if is_string_ref(value):
        return True
    if isinstance(value, PartialString):
        return True if any(isinstance(part, str) and part for part in value.parts) else None
    if is_unknown(value):
        return None
    return value is not None and value != ""


@builtin("coalesce", 1, None, known=False)
def _coalesce(arguments: list[Any], environment: Environment) -> Any:
    values = unify(arguments)
    strings_result = any(is_certain_string(value) for value in values)
    for value in values:
        if value is None or (strings_result and value == ""):
            continue
        if is_unknown(value):
            if _non_empty(value):
                return value
            raise unknowable()
        return value
    raise EvalError("no non-null, non-empty-string arguments")


@builtin("coalescelist", 1, None, known=False)
def _coalescelist(arguments: list[Any], environment: Environment) -> Any:
    for argument in arguments:
        items = known(argument)
        if not isinstance(items, list):
            raise EvalError("coalescelist arguments must be lists or tuples")
        if items:
            return items
    raise EvalError("no non-null arguments")


@builtin("compact", 1, known=False)
def _compact(arguments: list[Any], environment: Environment) -> Any:
    items = sequence(arguments[0])
    kept = []
    for item in items:
        if isinstance(item, (list, dict)):
            raise EvalError(f"compact() needs a list of strings, not a list with a {type_name(item)}")
        verdict = _non_empty(item)
        if verdict is None:
            raise unknowable()
        if verdict:
            kept.append(item if is_unknown(item) else to_string(item))
    return _like(items, kept)


@builtin("concat", 1, None, known=False)
def _concat(arguments: list[Any], environment: Environment) -> Any:
    result: list[Any] = []
    unordered = False
    for argument in arguments:
        items = sequence(argument)
        if is_set(items):
            raise EvalError("all arguments must be lists or tuples; got set")
        unordered = unordered or isinstance(items, Unordered)
        result.extend(items)
    return Unordered(result) if unordered else result


@builtin("contains", 2, known=False)
def _contains(arguments: list[Any], environment: Environment) -> Any:
    items = arguments[0]
    if known(items) is None:
        raise EvalError("cannot search a nil list or set")
    if not isinstance(items, list):
        raise EvalError("argument must be list, tuple, or set")
    if not items:
        return False
    uncertain = False
    for item in items:
        verdict = equal(arguments[1], item)
        if verdict is True:
            return True
        if verdict is None:
            uncertain = True
    if uncertain:
        raise unknowable()
    return False


@builtin("distinct", 1, known=False)
def _distinct(arguments: list[Any], environment: Environment) -> Any:
    items = sequence(arguments[0])
    unique = distinct(unify(items))
    if unique is None:
        raise unknowable()
    return _like(items, unique)


@builtin("element", 2, known=False)
def _element(arguments: list[Any], environment: Environment) -> Any:
    position = integer(arguments[1])
    if position < 0:
        raise EvalError("cannot use element function with a negative index")
    items = sequence(arguments[0])
    _not_a_set(items, "element")
    if not items:
        raise EvalError("cannot use element function with an empty list")
    return _ordered(items)[position % len(items)]


def _flat(items: list[Any], unordered: list[bool]) -> list[Any]:
    result: list[Any] = []
    for item in items:
        if isinstance(item, list):
            if isinstance(item, Unordered):
                unordered[0] = True
            result.extend(_flat(item, unordered))
        elif isinstance(item, Unknown) or (isinstance(item, ResourceRef) and not is_string_ref(item)):
            raise unknowable()  # it might be a list, to be flattened into this one
        else:
            result.append(item)
    return result


@builtin("flatten", 1, known=False)
def _flatten(arguments: list[Any], environment: Environment) -> Any:
    items = sequence(arguments[0])
    unordered = [isinstance(items, Unordered)]
    result = _flat(items, unordered)
    return Unordered(result) if unordered[0] else result


@builtin("index", 2, known=False)
def _index(arguments: list[Any], environment: Environment) -> Any:
    items = sequence(arguments[0])
    if is_set(items):
        raise EvalError("argument must be a list or tuple")
    if not items:
        raise EvalError("cannot search an empty list")
    for position, item in enumerate(_ordered(items)):
        verdict = equal(item, arguments[1])
        if verdict is None:
            raise unknowable()
        if verdict:
            return position
    raise EvalError("item not found")


@builtin("keys", 1, known=False)
def _keys(arguments: list[Any], environment: Environment) -> Any:
    return sorted(mapping(arguments[0]))


@builtin("length", 1, known=False)
def _length(arguments: list[Any], environment: Environment) -> Any:
    value = not_null(arguments[0])
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        return len(clusters(value))
    if isinstance(value, (bool, int, float)):
        raise EvalError("argument must be a string, a collection type, or a structural type")
    raise unknowable()


@builtin("lookup", 2, 3, known=False)
def _lookup(arguments: list[Any], environment: Environment) -> Any:
    table = known(arguments[0])
    if not isinstance(table, dict):
        raise EvalError("lookup() requires a map as the first argument")
    key = string(arguments[1])
    if key in table:
        return table[key]
    if len(arguments) == 3:
        return arguments[2]
    raise EvalError(f"lookup failed to find key {key!r}")


@builtin("matchkeys", 3, known=False)
def _matchkeys(arguments: list[Any], environment: Environment) -> Any:
    values, keys, searchset = (sequence(argument) for argument in arguments)
    if len(values) != len(keys):
        raise EvalError("length of keys and values should be equal")
    if not searchset:
        return []
    values, keys = _ordered(values), _ordered(keys)
    unified = unify(list(keys) + list(searchset))
    keys, searchset = unified[: len(keys)], unified[len(keys) :]
    result = []
    for value, key in zip(values, keys, strict=True):
        found = find(key, searchset)
        if found is None:
            raise unknowable()
        if found >= 0:
            result.append(value)
    return result


@builtin("merge", 0, None, known=False)
def _merge(arguments: list[Any], environment: Environment) -> Any:
    result: dict[str, Any] = {}
    every_null = bool(arguments)
    for argument in arguments:
        if known(argument) is None:
            continue
        every_null = False
        if not isinstance(argument, dict):
            raise EvalError(f"arguments must be maps or objects, got {type_name(argument)}")
        result.update(argument)
    return None if every_null else result


@builtin("one", 1, known=False)
def _one(arguments: list[Any], environment: Environment) -> Any:
    items = sequence(arguments[0])
    if len(items) > 1:
        raise EvalError("must be a list, set, or tuple value with either zero or one elements")
    return items[0] if items else None


@builtin("range", 1, 3)
def _range(arguments: list[Any], environment: Environment) -> Any:
    numbers = [_terraform_number(number(argument)) for argument in arguments]
    zero, one = Fraction(0), Fraction(1)
    if len(numbers) == 1:
        start, end, step = zero, numbers[0], (-one if numbers[0] < 0 else one)
    elif len(numbers) == 2:
        start, end, step = numbers[0], numbers[1], (-one if numbers[1] < numbers[0] else one)
    else:
        start, end, step = numbers
    if step == 0:
        raise EvalError("step must not be zero")
    if step < 0 and end > start:
        raise EvalError("end must be less than start when step is negative")
    if step > 0 and end < start:
        raise EvalError("end must be greater than start when step is positive")
    values: list[Fraction] = []
    current = start
    while (step > 0 and current < end) or (step < 0 and current > end):
        if len(values) >= 1024:
            raise EvalError("more than 1024 values were generated; decrease the difference or use a smaller step")
        values.append(current)
        current = _round_bits(current + step)
    return [int(value) if value.denominator == 1 else float(value) for value in values]


_PRECISION = 512
"""Terraform's numbers are binary floats with a 512-bit mantissa, rounded to nearest even."""


def _terraform_number(value: int | float) -> Fraction:
    """A number as Terraform holds it (a decimal literal rounded to 512 bits)."""
    exact = Fraction(value) if isinstance(value, int) else Fraction(Decimal(repr(value)))
    return _round_bits(exact)


def _round_bits(value: Fraction) -> Fraction:
    if value == 0:
        return value
    magnitude = abs(value)
    exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if Fraction(2) ** exponent > magnitude:
        exponent -= 1
    mantissa = round(magnitude * Fraction(2) ** (_PRECISION - 1 - exponent))
    rounded = Fraction(mantissa) * Fraction(2) ** (exponent - _PRECISION + 1)
    return rounded if value > 0 else -rounded


@builtin("reverse", 1, known=False)
def _reverse(arguments: list[Any], environment: Environment) -> Any:
    items = sequence(arguments[0])
    return _like(items, list(reversed(items)))


def _set_arguments(arguments: list[Any]) -> list[list[Any]]:
    """Each argument as the elements of a set, all unified to one element type."""
    lists = [sequence(argument) for argument in arguments]
    unified = unify([item for items in lists for item in items])
    sets = []
    position = 0
    for items in lists:
        unique = distinct(unified[position : position + len(items)])
        if unique is None:
            raise unknowable()
        sets.append(unique)
        position += len(items)
    return sets


def _decided_members(candidates: list[Any], others: list[list[Any]], wanted: bool) -> list[Any]:
    """The candidates that are (``wanted``) or are not in every one of ``others``."""
    result = []
    for item in candidates:
        inside = True
        for other in others:
            found = find(item, other)
            if found is None:
                raise unknowable()
            if found < 0:
                inside = False
                break
        if inside == wanted:
            result.append(item)
    return result


@builtin("setintersection", 1, None, known=False)
def _setintersection(arguments: list[Any], environment: Environment) -> Any:
    first, *others = _set_arguments(arguments)
    return make_set(_decided_members(first, others, wanted=True))


@builtin("setsubtract", 2, known=False)
def _setsubtract(arguments: list[Any], environment: Environment) -> Any:
    first, second = _set_arguments(arguments)
    return make_set([item for item in first if not _decided_members([item], [second], wanted=True)])


@builtin("setunion", 1, None, known=False)
def _setunion(arguments: list[Any], environment: Environment) -> Any:
    return make_set([item for items in _set_arguments(arguments) for item in items])


@builtin("setproduct", 2, None, known=False)
def _setproduct(arguments: list[Any], environment: Environment) -> Any:
    lists = [sequence(argument) for argument in arguments]
    total = math.prod(len(items) for items in lists)
    if total > environment.max_collection:
        raise unknowable()
    products: list[list[Any]] = [[]]
    for items in lists:
        products = [product + [item] for product in products for item in items]
    if any(is_set(items) for items in lists):
        unique = distinct(products)
        if unique is None:
            raise unknowable()
        return Unordered(unique, is_set=True)
    if any(isinstance(items, Unordered) for items in lists):
        return Unordered(products)
    return products


@builtin("slice", 3, known=False)
def _slice(arguments: list[Any], environment: Environment) -> Any:
    items = sequence(arguments[0])
    if is_set(items):
        raise EvalError("cannot slice a set, because its elements do not have indices")
    start, end = integer(arguments[1]), integer(arguments[2])
    if start < 0:
        raise EvalError("start index must not be less than zero")
    if start > len(items):
        raise EvalError("start index must not be greater than the length of the list")
    if end < 0:
        raise EvalError("end index must not be less than zero")
    if end > len(items):
        raise EvalError("end index must not be greater than the length of the list")
    if start > end:
        raise EvalError("start index must not be greater than end index")
    if isinstance(items, Unordered) and 0 < end - start < len(items):
        raise unknowable()  # which elements a part of an unordered list holds is not known
    return _like(items, items[start:end])


@builtin("sort", 1, known=False)
def _sort(arguments: list[Any], environment: Environment) -> Any:
    items = sequence(arguments[0])
    known_texts: list[str] = []
    unknown_texts: list[Any] = []
    for item in items:
        if item is None:
            raise EvalError("a null string cannot be sorted")
        if is_certain_string(item) and is_unknown(item):
            unknown_texts.append(item)
        elif is_unknown(item) or isinstance(item, (list, dict)):
            if isinstance(item, (list, dict)):
                raise EvalError(f"sort() needs a list of strings, not a list with a {type_name(item)}")
            raise unknowable()  # it might be null, which is an error
        else:
            known_texts.append(to_string(item))
    if unknown_texts or isinstance(items, Unordered):
        return Unordered(known_texts + unknown_texts)
    return sorted(known_texts)


@builtin("sum", 1)
def _sum(arguments: list[Any], environment: Environment) -> Any:
    items = not_null(arguments[0])
    if isinstance(items, dict):
        raise EvalError("argument must be list, set, or tuple")
    items = sequence(items)
    if not items:
        raise EvalError("cannot sum an empty list")
    total: int | float = 0
    for item in items:
        if item is None:
            raise EvalError("argument must be list, set, or tuple of number values")
        total += to_number(item)
    return total


@builtin("transpose", 1, known=False)
def _transpose(arguments: list[Any], environment: Environment) -> Any:
    table = mapping(arguments[0])
    result: dict[str, list[str]] = {}
    for key in sorted(table):
        for value in strings(table[key]):
            result.setdefault(value, []).append(key)
    return result


@builtin("values", 1, known=False)
def _values(arguments: list[Any], environment: Environment) -> Any:
    table = mapping(arguments[0])
    return [table[key] for key in sorted(table)]


@builtin("zipmap", 2, known=False)
def _zipmap(arguments: list[Any], environment: Environment) -> Any:
    keys = _ordered(sequence(arguments[0]))
    values = _ordered(sequence(arguments[1]))
    if len(keys) != len(values):
        raise EvalError(f"number of keys ({len(keys)}) does not match number of values ({len(values)})")
    result: dict[str, Any] = {}
    for position, key in enumerate(keys):
        if known(key) is None:
            raise EvalError(f"keys list has null value at index {position}")
        result[string(key)] = values[position]
    return result


@builtin("list", 0, None)
def _list(arguments: list[Any], environment: Environment) -> Any:
    raise EvalError("the list function was removed in Terraform v0.12; use tolist([ ... ]) instead")


@builtin("map", 0, None)
def _map(arguments: list[Any], environment: Environment) -> Any:
    raise EvalError("the map function was removed in Terraform v0.12; use tomap({ ... }) instead")
