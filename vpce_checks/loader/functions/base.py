"""The registry of built-in functions and the argument checks they share.

A function takes its evaluated arguments and an :class:`Environment` (what it may know beyond
them: the limits, and the module files it may read). It raises :class:`EvalError` for a call that
Terraform rejects, and :class:`Unknowable` when the result depends on something not known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol

from vpce_checks.core.values import as_bool, is_unknown
from vpce_checks.loader.conversions import (
    EvalError,
    contains_unknown,
    nfc,
    to_number,
    to_string,
    type_name,
    unknowable,
)


class Files(Protocol):
    """The module files the file functions may read; paths are as the configuration writes them."""

    def read(self, path: str) -> bytes:
        """The bytes of a file: EvalError when it does not exist, Unknowable when it may not be read."""

    def exists(self, path: str) -> bool:
        """``fileexists()``: EvalError for a directory or other non-file, Unknowable outside the module."""

    def glob(self, base: str, pattern: str) -> list[str]:
        """``fileset()``: paths of the regular files under ``base`` matching ``pattern``, relative to it."""

    def absolute(self, path: str) -> str:
        """``abspath()``: the path made absolute against Terraform's working directory."""


@dataclass(frozen=True)
class Environment:
    """What a function may know beyond its arguments."""

    max_collection: int = 10_000
    """Results larger than this (``range()``, ``setproduct()``, files listed) are unknown."""
    max_bytes: int = 10 * 1024 * 1024
    """Larger files (and decompressed data) are unknown: the scan's file-size limit."""
    files: Files | None = None
    """The files the module may read; None when no file is readable (every file function is unknown)."""


Implementation = Callable[[list[Any], Environment], Any]


@dataclass(frozen=True)
class Builtin:
    """One built-in function: its implementation and how many arguments it takes."""

    name: str
    implementation: Implementation
    minimum: int
    maximum: int | None
    known: bool
    """True when every argument must be wholly known (no unknown anywhere inside) for a result."""


FUNCTIONS: dict[str, Builtin] = {}
"""Every built-in function, by name."""


def builtin(
    name: str, minimum: int, maximum: int | None | str = "same", known: bool = True
) -> Callable[[Implementation], Implementation]:
    """Register the decorated implementation as the function ``name``.

    ``maximum`` is the largest number of arguments (None: any number; by default ``minimum``).
    """

    def register(implementation: Implementation) -> Implementation:
        most = minimum if maximum == "same" else maximum
        assert most is None or isinstance(most, int)
        FUNCTIONS[name] = Builtin(name, implementation, minimum, most, known)
        return implementation

    return register


def unknown_result(name: str, minimum: int, maximum: int | None) -> None:
    """Register a function whose result depends on the world (the clock, randomness): always unknown."""

    def implementation(arguments: list[Any], environment: Environment) -> Any:
        raise unknowable()

    FUNCTIONS[name] = Builtin(name, implementation, minimum, maximum, False)


def check_arity(function: Builtin, count: int) -> None:
    """Terraform rejects a call with too few or too many arguments."""
    if count < function.minimum or (function.maximum is not None and count > function.maximum):
        if function.maximum == function.minimum:
            expected = f"{function.minimum}"
        elif function.maximum is None:
            expected = f"at least {function.minimum}"
        else:
            expected = f"{function.minimum} to {function.maximum}"
        raise EvalError(f"{function.name}() takes {expected} arguments, not {count}")


def needs_known(function: Builtin, arguments: list[Any]) -> bool:
    """True when the call cannot have a known result because an argument is not wholly known."""
    return function.known and any(contains_unknown(argument) for argument in arguments)


# Argument checks ---------------------------------------------------------------------------------


def known(value: Any) -> Any:
    """The value itself; Unknowable when it is not known at its top level."""
    if is_unknown(value):
        raise unknowable()
    return value


def not_null(value: Any) -> Any:
    """The known value; EvalError for null, as for every argument that does not allow it."""
    if known(value) is None:
        raise EvalError("argument must not be null")
    return value


def string(value: Any) -> str:
    """A string argument: numbers and bools convert, collections and null are errors."""
    return nfc(to_string(not_null(value)))


def number(value: Any) -> int | float:
    """A number argument: numeric strings convert."""
    return to_number(not_null(value))


def integer(value: Any) -> int:
    """A whole-number argument."""
    result = number(value)
    if isinstance(result, float):
        if not result.is_integer():
            raise EvalError(f"{result} is not a whole number")
        return int(result)
    return result


def boolean(value: Any) -> bool:
    """A bool argument: the strings ``"true"`` and ``"false"`` convert."""
    result = as_bool(not_null(value))
    if result is None:
        raise EvalError(f"a bool is required, not {type_name(value)}")
    return result


def sequence(value: Any) -> list[Any]:
    """A list, tuple or set argument (its elements may be unknown)."""
    value = not_null(value)
    if not isinstance(value, list):
        raise EvalError(f"a list is required, not {type_name(value)}")
    return value


def mapping(value: Any) -> dict[str, Any]:
    """A map or object argument (its values may be unknown)."""
    value = not_null(value)
    if not isinstance(value, dict):
        raise EvalError(f"a map is required, not {type_name(value)}")
    return value


def strings(value: Any) -> list[str]:
    """A list of strings: every element known and not null, numbers and bools converted."""
    items = sequence(value)
    result = []
    for item in items:
        if known(item) is None:
            raise EvalError("a list element is null")
        result.append(string(item))
    return result
