"""The override phase: override files merged into the blocks they name, as Terraform merges them.

Terraform reads ``override.tf``, ``*_override.tf`` and their JSON (and OpenTofu ``.tofu``)
forms after all other files of a module, in lexicographical order, and merges each of their
top-level blocks into the block of the same header (Terraform docs, "Override Files"):

- an argument replaces the argument of the same name;
- nested blocks of a type replace *all* blocks of that type (a ``dynamic "x"`` block counts as
  type ``x`` on both sides); other nested blocks stay;
- in a ``resource``, ``lifecycle`` is merged argument by argument;
- ``locals`` are merged value by value, whichever ``locals`` block holds them;
- a ``variable``'s or ``output``'s own nested blocks (``validation``, ``precondition``) stay as
  the original has them;
- a default ``provider`` block with no original is simply added; ``terraform`` blocks are
  accepted (nothing in the model reads them).

Terraform rejects an override block with no original ("Missing resource to override" and the
like), ``depends_on`` in an override ``resource``, ``data`` or ``output`` block, and ``moved`` or
``import`` blocks in an override file; each is a :class:`Problem` at the override block. The
orphan is dropped, not guessed into the model.

The phase sees only blocks (:mod:`vpce_checks.loader.syntax`) and gives blocks: nothing is
evaluated here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lark import Token, Tree

from vpce_checks.core.model import Problem
from vpce_checks.loader.syntax import Block, Body, Expression, JsonValue

FileBlocks = tuple[str, list[Block]]
"""A file's path and its top-level blocks, in order."""

_MISSING = {
    "resource": "Missing resource to override",
    "data": "Missing data resource to override",
    "variable": "Missing base variable declaration to override",
    "output": "Missing base output definition to override",
    "module": "Missing module call to override",
    "provider": "Missing base provider configuration for override",
    "locals": "Missing base local value definition to override",
}
"""The summary of Terraform's error for an override block with no original, by block type."""

_LIFECYCLE_MERGED = frozenset({"create_before_destroy", "ignore_changes", "prevent_destroy"})
"""The ``lifecycle`` arguments Terraform merges one by one from an override ``resource``."""


@dataclass
class Merged:
    """The module's files with the overrides merged in, and what Terraform would reject."""

    files: list[FileBlocks]
    """The primary files with merged blocks in place, then the blocks override files add."""
    problems: list[Problem] = field(default_factory=list)


def merge_overrides(primary: list[FileBlocks], overrides: list[FileBlocks], originals_complete: bool) -> Merged:
    """Merge the blocks of ``overrides`` (in order) into those of ``primary``.

    ``originals_complete`` is False when part of a primary file could not be read: an override
    block with no original is then dropped without a problem, since its original may be there.
    """
    merger = _Merger(primary, originals_complete)
    for path, blocks in overrides:
        added = [block for block in (merger.merge(block) for block in blocks) if block is not None]
        if added:
            merger.files.append((path, added))
    return Merged(merger.files, merger.problems)


class _Merger:
    def __init__(self, primary: list[FileBlocks], originals_complete: bool) -> None:
        self.files: list[FileBlocks] = [(path, list(blocks)) for path, blocks in primary]
        self.problems: list[Problem] = []
        self.originals_complete = originals_complete
        self.places: dict[tuple[str | None, ...], tuple[int, int]] = {}
        """The first primary block with a header: (file index, block index)."""
        self.locals: dict[str, tuple[int, int]] = {}
        """The first primary ``locals`` block defining a name."""
        for file_index, (_, blocks) in enumerate(self.files):
            for block_index, block in enumerate(blocks):
                place = (file_index, block_index)
                key = _header(block)
                if key is not None:
                    self.places.setdefault(key, place)
                if block.type == "locals":
                    for name in block.body.attributes:
                        self.locals.setdefault(name, place)

    def block_at(self, place: tuple[int, int]) -> Block:
        return self.files[place[0]][1][place[1]]

    def replace(self, place: tuple[int, int], block: Block) -> None:
        self.files[place[0]][1][place[1]] = block

    def merge(self, override: Block) -> Block | None:
        """Merge one override block; returns it when it is added as it is (a new default provider)."""
        if override.type in ("moved", "import"):
            self.reject(
                override, f"a {override.type} block in an override file", f"Cannot override '{override.type}' blocks"
            )
            return None
        if override.type == "locals":
            self.merge_locals(override)
            return None
        key = _header(override)
        if key is None:
            return None  # terraform blocks, and block types the model does not read
        if override.type in ("resource", "data", "output") and "depends_on" in override.body.attributes:
            what = f"depends_on in the override block for {_describe(override)}"
            self.reject(override, what, "Unsupported override", dropped=False)
        place = self.places.get(key)
        if place is None:
            if key[0] == "provider" and key[2] is None:
                return override  # a default provider configuration with none to override: it is added
            self.missing(override, _describe(override))
            return None
        self.replace(place, _merged(self.block_at(place), override))
        return None

    def merge_locals(self, override: Block) -> None:
        for name, expression in override.body.attributes.items():
            place = self.locals.get(name)
            if place is None:
                self.missing(override, f"local value {name}")
                continue
            base = self.block_at(place)
            attributes = {**base.body.attributes, name: expression}
            lines = {key: line for key, line in base.body.attribute_lines.items() if key != name}
            body = Body(attributes, lines, base.body.blocks)
            overrides = [*base.overrides, override.location]
            self.replace(place, Block(base.type, base.labels, body, base.location, overrides))

    def missing(self, override: Block, what: str) -> None:
        if self.originals_complete:
            self.reject(override, f"the override of {what} matches nothing in the other files", _MISSING[override.type])

    def reject(self, block: Block, what: str, summary: str, dropped: bool = True) -> None:
        message = f'{what}: Terraform rejects it ("{summary}")' + ("; it was not read" if dropped else "")
        self.problems.append(Problem(message, block.location))


def _header(block: Block) -> tuple[str | None, ...] | None:
    """What an override block must match: its type and labels (a provider's alias too)."""
    if block.type in ("resource", "data") and len(block.labels) == 2:
        return (block.type, *block.labels)
    if block.type in ("variable", "output", "module") and block.labels:
        return (block.type, block.labels[0])
    if block.type == "provider" and block.labels:
        alias = block.body.attributes.get("alias")
        name = None if alias is None else _literal_string(alias)
        if alias is not None and name is None:
            return None  # Terraform requires a literal alias; one that is not cannot be matched
        return ("provider", block.labels[0], name)
    return None


def _describe(block: Block) -> str:
    labels = " ".join(f'"{label}"' for label in block.labels)
    return f"{block.type} {labels}".strip()


def _merged(base: Block, override: Block) -> Block:
    """``override`` merged into ``base``: arguments by name, nested blocks by type."""
    attributes = {**base.body.attributes, **override.body.attributes}
    # A replaced argument's line is in the override file, which the base block's location does not name.
    lines = {name: line for name, line in base.body.attribute_lines.items() if name not in override.body.attributes}
    if base.type in ("variable", "output"):
        nested = base.body.blocks  # Terraform keeps the original's validation and precondition blocks
    else:
        nested = _merged_nested(base, override)
        for name in {_nested_type(block) for block in override.body.blocks}:
            if name not in override.body.attributes:
                attributes.pop(name, None)  # a JSON-syntax block in the base, replaced by native blocks
                lines.pop(name, None)
    body = Body(attributes, lines, nested)
    return Block(base.type, base.labels, body, base.location, [*base.overrides, override.location])


def _merged_nested(base: Block, override: Block) -> list[Block]:
    # An override argument may stand for blocks (JSON syntax writes nested blocks as properties).
    replaced = {_nested_type(block) for block in override.body.blocks} | set(override.body.attributes)
    added = list(override.body.blocks)
    lifecycle = None
    if base.type == "resource" and "lifecycle" in replaced:
        lifecycle = _merged_lifecycle(base, override)
        replaced.discard("lifecycle")
        added = [block for block in added if block.type != "lifecycle"]
    if base.type == "data":
        replaced.discard("lifecycle")  # a data source's preconditions stay as the original has them
        added = [block for block in added if block.type != "lifecycle"]
    kept = []
    for block in base.body.blocks:
        if block.type == "lifecycle" and lifecycle is not None:
            kept.append(lifecycle)
            lifecycle = None
        elif _nested_type(block) not in replaced:
            kept.append(block)
    if lifecycle is not None:
        kept.append(lifecycle)
    return kept + added


def _merged_lifecycle(base: Block, override: Block) -> Block | None:
    """A resource's ``lifecycle``: the original's, with the override's merged argument by argument."""
    original = next((block for block in base.body.blocks if block.type == "lifecycle"), None)
    changes = next((block for block in override.body.blocks if block.type == "lifecycle"), None)
    if changes is None:
        return original
    merged = {name: value for name, value in changes.body.attributes.items() if name in _LIFECYCLE_MERGED}
    if original is None:
        return Block("lifecycle", [], Body(merged, {}, []), changes.location)
    attributes = {**original.body.attributes, **merged}
    lines = {name: line for name, line in original.body.attribute_lines.items() if name not in merged}
    return Block("lifecycle", [], Body(attributes, lines, original.body.blocks), original.location)


def _nested_type(block: Block) -> str:
    """The type a nested block stands for: ``dynamic "x"`` makes blocks of type ``x``."""
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def _literal_string(expression: Expression) -> str | None:
    """The text of a plain quoted string (``"east"``), else None."""
    if isinstance(expression, JsonValue):
        return expression.value if isinstance(expression.value, str) else None
    node: Any = expression
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if not isinstance(node, Tree) or node.data != "string":
        return None
    parts = []
    for part in node.children:
        if isinstance(part, Token):
            continue  # the quotes
        token = part.children[0] if isinstance(part, Tree) and part.children else None
        if not isinstance(token, Token) or token.type != "STRING_CHARS" or "\\" in token:
            return None
        parts.append(str(token))
    return "".join(parts)
