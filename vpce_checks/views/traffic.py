"""The ``--traffic FILE`` of ``vpce-checks cost``: GB a month per service, for every VPC or per VPC.

YAML (or JSON, by the ``.json`` suffix)::

    # GB a month that workloads send to each AWS service, both directions together
    default:                  # every VPC, unless its own entry names the service
      s3: 800
      ecr.dkr: 150
    vpcs:
      aws_vpc.main:           # a VPC as the cost report names it
        s3: 2500              # replaces default's s3 for this VPC
        sts: 40

Services are named as in endpoint service names without the ``com.amazonaws.<region>.`` prefix
(``s3``, ``ecr.dkr``, ``ssmmessages``). Every error names the file and, for YAML, the line.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

TOP_LEVEL_KEYS = ("default", "vpcs")


class TrafficError(ValueError):
    """A traffic file that cannot be read or does not follow the format."""


@dataclass(frozen=True)
class Traffic:
    """GB a month by service: ``default`` for every VPC, ``vpcs`` per VPC (overriding per service)."""

    path: str
    default: dict[str, float]
    vpcs: dict[str, dict[str, float]]
    lines: dict[str, int]
    """The line each VPC entry is written on (YAML only), for notes about entries that match no VPC."""

    def for_vpc(self, vpc: str) -> dict[str, float]:
        """The traffic of one VPC: ``default``, with the VPC's own entries taking precedence."""
        return {**self.default, **self.vpcs.get(vpc, {})}


def read_traffic(path: str) -> Traffic:
    """Read and check a traffic file; raises :class:`TrafficError` naming the file (and line) at fault."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise TrafficError(f"{path}: cannot read the traffic file: {error.strerror}") from None
    except UnicodeDecodeError:
        raise TrafficError(f"{path}: the traffic file is not UTF-8 text") from None
    data, lines = _parse(path, text)
    where = _Where(path, lines)
    if data is None:
        raise TrafficError(
            f"{path}: the traffic file is empty; give `default:` and/or `vpcs:` (GB a month per service)"
        )
    if not isinstance(data, dict):
        raise TrafficError(where.at((), "expected a mapping with `default:` and/or `vpcs:`"))
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise TrafficError(where.at((key,), f"unknown key {key!r}; expected `default:` and/or `vpcs:`"))
    default = _services(where, data.get("default"), ("default",))
    vpcs_value = data.get("vpcs")
    if vpcs_value is None:
        vpcs_value = {}
    if not isinstance(vpcs_value, dict):
        raise TrafficError(where.at(("vpcs",), "expected a mapping of VPC addresses to services"))
    vpcs: dict[str, dict[str, float]] = {}
    for vpc, services in vpcs_value.items():
        if not isinstance(vpc, str) or not vpc.strip():
            raise TrafficError(where.at(("vpcs",), f"a VPC must be named by its address, not {vpc!r}"))
        vpcs[vpc] = _services(where, services, ("vpcs", vpc))
    if not default and not any(vpcs.values()):
        raise TrafficError(f"{path}: the traffic file names no service; give GB a month per service")
    vpc_lines = {vpc: lines[("vpcs", vpc)] for vpc in vpcs if ("vpcs", vpc) in lines}
    return Traffic(path, default, vpcs, vpc_lines)


def _parse(path: str, text: str) -> tuple[Any, dict[tuple[str, ...], int]]:
    """The file's data, and the line of each mapping key by its path (YAML only)."""
    if path.endswith(".json"):
        try:
            return json.loads(text), {}
        except json.JSONDecodeError as error:
            raise TrafficError(f"{path}:{error.lineno}: not valid JSON: {error.msg}") from None
    import yaml  # here: only a YAML traffic file needs it

    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise TrafficError(f"{path}{line}: not valid YAML: {problem}") from None
    lines: dict[tuple[str, ...], int] = {}
    _key_lines(node, (), lines)
    return data, lines


def _key_lines(node: yaml.Node | None, prefix: tuple[str, ...], lines: dict[tuple[str, ...], int]) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, str(key.value))
            lines[path] = key.start_mark.line + 1
            _key_lines(value, path, lines)


@dataclass(frozen=True)
class _Where:
    path: str
    lines: dict[tuple[str, ...], int]

    def at(self, keys: tuple[Any, ...], problem: str) -> str:
        """An error message naming the file, the line of ``keys`` (or its nearest parent) and the keys."""
        keys = tuple(str(key) for key in keys)
        line = next((self.lines[keys[:end]] for end in range(len(keys), 0, -1) if keys[:end] in self.lines), None)
        location = self.path + (f":{line}" if line else "")
        name = ".".join(keys)
        return f"{location}: {name}: {problem}" if name else f"{location}: {problem}"


def _services(where: _Where, value: Any, keys: tuple[str, ...]) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TrafficError(where.at(keys, "expected a mapping of services to GB a month, e.g. `s3: 500`"))
    services: dict[str, float] = {}
    for service, amount in value.items():
        if not isinstance(service, str) or not service.strip():
            raise TrafficError(where.at(keys, f"a service must be named (s3, ecr.dkr, ...), not {service!r}"))
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not math.isfinite(amount) or amount < 0:
            raise TrafficError(where.at((*keys, service), f"expected GB a month (a number, 0 or more), got {amount!r}"))
        services[service.strip()] = float(amount)
    return services
