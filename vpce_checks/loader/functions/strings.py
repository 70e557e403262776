"""String functions (``format`` and ``formatlist`` are in :mod:`.formatting`).

https://developer.hashicorp.com/terraform/language/functions (String Functions). Where a string
is only partly known (``"com.amazonaws.${var.region}.s3"``), ``join``, ``replace``, ``lower``,
``upper``, ``trimprefix``, ``trimsuffix``, ``startswith`` and ``endswith`` keep or use the parts
that are known.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from vpce_checks.core.values import PartialString, ResourceRef, Unknown, is_unknown
from vpce_checks.loader.conversions import EvalError, Unordered, contains_unknown, template, unknowable
from vpce_checks.loader.functions.base import Environment, builtin, integer, sequence, string
from vpce_checks.loader.functions.regexes import compile_pattern, expand, go_matches
from vpce_checks.loader.functions.text import GO_SPACE, clusters, simple_case, title


def _string_function(name: str, function: Callable[..., Any], arity: int) -> None:
    def implementation(arguments: list[Any], environment: Environment) -> Any:
        return function(*(string(argument) for argument in arguments))

    builtin(name, arity)(implementation)


_CHOMP = re.compile(r"(?:\r\n?|\n)*\Z")

_string_function("chomp", lambda text: _CHOMP.sub("", text, count=1), 1)
_string_function("strcontains", lambda text, part: part in text, 2)
_string_function("strrev", lambda text: "".join(reversed(clusters(text))), 1)
_string_function("title", title, 1)
_string_function("trim", lambda text, cutset: text.strip(cutset), 2)
_string_function("trimspace", lambda text: text.strip(GO_SPACE), 1)


def _parts(value: Any) -> tuple[str | Unknown | ResourceRef, ...]:
    """A string argument as template parts; Unknowable when it may not even be a string."""
    if isinstance(value, PartialString):
        return value.parts
    if isinstance(value, (Unknown, ResourceRef)):
        return (value,)
    return (string(value),)


def _map_known_parts(value: Any, function: Callable[[str], str]) -> Any:
    """``function`` applied to the known parts; the unknown parts stay unknown (and lose their origin)."""
    parts = _parts(value)
    if not any(isinstance(part, str) for part in parts):
        raise unknowable()
    return template([function(part) if isinstance(part, str) else Unknown() for part in parts])


@builtin("lower", 1, known=False)
def _lower(arguments: list[Any], environment: Environment) -> Any:
    return _map_known_parts(arguments[0], lambda text: simple_case(text, upper=False))


@builtin("upper", 1, known=False)
def _upper(arguments: list[Any], environment: Environment) -> Any:
    return _map_known_parts(arguments[0], lambda text: simple_case(text, upper=True))


def _affix(value: Any, affix: str, at_start: bool) -> bool | None:
    """Whether a (partly known) string starts or ends with ``affix``; None when that is not known."""
    if isinstance(value, str):
        return value.startswith(affix) if at_start else value.endswith(affix)
    if not isinstance(value, PartialString):
        return None
    known_text = value.known_prefix if at_start else value.known_suffix
    if len(known_text) >= len(affix):
        return known_text.startswith(affix) if at_start else known_text.endswith(affix)
    agrees = affix.startswith(known_text) if at_start else affix.endswith(known_text)
    return None if agrees else False


@builtin("startswith", 2, known=False)
def _startswith(arguments: list[Any], environment: Environment) -> Any:
    verdict = _affix(_partial_or_string(arguments[0]), string(arguments[1]), at_start=True)
    if verdict is None:
        raise unknowable()
    return verdict


@builtin("endswith", 2, known=False)
def _endswith(arguments: list[Any], environment: Environment) -> Any:
    verdict = _affix(_partial_or_string(arguments[0]), string(arguments[1]), at_start=False)
    if verdict is None:
        raise unknowable()
    return verdict


def _partial_or_string(value: Any) -> Any:
    return value if isinstance(value, PartialString) else string(value)


@builtin("trimprefix", 2, known=False)
def _trimprefix(arguments: list[Any], environment: Environment) -> Any:
    value, prefix = _partial_or_string(arguments[0]), string(arguments[1])
    if isinstance(value, str):
        return value.removeprefix(prefix)
    verdict = _affix(value, prefix, at_start=True)
    if verdict is None:
        raise unknowable()
    if not verdict or not prefix:
        return value
    return template([value.known_prefix[len(prefix) :], *value.parts[1:]])


@builtin("trimsuffix", 2, known=False)
def _trimsuffix(arguments: list[Any], environment: Environment) -> Any:
    value, suffix = _partial_or_string(arguments[0]), string(arguments[1])
    if isinstance(value, str):
        return value.removesuffix(suffix)
    verdict = _affix(value, suffix, at_start=False)
    if verdict is None:
        raise unknowable()
    if not verdict or not suffix:
        return value
    return template([*value.parts[:-1], value.known_suffix[: -len(suffix)]])


@builtin("indent", 2)
def _indent(arguments: list[Any], environment: Environment) -> Any:
    return string(arguments[1]).replace("\n", "\n" + " " * integer(arguments[0]))


@builtin("join", 1, None, known=False)
def _join(arguments: list[Any], environment: Environment) -> Any:
    separator = string(arguments[0])
    if len(arguments) < 2:
        raise EvalError("at least one list is required")
    parts: list[Any] = []
    for argument in arguments[1:]:
        items = sequence(argument)
        if isinstance(items, Unordered) and len(items) > 1:
            raise unknowable()
        for item in items:
            if item is None:
                raise EvalError("cannot concatenate null values")
            if isinstance(item, (list, dict)):
                raise EvalError("join() needs lists of strings")
            if parts:
                parts.append(separator)
            parts.append(item)
    return template(parts)


@builtin("split", 2)
def _split(arguments: list[Any], environment: Environment) -> Any:
    separator, text = string(arguments[0]), string(arguments[1])
    if separator == "":
        return list(text)  # Go splits after each UTF-8 sequence: each code point
    return text.split(separator)


def _regex_result(match: re.Match[str]) -> Any:
    pattern = match.re
    if pattern.groups == 0:
        return match.group(0)
    names = pattern.groupindex
    if names and len(names) != pattern.groups:
        raise EvalError("invalid regexp pattern: cannot mix both named and unnamed capture groups")
    if names:
        return {name: match.group(name) for name in names}
    return list(match.groups())


def _compiled(pattern: str, text: str) -> re.Pattern[str]:
    compiled, boundaries = compile_pattern(pattern)
    if boundaries and not text.isascii():
        raise unknowable()  # \b is ASCII in RE2, Unicode in Python
    return compiled


@builtin("regex", 2)
def _regex(arguments: list[Any], environment: Environment) -> Any:
    pattern, text = string(arguments[0]), string(arguments[1])
    match = _compiled(pattern, text).search(text)
    if match is None:
        raise EvalError("pattern did not match any part of the given string")
    return _regex_result(match)


@builtin("regexall", 2)
def _regexall(arguments: list[Any], environment: Environment) -> Any:
    pattern, text = string(arguments[0]), string(arguments[1])
    compiled = _compiled(pattern, text)
    results = [_regex_result(match) for match in go_matches(compiled, text)]
    if not results and compiled.groupindex and len(compiled.groupindex) != compiled.groups:
        raise EvalError("invalid regexp pattern: cannot mix both named and unnamed capture groups")
    return results


def _is_regex(search: str) -> bool:
    return len(search) > 1 and search.startswith("/") and search.endswith("/")


@builtin("replace", 3, known=False)
def _replace(arguments: list[Any], environment: Environment) -> Any:
    value, search_value, replacement = arguments
    search = string(search_value)
    if _is_regex(search):
        if contains_unknown(value) or contains_unknown(replacement):
            raise unknowable()
        return _regex_replace(string(value), search[1:-1], string(replacement))
    if isinstance(value, str) and search and is_unknown(replacement):
        # "com.amazonaws.REGION.s3" with an unknown region keeps its known parts.
        pieces = value.split(search)
        parts: list[Any] = [pieces[0]]
        for piece in pieces[1:]:
            parts += [replacement, piece]
        return template(parts)
    return string(value).replace(search, string(replacement))


def _regex_replace(text: str, pattern: str, replacement: str) -> str:
    compiled = _compiled(pattern, text)
    out: list[str] = []
    position = 0
    for match in go_matches(compiled, text):
        out.append(text[position : match.start()])
        out.append(expand(replacement, match))
        position = match.end()
    out.append(text[position:])
    return "".join(out)


@builtin("substr", 3)
def _substr(arguments: list[Any], environment: Environment) -> Any:
    characters = clusters(string(arguments[0]))
    offset, length = integer(arguments[1]), integer(arguments[2])
    if offset < 0:
        offset = max(offset + len(characters), 0)
    elif length == 0:
        return ""
    if offset >= len(characters) and offset > 0:
        return ""
    rest = characters[offset:]
    if length <= 0:
        return "".join(rest)  # Terraform returns the rest for -1 (and, by its loop, for 0 after a negative offset)
    return "".join(rest[:length])
