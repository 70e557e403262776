"""AWS services as the rules know them: reading a ``service_name``, and the facts of ``services.json``.

The facts (which services have Gateway endpoints, which have no private DNS, which are not reached
over HTTPS) live in ``services.json`` beside this module, each table with the AWS page it comes
from; this module only reads them.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from vpce_checks.core.values import PartialString, Unknown, Value


@cache
def _facts() -> dict[str, Any]:
    # Beside this module, as package data (read without importlib.resources, a costly import).
    with open(os.path.join(os.path.dirname(__file__), "services.json"), encoding="utf-8") as handle:
        text = handle.read()
    facts: dict[str, Any] = json.loads(text)
    return facts


def _gateway_table() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = _facts()["gateway_endpoints"]["services"]
    return services


GATEWAY_SERVICES = frozenset(_gateway_table())
"""The only services that offer a Gateway endpoint (S3, DynamoDB, S3 Express One Zone)."""

WITHOUT_PRIVATE_DNS = frozenset(_facts()["without_private_dns"]["services"])
"""Services whose Interface endpoints offer no private DNS (DynamoDB, DynamoDB Streams)."""

INBOUND_RESOLVER_DNS = frozenset(_facts()["inbound_resolver_private_dns"]["services"])
"""Services whose private DNS may answer inbound Resolver endpoints only (S3)."""

_NOT_HTTPS_PREFIXES = tuple(_facts()["not_https_only"]["prefixes"])


def display_name(service: str) -> str:
    """How messages name a service: ``S3``, ``DynamoDB``, else the service part itself."""
    entry = _gateway_table().get(service)
    return str(entry["display"]) if entry else service


def gateway_services_text() -> str:
    """The Gateway-capable services as a sentence names them: ``S3, DynamoDB and S3 Express One Zone``."""
    names = [display_name(service) for service in _gateway_table()]
    return ", ".join(names[:-1]) + " and " + names[-1]


def reached_over_https(service: str) -> bool:
    """False for services whose endpoints are reached on other ports than 443 (SMTP, CQL, SFTP...)."""
    return not service.startswith(_NOT_HTTPS_PREFIXES)


_AWS_PREFIX = "com.amazonaws."
_CUSTOM_PREFIX = "com.amazonaws.vpce."
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$")


def is_region(text: str) -> bool:
    """True for text shaped like an AWS region name (``eu-west-1``, ``us-gov-west-1``)."""
    return bool(_REGION.match(text))


@dataclass(frozen=True)
class Service:
    """What a ``service_name`` says.

    ``name`` is the service part (``s3``, ``ecr.dkr``, ``ssmmessages``) or None when it cannot be
    known; ``custom`` marks endpoint services of other accounts (``com.amazonaws.vpce.…``).
    ``region_origin`` names where an unknown region comes from (``data.aws_region.current.name``),
    so that two names built from the same unknown region can still be seen to share it.
    """

    name: str | None
    region: str | None
    custom: bool = False
    region_origin: str | None = None

    @property
    def is_aws(self) -> bool:
        """True for a service AWS itself provides (not an endpoint service of another account)."""
        return self.name is not None and not self.custom


UNKNOWN_SERVICE = Service(name=None, region=None)


def parse_service_name(value: Value) -> Service:
    """Read a service name, keeping what is known of a partly known one.

    ``"com.amazonaws.${data.aws_region.current.name}.ecr.dkr"`` is ``ecr.dkr`` in an unknown region:
    the single unknown part between the ``com.amazonaws.`` prefix and a ``.``-led suffix is taken to
    be the region, because region names hold no dots.
    """
    if isinstance(value, str):
        return _parse_known(value)
    if isinstance(value, PartialString):
        prefix, suffix = value.known_prefix, value.known_suffix
        if prefix.startswith(_CUSTOM_PREFIX):
            return Service(name=None, region=None, custom=True)
        unknown_parts = [part for part in value.parts if not isinstance(part, str)]
        if prefix == _AWS_PREFIX and len(unknown_parts) == 1 and suffix.startswith(".") and len(suffix) > 1:
            part = unknown_parts[0]
            origin = part.origin if isinstance(part, Unknown) else str(part)
            return Service(name=suffix[1:], region=None, region_origin=origin)
    return UNKNOWN_SERVICE


def _parse_known(text: str) -> Service:
    if text.startswith(_CUSTOM_PREFIX):
        return Service(name=None, region=None, custom=True)
    if text.startswith(_AWS_PREFIX):
        region, _, name = text[len(_AWS_PREFIX) :].partition(".")
        if is_region(region) and name:
            return Service(name=name, region=region)
        return Service(name=text[len(_AWS_PREFIX) :] or None, region=None)
    if text.startswith("aws.") and text.count(".") >= 3:
        # e.g. aws.sagemaker.us-east-1.notebook: AWS-provided, with the region in third place.
        _, product, region, rest = text.split(".", 3)
        return Service(name=f"{product}.{rest}", region=region if is_region(region) else None)
    return UNKNOWN_SERVICE
