"""Building the core's :class:`Configuration` from one directory of Terraform files.

Evaluation is lazy: a resource's ``count``/``for_each`` and its attributes are evaluated the first
time something needs them (another resource's reference, or the final model), so references may
point in any order across files, and cycles end in an unknown value instead of a hang.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from lark import Token, Tree

from vpce_checks.core.model import Configuration, Location, Problem, Resource, Suppression
from vpce_checks.core.registry import relevant_resource_types
from vpce_checks.core.values import ResourceRef, Unknown, Value, is_unknown
from vpce_checks.loader.evaluate import (
    Bindings,
    EvalError,
    Evaluator,
    Scope,
    evaluate,
    finalize,
    iterate,
    max_collection,
    to_number,
)
from vpce_checks.loader.syntax import (
    Block,
    Body,
    Expression,
    JsonValue,
    ParseError,
    parse_expression,
    read_attributes,
    read_file,
)

META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})
_SUPPRESSION = re.compile(r"(?:#|//)\s*(checkov|vpce-checks):skip=([A-Za-z0-9_\-]+)(?::[ \t]*([^\n]*))?", re.IGNORECASE)


@dataclass
class LoadOptions:
    """Variable values given on the command line, applied to every scanned module."""

    var_files: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)


def is_terraform_file(name: str) -> bool:
    """True for the files Terraform reads as configuration."""
    return name.endswith(".tf") or name.endswith(".tf.json")


def load_directory(directory: str, display: str, options: LoadOptions | None = None) -> Configuration:
    """Read every ``.tf`` and ``.tf.json`` file of ``directory`` as one module.

    ``display`` is how the directory is named in findings (the path as the user gave it).
    """
    options = options or LoadOptions()
    config = Configuration(directory=display)
    listing = sorted(os.listdir(directory))
    module = Module(config)
    for name in filter(is_terraform_file, listing):
        shown = _join(display, name)
        try:
            blocks = read_file(os.path.join(directory, name), shown)
        except ParseError as error:
            config.problems.append(error.problem)
            continue
        module.add_file(os.path.join(directory, name), blocks)
    module.set_variables(_variable_values(directory, listing, display, options, config))
    module.build()
    return config


def _join(directory: str, name: str) -> str:
    return name if directory in ("", ".") else f"{directory.rstrip('/')}/{name}"


def _variable_values(
    directory: str, listing: list[str], display: str, options: LoadOptions, config: Configuration
) -> dict[str, Expression]:
    """Values for input variables, later sources overriding earlier ones, as Terraform orders them.

    ``listing`` is the directory's sorted file names.
    """
    files: list[str] = [name for name in ("terraform.tfvars", "terraform.tfvars.json") if name in listing]
    files += [name for name in listing if name.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    files = [name for name in files if os.path.isfile(os.path.join(directory, name))]
    sources = [(os.path.join(directory, name), _join(display, name)) for name in files]
    sources += [(path, path) for path in options.var_files]
    values: dict[str, Expression] = {}
    for path, shown in sources:
        try:
            values.update(read_attributes(path, shown).attributes)
        except ParseError as error:
            config.problems.append(error.problem)
    for name, text in options.variables.items():
        values[name] = _command_line_value(text)
    return values


def _command_line_value(text: str) -> Expression:
    """``--var name=value``: structured values are HCL expressions, anything else a plain string."""
    stripped = text.strip()
    if (
        stripped[:1] in ("[", "{", '"')
        or stripped in ("true", "false", "null")
        or re.fullmatch(r"-?\d+(\.\d+)?", stripped)
    ):
        try:
            return parse_expression(stripped, "--var")
        except ParseError:
            pass
    return JsonValue(text.replace("${", "$${"))


class Module:
    """The symbols of one module and the lazily evaluated resources behind them."""

    def __init__(self, config: Configuration) -> None:
        self.config = config
        self.variables: dict[str, Block] = {}
        self.variable_values: dict[str, Expression] = {}
        self.locals: dict[str, Expression] = {}
        self.resources: dict[tuple[str, str], Declaration] = {}
        self.resource_types: set[str] = set()
        self.providers: list[Block] = []
        self._local_values: dict[str, Any] = {}
        self._locals_in_progress: set[str] = set()
        self._file_lines: dict[str, list[str]] = {}

    def add_file(self, path: str, blocks: Iterable[Block]) -> None:
        """Register the top-level blocks of one file."""
        for block in blocks:
            if block.type == "variable" and block.labels:
                self.variables.setdefault(block.labels[0], block)
            elif block.type == "locals":
                self.locals.update(block.body.attributes)
            elif block.type == "resource" and len(block.labels) == 2:
                key = (block.labels[0], block.labels[1])
                if key in self.resources:
                    self.config.problems.append(
                        Problem(
                            f"duplicate resource {'.'.join(key)}: Terraform rejects this configuration", block.location
                        )
                    )
                    continue
                self.resources[key] = Declaration(self, block, path)
                self.resource_types.add(key[0])
            elif block.type == "provider" and block.labels == ["aws"]:
                self.providers.append(block)

    def set_variables(self, values: dict[str, Expression]) -> None:
        """Input variable values from tfvars files and the command line."""
        self.variable_values = values

    def build(self) -> None:
        """Evaluate every resource instance into the configuration."""
        for declaration in self.resources.values():
            for instance in declaration.instances():
                self.config.resources.append(instance.resource())
        self.config.region = self._region()

    def _region(self) -> Value:
        for provider in self.providers:
            if "alias" not in provider.body.attributes and "region" in provider.body.attributes:
                return evaluate(provider.body.attributes["region"], ModuleScope(self))
        return None

    def variable(self, name: str) -> Any:
        """The value of ``var.<name>``."""
        block = self.variables.get(name)
        if block is None:
            return Unknown(f"var.{name}")
        empty = ModuleScope(self, constants_only=True)
        if name in self.variable_values:
            return _value_or_unknown(self.variable_values[name], empty, f"var.{name}")
        if "default" in block.body.attributes:
            return _value_or_unknown(block.body.attributes["default"], empty, f"var.{name}")
        return Unknown(f"var.{name}")

    def local(self, name: str) -> Any:
        """The value of ``local.<name>`` (unknown when it refers to itself)."""
        if name in self._local_values:
            return self._local_values[name]
        if name not in self.locals or name in self._locals_in_progress:
            return Unknown(f"local.{name}")
        self._locals_in_progress.add(name)
        try:
            value = _value_or_unknown(self.locals[name], ModuleScope(self), f"local.{name}")
        finally:
            self._locals_in_progress.discard(name)
        self._local_values[name] = value
        return value

    def resource_value(self, resource_type: str, name: str) -> Any:
        """The value of ``<type>.<name>`` (unknown when no such resource is declared)."""
        declaration = self.resources.get((resource_type, name))
        if declaration is None:
            return Unknown(f"{resource_type}.{name}")
        return declaration.value()

    def suppressions(self, path: str, location: Location) -> list[Suppression]:
        """The ``skip`` comments written inside a block's lines."""
        if path not in self._file_lines:
            try:
                with open(path, encoding="utf-8") as handle:
                    self._file_lines[path] = handle.read().splitlines()
            except (OSError, UnicodeDecodeError):
                self._file_lines[path] = []
        lines = self._file_lines[path][location.start_line - 1 : location.end_line]
        found = []
        for offset, line in enumerate(lines):
            for match in _SUPPRESSION.finditer(line):
                reason = (match.group(3) or "").strip() or "no reason given"
                found.append(Suppression(match.group(2), reason, location.start_line + offset))
        return found


def _value_or_unknown(expression: Expression, scope: Scope, origin: str) -> Any:
    try:
        return Evaluator(scope).value(expression)
    except (EvalError, RecursionError):
        return Unknown(origin)


class ModuleScope:
    """The root names of a module: ``var``, ``local``, resource types; the rest is unknown."""

    def __init__(self, module: Module, constants_only: bool = False) -> None:
        self.module = module
        self.constants_only = constants_only

    def lookup(self, name: str) -> Any:
        """The value behind a root name."""
        if self.constants_only:
            return Unknown(name)
        if name == "var":
            return _Namespace("var", self.module.variable)
        if name == "local":
            return _Namespace("local", self.module.local)
        if name in self.module.resource_types:
            return _Namespace(name, lambda resource_name: self.module.resource_value(name, resource_name))
        return Unknown(name)


class _Namespace:
    """``var``, ``local`` or a resource type: walking into it by attribute gives a value."""

    def __init__(self, origin: str, resolve: Any) -> None:
        self.origin = origin
        self._resolve = resolve

    def attribute(self, name: str) -> Any:
        return self._resolve(name)


@dataclass
class Instance:
    """One instance of a resource declaration (one ``count`` index or ``for_each`` key)."""

    declaration: Declaration
    address: str
    bindings: dict[str, Any]
    certain: bool
    _values: dict[str, Any] = field(default_factory=dict)
    _in_progress: set[str] = field(default_factory=set)

    @property
    def origin(self) -> str:
        """Where an unknown built from this instance comes from."""
        return self.address

    def scope(self) -> Scope:
        """The scope of the instance's expressions: the module plus count/each."""
        return Bindings(ModuleScope(self.declaration.module), self.bindings)

    def attribute(self, name: str) -> Any:
        """``<address>.<name>``: the configured value, or a ResourceRef to what apply computes."""
        body = self.declaration.block.body
        if name in self._values:
            return self._values[name]
        if name in self._in_progress:
            return Unknown(f"{self.address}.{name}")
        if name in body.attributes and name not in META_ARGUMENTS:
            self._in_progress.add(name)
            try:
                value = _value_or_unknown(body.attributes[name], self.scope(), f"{self.address}.{name}")
            finally:
                self._in_progress.discard(name)
        elif name in block_names(body):
            value = nested_blocks(body, name, self.scope())
        else:
            value = ResourceRef(self.address, name)
        self._values[name] = value
        return value

    def resource(self) -> Resource:
        """The finished model resource."""
        declaration = self.declaration
        body = declaration.block.body
        attributes: dict[str, Value] = {}
        for name in body.attributes:
            if name not in META_ARGUMENTS:
                attributes[name] = finalize(self.attribute(name))
        for name in sorted(block_names(body) - META_ARGUMENTS):
            attributes[name] = finalize(self.attribute(name))
        location = declaration.block.location
        return Resource(
            address=self.address,
            type=declaration.type,
            name=declaration.name,
            attributes=attributes,
            location=location,
            attribute_lines=dict(body.attribute_lines),
            certain=self.certain,
            suppressions=declaration.module.suppressions(declaration.path, location),
        )


def block_names(body: Body) -> set[str]:
    """The nested block types of a body, ``dynamic "x"`` blocks counting as ``x``."""
    return {
        (block.labels[0] if block.type == "dynamic" else block.type)
        for block in body.blocks
        if block.type != "dynamic" or block.labels
    }


def nested_blocks(body: Body, name: str, scope: Scope) -> Any:
    """The blocks of type ``name`` in a body as a list of dicts, ``dynamic`` blocks expanded."""
    result: list[Any] = []
    for block in body.blocks:
        if block.type == name:
            result.append(block_value(block.body, scope))
        elif block.type == "dynamic" and block.labels == [name]:
            expanded = _expand_dynamic(block, scope)
            if expanded is None:
                return Unknown(f"dynamic {name}")
            result.extend(expanded)
    return result


def _expand_dynamic(block: Block, scope: Scope) -> list[Any] | None:
    content = next((inner for inner in block.body.blocks if inner.type == "content"), None)
    if content is None or "for_each" not in block.body.attributes:
        return None
    iterator = block.labels[0]
    if "iterator" in block.body.attributes:
        name = _bare_name(block.body.attributes["iterator"])
        if name is None:
            return None
        iterator = name
    try:
        pairs = iterate(Evaluator(scope).value(block.body.attributes["for_each"]))
    except EvalError:
        return None
    if pairs is None:
        return None
    values = []
    for key, item in pairs:
        inner = Bindings(scope, {iterator: {"key": key, "value": item}})
        values.append(block_value(content.body, inner))
    return values


def _bare_name(expression: Expression) -> str | None:
    if isinstance(expression, JsonValue):
        return expression.value if isinstance(expression.value, str) else None
    node: Any = expression
    while isinstance(node, Tree) and node.data in ("expr_term", "identifier"):
        children = [child for child in node.children if isinstance(child, (Tree, Token))]
        if node.data == "identifier":
            return str(children[0])
        node = children[0]
    return None


def block_value(body: Body, scope: Scope) -> dict[str, Any]:
    """A nested block as a dict: its attributes and its own nested blocks."""
    value: dict[str, Any] = {}
    for name, expression in body.attributes.items():
        value[name] = _value_or_unknown(expression, scope, name)
    for name in block_names(body):
        value[name] = nested_blocks(body, name, scope)
    return value


class Declaration:
    """A ``resource`` block and the instances its ``count`` or ``for_each`` makes."""

    def __init__(self, module: Module, block: Block, path: str) -> None:
        self.module = module
        self.block = block
        self.path = path
        self.type, self.name = block.labels[0], block.labels[1]
        self._instances: list[Instance] | None = None
        self._value: Any = None
        self._expanding = False

    @property
    def base(self) -> str:
        """The address without an instance key."""
        return f"{self.type}.{self.name}"

    def instances(self) -> list[Instance]:
        """Every instance, evaluating ``count``/``for_each`` on first use."""
        if self._instances is None:
            if self._expanding:
                return []
            self._expanding = True
            try:
                self._instances = self._expand()
            finally:
                self._expanding = False
        return self._instances

    def _expand(self) -> list[Instance]:
        attributes = self.block.body.attributes
        scope = ModuleScope(self.module)
        if "count" in attributes:
            count = _value_or_unknown(attributes["count"], scope, f"{self.base}.count")
            number = None if is_unknown(count) else _count_number(count)
            if number is None and isinstance(count, (int, float)) and count > max_collection():
                self._report_too_large("count", f"count is {count:g}")
            if number is None:
                return [Instance(self, f"{self.base}[*]", {"count": {"index": Unknown("count.index")}}, certain=False)]
            return [
                Instance(self, f"{self.base}[{index}]", {"count": {"index": index}}, certain=True)
                for index in range(number)
            ]
        if "for_each" in attributes:
            collection = _value_or_unknown(attributes["for_each"], scope, f"{self.base}.for_each")
            keyed = _for_each_pairs(collection)
            if isinstance(collection, (dict, list)) and len(collection) > max_collection():
                self._report_too_large("for_each", f"for_each has {len(collection)} items")
            if keyed is None:
                unknown_each = {"each": {"key": Unknown("each.key"), "value": Unknown("each.value")}}
                return [Instance(self, f"{self.base}[*]", unknown_each, certain=False)]
            return [
                Instance(self, f"{self.base}[{json.dumps(key)}]", {"each": {"key": key, "value": value}}, certain=True)
                for key, value in keyed
            ]
        return [Instance(self, self.base, {}, certain=True)]

    def _report_too_large(self, argument: str, size: str) -> None:
        if self.type not in relevant_resource_types():
            return  # no rule reads it: its size cannot change a finding, and the parse phase may skip it
        line = self.block.body.attribute_lines.get(argument, self.block.location.start_line)
        message = (
            f"{self.base}: {size}, more than the expansion limit of {max_collection()};"
            " its instances are treated as unknown (raise --max-expansion to expand them)"
        )
        self.module.config.problems.append(Problem(message, Location(self.block.location.file, line, line)))

    def value(self) -> Any:
        """What ``<type>.<name>`` evaluates to: an instance, a list (count) or a map (for_each)."""
        instances = self.instances()
        attributes = self.block.body.attributes
        if self._expanding or any(not instance.certain for instance in instances):
            return Unknown(self.base)
        if "count" in attributes:
            return list(instances)
        if "for_each" in attributes:
            return {instance.bindings["each"]["key"]: instance for instance in instances}
        return instances[0]


def _count_number(value: Any) -> int | None:
    try:
        number = to_number(value)
    except EvalError:
        return None
    if number != int(number) or not 0 <= number <= max_collection():
        return None
    return int(number)


def _for_each_pairs(collection: Any) -> list[tuple[str, Any]] | None:
    """for_each keys and values: a map's entries, or a set of strings (each.value = each.key)."""
    if is_unknown(collection) or collection is None:
        return None
    if isinstance(collection, dict):
        if len(collection) > max_collection():
            return None
        return [(key, collection[key]) for key in sorted(collection)]
    if isinstance(collection, list):
        if len(collection) > max_collection() or not all(isinstance(item, str) for item in collection):
            return None
        return [(item, item) for item in sorted(set(collection))]
    return None
