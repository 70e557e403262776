"""What checkov's Terraform graph says about the scan: its root modules, its var files, each block's place.

The graph's vertices are plain attribute dicts (``file_path_``, ``block_type_``, ``__address__``,
``config_``, ``source_module_object_``); nothing here imports checkov, so it is tested with dicts.
The values checkov rendered into the vertices are never read: the analysis reads the files itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

Vertex = Mapping[str, Any]


@dataclass(frozen=True)
class Target:
    """What checkov scanned: its root module directories and the ``--var-file`` files, in order (real paths)."""

    roots: tuple[str, ...]
    var_files: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """Where checkov's block is: its root module, its file and first line (real paths), its address."""

    root: str
    file: str
    start_line: int
    """0 when checkov gives no line the analyzer's can be matched with (its terraform_json runner)."""
    address: str
    resolved: bool
    """For a module block: whether checkov read the module's code (False: not downloaded or not readable)."""


def root_directory(vertex: Vertex) -> str:
    """The real directory of the root module a vertex belongs to (the outermost module caller's)."""
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
    return os.path.realpath(os.path.dirname(path))


def target_of(vertices: Iterable[Vertex], var_files: Iterable[str], unparsed: Iterable[str] = ()) -> Target:
    """The roots of one graph, with the ``--var-file`` files checkov was given (which it applies to every root).

    ``tfvar`` vertices (variables files) do not make roots: a directory holding only a ``.tfvars``
    file is no module. The directories of the ``unparsed`` files (those checkov's parser rejected)
    are roots too, though the graph may hold nothing of them: the analyzer may read them, and
    what it finds there must not go unsaid. (A module directory among them is analysed through
    its callers, as any called module is.)
    """
    roots = {
        root_directory(vertex)
        for vertex in vertices
        if isinstance(vertex.get("file_path_"), str) and vertex.get("block_type_") != "tfvar"
    }
    roots.update(os.path.dirname(os.path.realpath(path)) for path in unparsed)
    return Target(tuple(sorted(roots)), tuple(os.path.realpath(path) for path in var_files))


def place_of(vertex: Vertex) -> Place:
    """Where a resource or module vertex is."""
    return Place(
        root=root_directory(vertex),
        file=os.path.realpath(str(vertex["file_path_"])),
        start_line=int(block_config(vertex).get("__start_line__") or vertex.get("__start_line__") or 0),
        address=str(vertex.get("__address__", "")),
        resolved=block_config(vertex).get("__resolved__") != [],
    )


def block_config(vertex: Vertex) -> Mapping[str, Any]:
    """The vertex's own block from ``config_``, which nests it under its type and name.

    It is the dict checkov hands a check as ``conf``: the first mapping, going down single-key
    levels, that carries checkov's ``__start_line__``-style keys.
    """
    config = vertex.get("config_")
    for _ in range(3):
        if not isinstance(config, Mapping):
            break
        if any(str(key).startswith("__") for key in config) or len(config) != 1:
            return config
        config = next(iter(config.values()))
    return {}


class Blocks:
    """The resource and module vertices of a graph, found from the ``conf`` checkov hands a check.

    checkov passes a check the very dict its vertex holds in ``config_``, so identity tells apart
    blocks that are equal in every value: the same module called by two roots, say.
    """

    def __init__(self, vertices: Iterable[Vertex]) -> None:
        self.vertices = [vertex for vertex in vertices if vertex.get("block_type_") in ("resource", "module")]
        self._by_identity = {id(block_config(vertex)): vertex for vertex in self.vertices}

    def find(self, conf: Mapping[str, Any], scanned_file: str) -> Vertex | None:
        """The vertex of ``conf``; ``scanned_file`` is checkov's path of its file, relative to the scan's root."""
        vertex = self._by_identity.get(id(conf))
        if vertex is not None and block_config(vertex) is conf:
            return vertex
        # Not found by identity: match address, first line and file; only a unique match counts.
        suffix = scanned_file.replace("/", os.sep)
        matches = [
            vertex
            for vertex in self.vertices
            if vertex.get("__address__") == conf.get("__address__")
            and block_config(vertex).get("__start_line__") == conf.get("__start_line__")
            and os.path.normpath(str(vertex.get("file_path_"))).endswith(os.path.normpath(suffix))
        ]
        return matches[0] if len(matches) == 1 else None


def module_address(checkov_address: str) -> str:
    """Terraform's address of a module instance from checkov's, which leaves ``module.`` off its own name.

    ``vpc_endpoints`` → ``module.vpc_endpoints``, ``env["prod"]`` → ``module.env["prod"]``,
    ``module.net[0].endpoints`` → ``module.net[0].module.endpoints``.
    """
    *callers, (name, key) = address_steps(checkov_address)
    prefix = "".join(f"{step}{instance}." for step, instance in callers)
    return f"{prefix}module.{name}{key}"


def address_steps(address: str) -> list[tuple[str, str]]:
    """An address as (name, instance key) steps: ``module.a["x"].b`` → ``module``, ``a`` + ``["x"]``, ``b``."""
    steps: list[tuple[str, str]] = []
    name: list[str] = []
    key: list[str] = []
    depth, quoted = 0, False
    for index, character in enumerate(address):
        if quoted:
            quoted = character != '"' or address[index - 1] == "\\"
            key.append(character)
        elif depth:
            quoted = character == '"'
            depth += {"[": 1, "]": -1}.get(character, 0)
            key.append(character)
        elif character == "[":
            depth = 1
            key.append(character)
        elif character == ".":
            steps.append(("".join(name), "".join(key)))
            name, key = [], []
        else:
            name.append(character)
    steps.append(("".join(name), "".join(key)))
    return steps
