"""IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets and OpenTofu's cidrcontains.

https://developer.hashicorp.com/terraform/language/functions/cidrsubnet. As in Terraform, an IPv4
octet with leading zeros is read as decimal (``010`` is 10), and a prefix may have host bits set
(``10.1.2.3/16`` is ``10.1.0.0/16``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from vpce_checks.loader.conversions import EvalError, unknowable
from vpce_checks.loader.functions.base import Environment, builtin, integer, string

_IPV4 = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")


@dataclass(frozen=True)
class Network:
    """A network prefix: its address as an integer, its length and the address size in bits."""

    address: int
    length: int
    bits: int

    @property
    def size(self) -> int:
        """How many addresses the network holds."""
        return 1 << (self.bits - self.length)

    def text(self, address: int | None = None) -> str:
        """An address of this family as Go writes it."""
        return address_text(self.address if address is None else address, self.bits)

    def __str__(self) -> str:
        return f"{self.text()}/{self.length}"


def parse_address(text: str) -> tuple[int, int] | None:
    """An IP address as (integer, bits), or None when the text is not one."""
    match = _IPV4.fullmatch(text)
    if match:
        octets = [int(part) for part in match.groups()]
        if any(octet > 255 for octet in octets):
            return None
        return int.from_bytes(bytes(octets), "big"), 32
    if ":" not in text or "%" in text:
        return None
    try:
        return int(ipaddress.IPv6Address(text)), 128
    except ValueError:
        return None


def parse_network(text: str) -> Network:
    """A CIDR prefix; EvalError when it is not one."""
    address_part, slash, length_part = text.partition("/")
    parsed = parse_address(address_part) if slash else None
    if parsed is None or not length_part.isdigit() or not length_part.isascii():
        raise EvalError(f"invalid CIDR expression: invalid CIDR address: {text}")
    address, bits = parsed
    length = int(length_part)
    if length > bits:
        raise EvalError(f"invalid CIDR expression: invalid CIDR address: {text}")
    mask = ((1 << bits) - 1) ^ ((1 << (bits - length)) - 1)
    return Network(address & mask, length, bits)


def address_text(address: int, bits: int) -> str:
    """Dotted IPv4 or RFC 5952 IPv6; IPv4-mapped IPv6 addresses (which Go prints as IPv4) are unknown."""
    if bits == 32:
        return str(ipaddress.IPv4Address(address))
    if address >> 32 == 0xFFFF:
        raise unknowable()
    return ipaddress.IPv6Address(address).compressed


@builtin("cidrhost", 2)
def _cidrhost(arguments: list[Any], environment: Environment) -> Any:
    network = parse_network(string(arguments[0]))
    number = integer(arguments[1])
    host = number + network.size if number < 0 else number
    if not 0 <= host < network.size:
        raise EvalError(f"prefix of {network.length} does not accommodate a host numbered {number}")
    return network.text(network.address | host)


@builtin("cidrnetmask", 1)
def _cidrnetmask(arguments: list[Any], environment: Environment) -> Any:
    text = string(arguments[0])
    network = parse_network(text)
    if network.bits != 32:
        raise EvalError(f"IPv6 addresses cannot have a netmask: {text}")
    return address_text(((1 << 32) - 1) ^ (network.size - 1), 32)


def subnet(network: Network, new_bits: int, number: int) -> Network:
    """The ``number``-th subnet of ``network`` with a prefix ``new_bits`` longer."""
    if new_bits < 0 or number < 0 or number >= 1 << 64:
        raise unknowable()  # Go's arithmetic on these is not defined
    length = network.length + new_bits
    if length > network.bits:
        raise EvalError(f"insufficient address space to extend prefix of {network.length} by {new_bits}")
    if number > (1 << new_bits) - 1:
        raise EvalError(f"prefix extension of {new_bits} does not accommodate a subnet numbered {number}")
    return Network(network.address | (number << (network.bits - length)), length, network.bits)


@builtin("cidrsubnet", 3)
def _cidrsubnet(arguments: list[Any], environment: Environment) -> Any:
    network = parse_network(string(arguments[0]))
    return str(subnet(network, integer(arguments[1]), integer(arguments[2])))


@builtin("cidrsubnets", 1, None)
def _cidrsubnets(arguments: list[Any], environment: Environment) -> Any:
    network = parse_network(string(arguments[0]))
    lengths = [integer(argument) for argument in arguments[1:]]
    if not lengths:
        return []
    full = (1 << network.bits) - 1

    def mask(length: int) -> int:
        return full ^ ((1 << (network.bits - length)) - 1)

    first = network.length + lengths[0]
    # The allocation starts at the block of the first size just before the base network.
    current = Network(((network.address - 1) & full) & mask(min(first, network.bits)), first, network.bits)
    result = []
    for position, new_bits in enumerate(lengths, start=1):
        if new_bits < 1:
            raise EvalError(f"argument {position + 1}: must extend prefix by at least one bit")
        if new_bits > 32:
            raise EvalError(f"argument {position + 1}: may not extend prefix by more than 32 bits")
        length = network.length + new_bits
        if length > network.bits:
            family = "IPv4" if network.bits == 32 else "IPv6"
            raise EvalError(
                f"argument {position + 1}: would extend prefix to {length} bits,"
                f" which is too long for an {family} address"
            )
        last = current.address + current.size - 1
        block = last & mask(length)
        following = (block + (1 << (network.bits - length))) & full
        if following == 0:
            raise unknowable()  # wrapped past the last address: whether Terraform allows this is not certain
        if following & mask(network.length) != network.address:
            raise EvalError(
                f"argument {position + 1}: not enough remaining address space for a subnet with a prefix of"
                f" {length} bits after {current}"
            )
        current = Network(following, length, network.bits)
        result.append(str(current))
    return result


@builtin("cidrcontains", 2)
def _cidrcontains(arguments: list[Any], environment: Environment) -> Any:
    containing = parse_network(string(arguments[0]))
    text = string(arguments[1])
    parsed = parse_address(text)
    if parsed is not None:
        first, bits = parsed
        last = first
    else:
        try:
            inner = parse_network(text)
        except EvalError as error:
            raise EvalError(f"invalid IP address or prefix: {text}") from error
        first, last, bits = inner.address, inner.address + inner.size - 1, inner.bits
    if bits != containing.bits:
        raise EvalError("the two arguments are of different IP address families")
    end = containing.address + containing.size
    return containing.address <= first < end and containing.address <= last < end
