"""``yamldecode`` and ``yamlencode`` as Terraform's YAML library (go-cty-yaml 1.1) does them.

PyYAML parses and emits; what a plain scalar means is decided here, by go-cty-yaml's rules
rather than PyYAML's YAML 1.1 ones: integers follow the YAML 1.2 core schema (``012`` is 12,
``1_000`` and ``0b1`` are strings), ``y``/``yes``/``on`` and ``n``/``no``/``off`` are bools, a
timestamp becomes an RFC 3339 string. ``yamlencode`` double-quotes strings (a string with a line
break becomes a literal block), sorts keys, and writes numbers as Terraform does.
https://developer.hashicorp.com/terraform/language/functions/yamldecode

The functions are registered in :mod:`.encoding`, which imports this module (and PyYAML) only
when a configuration calls one of them.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import yaml

from vpce_checks.loader.conversions import EvalError, number_text, parse_number, to_string, unknowable
from vpce_checks.loader.functions.dates import rfc3339

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = yaml.SafeDumper  # libyaml 0.2.5 no longer ends an open plain scalar with "...", as Go's port does

_BOOLS = {
    **dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], True),
    **dict.fromkeys(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], False),
}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_INFINITIES = {
    ".inf": 1,
    ".Inf": 1,
    ".INF": 1,
    "+.inf": 1,
    "+.Inf": 1,
    "+.INF": 1,
    "-.inf": -1,
    "-.Inf": -1,
    "-.INF": -1,
}
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d{1,9})?(Z|[-+]\d{2}:\d{2})?)?"
)
_STR, _BINARY = "tag:yaml.org,2002:str", "tag:yaml.org,2002:binary"
_PLAIN = "!plain"


class _Composer(_Loader):  # type: ignore[misc]
    """Leaves untagged plain scalars untyped, so that go-cty-yaml's rules can be applied to them."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)


def decode(text: str) -> Any:
    """The value of a YAML document (null for an empty one)."""
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.YAMLError as error:
        raise EvalError(f"invalid YAML: {str(error).splitlines()[0]}") from error
    return None if node is None else _value(node, 0)


def _value(node: Any, depth: int) -> Any:
    if depth > 200:
        raise unknowable()  # aliases that refer to themselves
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        if node.tag not in (_PLAIN, "tag:yaml.org,2002:seq"):
            raise EvalError(f"unsupported tag {node.tag!r}")
        return [_value(item, depth + 1) for item in node.value]
    if node.tag not in (_PLAIN, "tag:yaml.org,2002:map"):
        raise EvalError(f"unsupported tag {node.tag!r}")
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise EvalError("only scalar mapping keys are supported")
        if key_node.tag == _PLAIN and key_node.value == "<<":
            raise unknowable()  # merge keys: not certain how Terraform's decoder treats them
        key = _scalar(key_node)
        if key is None:
            raise EvalError("a mapping key cannot be null")
        name = to_string(key)
        if name in result:
            raise unknowable()
        result[name] = _value(value_node, depth + 1)
    return result


def _scalar(node: Any) -> Any:
    text, tag = node.value, node.tag
    if tag == _PLAIN:
        return _plain(text)
    if tag == _STR:
        return text
    if tag == _BINARY:
        try:
            base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as error:
            raise EvalError(f"cannot parse {text!r} as !!binary: not valid base64") from error
        return text
    kind = tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else ""
    if kind == "bool" and text in _BOOLS:
        return _BOOLS[text]
    if kind == "null":
        return None
    if kind in ("int", "float"):
        number = _number(text)
        if number is not None:
            return number
    if kind == "timestamp":
        stamp = _timestamp(text)
        if stamp is not None:
            return stamp
    raise EvalError(f"cannot parse {text!r} as {tag}")


def _plain(text: str) -> Any:
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _NULLS:
        return None
    if text in (".nan", ".NaN", ".NAN"):
        raise EvalError("floating point NaN is not supported")
    stamp = _timestamp(text)
    if stamp is not None:
        return stamp
    number = _number(text)
    return text if number is None else number


def _number(text: str) -> int | float | None:
    if text in _INFINITIES:
        return float("inf") * _INFINITIES[text]
    if _DECIMAL.fullmatch(text) or _FLOAT.fullmatch(text):
        return parse_number(text)
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    return None


def _timestamp(text: str) -> str | None:
    """A YAML timestamp as the RFC 3339 string go-cty-yaml makes of it (whole seconds, UTC when unzoned)."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    year, month, day, separator, hour, minute, second, _fraction, zone = match.groups()
    if separator is not None and separator != " " and zone is None:
        return None  # "T" without a zone matches none of the decoder's layouts
    if separator == " " and zone is not None:
        return None
    try:
        offset = timezone.utc
        if zone and zone != "Z":
            sign = -1 if zone[0] == "-" else 1
            offset = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=offset
        )
    except ValueError:
        return None
    return rfc3339(moment)


def encode(value: Any) -> str:
    """The YAML text of a known value."""
    events: list[Any] = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False)]
    _events(value, events)
    events += [yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    text: str = yaml.emit(events, Dumper=_Dumper, allow_unicode=True)
    return text


def _events(value: Any, events: list[Any]) -> None:
    if isinstance(value, list):
        events.append(yaml.SequenceStartEvent(None, None, True, flow_style=False))
        for item in value:
            _events(item, events)
        events.append(yaml.SequenceEndEvent())
    elif isinstance(value, dict):
        events.append(yaml.MappingStartEvent(None, None, True, flow_style=False))
        for key in sorted(value):
            events.append(yaml.ScalarEvent(None, None, (True, True), key, style='"'))
            _events(value[key], events)
        events.append(yaml.MappingEndEvent())
    elif isinstance(value, str):
        events.append(yaml.ScalarEvent(None, None, (True, True), value, style="|" if "\n" in value else '"'))
    else:
        events.append(yaml.ScalarEvent(None, None, (True, True), _plain_text(value), style=None))


def _plain_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "+.Inf" if value > 0 else "-.Inf"
    if isinstance(value, (int, float)):
        return number_text(value)
    raise unknowable()
