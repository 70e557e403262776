"""Terraform's and OpenTofu's built-in functions, as pure functions of evaluated values.

The evaluator calls :func:`call` with the arguments it has evaluated; nothing here imports the
evaluator or a parser. ``try``, ``can``, ``templatefile`` and ``templatestring`` need unevaluated
expressions or templates and are the evaluator's (:mod:`vpce_checks.loader.evaluate`).

A function returns an unknown when its result depends on something not known: an unknown
argument (except where part of the answer is still certain, see :mod:`.collections` and
:mod:`.strings`), the clock (``timestamp``), randomness (``uuid``, ``bcrypt``), or a file outside
the module. A call Terraform rejects raises :class:`EvalError`, which ``try()`` and ``can()`` see.
Unknown function names (provider functions, functions of later releases) give unknown values.
"""

from __future__ import annotations

from typing import Any

from vpce_checks.core.values import Unknown
from vpce_checks.loader.conversions import EvalError, Unknowable
from vpce_checks.loader.functions import (  # noqa: F401  (each module registers its functions)
    collections,
    crypto,
    dates,
    encoding,
    filesystem,
    formatting,
    network,
    numeric,
    strings,
    typeconv,
)
from vpce_checks.loader.functions.base import FUNCTIONS, Builtin, Environment, check_arity, needs_known
from vpce_checks.loader.functions.filesystem import ModuleFiles, read_text

EVALUATOR_FUNCTIONS = frozenset({"try", "can", "templatefile", "templatestring"})
"""Functions the evaluator implements itself, because they evaluate expressions or templates."""


def lookup(name: str) -> Builtin | None:
    """The built-in function of a name as written (OpenTofu's ``core::`` prefix allowed)."""
    if name.startswith("core::"):
        name = name[len("core::") :]
    return FUNCTIONS.get(name)


def bare_name(name: str) -> str:
    """A function name without OpenTofu's ``core::`` prefix."""
    return name[len("core::") :] if name.startswith("core::") else name


def call(name: str, arguments: list[Any], environment: Environment) -> Any:
    """The result of calling built-in function ``name`` on evaluated arguments.

    Raises :class:`EvalError` when Terraform rejects the call; returns an unknown when the result
    cannot be known (including for functions not built in).
    """
    function = lookup(name)
    if function is None:
        return Unknown()
    check_arity(function, len(arguments))
    if needs_known(function, arguments):
        return Unknown()
    try:
        return function.implementation(arguments, environment)
    except Unknowable:
        return Unknown()
    except EvalError as error:
        raise EvalError(f"{function.name}(): {error}") from error
    except (ArithmeticError, ValueError, TypeError, IndexError, KeyError, UnicodeError):
        # Not a case Terraform defines an answer for here: unknown, never a crash or a guess.
        return Unknown()


__all__ = [
    "EVALUATOR_FUNCTIONS",
    "FUNCTIONS",
    "Environment",
    "EvalError",
    "ModuleFiles",
    "bare_name",
    "call",
    "lookup",
    "read_text",
]
