"""Building the core's :class:`Configuration` from one directory of Terraform files.

Evaluation is lazy: a resource's ``count``/``for_each`` and its attributes are evaluated the first
time something needs them (another resource's reference, or the final model), so references may
point in any order across files, and cycles end in an unknown value instead of a hang.
"""

from __future__ import annotations

import json
import os
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from lark import Token, Tree

from vpce_checks.core.community_modules import ModelUse
from vpce_checks.core.data_sources import COMPUTED_DATA
from vpce_checks.core.model import Configuration, Location, Problem, Resource, Suppression, find_suppressions
from vpce_checks.core.network import ASSOCIATIONS, ENDPOINT
from vpce_checks.core.registry import relevant_resource_types
from vpce_checks.core.values import ResourceRef, Unknown, Value, collect_references, is_unknown
from vpce_checks.loader import inputs, syntax
from vpce_checks.loader.conversions import EvalError, to_number
from vpce_checks.loader.evaluate import (
    Bindings,
    Evaluator,
    Scope,
    evaluate,
    finalize,
    iterate,
    max_collection,
)
from vpce_checks.loader.files import configuration_files
from vpce_checks.loader.functions import Environment, ModuleFiles
from vpce_checks.loader.models import attribute_lines, unmodelled_inputs
from vpce_checks.loader.modules import (
    MAX_MODULE_INSTANCES,
    MODULE_META_ARGUMENTS,
    UNKNOWN_REPETITION,
    Root,
    Source,
    read_manifest,
    resolve_source,
)
from vpce_checks.loader.options import LoadOptions
from vpce_checks.loader.overrides import merge_overrides
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


def load_directory(directory: str, display: str, options: LoadOptions | None = None) -> Configuration:
    """Read the configuration files of ``directory`` as one root module (see :mod:`.files`).

    ``display`` is how the directory is named in findings (the path as the user gave it). The
    modules it calls are expanded into the same configuration (see :mod:`vpce_checks.loader.modules`).
    """
    options = options or LoadOptions()
    config = Configuration(directory=display)
    context = Context(config, Root(directory, display, read_manifest(directory)))
    module = Module(context, directory, display)
    listing = module.read_files()
    module.set_variables(_variable_values(directory, listing, display, options, config))
    context.region = module.region()
    config.region = context.region
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
    files = [name for name in files if _is_file(os.path.join(directory, name))]
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


@dataclass
class Context:
    """What every module of one root configuration shares: the model being built, the downloads."""

    config: Configuration
    root: Root
    region: Value = None
    instances: int = 0
    """Module instances expanded so far, capped by :data:`MAX_MODULE_INSTANCES`."""

    def note(self, message: str, location: Location) -> None:
        """Tell the user about a part of the configuration that is skipped; absences prove nothing then."""
        self.config.notes.append(Problem(message, location))
        self.config.complete = False


class Module:
    """The symbols of one module instance and the lazily evaluated resources behind them.

    The root module reads its variables from tfvars files; a called module from the arguments of
    the module instance that calls it (``call``), and its addresses carry ``prefix``
    (``module.net[0].``). ``certain`` is False inside a module instance that may not exist.
    ``model`` is set when the directory is a community-module model's stand-in
    (:mod:`vpce_checks.loader.models`).
    """

    def __init__(
        self,
        context: Context,
        directory: str,
        display: str,
        call: ModuleInstance | None = None,
        model: ModelUse | None = None,
    ) -> None:
        self.context = context
        self.model = model
        self.config = context.config
        self.directory = directory
        self.display = display
        self.call = call
        self.prefix = call.prefix if call else ""
        self.key = call.key if call else ""
        self.certain = call.certain if call else True
        self.variables: dict[str, Block] = {}
        self.variable_values: dict[str, Expression] = {}
        self.locals: dict[str, Expression] = {}
        self.resources: dict[tuple[str, str], Declaration] = {}
        self.data: dict[tuple[str, str], Declaration] = {}
        self.outputs: dict[str, Expression] = {}
        self.calls: dict[str, ModuleCall] = {}
        self.resource_types: set[str] = set()
        self.providers: list[Block] = []
        self._memo: dict[tuple[str, str], Any] = {}
        self._evaluating: set[tuple[str, str]] = set()
        self._file_lines: dict[str, list[str]] = {}
        self._attachments_unseen = False
        """A block left out for a syntax error may attach things to this module's endpoints."""
        self._files_cut_short: set[str] = set()
        """Files whose end could not be split into blocks: it may attach things to their endpoints."""
        self._environment: Environment | None = None

    def read_files(self) -> list[str]:
        """Read the directory's configuration files; returns its sorted listing. Parse errors are Problems.

        Override files are merged into the blocks they name (:mod:`vpce_checks.loader.overrides`)
        before anything is registered.
        """
        listing = sorted(os.listdir(self.directory))
        inputs.listed(self.directory, listing)
        chosen = configuration_files(listing)
        problems_before = len(self.config.problems)
        primary = self._read(chosen.primary)
        complete = len(self.config.problems) == problems_before
        merged = merge_overrides(primary, self._read(chosen.overrides), originals_complete=complete)
        self.config.problems.extend(merged.problems)
        for path, blocks in merged.files:
            self.add_file(path, blocks)
        return listing

    def _read(self, names: list[str]) -> list[tuple[str, list[Block]]]:
        """The blocks of each file; what cannot be read is a Problem (a file keeps its readable blocks)."""
        read = []
        for name in names:
            path = os.path.join(self.directory, name)
            try:
                blocks = read_file(path, _join(self.display, name))
            except ParseError as error:
                self.config.problems.extend(error.problems)
                blocks = error.blocks
                self._attachments_unseen |= any(_may_attach(part.header) for part in error.skipped)
                if any(part.header is None for part in error.skipped):
                    self._files_cut_short.add(path)
            read.append((path, blocks))
        return read

    def add_file(self, path: str, blocks: Iterable[Block]) -> None:
        """Register the top-level blocks of one file (overrides already merged)."""
        for block in blocks:
            if block.type == "variable" and block.labels:
                self.variables.setdefault(block.labels[0], block)
            elif block.type == "locals":
                self.locals.update(block.body.attributes)
            elif block.type in ("resource", "data") and len(block.labels) == 2:
                table = self.resources if block.type == "resource" else self.data
                key = (block.labels[0], block.labels[1])
                if key in table:
                    what = ".".join(key) if block.type == "resource" else "data." + ".".join(key)
                    self._duplicate(what, block)
                    continue
                table[key] = Declaration(self, block, path)
                if block.type == "resource":
                    self.resource_types.add(key[0])
            elif block.type == "output" and block.labels and "value" in block.body.attributes:
                self.outputs.setdefault(block.labels[0], block.body.attributes["value"])
            elif block.type == "module" and block.labels:
                if block.labels[0] in self.calls:
                    self._duplicate(f"module.{block.labels[0]}", block)
                    continue
                self.calls[block.labels[0]] = ModuleCall(self, block, path)
            elif block.type == "provider" and block.labels == ["aws"]:
                self.providers.append(block)

    def environment(self) -> Environment:
        """What functions called in this module may know: the limits, and the files of its tree."""
        if self._environment is None:
            files = ModuleFiles(
                working_directory=self.context.root.directory,
                module_directory=self.directory,
                max_bytes=syntax.limits.max_file_bytes,
                max_entries=max_collection(),
            )
            self._environment = Environment(max_collection(), syntax.limits.max_file_bytes, files)
        return self._environment

    def path_value(self) -> dict[str, Any]:
        """``path``: ``path.module`` relative to the root module as Terraform gives it, ``path.root`` ".".

        ``path.cwd`` is where Terraform was started, before any ``-chdir``: not known here.
        """
        relative = os.path.relpath(self.directory, self.context.root.directory).replace(os.sep, "/")
        return {"module": relative, "root": ".", "cwd": Unknown("path.cwd")}

    def ancestry(self) -> list[str]:
        """The real directories of this module and of every module above it."""
        directories = [_real(self.directory)]
        call = self.call
        while call is not None:
            directories.append(_real(call.call.parent.directory))
            call = call.call.parent.call
        return directories

    def _duplicate(self, what: str, block: Block) -> None:
        message = f"duplicate {what} in one module: Terraform rejects this configuration"
        self.config.problems.append(Problem(message, block.location))

    def set_variables(self, values: dict[str, Expression]) -> None:
        """Input variable values from tfvars files and the command line."""
        self.variable_values = values

    def build(self) -> None:
        """Evaluate every resource instance, and those of the modules it calls, into the configuration."""
        for declaration in self.resources.values():
            for instance in declaration.instances():
                self.config.resources.append(instance.resource())
                unseen = self._attachments_unseen or declaration.path in self._files_cut_short
                if unseen and declaration.type == ENDPOINT:
                    self.config.escaped.add(instance.address)  # absences of attachments prove nothing
        for call in self.calls.values():
            for module_instance in call.instances():
                module_instance.build()

    def region(self) -> Value:
        """The default AWS provider's region, when the module writes it."""
        for provider in self.providers:
            if "alias" not in provider.body.attributes and "region" in provider.body.attributes:
                return evaluate(provider.body.attributes["region"], ModuleScope(self))
        return None

    def variable(self, name: str) -> Any:
        """The value of ``var.<name>``: the caller's argument, a tfvars value, or the default."""
        block = self.variables.get(name)
        if block is None:
            return Unknown(f"{self.prefix}var.{name}")
        behaviour = self.model is not None and name in self.model.model.behaviours
        if self.call is not None and self.call.has_argument(name) and not behaviour:
            return self.call.argument(name)
        if self.model is not None and name in self.model.defaults:
            return self.model.defaults[name]
        empty = ModuleScope(self, constants_only=True)
        if self.call is None and name in self.variable_values:
            return _value_or_unknown(self.variable_values[name], empty, f"var.{name}")
        if "default" in block.body.attributes:
            return _value_or_unknown(block.body.attributes["default"], empty, f"{self.prefix}var.{name}")
        return Unknown(f"{self.prefix}var.{name}")

    def local(self, name: str) -> Any:
        """The value of ``local.<name>`` (unknown when it refers to itself)."""
        origin = f"{self.prefix}local.{name}"
        if name not in self.locals:
            return Unknown(origin)
        return self._memoized(("local", name), self.locals[name], origin)

    def output(self, name: str) -> Any:
        """The value of ``output "<name>"`` as the caller sees it."""
        origin = f"{self.prefix}{name}"
        if name not in self.outputs:
            return Unknown(origin)
        return self._memoized(("output", name), self.outputs[name], origin)

    def _memoized(self, key: tuple[str, str], expression: Expression, origin: str) -> Any:
        """Evaluate a local or output once; one that refers to itself is unknown, not a hang."""
        if key in self._memo:
            return self._memo[key]
        if key in self._evaluating:
            return Unknown(origin)
        self._evaluating.add(key)
        try:
            value = _value_or_unknown(expression, ModuleScope(self), origin)
        finally:
            self._evaluating.discard(key)
        self._memo[key] = value
        return value

    def resource_value(self, resource_type: str, name: str) -> Any:
        """The value of ``<type>.<name>`` (unknown when no such resource is declared)."""
        declaration = self.resources.get((resource_type, name))
        if declaration is None:
            return Unknown(f"{self.prefix}{resource_type}.{name}")
        return declaration.value()

    def data_value(self, data_type: str, name: str) -> Any:
        """The value of ``data.<type>.<name>``: what a data source reads is unknown, bar a few."""
        declaration = self.data.get((data_type, name))
        if declaration is None:
            return Unknown(f"{self.prefix}data.{data_type}.{name}")
        return declaration.value()

    def module_value(self, name: str) -> Any:
        """The value of ``module.<name>``: an instance, a list (count) or a map (for_each)."""
        call = self.calls.get(name)
        if call is None:
            return Unknown(f"{self.prefix}module.{name}")
        return call.value()

    def placement(self, block: Block, path: str) -> tuple[Location, dict[str, int], list[Suppression]]:
        """Where a block's resources are shown: location, attribute lines and skip comments.

        A model's stand-in is package data, so its resources are shown at the calling module block.
        """
        if self.model is not None and self.call is not None:
            call = self.call
            written = {name: value for name, value in block.body.attributes.items() if name not in META_ARGUMENTS}
            return call.location, attribute_lines(written, call.attribute_lines()), call.suppressions()
        return block.location, dict(block.body.attribute_lines), self.block_suppressions(path, block)

    def suppressions(self, path: str, location: Location) -> list[Suppression]:
        """The ``skip`` comments written inside a block's lines."""
        lines = self.source_lines(path)[location.start_line - 1 : location.end_line]
        return find_suppressions(lines, location.start_line)

    def source_lines(self, path: str) -> list[str]:
        """The lines of one of the module's files (none when it cannot be read), read once."""
        if path not in self._file_lines:
            try:
                with open(path, "rb") as handle:
                    content = handle.read()
                inputs.file_read(path, content)
                self._file_lines[path] = syntax.decoded(content, json=True).splitlines()
            except OSError:
                inputs.file_unread(path)
                self._file_lines[path] = []
            except UnicodeDecodeError:
                self._file_lines[path] = []
        return self._file_lines[path]

    def block_suppressions(self, path: str, block: Block) -> list[Suppression]:
        """The ``skip`` comments inside a block and inside the override blocks merged into it."""
        found = self.suppressions(path, block.location)
        for location in block.overrides:  # override files sit in this module's directory
            found += self.suppressions(os.path.join(self.directory, os.path.basename(location.file)), location)
        return found


_ATTACHING_TYPES = frozenset(ASSOCIATIONS) | {"aws_vpc_endpoint_private_dns"}
"""Resource types that attach route tables, subnets, security groups or private DNS to an endpoint."""


def _may_attach(header: tuple[str, ...] | None) -> bool:
    """True when a block left out for a syntax error may attach things to any endpoint of its module.

    Text the scanner could not split (``None``) counts for its own file only: an endpoint in a file
    that was read whole was judged the same way before blocks could be read one by one.
    """
    if header is None:
        return False
    return header[0] == "module" or (header[0] == "resource" and len(header) > 1 and header[1] in _ATTACHING_TYPES)


def _value_or_unknown(expression: Expression, scope: Scope, origin: str) -> Any:
    try:
        return Evaluator(scope).value(expression)
    except (EvalError, RecursionError):
        return Unknown(origin)


class ModuleScope:
    """The root names of a module: ``var``, ``local``, ``data``, ``module``, resource types."""

    def __init__(self, module: Module, constants_only: bool = False) -> None:
        self.module = module
        self.constants_only = constants_only

    def lookup(self, name: str) -> Any:
        """The value behind a root name."""
        module = self.module
        if self.constants_only:
            return Unknown(name)
        if name == "var":
            return _Namespace("var", module.variable)
        if name == "local":
            return _Namespace("local", module.local)
        if name == "module":
            return _Namespace("module", module.module_value)
        if name == "data":
            return _Namespace(
                "data",
                lambda data_type: _Namespace(
                    f"data.{data_type}", lambda data_name: module.data_value(data_type, data_name)
                ),
            )
        if name in module.resource_types:
            return _Namespace(name, lambda resource_name: module.resource_value(name, resource_name))
        if name == "path":
            return module.path_value()
        return Unknown(name)

    def environment(self) -> Environment:
        """The module's; a scope of constants only (variable defaults, module sources) reads no file."""
        if self.constants_only:
            return Environment(max_collection(), syntax.limits.max_file_bytes)
        return self.module.environment()


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
        written = name in body.attributes and name not in META_ARGUMENTS
        if self.declaration.is_data and (not written or (self.declaration.type, name) in COMPUTED_DATA):
            return self._data_attribute(name)
        if written:
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

    def _data_attribute(self, name: str) -> Any:
        """What a data source reads: unknown, except what its arguments already determine."""
        computed = COMPUTED_DATA.get((self.declaration.type, name))
        value = None
        if computed is not None:
            self._in_progress.add(name)
            try:
                value = computed(self.argument, self.declaration.module.context.region)
            finally:
                self._in_progress.discard(name)
        if value is None:
            value = Unknown(f"{self.address}.{name}")
        self._values[name] = value
        return value

    def argument(self, name: str) -> Any:
        """The value written for argument ``name`` (None when it is not written)."""
        expression = self.declaration.block.body.attributes.get(name)
        if expression is None or name in META_ARGUMENTS:
            return None
        return _value_or_unknown(expression, self.scope(), f"{self.address}.{name}")

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
        location, lines, suppressions = declaration.module.placement(declaration.block, declaration.path)
        return Resource(
            address=self.address,
            type=declaration.type,
            name=declaration.name,
            attributes=attributes,
            location=location,
            attribute_lines=lines,
            module=declaration.module.prefix.rstrip("."),
            certain=self.certain and declaration.module.certain,
            suppressions=suppressions,
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


class Expansion(ABC):
    """Lazily expanded instances of a block with ``count``/``for_each`` (a resource or a module call).

    Subclasses say how one instance is made; the expansion, the cycle guard and the value a
    reference to the whole block gets are shared.
    """

    def __init__(self, module: Module, block: Block, path: str) -> None:
        self.scope_module = module
        """The module whose scope evaluates ``count``/``for_each`` and the arguments."""
        self.block = block
        self.path = path
        self._instances: list[Any] | None = None
        self._expanding = False
        self._reported_too_large = False

    @property
    @abstractmethod
    def base(self) -> str:
        """The address without an instance key."""

    @abstractmethod
    def make(self, address: str, bindings: dict[str, Any], certain: bool) -> Any:
        """One instance."""

    def instances(self) -> list[Any]:
        """Every instance, evaluating ``count``/``for_each`` on first use."""
        if self._instances is None:
            if self._expanding:
                return []
            self._expanding = True
            try:
                self._instances = [
                    self.make(address, bindings, certain)
                    for address, bindings, certain in expand(
                        self.block.body.attributes, self.scope_module, self.base, self._too_large
                    )
                ]
            finally:
                self._expanding = False
            self._note_unknown_expansion()
        return self._instances

    def _too_large(self, argument: str, size: str) -> None:
        if self.block.type == "resource" and self.block.labels[0] not in relevant_resource_types():
            return  # no rule reads it: its size cannot change a finding, and the parse phase may skip it
        self._reported_too_large = True
        self.report_too_large(argument, size)

    def _note_unknown_expansion(self) -> None:
        """Tell the user when a resource a rule reads has an unknown count/for_each: no rule judges it.

        Only a resource's own count or for_each is meant (not an uncertain module around it), and
        not one over the expansion limit, which is reported as a problem already.
        """
        block = self.block
        if block.type != "resource" or block.labels[0] not in relevant_resource_types():
            return
        if self._reported_too_large or [instance.certain for instance in self._instances or ()] != [False]:
            return
        argument = "count" if "count" in block.body.attributes else "for_each"
        line = block.body.attribute_lines.get(argument, block.location.start_line)
        lines = self.scope_module.source_lines(self.path)
        written = lines[line - 1].strip() if 0 < line <= len(lines) else argument
        message = (
            f"{self.base}: `{written}` is unknown here, so no rule judges its instances (they may or may not exist)"
        )
        self.scope_module.config.notes.append(Problem(message, Location(block.location.file, line, line)))

    def report_too_large(self, argument: str, size: str) -> None:
        """A count/for_each over the expansion limit: its instances are unknown, and the user is told."""
        line = self.block.body.attribute_lines.get(argument, self.block.location.start_line)
        location = Location(self.block.location.file, line, line)
        if self.scope_module.model is not None and self.scope_module.call is not None:
            location = self.scope_module.call.location  # a model's files are not the user's: show the call
        message = (
            f"{self.base}: {size}, more than the expansion limit of {max_collection()};"
            " its instances are treated as unknown (raise --max-expansion to expand them)"
        )
        self.scope_module.config.problems.append(Problem(message, location))

    def value(self) -> Any:
        """What a reference to the block evaluates to: an instance, a list (count) or a map (for_each)."""
        instances = self.instances()
        attributes = self.block.body.attributes
        if self._expanding or any(not instance.certain for instance in instances):
            return Unknown(self.base)
        if "count" in attributes:
            return list(instances)
        if "for_each" in attributes:
            return {instance.bindings["each"]["key"]: instance for instance in instances}
        return instances[0] if instances else Unknown(self.base)


def expand(
    attributes: dict[str, Expression],
    module: Module,
    base: str,
    too_large: Callable[[str, str], None] | None = None,
) -> list[tuple[str, dict[str, Any], bool]]:
    """(address, count/each bindings, certain) of every instance ``count``/``for_each`` makes.

    An unknown count or collection gives one instance ``base[*]`` that may or may not exist; so does
    one over the expansion limit, which is reported through ``too_large(argument, size)``.
    """
    scope = ModuleScope(module)
    if "count" in attributes:
        count = _value_or_unknown(attributes["count"], scope, f"{base}.count")
        number = None if is_unknown(count) else _count_number(count)
        if number is None and too_large and isinstance(count, (int, float)) and count > max_collection():
            too_large("count", f"count is {count:g}")
        if number is None:
            return [(f"{base}[*]", {"count": {"index": Unknown("count.index")}}, False)]
        return [(f"{base}[{index}]", {"count": {"index": index}}, True) for index in range(number)]
    if "for_each" in attributes:
        collection = _value_or_unknown(attributes["for_each"], scope, f"{base}.for_each")
        keyed = _for_each_pairs(collection)
        if too_large and isinstance(collection, (dict, list)) and len(collection) > max_collection():
            too_large("for_each", f"for_each has {len(collection)} items")
        if keyed is None:
            return [(f"{base}[*]", {"each": {"key": Unknown("each.key"), "value": Unknown("each.value")}}, False)]
        return [(f"{base}[{json.dumps(key)}]", {"each": {"key": key, "value": value}}, True) for key, value in keyed]
    return [(base, {}, True)]


class Declaration(Expansion):
    """A ``resource`` or ``data`` block and the instances its ``count`` or ``for_each`` makes."""

    def __init__(self, module: Module, block: Block, path: str) -> None:
        super().__init__(module, block, path)
        self.module = module
        self.type, self.name = block.labels[0], block.labels[1]
        self.is_data = block.type == "data"

    @property
    def base(self) -> str:
        """The address without an instance key (module path included)."""
        return f"{self.module.prefix}{'data.' if self.is_data else ''}{self.type}.{self.name}"

    def make(self, address: str, bindings: dict[str, Any], certain: bool) -> Instance:
        """One resource instance."""
        return Instance(self, address, bindings, certain)


class ModuleCall(Expansion):
    """A ``module`` block: where its code is, and the module instances its count/for_each makes."""

    def __init__(self, parent: Module, block: Block, path: str) -> None:
        super().__init__(parent, block, path)
        self.parent = parent
        self.name = block.labels[0]
        self.key: str = f"{parent.key}.{self.name}" if parent.key else self.name
        """The module's key in ``.terraform/modules/modules.json``."""
        self._source: Source | None = None
        self._capped = False
        self._checked = False

    @property
    def base(self) -> str:
        """``module.<name>`` with the caller's module path."""
        return f"{self.parent.prefix}module.{self.name}"

    def source(self) -> Source | None:
        """Where the module's code is, or None (with a note) when it cannot be read."""
        if self._source is None:
            self._source = self._resolve()
        return None if self._source.skipped else self._source

    def _resolve(self) -> Source:
        parent = self.parent
        attributes = self.block.body.attributes
        literal = ModuleScope(parent, constants_only=True)
        text = _value_or_unknown(attributes["source"], literal, "source") if "source" in attributes else None
        version = _value_or_unknown(attributes["version"], literal, "version") if "version" in attributes else None
        found = resolve_source(
            text if isinstance(text, str) else None,
            parent.directory,
            parent.display,
            parent.ancestry(),
            self.key,
            parent.context.root,
            version if isinstance(version, str) else None,
        )
        if found.skipped:
            parent.context.note(f"{self.base}: {found.skipped}; its resources are not analysed", self.block.location)
            self._escape()
        elif found.directory is not None and found.model is None:
            parent.config.module_directories.add(_real(found.directory))
        return found

    def check_modelled(self, module: Module) -> None:
        """Once per call of a model: note the inputs the model cannot know the effect of."""
        if self._checked or module.model is None:
            return
        self._checked = True
        arguments = [name for name in self.block.body.attributes if name not in MODULE_META_ARGUMENTS]
        unknown = unmodelled_inputs(module.model, module.variables, arguments)
        if unknown:
            names = ", ".join(unknown)
            self.parent.context.note(
                f"{self.base}: the model of {module.model.model.name} does not know what {names} "
                "change; what the module creates may differ",
                self.block.location,
            )
            self._escape(unknown)

    def _escape(self, names: Iterable[str] | None = None) -> None:
        """Resources handed to a module that is not read (or an input not modelled) may get attachments unseen."""
        scope = Bindings(ModuleScope(self.parent), UNKNOWN_REPETITION)
        for name, expression in self.block.body.attributes.items():
            if name not in MODULE_META_ARGUMENTS and (names is None or name in names):
                collect_references(_value_or_unknown(expression, scope, name), self.parent.config.escaped)

    def make(self, address: str, bindings: dict[str, Any], certain: bool) -> ModuleInstance:
        """One module instance (its body is read when first needed)."""
        return ModuleInstance(self, address, bindings, certain and self.parent.certain)

    def instances(self) -> list[Any]:
        """The module instances, none when the code cannot be read or the expansion cap is reached."""
        if self.source() is None:
            return []
        counted = self._instances is not None or self._expanding
        made: list[Any] = super().instances()
        if not counted:
            context = self.parent.context
            context.instances += len(made)
            if context.instances > MAX_MODULE_INSTANCES:
                context.note(
                    f"{self.base}: more than {MAX_MODULE_INSTANCES} module instances in one configuration; "
                    "the rest are not analysed",
                    self.block.location,
                )
                self._instances = made = []
                self._capped = True
        return made

    def value(self) -> Any:
        """``module.<name>``; unknown when the module is not read."""
        if not self.instances() and (self.source() is None or self._capped):
            return Unknown(self.base)
        return super().value()


class ModuleInstance:
    """One instance of a module call: its arguments, bound lazily, and its body's outputs."""

    def __init__(self, call: ModuleCall, address: str, bindings: dict[str, Any], certain: bool) -> None:
        self.call = call
        self.address = address
        self.bindings = bindings
        self.certain = certain
        self.prefix = address + "."
        self.key: str = call.key
        self.config = call.parent.config
        self._arguments: dict[str, Any] = {}
        self._in_progress: set[str] = set()
        self._body: Module | None = None

    @property
    def origin(self) -> str:
        """Where an unknown built from this instance comes from."""
        return self.address

    @property
    def location(self) -> Location:
        """Where the module block is written."""
        return self.call.block.location

    def has_argument(self, name: str) -> bool:
        """True when the module block sets input ``name``."""
        return name in self.call.block.body.attributes and name not in MODULE_META_ARGUMENTS

    def argument(self, name: str) -> Any:
        """The caller's value for input ``name``, evaluated in the caller with this instance's count/each."""
        if name in self._arguments:
            return self._arguments[name]
        if name in self._in_progress:
            return Unknown(f"{self.address}.var.{name}")
        self._in_progress.add(name)
        try:
            scope = Bindings(ModuleScope(self.call.parent), self.bindings)
            value = _value_or_unknown(self.call.block.body.attributes[name], scope, f"{self.address}.var.{name}")
        finally:
            self._in_progress.discard(name)
        self._arguments[name] = value
        return value

    def suppressions(self) -> list[Suppression]:
        """The skip comments written inside the module block."""
        return self.call.parent.block_suppressions(self.call.path, self.call.block)

    def attribute_lines(self) -> dict[str, int]:
        """The lines of the module block's arguments."""
        return dict(self.call.block.body.attribute_lines)

    def body(self) -> Module:
        """The module's code: its real files, or the stand-in of a community-module model."""
        if self._body is None:
            source = self.call.source()
            assert source is not None and source.directory is not None, "instances exist only for readable sources"
            module = Module(self.call.parent.context, source.directory, source.display, call=self, model=source.model)
            module.read_files()
            self.call.check_modelled(module)
            self._body = module
        return self._body

    def attribute(self, name: str) -> Any:
        """``module.<name>.<output>``."""
        return self.body().output(name)

    def build(self) -> None:
        """Add the module's resources to the configuration."""
        self.body().build()


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


def _is_file(path: str) -> bool:
    """``os.path.isfile``, observed (a cached result depends on it)."""
    inputs.seen(inputs.KIND, path)
    return os.path.isfile(path)


def _real(path: str) -> str:
    """``os.path.realpath``, observed (a cached result depends on it)."""
    inputs.seen(inputs.REAL, path)
    return os.path.realpath(path)
