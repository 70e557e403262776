"""Hash and crypto functions (bcrypt and uuid are random: unknown).

https://developer.hashicorp.com/terraform/language/functions (Hash and Crypto Functions).
``rsadecrypt`` reads PEM RSA keys in PKCS #1 and PKCS #8 form and undoes PKCS #1 v1.5 padding.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any, Callable

from vpce_checks.loader.conversions import EvalError, unknowable
from vpce_checks.loader.functions.base import Environment, builtin, string, unknown_result


def _hasher(digest: Callable[[bytes], str]) -> Callable[[list[Any], Environment], Any]:
    def implementation(arguments: list[Any], environment: Environment) -> Any:
        return digest(string(arguments[0]).encode("utf-8"))

    return implementation


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


DIGESTS: dict[str, Callable[[bytes], str]] = {
    "md5": lambda data: hashlib.md5(data, usedforsecurity=False).hexdigest(),
    "sha1": lambda data: hashlib.sha1(data, usedforsecurity=False).hexdigest(),
    "sha256": lambda data: hashlib.sha256(data).hexdigest(),
    "sha512": lambda data: hashlib.sha512(data).hexdigest(),
    "base64sha256": lambda data: _b64(hashlib.sha256(data).digest()),
    "base64sha512": lambda data: _b64(hashlib.sha512(data).digest()),
}
"""The hash functions by name, of bytes (the ``file…`` variants use them on a file's bytes)."""
for _name, _digest in DIGESTS.items():
    builtin(_name, 1)(_hasher(_digest))

unknown_result("uuid", 0, 0)
unknown_result("bcrypt", 1, 2)

_NAMESPACES = ("dns", "url", "oid", "x500")
"""The namespaces uuidv5() names (``uuid.NAMESPACE_DNS`` and so on)."""


@builtin("uuidv5", 2)
def _uuidv5(arguments: list[Any], environment: Environment) -> Any:
    import uuid  # here: it imports ``platform``, which a scan that calls no uuidv5() need not pay for

    namespace_text, name = string(arguments[0]), string(arguments[1])
    if namespace_text in _NAMESPACES:
        namespace = getattr(uuid, f"NAMESPACE_{namespace_text.upper()}")
    else:
        try:
            namespace = uuid.UUID(namespace_text)
        except ValueError as error:
            raise EvalError(
                f"uuidv5() doesn't support namespace {namespace_text!r}: must be dns, url, oid, x500 or a UUID"
            ) from error
    return str(uuid.uuid5(namespace, name))


_PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----\r?\n(.*?)-----END \1-----", re.S)
_RSA_OID = bytes.fromhex("2a864886f70d010101")


def _der(data: bytes, position: int) -> tuple[int, bytes, int]:
    """One DER element at ``position``: its tag, its content and the position after it."""
    if position + 2 > len(data):
        raise EvalError("invalid ASN1 data in the given private key")
    tag, length = data[position], data[position + 1]
    position += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or position + count > len(data):
            raise EvalError("invalid ASN1 data in the given private key")
        length = int.from_bytes(data[position : position + count], "big")
        position += count
    if position + length > len(data):
        raise EvalError("invalid ASN1 data in the given private key")
    return tag, data[position : position + length], position + length


def _sequence(data: bytes) -> list[tuple[int, bytes]]:
    tag, content, _ = _der(data, 0)
    if tag != 0x30:
        raise EvalError("invalid ASN1 data in the given private key")
    items = []
    position = 0
    while position < len(content):
        item_tag, item, position = _der(content, position)
        items.append((item_tag, item))
    return items


def _rsa_key(pem: str) -> tuple[int, int]:
    """The modulus and private exponent of a PEM RSA private key."""
    match = _PEM.search(pem)
    if match is None:
        raise EvalError("failed to parse key: no key found")
    kind, body = match.group(1), match.group(2)
    if "Proc-Type:" in body:
        raise EvalError("failed to parse key: the key is encrypted")
    try:
        der = base64.b64decode("".join(body.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise EvalError("failed to parse key: invalid PEM data") from error
    if kind == "PRIVATE KEY":
        items = _sequence(der)
        if len(items) < 3 or items[1][0] != 0x30 or _RSA_OID not in items[1][1] or items[2][0] != 0x04:
            raise EvalError("invalid private key type: not an RSA key")
        der = items[2][1]
    elif kind != "RSA PRIVATE KEY":
        raise unknowable()  # OpenSSH and other key formats are not read here
    fields = _sequence(der)
    if len(fields) < 4 or any(tag != 0x02 for tag, _ in fields[:4]):
        raise EvalError("invalid ASN1 data in the given private key")
    return int.from_bytes(fields[1][1], "big"), int.from_bytes(fields[3][1], "big")


@builtin("rsadecrypt", 2)
def _rsadecrypt(arguments: list[Any], environment: Environment) -> Any:
    ciphertext_text, key = string(arguments[0]), string(arguments[1])
    try:
        ciphertext = base64.b64decode(ciphertext_text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise EvalError("failed to decode input: not valid base64") from error
    modulus, exponent = _rsa_key(key)
    size = (modulus.bit_length() + 7) // 8
    value = int.from_bytes(ciphertext, "big")
    if size < 11 or len(ciphertext) > size or value >= modulus:
        raise EvalError("failed to decrypt: crypto/rsa: decryption error")
    message = pow(value, exponent, modulus).to_bytes(size, "big")
    separator = message.find(b"\x00", 2)
    if message[:2] != b"\x00\x02" or separator < 10:
        raise EvalError("failed to decrypt: crypto/rsa: decryption error")
    try:
        return message[separator + 1 :].decode("utf-8")
    except UnicodeDecodeError as error:
        raise unknowable() from error
