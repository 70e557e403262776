"""Security groups as AWS applies them to an Interface endpoint: do they admit HTTPS at all?

A group's inbound rules come from its inline ``ingress`` blocks and from the separate rule
resources that name it (``aws_security_group_rule`` with ``type = "ingress"``,
``aws_vpc_security_group_ingress_rule``). ``aws_default_security_group`` adopts a VPC's default
group and removes every rule it does not write. A group that is not in the configuration (a
literal ``sg-`` ID, a data source, a module output) has rules no one can see: unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Mapping

from vpce_checks.core.model import Configuration, Resource
from vpce_checks.core.values import ResourceRef, Value, as_list, is_unknown

HTTPS = 443
GROUP_TYPES = ("aws_security_group", "aws_default_security_group")
RULE_TYPES = ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule")
SECURITY_GROUP_RESOURCE_TYPES = frozenset({"aws_default_security_group", *RULE_TYPES})
"""The types this module reads by type; ``aws_security_group`` is reached through the references
to it (an endpoint's ``security_group_ids``, a rule's ``security_group_id``)."""

_ALL = ("-1", "all")
_TCP = ("tcp", "6")


@dataclass(frozen=True)
class Group:
    """A security group an endpoint uses: its key (address or literal ID) and its resource, if declared."""

    key: str
    resource: Resource | None

    @property
    def name(self) -> str:
        """How messages name the group."""
        if self.resource is not None and self.resource.type == "aws_default_security_group":
            return f"{self.resource.address}, the VPC's default group"
        return self.key


class SecurityGroups:
    """The security groups of one configuration and their inbound rules."""

    def __init__(self, config: Configuration, vpc_key: Callable[[Value], str | None]) -> None:
        self.config = config
        self.vpc_key = vpc_key

    def group(self, value: Value, vpc: str | None) -> Group | None:
        """The group a ``security_group_ids`` item names, or None when it cannot be known.

        ``aws_vpc.x.default_security_group_id`` is the VPC's default group.
        """
        if isinstance(value, str) and value:
            return Group(value, None)
        if not isinstance(value, ResourceRef):
            return None
        resource = self.config.resource(value.address)
        if resource is not None and resource.type in GROUP_TYPES and value.attribute == "id":
            return Group(value.address, resource)
        if (
            resource is not None
            and resource.type in ("aws_vpc", "aws_default_vpc")
            and (value.attribute == "default_security_group_id")
        ):
            return self.default_group(value.address)
        return None

    def default_group(self, vpc: str | None) -> Group | None:
        """A VPC's default security group, when the configuration adopts it with ``aws_default_security_group``."""
        if vpc is None:
            return None
        found = []
        for resource in self.config.of_type("aws_default_security_group"):
            if resource.has("vpc_id") and resource.get("vpc_id") is not None:
                key = self.vpc_key(resource.get("vpc_id"))
                if key is None or key.startswith("unknown:"):
                    return None  # it may be this VPC's
            else:
                defaults = self.config.of_type("aws_default_vpc")
                key = defaults[0].address if len(defaults) == 1 else None  # no vpc_id: the default VPC's
            if key == vpc:
                found.append(resource)
        if len(found) != 1 or not found[0].certain:
            return None
        return Group(found[0].address, found[0])

    @cached_property
    def _rules(self) -> dict[str, list[Resource]] | None:
        """Rule resources by the address of the group they name; None when one names an unknown group."""
        rules: dict[str, list[Resource]] = {}
        for kind in RULE_TYPES:
            for rule in self.config.of_type(kind):
                if kind == "aws_security_group_rule" and rule.get("type") == "egress":
                    continue
                target = rule.get("security_group_id")
                if isinstance(target, ResourceRef):
                    rules.setdefault(target.address, []).append(rule)
                elif not isinstance(target, str):
                    return None  # it may add a rule to any group
        return rules

    def admits_https(self, group: Group) -> bool | None:
        """Whether a group admits TCP 443 from some source; None when its rules cannot all be known."""
        resource = group.resource
        rules = self._rules
        if resource is None or rules is None or not resource.certain or resource.address in self.config.escaped:
            return None
        verdicts: list[bool | None] = []
        inline = as_list(resource.get("ingress")) if resource.has("ingress") else []
        if inline is None:
            return None
        verdicts.extend(_admits(entry, "protocol") if isinstance(entry, dict) else None for entry in inline)
        for rule in rules.get(resource.address, []):
            protocol = "ip_protocol" if rule.type == "aws_vpc_security_group_ingress_rule" else "protocol"
            verdict = _admits(rule.attributes, protocol)
            if rule.type == "aws_security_group_rule" and rule.get("type") != "ingress":
                verdict = None if verdict is not False else False  # an unknown type may be ingress
            verdicts.append(verdict if rule.certain or verdict is False else None)
        if True in verdicts:
            return True
        return None if None in verdicts else False


def _admits(rule: Mapping[str, Value], protocol_attribute: str) -> bool | None:
    """Whether one inbound rule admits TCP 443 (any source counts); None when it cannot be known."""
    protocol = rule.get(protocol_attribute)
    if is_unknown(protocol) or protocol is None:
        return None
    text = str(protocol).lower()
    if text in _ALL:
        return True
    if text not in _TCP:
        return False
    low, high = _port(rule.get("from_port")), _port(rule.get("to_port"))
    if low is None or high is None:
        return None
    return low <= HTTPS <= high


def _port(value: Value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None
