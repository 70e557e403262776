"""Reading a VPC endpoint ``service_name``: which AWS service, in which region."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vpce_checks.core.values import PartialString, Value

GATEWAY_SERVICES = frozenset({"s3", "dynamodb"})
"""The only services that offer a Gateway endpoint."""

_AWS_PREFIX = "com.amazonaws."
_CUSTOM_PREFIX = "com.amazonaws.vpce."
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$")


@dataclass(frozen=True)
class Service:
    """What a ``service_name`` says.

    ``name`` is the service part (``s3``, ``ecr.dkr``, ``ssmmessages``) or None when it cannot be
    known; ``custom`` marks endpoint services of other accounts (``com.amazonaws.vpce.…``).
    """

    name: str | None
    region: str | None
    custom: bool = False

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
            return Service(name=suffix[1:], region=None)
    return UNKNOWN_SERVICE


def _parse_known(text: str) -> Service:
    if text.startswith(_CUSTOM_PREFIX):
        return Service(name=None, region=None, custom=True)
    if text.startswith(_AWS_PREFIX):
        region, _, name = text[len(_AWS_PREFIX) :].partition(".")
        if _REGION.match(region) and name:
            return Service(name=name, region=region)
        return Service(name=text[len(_AWS_PREFIX) :] or None, region=None)
    if text.startswith("aws.") and text.count(".") >= 3:
        # e.g. aws.sagemaker.us-east-1.notebook: AWS-provided, with the region in third place.
        _, product, region, rest = text.split(".", 3)
        return Service(name=f"{product}.{rest}", region=region if _REGION.match(region) else None)
    return UNKNOWN_SERVICE
