"""Encoding functions: base64, CSV, JSON, text encodings, URLs (YAML is in :mod:`.yaml_codec`).

https://developer.hashicorp.com/terraform/language/functions (Encoding Functions), and
OpenTofu's ``base64gunzip`` and ``urldecode``.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
import json
import math
import re
import zlib
from typing import Any
from urllib.parse import quote_plus, unquote_to_bytes

from vpce_checks.loader.conversions import EvalError, number_text, parse_number, unknowable
from vpce_checks.loader.functions.base import Environment, builtin, string

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def quote_json(text: str) -> str:
    """A JSON string as Go writes it: ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, the rest as UTF-8."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(_GO_ESCAPES.get(char, char) for char in quoted) if any(c in quoted for c in _GO_ESCAPES) else quoted


def json_text(value: Any) -> str:
    """``jsonencode()`` of a known value: compact, object keys sorted (as Terraform iterates them)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isinf(value):
            raise EvalError("an infinite number cannot be encoded as JSON")
        return number_text(value)
    if isinstance(value, str):
        return quote_json(value)
    if isinstance(value, list):
        return "[" + ",".join(json_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(quote_json(key) + ":" + json_text(value[key]) for key in sorted(value)) + "}"
    raise unknowable()


def _decoded_base64(text: str) -> bytes:
    """Go's standard base64: padding required, line breaks ignored."""
    try:
        return base64.b64decode(text.replace("\r", "").replace("\n", ""), validate=True)
    except (binascii.Error, ValueError) as error:
        raise EvalError(f"failed to decode base64 data {text[:40]!r}") from error


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EvalError(f"the result of decoding {what} is not valid UTF-8") from error


@builtin("base64decode", 1)
def _base64decode(arguments: list[Any], environment: Environment) -> Any:
    return _utf8(_decoded_base64(string(arguments[0])), "the provided string")


@builtin("base64encode", 1)
def _base64encode(arguments: list[Any], environment: Environment) -> Any:
    return base64.b64encode(string(arguments[0]).encode("utf-8")).decode("ascii")


@builtin("base64gzip", 1)
def _base64gzip(arguments: list[Any], environment: Environment) -> Any:
    string(arguments[0])
    raise unknowable()  # the bytes are Go's DEFLATE output, which zlib does not reproduce


@builtin("base64gunzip", 1)
def _base64gunzip(arguments: list[Any], environment: Environment) -> Any:
    compressed = _decoded_base64(string(arguments[0]))
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
            data = stream.read(environment.max_bytes + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise EvalError("failed to decompress the gzip data") from error
    if len(data) > environment.max_bytes:
        raise unknowable()
    return _utf8(data, "the gzip data")


@builtin("csvdecode", 1)
def _csvdecode(arguments: list[Any], environment: Environment) -> Any:
    records = parse_csv(string(arguments[0]))
    if not records:
        raise EvalError("missing header line")
    header, rows = records[0], records[1:]
    result = []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise EvalError(f"record on line {number}: wrong number of fields")
        result.append(dict(zip(header, row, strict=True)))
    return result


def parse_csv(text: str) -> list[list[str]]:
    """Records of RFC 4180 CSV as Go's ``encoding/csv`` reads them (strict quotes, blank lines skipped)."""
    text = text.replace("\r\n", "\n")
    records: list[list[str]] = []
    index, length = 0, len(text)
    while index < length:
        if text[index] == "\n":
            index += 1
            continue
        record: list[str] = []
        while True:
            if index < length and text[index] == '"':
                index += 1
                field: list[str] = []
                while True:
                    if index >= length:
                        raise EvalError('extraneous or missing " in quoted-field')
                    if text[index] == '"':
                        if text.startswith('""', index):
                            field.append('"')
                            index += 2
                            continue
                        index += 1
                        break
                    field.append(text[index])
                    index += 1
                if index < length and text[index] not in ",\n":
                    raise EvalError('extraneous or missing " in quoted-field')
                record.append("".join(field))
            else:
                end = index
                while end < length and text[end] not in ",\n":
                    end += 1
                if '"' in text[index:end]:
                    raise EvalError('bare " in non-quoted-field')
                record.append(text[index:end])
                index = end
            if index < length and text[index] == ",":
                index += 1
                continue
            break
        index += 1
        records.append(record)
    return records


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise EvalError(f"duplicate {key!r} property in JSON object")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise EvalError(f"{name} is not valid JSON")


@builtin("jsondecode", 1)
def _jsondecode(arguments: list[Any], environment: Environment) -> Any:
    text = string(arguments[0])
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_float=parse_number,
            parse_int=parse_number,
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as error:
        raise EvalError(f"invalid JSON: {error.msg} at line {error.lineno}") from error


@builtin("jsonencode", 1)
def _jsonencode(arguments: list[Any], environment: Environment) -> Any:
    return json_text(arguments[0])


# The encodings both Python and Go's IANA index map the same way; others are unknown rather than guessed.
_ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "csutf8": "utf-8",
    "utf-16le": "utf-16-le",
    "csutf16le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "csutf16be": "utf-16-be",
    "iso-8859-1": "latin-1",
    "iso_8859-1": "latin-1",
    "iso_8859-1:1987": "latin-1",
    "latin1": "latin-1",
    "l1": "latin-1",
    "ibm819": "latin-1",
    "cp819": "latin-1",
    "csisolatin1": "latin-1",
    "iso-ir-100": "latin-1",
}


def _codec(name: str) -> str:
    codec = _ENCODINGS.get(name.lower())
    if codec is None:
        raise unknowable()
    return codec


@builtin("textencodebase64", 2)
def _textencodebase64(arguments: list[Any], environment: Environment) -> Any:
    text, codec = string(arguments[0]), _codec(string(arguments[1]))
    try:
        data = text.encode(codec)
    except UnicodeEncodeError as error:
        raise EvalError(f"the given string contains characters that cannot be represented in {codec}") from error
    return base64.b64encode(data).decode("ascii")


@builtin("textdecodebase64", 2)
def _textdecodebase64(arguments: list[Any], environment: Environment) -> Any:
    data, codec = _decoded_base64(string(arguments[0])), _codec(string(arguments[1]))
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise unknowable() from error  # Go's decoders substitute; which characters is not certain


@builtin("urlencode", 1)
def _urlencode(arguments: list[Any], environment: Environment) -> Any:
    return quote_plus(string(arguments[0]), safe="")


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@builtin("urldecode", 1)
def _urldecode(arguments: list[Any], environment: Environment) -> Any:
    text = string(arguments[0])
    if _BAD_ESCAPE.search(text):
        raise EvalError(f"invalid URL escape in {text[:40]!r}")
    try:
        return unquote_to_bytes(text.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError as error:
        raise unknowable() from error


@builtin("yamldecode", 1)
def _yamldecode(arguments: list[Any], environment: Environment) -> Any:
    from vpce_checks.loader.functions import yaml_codec  # PyYAML is imported only when it is used

    return yaml_codec.decode(string(arguments[0]))


@builtin("yamlencode", 1)
def _yamlencode(arguments: list[Any], environment: Environment) -> Any:
    from vpce_checks.loader.functions import yaml_codec

    return yaml_codec.encode(arguments[0])
