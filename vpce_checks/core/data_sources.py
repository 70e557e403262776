"""The few data sources whose result the configuration itself determines.

A data source reads the real account, so its attributes are unknown, except where the provider
only combines the arguments: ``data "aws_vpc_endpoint_service"`` given ``service = "s3"`` answers
``com.amazonaws.<region>.s3``, the region being the provider's (a PartialString when unknown, which
:func:`vpce_checks.core.services.parse_service_name` reads as "s3 in an unknown region").
"""

from __future__ import annotations

from typing import Any, Callable

from vpce_checks.core.values import PartialString, Unknown, Value

Arguments = Callable[[str], Any]
"""A data source's written arguments by name (None when not written)."""


def endpoint_service_name(argument: Arguments, region: Value) -> Any:
    """``service_name`` of ``data "aws_vpc_endpoint_service"``: given, or built from ``service``.

    None when it cannot be said (the caller makes it unknown).
    """
    given = argument("service_name")
    if given is not None:
        return given
    service = argument("service")
    if not isinstance(service, str) or not service:
        return None
    if isinstance(region, str) and region:
        return f"com.amazonaws.{region}.{service}"
    return PartialString(("com.amazonaws.", Unknown("provider region"), f".{service}"))


COMPUTED_DATA: dict[tuple[str, str], Callable[[Arguments, Value], Any]] = {
    ("aws_vpc_endpoint_service", "service_name"): endpoint_service_name,
}
"""(data source type, attribute) -> how its value follows from the arguments and the region."""
