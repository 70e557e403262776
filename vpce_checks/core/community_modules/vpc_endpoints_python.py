"""The vpc-endpoints submodule model in Python, for today's checkov adapter only.

The analyzer reads the stand-in module ``terraform-aws-vpc-endpoints/`` beside this file, like
every community-module model. The checkov adapter (``vpce_checks/checkov_adapter/graph.py``)
cannot run the loader yet (checkov's environment has no python-hcl2), so it builds the endpoints of
``terraform-aws-modules/vpc/aws//modules/vpc-endpoints`` with this class, from the module block in
checkov's graph. A test keeps the two models equal on the same inputs; when the checkov front end
runs the loader, this file goes.

The endpoints it builds, from the caller's inputs as the module's code builds them:

* one ``aws_vpc_endpoint.this[<key>]`` per entry of the ``endpoints`` map (all of them only when
  ``create`` is true, each unless its own ``create`` is false);
* ``service_name`` is the entry's ``service_endpoint``, else what ``data "aws_vpc_endpoint_service"``
  finds for its ``service_name`` or ``service`` (``com.amazonaws.<region>.<service>``);
* ``vpc_endpoint_type`` is the entry's ``service_type``, **Interface** when it is not given (the
  provider's own default is Gateway);
* an Interface endpoint gets the module's ``subnet_ids`` and ``security_group_ids`` plus the
  entry's own (and the security group the module creates with ``create_security_group``), and the
  entry's ``private_dns_enabled``; a Gateway endpoint gets the entry's ``route_table_ids``; each
  attribute is null for the other type;
* ``vpc_id`` and ``policy`` are passed through.

The module's outputs ``endpoints`` (a map of the endpoints) and ``security_group_id`` resolve.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Protocol

from vpce_checks.core.data_sources import endpoint_service_name
from vpce_checks.core.model import Configuration, Location, Resource, Suppression
from vpce_checks.core.values import ResourceRef, Unknown, Value, as_bool, is_unknown

DEFAULTS: dict[str, Any] = {
    "create": True,
    "vpc_id": None,
    "endpoints": {},
    "security_group_ids": [],
    "subnet_ids": [],
    "create_security_group": False,
}
"""The module's defaults for the inputs the model reads."""


class Caller(Protocol):
    """The module instance the model stands for: its address, inputs and where it is written."""

    prefix: str
    certain: bool
    config: Configuration

    @property
    def location(self) -> Location:
        """Where the module block is written."""

    def has_argument(self, name: str) -> bool:
        """True when the module block sets input ``name``."""

    def argument(self, name: str) -> Any:
        """The caller's value for input ``name``."""

    def suppressions(self) -> list[Suppression]:
        """The skip comments inside the module block."""

    def attribute_lines(self) -> dict[str, int]:
        """The lines of the module block's arguments."""


class VpcEndpointsModule:
    """The endpoints one instance of the community module creates, and its outputs."""

    def __init__(self, caller: Caller, region: Value, finalize: Callable[[Any], Any] = lambda value: value) -> None:
        """``finalize`` makes model values of what ``caller.argument`` returns (the loader evaluates lazily)."""
        self.caller = caller
        self.region = region
        self.finalize = finalize
        self._endpoints: dict[str, Resource] | None = None

    def input(self, name: str) -> Any:
        """An input's value: the caller's, else the module's default."""
        return self.finalize(self.caller.argument(name)) if self.caller.has_argument(name) else DEFAULTS.get(name)

    def build(self) -> None:
        """Add the endpoints to the configuration."""
        self.caller.config.resources.extend(self.endpoints().values())

    def endpoints(self) -> dict[str, Resource]:
        """The endpoint instances by key of the ``endpoints`` map."""
        if self._endpoints is None:
            self._endpoints = self._make_endpoints()
        return self._endpoints

    def output(self, name: str) -> Any:
        """``endpoints`` (a map of endpoint objects) and ``security_group_id``; other outputs are unknown."""
        origin = f"{self.caller.prefix.rstrip('.')}.{name}"
        if name == "endpoints":
            made = self.endpoints()
            if any(not resource.certain for resource in made.values()):
                return Unknown(origin)
            return {key: _Computed(resource.address) for key, resource in made.items()}
        if name == "security_group_id":
            create = as_bool(self.input("create")) and as_bool(self.input("create_security_group"))
            return ResourceRef(self._security_group(), "id") if create else Unknown(origin)
        return Unknown(origin)

    def _security_group(self) -> str:
        return f"{self.caller.prefix}aws_security_group.this[0]"

    def _make_endpoints(self) -> dict[str, Resource]:
        create = as_bool(self.input("create"))
        if create is False:
            return {}
        certain = self.caller.certain and create is True
        endpoints = self.input("endpoints")
        if not isinstance(endpoints, dict):
            # Which endpoints exist is unknown: one that may exist and may serve anything.
            return {"*": self._endpoint("[*]", Unknown("endpoints"), certain=False)}
        made = {}
        for key in sorted(endpoints):
            spec = endpoints[key]
            wanted = as_bool(_field(spec, "create", True))
            if wanted is not False:
                made[key] = self._endpoint(f"[{json.dumps(key)}]", spec, certain and wanted is True)
        return made

    def _endpoint(self, index: str, spec: Any, certain: bool) -> Resource:
        address = f"{self.caller.prefix}aws_vpc_endpoint.this{index}"
        service_type = _field(spec, "service_type", "Interface")
        is_interface = _equals(service_type, "Interface")
        is_gateway = _equals(service_type, "Gateway")
        service_name = _field(spec, "service_endpoint", None)
        if service_name is None:
            service_name = endpoint_service_name(lambda name: _field(spec, name, None), self.region)
        attributes: dict[str, Value] = {
            "vpc_id": self.input("vpc_id"),
            "service_name": Unknown(f"{address}.service_name") if service_name is None else service_name,
            "vpc_endpoint_type": service_type,
            "security_group_ids": _only_if(is_interface, self._security_groups(spec), address),
            "subnet_ids": _only_if(
                is_interface, _distinct_concat(self.input("subnet_ids"), _field(spec, "subnet_ids", [])), address
            ),
            "route_table_ids": _only_if(is_gateway, _field(spec, "route_table_ids", None), address),
            "private_dns_enabled": _only_if(is_interface, _field(spec, "private_dns_enabled", None), address),
            "policy": _field(spec, "policy", None),
        }
        caller = self.caller
        lines = caller.attribute_lines()
        return Resource(
            address=address,
            type="aws_vpc_endpoint",
            name="this",
            attributes=attributes,
            location=caller.location,
            attribute_lines={name: lines[name] for name in attributes if name in lines},
            module=caller.prefix.rstrip("."),
            certain=certain,
            suppressions=caller.suppressions(),
        )

    def _security_groups(self, spec: Any) -> Any:
        defaults = self.input("security_group_ids")
        created = as_bool(self.input("create_security_group"))
        if created is None:
            return Unknown("create_security_group")
        if created and isinstance(defaults, list):
            defaults = [*defaults, ResourceRef(self._security_group(), "id")]
        return _distinct_concat(defaults, _field(spec, "security_group_ids", []))


class _Computed:
    """An endpoint as the ``endpoints`` output shows it: every attribute is known after apply."""

    def __init__(self, address: str) -> None:
        self.origin = address

    def attribute(self, name: str) -> ResourceRef:
        return ResourceRef(self.origin, name)


def _field(spec: Any, name: str, default: Any) -> Any:
    """``try(spec.name, default)``: a field of an endpoint entry, unknown when the entry is."""
    if isinstance(spec, dict):
        return spec.get(name, default)
    return Unknown(f"endpoints.{name}")


def _equals(value: Any, expected: str) -> bool | None:
    return None if is_unknown(value) else value == expected


def _only_if(condition: bool | None, value: Any, address: str) -> Any:
    if condition is None:
        return Unknown(address)
    return value if condition else None


def _distinct_concat(first: Any, second: Any) -> Any:
    """``distinct(concat(first, second))``; unknown when either list is."""
    if not isinstance(first, list) or not isinstance(second, list):
        return Unknown("subnets or security groups")
    result: list[Any] = []
    for item in [*first, *second]:
        if is_unknown(item) or item not in result:
            result.append(item)
    return result
