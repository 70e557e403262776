"""From checkov's Terraform graph to the core's :class:`Configuration`.

checkov has parsed the configuration, expanded ``count``/``for_each`` and modules, and rendered what
its own evaluator could into strings. Each graph vertex carries ``config_``: the block as checkov's
parser saw it, with every attribute wrapped in a one-item list (``"subnet_ids": [["aws_subnet.a.id"]]``)
and nested blocks as lists of such dicts. What checkov left unrendered stays written as Terraform
(``var.azs["0"]``, ``com.amazonaws.${data.aws_region.current.name}.s3``, ``aws_subnet.private[*].id``).

This module reads those strings back into the core's values: references to resources become
:class:`ResourceRef` (or the referenced attribute's value when it is written), ``var.x`` takes its
default in a root module when no tfvars file can change it, templates keep their known parts, and
everything else that is an expression is :class:`Unknown`. It imports only the standard library.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from vpce_checks.core.community_modules import VpcEndpointsModule, is_vpc_endpoints_source
from vpce_checks.core.model import Configuration, Location, Resource, Suppression, find_suppressions
from vpce_checks.core.text import interpolation_end
from vpce_checks.core.values import PartialString, ResourceRef, Unknown, Value, collect_references

Vertex = Mapping[str, Any]

META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle", "dynamic", "provisioner"})
EXPRESSION_ROOTS = frozenset({"data", "module", "each", "count", "path", "self", "terraform"})

# One step of a traversal after the root name: `.name` or `[index]` (a number, a quoted key or `*`).
_STEP = r'(?:\.[A-Za-z_][\w-]*|\[(?:"[^"]*"|-?\d+|\*)\])'
_REFERENCE = re.compile(rf"([A-Za-z_][\w-]*)({_STEP}*)")
_STEPS = re.compile(r'\.([A-Za-z_][\w-]*)|\[(?:"([^"]*)"|(-?\d+)|(\*))\]')
# An expression checkov left unrendered: a function call, or a traversal of a Terraform namespace
# or a resource somewhere inside the text.
_EXPRESSION = re.compile(
    r"^[a-z][a-z0-9_]*\(.*\)$|^[\[{]\s*for\s|(?<![\w.-])(?:var|local|data|module|each|count|path|self)\.[A-Za-z_]"
    r"|(?<![\w.-])[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?\.[A-Za-z_]",
    re.DOTALL,
)
_TFVARS_ASSIGNMENT = re.compile(r'^\s*"?([A-Za-z_][\w-]*)"?\s*[=:]', re.MULTILINE)
_LIST_DEFAULT = re.compile(r"^\s*default\s*=\s*(\[[^\[\]{}]*\])\s*$", re.MULTILINE)
_TRAILING_COMMA = re.compile(r",\s*\]$")
_TFVARS_FILES = ("terraform.tfvars", "terraform.tfvars.json")
_AUTO_TFVARS = (".auto.tfvars", ".auto.tfvars.json")
_MISSING = object()


def configurations(vertices: Iterable[Vertex]) -> list[Configuration]:
    """One configuration per root module found among checkov's vertices, in directory order."""
    roots: dict[str, list[Vertex]] = defaultdict(list)
    for vertex in vertices:
        if isinstance(vertex.get("file_path_"), str):
            roots[root_directory(vertex)].append(vertex)
    return [_Root(directory, members).configuration() for directory, members in sorted(roots.items())]


def root_directory(vertex: Vertex) -> str:
    """The directory of the root module a vertex belongs to (the outermost module caller's)."""
    caller = vertex.get("source_module_object_")
    path = str(vertex["file_path_"])
    while caller is not None:
        # checkov's TFModule object, or its JSON form: `path` is the calling file.
        caller_path = caller.get("path") if isinstance(caller, Mapping) else getattr(caller, "path", None)
        if not isinstance(caller_path, str):
            break
        path = caller_path
        caller = (
            caller.get("nested_tf_module") if isinstance(caller, Mapping) else getattr(caller, "nested_tf_module", None)
        )
    return os.path.dirname(path)


def module_prefix(vertex: Vertex) -> str:
    """``module.a.`` for a vertex inside module ``a`` (empty in the root module)."""
    address = str(vertex.get("__address__", ""))
    name = str(vertex.get("block_name_", ""))
    return address[: -len(name)] if name and address.endswith(name) else ""


def block_config(vertex: Vertex) -> Mapping[str, Any]:
    """The vertex's own block from ``config_``, which nests it under its type and name.

    The block is the first mapping, going down single-key levels, that carries checkov's
    ``__start_line__``-style keys.
    """
    config = vertex.get("config_")
    for _ in range(3):
        if not isinstance(config, Mapping):
            break
        if any(str(key).startswith("__") for key in config) or len(config) != 1:
            return config
        config = next(iter(config.values()))
    return {}


@dataclass
class _Instance:
    """A resource vertex with what is needed to resolve references to it."""

    address: str
    type: str
    name: str
    prefix: str
    config: Mapping[str, Any]
    vertex: Vertex
    values: dict[str, Any] = field(default_factory=dict)


class _Root:
    """The vertices of one root module and its module calls."""

    def __init__(self, directory: str, vertices: list[Vertex]) -> None:
        self.directory = directory
        self.instances: dict[str, _Instance] = {}
        self.by_base: dict[str, list[str]] = defaultdict(list)
        self.defaults: dict[str, Any] = {}
        # Root inputs with no value anywhere in the configuration: checkov renders them as an empty
        # value of their type (`[]` for a list), which would read as "no subnets". They are unknown.
        self.unset: set[tuple[str, str]] = set()
        self.region: Value = None
        # Module calls checkov could not expand (unknown count/for_each): their resources may not exist.
        self.maybe_modules: list[str] = []
        # Module calls checkov could not read (not downloaded): what they do is unseen.
        self.unread_modules: list[tuple[Vertex, str]] = []
        self._in_progress: set[tuple[str, str]] = set()
        self._lines: dict[str, list[str]] = {}
        overridden = _tfvars_names(directory)
        for vertex in vertices:
            kind = vertex.get("block_type_")
            prefix = module_prefix(vertex)
            if kind == "resource":
                self._add_resource(vertex, prefix)
            elif kind == "module":
                self._add_module(vertex, prefix)
            elif kind == "variable" and not prefix:
                name = str(vertex.get("block_name_"))
                if name in overridden:
                    continue
                if "default" in vertex:
                    default = vertex["default"]
                    if isinstance(default, list):
                        # checkov sorts list defaults (["sts", "logs"] arrives as ["logs", "sts"]), and
                        # var.x[0] must be the first one written: read the literal from the file instead.
                        default = self._written_list_default(vertex)
                    if default is not _MISSING:
                        self.defaults[name] = default
                else:
                    self.unset.add((str(vertex.get("file_path_")), name))
        for vertex in vertices:
            if vertex.get("block_type_") == "provider" and not module_prefix(vertex):
                config = block_config(vertex)
                if "alias" not in config and "region" in config:
                    region = self.value(config["region"], "")
                    self.region = region if isinstance(region, str) else None

    def _add_module(self, vertex: Vertex, prefix: str) -> None:
        config = block_config(vertex)
        name = str(vertex.get("block_name_", "")).split("[")[0]
        if _existence(config) is None:
            self.maybe_modules.append(f"{prefix}module.{name}")
        if config.get("__resolved__") == []:
            self.unread_modules.append((vertex, prefix))

    def _add_resource(self, vertex: Vertex, prefix: str) -> None:
        if _existence(block_config(vertex)) is False:
            return  # checkov keeps `count = 0` resources in its graph; Terraform creates nothing
        local = str(vertex.get("block_name_", ""))
        resource_type, _, name = local.partition(".")
        address = prefix + local
        self.instances[address] = _Instance(
            address, resource_type, name.split("[")[0], prefix, block_config(vertex), vertex
        )
        self.by_base[prefix + resource_type + "." + name.split("[")[0]].append(address)

    def configuration(self) -> Configuration:
        """The core's model of this root."""
        config = Configuration(directory=self.directory, region=self.region)
        for instance in self.instances.values():
            config.resources.append(self._resource(instance))
        for vertex, prefix in self.unread_modules:
            caller = _ModuleCall(self, vertex, prefix, config)
            source = caller.argument("source")
            if isinstance(source, str) and is_vpc_endpoints_source(source):
                # The community endpoints module, not downloaded: the analyzer's model of it.
                VpcEndpointsModule(caller, self.region).build()
                continue
            # As the analyzer does for a module it cannot read: absences prove nothing, and what
            # is handed to the module may get attachments no one can see.
            config.complete = False
            for name in caller.arguments:
                collect_references(caller.argument(name), config.escaped)
        return config

    def _resource(self, instance: _Instance) -> Resource:
        attributes = {
            name: self.attribute(instance, name)
            for name in instance.config
            if not name.startswith("__") and name not in META_ARGUMENTS
        }
        vertex = instance.vertex
        file = str(vertex["file_path_"])
        start, end = int(vertex.get("__start_line__", 1)), int(vertex.get("__end_line__", 1))
        location = Location(file, start, end)
        return Resource(
            address=instance.address,
            type=instance.type,
            name=instance.name,
            attributes=attributes,
            location=location,
            module=instance.prefix.rstrip("."),
            certain=self._certain(instance),
            suppressions=find_suppressions(self.file_lines(file)[start - 1 : end], start),
        )

    def _written_list_default(self, vertex: Vertex) -> Any:
        """A variable's list default as written, when it is a plain JSON-compatible literal."""
        start, end = int(vertex.get("__start_line__", 1)), int(vertex.get("__end_line__", 1))
        text = "\n".join(self.file_lines(str(vertex.get("file_path_")))[start - 1 : end])
        match = _LIST_DEFAULT.search(text)
        if match is None:
            return _MISSING
        try:
            value = json.loads(_TRAILING_COMMA.sub("]", match.group(1)))
        except ValueError:
            return _MISSING
        return value if isinstance(value, list) else _MISSING

    def _certain(self, instance: _Instance) -> bool:
        """False for a resource that may not exist: checkov could not expand its count/for_each or its module's."""
        if _existence(instance.config) is None:
            return False
        return not self.in_maybe_module(instance.address)

    def in_maybe_module(self, address: str) -> bool:
        """True for an address inside a module call checkov could not expand (or inside such a call's modules)."""
        return any(address.startswith((f"{module}.", f"{module}[")) for module in self.maybe_modules)

    def file_lines(self, path: str) -> list[str]:
        if path not in self._lines:
            try:
                with open(path, encoding="utf-8") as handle:
                    self._lines[path] = handle.read().splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[path] = []
        return self._lines[path]

    def attribute(self, instance: _Instance, name: str) -> Any:
        """An attribute of a resource instance as a core value (a ResourceRef when not written)."""
        if name in instance.values:
            return instance.values[name]
        if name not in instance.config or name in META_ARGUMENTS:
            return ResourceRef(instance.address, name)
        unset = self._unset_input(instance.vertex, name)
        if unset is not None:
            instance.values[name] = Unknown(f"var.{unset}")
            return instance.values[name]
        key = (instance.address, name)
        if key in self._in_progress:
            return Unknown(f"{instance.address}.{name}")
        self._in_progress.add(key)
        try:
            value = self.value(instance.config[name], instance.prefix)
        finally:
            self._in_progress.discard(key)
        instance.values[name] = value
        return value

    def _unset_input(self, vertex: Vertex, attribute: str) -> str | None:
        """The unset root input an attribute was rendered from, per checkov's rendering breadcrumbs."""
        breadcrumbs = vertex.get("rendering_breadcrumbs_")
        if not isinstance(breadcrumbs, Mapping) or not self.unset:
            return None
        for path, steps in breadcrumbs.items():
            if str(path).split(".")[0] != attribute or not isinstance(steps, list):
                continue
            for step in steps:
                if (
                    isinstance(step, Mapping)
                    and step.get("type") == "variable"
                    and (str(step.get("path")), str(step.get("name"))) in self.unset
                ):
                    return str(step.get("name"))
        return None

    def value(self, raw: Any, prefix: str) -> Any:
        """A ``config_`` attribute (wrapped in its one-item list) as a core value."""
        if isinstance(raw, list) and raw and all(_is_block(item) for item in raw):
            return [
                {key: self.value(item, prefix) for key, item in block.items() if not key.startswith("__")}
                for block in raw
            ]
        if isinstance(raw, list) and len(raw) == 1:
            raw = raw[0]
        return self._plain(raw, prefix)

    def _plain(self, raw: Any, prefix: str) -> Any:
        if isinstance(raw, str):
            written = _python_list(raw)
            return self.expression(raw, prefix) if written is None else self._plain(written, prefix)
        if isinstance(raw, list):
            items: list[Any] = []
            for item in raw:
                converted = self._plain(item, prefix)
                # Nested lists are flattened, as Terraform 0.11 did with ["${var.list}"], and a splat
                # inside a list (`[aws_subnet.a[*].id]`) contributes its elements; in 0.12 and later a
                # list of lists in these attributes would not even plan.
                if isinstance(converted, list):
                    items.extend(converted)
                else:
                    items.append(converted)
            return items
        if isinstance(raw, Mapping):
            return {str(key): self._plain(item, prefix) for key, item in raw.items()}
        return raw

    def expression(self, text: str, prefix: str) -> Any:
        """A string from checkov: a literal, a reference, a template, or an unrendered expression."""
        stripped = text.strip()
        if "${" in stripped:
            return self._template(stripped, prefix)
        match = _REFERENCE.fullmatch(stripped)
        if match and (match.group(2) or "").startswith((".", "[")):
            resolved = self._reference(match.group(1), match.group(2), prefix, stripped)
            if resolved is not _MISSING:
                return resolved
        if _EXPRESSION.search(stripped):
            return Unknown(stripped)
        return text

    def _template(self, text: str, prefix: str) -> Any:
        pieces = _template_parts(text)
        if len(pieces) == 2 and not pieces[0][0] and pieces[0][1] is not None and not pieces[1][0]:
            # "${x}" alone is x itself, not its string form (legacy 0.11 syntax writes every reference so).
            return self.expression(pieces[0][1], prefix)
        parts: list[str | Unknown | ResourceRef] = []
        for literal, expression in pieces:
            if literal:
                parts.append(literal)
            if expression is None:
                continue
            value = self.expression(expression, prefix)
            if isinstance(value, bool):
                parts.append("true" if value else "false")
            elif isinstance(value, (str, int, float)):
                parts.append(str(value))
            elif isinstance(value, (Unknown, ResourceRef)):
                parts.append(value)
            elif isinstance(value, PartialString):
                parts.extend(value.parts)
            else:
                parts.append(Unknown(expression))
        if all(isinstance(part, str) for part in parts):
            return "".join(str(part) for part in parts)
        return PartialString(tuple(parts))

    def _reference(self, root: str, path: str, prefix: str, text: str) -> Any:
        steps = [_step(match) for match in _STEPS.finditer(path)]
        if root == "var":
            if prefix or not steps or not isinstance(steps[0], str) or steps[0] not in self.defaults:
                # A module's input comes from its caller; checkov rendered what it could.
                return Unknown(text)
            return _walk(self.defaults[steps[0]], steps[1:], text)
        if root == "local" or root in EXPRESSION_ROOTS:
            return Unknown(text)
        if "_" not in root or not steps or not isinstance(steps[0], str):
            return _MISSING
        base, addresses = "", []
        for scope in _enclosing_prefixes(prefix):
            base = f"{scope}{root}.{steps[0]}"
            addresses = self.by_base.get(base, [])
            if addresses:
                break
        if not addresses:
            return Unknown(text)
        rest = steps[1:]
        if rest and rest[0] is _SPLAT:
            return [self._instance_value(address, rest[1:], text) for address in addresses]
        if rest and isinstance(rest[0], _Index):
            address = _instance_address(base, rest[0], addresses)
            return self._instance_value(address, rest[1:], text) if address else Unknown(text)
        if addresses == [base]:
            return self._instance_value(base, rest, text)
        return Unknown(text)

    def _instance_value(self, address: str, steps: list[Any], text: str) -> Any:
        if not steps or not isinstance(steps[0], str):
            return Unknown(text)
        value = self.attribute(self.instances[address], steps[0])
        return _walk(value, steps[1:], text)


def _python_list(text: str) -> list[Any] | None:
    """A list checkov rendered into a string as Python writes it (``"['subnet-1', 'subnet-2']"``)."""
    stripped = text.strip()
    if not (stripped.startswith("['") and stripped.endswith("]")):
        return None
    try:
        value = ast.literal_eval(stripped)
    except (ValueError, SyntaxError):
        return None
    if isinstance(value, list) and all(isinstance(item, (str, int, float)) for item in value):
        return value
    return None


def _existence(config: Mapping[str, Any]) -> bool | None:
    """Whether a block exists, from the ``count``/``for_each`` checkov left in it (None: unknown).

    checkov removes them when it expands the block; a number or a collection left behind is known,
    an expression it could not evaluate is not.
    """
    for name in ("count", "for_each"):
        if name not in config:
            continue
        value = config[name]
        value = value[0] if isinstance(value, list) and len(value) == 1 else value
        if isinstance(value, bool):
            return None
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            return int(value) > 0
        if isinstance(value, (list, dict)):
            return bool(value)
        return None
    return True


def _enclosing_prefixes(prefix: str) -> list[str]:
    """``module.a.module.b.``, then ``module.a.``, then the root.

    A module's own references name its own resources; but checkov renders a module input into the
    module's attributes as the caller wrote it (``aws_subnet.a.id``), naming the caller's resources.
    """
    parts = re.findall(r"module\.[^.\[]+(?:\[[^\]]*\])?\.", prefix)
    return ["".join(parts[:count]) for count in range(len(parts), -1, -1)]


class _ModuleCall:
    """A module block of checkov's graph, as the community module model sees its caller."""

    def __init__(self, root: _Root, vertex: Vertex, prefix: str, config: Configuration) -> None:
        self.root = root
        self.vertex = vertex
        self.body = block_config(vertex)
        self.name = str(vertex.get("block_name_", "")).split("[")[0]
        self.caller_prefix = prefix
        self.prefix = f"{prefix}module.{self.name}."
        self.certain = _existence(self.body) is True and not root.in_maybe_module(self.prefix)
        self.config = config
        self.arguments = [name for name in self.body if not name.startswith("__") and name not in META_ARGUMENTS]

    @property
    def location(self) -> Location:
        """Where the module block is written."""
        start, end = int(self.vertex.get("__start_line__", 1)), int(self.vertex.get("__end_line__", 1))
        return Location(str(self.vertex["file_path_"]), start, end)

    def has_argument(self, name: str) -> bool:
        """True when the module block sets input ``name``."""
        return name in self.arguments or name == "source"

    def argument(self, name: str) -> Any:
        """The caller's value for input ``name``."""
        return self.root.value(self.body[name], self.caller_prefix) if name in self.body else None

    def suppressions(self) -> list[Suppression]:
        """The skip comments inside the module block."""
        location = self.location
        return find_suppressions(
            self.root.file_lines(location.file)[location.start_line - 1 : location.end_line], location.start_line
        )

    def attribute_lines(self) -> dict[str, int]:
        """Checkov keeps no argument lines: findings point at the module block."""
        return {}


class _Index:
    """An index step: ``[0]`` or ``["key"]``."""

    def __init__(self, key: str, numeric: bool) -> None:
        self.key = key
        self.numeric = numeric


_SPLAT = object()


def _step(match: re.Match[str]) -> Any:
    name, key, number, splat = match.groups()
    if name is not None:
        return name
    if splat is not None:
        return _SPLAT
    return _Index(number, True) if number is not None else _Index(key, False)


def _instance_address(base: str, index: _Index, addresses: list[str]) -> str | None:
    """The instance an index names; checkov writes count indexes quoted (``x["0"]``)."""
    candidates = [f'{base}["{index.key}"]']
    if index.numeric or index.key.isdigit():
        candidates.insert(0, f"{base}[{int(index.key)}]")
    return next((address for address in candidates if address in addresses), None)


def _walk(value: Any, steps: list[Any], text: str) -> Any:
    """Apply ``.name`` and ``[index]`` steps to a known value; anything else is unknown."""
    for step in steps:
        if isinstance(value, (Unknown, ResourceRef, PartialString)):
            return value if isinstance(value, Unknown) else Unknown(text)
        if isinstance(step, _Index) and isinstance(value, list) and (step.numeric or step.key.isdigit()):
            position = int(step.key)
            if not 0 <= position < len(value):
                return Unknown(text)
            value = value[position]
        elif isinstance(step, (_Index, str)) and isinstance(value, Mapping):
            key = step.key if isinstance(step, _Index) else step
            if key not in value:
                return Unknown(text)
            value = value[key]
        else:
            return Unknown(text)
    return value


def _is_block(item: Any) -> bool:
    """A nested block in ``config_`` is a dict whose values are wrapped in lists (a map's are not)."""
    return isinstance(item, Mapping) and bool(item) and all(isinstance(value, list) for value in item.values())


def _template_parts(text: str) -> list[tuple[str, str | None]]:
    """Split a template into (literal, expression) pairs at each ``${...}``, honouring nesting."""
    parts: list[tuple[str, str | None]] = []
    literal: list[str] = []
    position = 0
    while position < len(text):
        if text.startswith("$${", position):
            literal.append("${")
            position += 3
        elif text.startswith("${", position):
            end = interpolation_end(text, position + 2)
            if end is None:
                literal.append(text[position:])
                break
            parts.append(("".join(literal), text[position + 2 : end - 1]))
            literal = []
            position = end
        else:
            literal.append(text[position])
            position += 1
    parts.append(("".join(literal), None))
    return parts


def _tfvars_names(directory: str) -> set[str]:
    """Variables set by the tfvars files Terraform reads on its own: their defaults do not apply."""
    names: set[str] = set()
    try:
        listing = os.listdir(directory)
    except OSError:
        return names
    for entry in listing:
        if entry in ("terraform.tfvars", "terraform.tfvars.json") or entry.endswith(
            (".auto.tfvars", ".auto.tfvars.json")
        ):
            try:
                with open(os.path.join(directory, entry), encoding="utf-8", errors="replace") as handle:
                    names.update(_TFVARS_ASSIGNMENT.findall(handle.read()))
            except OSError:
                continue
    return names
