"""Terraform's value conversions and equality, shared by the evaluator and the functions.

Values are the core's (:mod:`vpce_checks.core.values`): plain Python data when known, and
:class:`Unknown`, :class:`ResourceRef` or :class:`PartialString` when not. Two list subclasses carry
what a plain list cannot say: :class:`SetValue` (a set, in Terraform's iteration order) and
:class:`Unordered` (known elements whose order is not known, such as ``sort()`` of references).

Nothing here imports a parser: the checkov front end runs this code inside checkov's environment.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from typing import Any, Iterable

from vpce_checks.core.values import PartialString, ResourceRef, Unknown, as_bool, is_unknown


class EvalError(Exception):
    """An expression Terraform itself would reject (missing key, bad index, wrong type)."""


class SetValue(list):  # type: ignore[type-arg]
    """A Terraform set whose iteration order is known (sets of strings and numbers sort)."""


class Unordered(list):  # type: ignore[type-arg]
    """Known elements in an order that cannot be known, e.g. ``sort()`` or ``toset()`` of references.

    ``is_set`` says whether the value is a set (sets cannot be indexed at all) or a list whose
    order only becomes known after apply.
    """

    def __init__(self, items: Iterable[Any] = (), is_set: bool = False) -> None:
        super().__init__(items)
        self.is_set = is_set


def is_set(value: Any) -> bool:
    """True for a value that is certainly a Terraform set."""
    return isinstance(value, SetValue) or (isinstance(value, Unordered) and value.is_set)


def strip_collections(value: Any) -> Any:
    """The value with :class:`SetValue` and :class:`Unordered` turned into plain lists, deep."""
    if isinstance(value, list):
        return [strip_collections(item) for item in value]
    if isinstance(value, dict):
        return {key: strip_collections(item) for key, item in value.items()}
    return value


# Numbers and strings ---------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def number_text(value: int | float) -> str:
    """A number as Terraform writes it: no exponent, no trailing ``.0`` (``1e20`` is ``100000000000000000000``)."""
    if isinstance(value, int):
        return str(value)
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value.is_integer():
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def normal_number(value: int | float) -> int | float:
    """An integral float as an int, so that ``2.0`` and ``2`` are the same number."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def parse_number(text: str) -> int | float:
    """A decimal number written as text (Terraform's string-to-number conversion)."""
    if not _NUMBER.fullmatch(text):
        raise EvalError(f"cannot convert {text!r} to number: a number is required")
    exact = Decimal(text)
    if exact == exact.to_integral_value() and abs(exact.adjusted()) < 400:
        return int(exact)
    return float(exact)


def to_string(value: Any) -> str:
    """Terraform's conversion of a primitive to string; raises EvalError for others."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return value
    if value is None:
        raise EvalError("a null value cannot be used as a string")
    raise EvalError(f"cannot use {type_name(value)} as a string")


def to_number(value: Any) -> int | float:
    """Terraform's conversion to number; raises EvalError when impossible."""
    if isinstance(value, bool) or value is None:
        raise EvalError("a number is required")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return parse_number(value)
    raise EvalError(f"a number is required, not {type_name(value)}")


def to_bool(value: Any) -> bool | None:
    """Terraform's conversion to bool; None when unknown; EvalError when impossible."""
    converted = as_bool(value)
    if converted is None and not is_unknown(value):
        raise EvalError("a bool is required")
    return converted


def type_name(value: Any) -> str:
    """How Terraform's messages name a value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if is_set(value):
        return "set"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return "unknown"


def nfc(text: str) -> str:
    """Text in Unicode normal form C, as Terraform keeps every string."""
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# Templates -------------------------------------------------------------------------------------


def template(parts: list[Any]) -> Any:
    """Join template parts into a string, or a PartialString when some are unknown."""
    pieces: list[str | Unknown | ResourceRef] = []
    for part in parts:
        if isinstance(part, PartialString):
            pieces.extend(part.parts)
        elif isinstance(part, ResourceRef):
            pieces.append(part)
        elif is_unknown(part):
            pieces.append(Unknown(getattr(part, "origin", None)))
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
    if len(merged) == 1:
        return merged[0]  # nothing known around it: the unknown (or reference) itself
    return PartialString(tuple(merged))


def contains_unknown(value: Any) -> bool:
    """True when the value or anything inside it is unknown."""
    if isinstance(value, list):
        return any(contains_unknown(item) for item in value)
    if isinstance(value, dict):
        return any(contains_unknown(item) for item in value.values())
    return is_unknown(value)


# What references certainly are -------------------------------------------------------------------

_STRING_ATTRIBUTES = ("id", "arn")


def is_string_ref(value: Any) -> bool:
    """True for a reference whose value is certainly a non-empty string once applied.

    Every resource's ``id`` and ``arn`` is one, and so is every attribute the AWS provider names
    ``*_id`` or ``*_arn`` (lists are named ``*_ids``, ``*_arns``).
    """
    if not isinstance(value, ResourceRef):
        return False
    name = value.attribute
    return name in _STRING_ATTRIBUTES or name.endswith(("_id", "_arn"))


def is_certain_string(value: Any) -> bool:
    """True for a value that is certainly a string, known or not (a template, a string reference)."""
    return isinstance(value, (str, PartialString)) or is_string_ref(value)


def resource_type(address: str) -> str:
    """The resource type of an instance address (``module.a["x.y"].aws_subnet.b[0]`` -> ``aws_subnet``)."""
    steps: list[str] = []
    current = ""
    index = 0
    while index < len(address):
        char = address[index]
        if char == '"':
            end = index + 1
            while end < len(address) and address[end] != '"':
                end += 2 if address[end] == "\\" else 1
            index = end + 1
            continue
        if char == "[":
            depth = 1
            index += 1
            while index < len(address) and depth:
                if address[index] == '"':
                    index += 1
                    while index < len(address) and address[index] != '"':
                        index += 2 if address[index] == "\\" else 1
                elif address[index] == "[":
                    depth += 1
                elif address[index] == "]":
                    depth -= 1
                index += 1
            continue
        if char == ".":
            steps.append(current)
            current = ""
        else:
            current += char
        index += 1
    steps.append(current)
    while len(steps) > 2 and steps[0] == "module":
        steps = steps[2:]
    if steps and steps[0] == "data":
        steps = steps[1:]
    return steps[0] if steps else ""


def _distinct_references(left: ResourceRef, right: ResourceRef) -> bool:
    """Two instances of one resource type have different ids (and arns): they are different objects."""
    return (
        left.attribute == right.attribute
        and left.attribute in _STRING_ATTRIBUTES
        and left.address != right.address
        and resource_type(left.address) == resource_type(right.address)
    )


# Equality --------------------------------------------------------------------------------------


def equal(left: Any, right: Any, unified: bool = False) -> bool | None:
    """Terraform's ``==``: True, False, or None when it cannot be known statically.

    ``==`` does not convert types, and a tuple never equals a list, nor an object a map; since
    values here do not say which of those a collection is, two collections with the same content
    compare as unknown. With ``unified`` the values are elements of one collection (``distinct``,
    the set functions), already converted to one type: primitives compare after conversion to
    string, and collections by content.
    """
    if left is right and not isinstance(left, Unknown):
        return True
    if is_unknown(left) or is_unknown(right):
        return _equal_unknown(left, right)
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, (list, dict)) or isinstance(right, (list, dict)):
        return _equal_collections(left, right, unified)
    if isinstance(left, bool) or isinstance(right, bool):
        if isinstance(left, bool) and isinstance(right, bool):
            return left == right
        return (
            to_string(left) == to_string(right)
            if unified and isinstance(left, str) != isinstance(right, str)
            else False
        )
    if isinstance(left, str) and isinstance(right, str):
        return nfc(left) == nfc(right)
    if isinstance(left, str) or isinstance(right, str):
        return to_string(left) == to_string(right) if unified else False
    return bool(left == right)


def _equal_unknown(left: Any, right: Any) -> bool | None:
    if isinstance(left, ResourceRef) and isinstance(right, ResourceRef):
        if left == right:
            return True
        return False if _distinct_references(left, right) else None
    for one, other in ((left, right), (right, left)):
        if isinstance(one, Unknown) or not is_certain_string(one):
            continue
        # A template or a string reference is a string: it equals no null, collection or number.
        if other is None or isinstance(other, (list, dict)):
            return False
        if isinstance(one, PartialString) and isinstance(other, str):
            text = nfc(other)
            if not (text.startswith(one.known_prefix) and text.endswith(one.known_suffix)):
                return False
    if isinstance(left, PartialString) and isinstance(right, PartialString):
        shorter = min(len(left.known_prefix), len(right.known_prefix))
        if left.known_prefix[:shorter] != right.known_prefix[:shorter]:
            return False
        shorter = min(len(left.known_suffix), len(right.known_suffix))
        if shorter and left.known_suffix[-shorter:] != right.known_suffix[-shorter:]:
            return False
    return None


def _equal_collections(left: Any, right: Any, unified: bool) -> bool | None:
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return False
        if isinstance(left, Unordered) or isinstance(right, Unordered) or (is_set(left) and is_set(right)):
            result = _same_members(left, right)
        else:
            result = _all_equal(equal(a, b, True) for a, b in zip(left, right, strict=True))
    elif isinstance(left, dict) and isinstance(right, dict):
        if set(left) != set(right):
            return False
        result = _all_equal(equal(left[key], right[key], True) for key in left)
    else:
        return False
    if result is True and not unified:
        return None  # same content, but a tuple is not a list and an object is not a map
    return result


def _all_equal(results: Iterable[bool | None]) -> bool | None:
    verdict: bool | None = True
    for result in results:
        if result is False:
            return False
        if result is None:
            verdict = None
    return verdict


def _same_members(left: list[Any], right: list[Any]) -> bool | None:
    """Whether two collections of one length hold the same elements, in any order."""
    unmatched = list(right)
    for item in left:
        found = find(item, unmatched)
        if found is None:
            return None
        if found < 0:
            return False
        unmatched.pop(found)
    return True


def find(value: Any, items: list[Any]) -> int | None:
    """The position of the first element certainly equal to ``value`` (elements of one collection).

    -1 when every element is certainly different; None when that cannot be known.
    """
    uncertain = False
    for position, item in enumerate(items):
        result = equal(value, item, unified=True)
        if result is True:
            return position
        if result is None:
            uncertain = True
    return None if uncertain else -1


def distinct(items: Iterable[Any]) -> list[Any] | None:
    """The elements without repeats, in first-seen order; None when repeats cannot be known."""
    result: list[Any] = []
    for item in items:
        found = find(item, result)
        if found is None:
            return None
        if found < 0:
            result.append(item)
    return result


# Element types ----------------------------------------------------------------------------------


def unify(items: list[Any]) -> list[Any]:
    """Elements converted to one type, as a list, set or map of them must be.

    Mixed strings, numbers and bools all become strings; a number and a bool cannot be unified
    (EvalError). An element whose type is unknown makes the conversion of the others unknown
    (:class:`Unknowable` from :func:`unknowable`) unless every known one is a string already.
    """
    kinds = set()
    unknown_kind = False
    for item in items:
        if item is None:
            continue
        if is_certain_string(item):
            kinds.add("string")
        elif is_unknown(item):
            unknown_kind = True
        elif isinstance(item, bool):
            kinds.add("bool")
        elif isinstance(item, (int, float)):
            kinds.add("number")
        elif isinstance(item, str):
            kinds.add("string")
        elif isinstance(item, list):
            kinds.add("list")
        else:
            kinds.add("map")
    primitive = kinds <= {"string", "number", "bool"}
    if primitive and kinds == {"number", "bool"}:
        raise EvalError("all elements must have the same type: a number and a bool cannot be unified")
    if not primitive and len(kinds) > 1:
        raise EvalError("all elements must have the same type")
    if primitive and len(kinds) > 1:
        if unknown_kind:
            raise unknowable()
        return [item if item is None or not isinstance(item, (bool, int, float)) else to_string(item) for item in items]
    if unknown_kind and kinds - {"string"}:
        raise unknowable()
    return list(items)


class Unknowable(Exception):
    """The result depends on a value that is not known: the caller answers with an unknown."""


def unknowable() -> Unknowable:
    """The exception that makes a function's result unknown."""
    return Unknowable()


def set_order(items: list[Any]) -> list[Any]:
    """The elements of a set in Terraform's order: strings and numbers sorted; None when unknown.

    Raises :class:`Unknowable` when the order cannot be known (references, collections, bools).
    """
    if all(isinstance(item, str) for item in items):
        return sorted(items)
    if all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in items):
        return sorted(items)
    raise unknowable()


def make_set(items: list[Any]) -> list[Any]:
    """A Terraform set of ``items``: unified, without repeats, in set order when it is known."""
    unique = distinct(unify(items))
    if unique is None:
        raise unknowable()
    try:
        return SetValue(set_order(unique))
    except Unknowable:
        return Unordered(unique, is_set=True)
