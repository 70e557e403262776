"""Where a plan's resources are written: the Terraform files beside the plan, when they are there.

The plan does not say on which line a block is written, so the files of each module directory
are split into their top-level blocks by the loader's block scanner
(:func:`vpce_checks.loader.prefilter.split_blocks`), never parsed. A block's lines, the lines of
its arguments and its skip comments (:func:`vpce_checks.core.model.find_suppressions`) come from
there. A module's directory is the plan's own directory for the root module, a local ``source``
(``./modules/x``) for a child, or what ``terraform init`` recorded in
``.terraform/modules/modules.json``; a module whose files are not there (a registry module not
downloaded) has its resources shown at the module block that calls it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property

from vpce_checks.core.model import Location, Suppression, find_suppressions
from vpce_checks.core.text import interpolation_end
from vpce_checks.loader.files import NATIVE_SUFFIXES, configuration_files
from vpce_checks.loader.modules import read_manifest
from vpce_checks.loader.prefilter import split_blocks

MAX_NESTING = 64
_ATTRIBUTE = re.compile(r"[ \t]*([A-Za-z_][\w-]*)[ \t]*=(?![=>])")
_TOKEN = re.compile(r'"|\{|\}|\(|\)|\[|\]|#|//|/\*|<<-?[ \t]*([A-Za-z_][\w-]*)[ \t]*\r?$', re.M)


@dataclass(frozen=True)
class Place:
    """Where a block is written, the lines of its arguments, and the skip comments inside it."""

    location: Location
    attribute_lines: dict[str, int] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()


class ModuleFiles:
    """The native Terraform files of one module directory, as top-level blocks (split, not parsed)."""

    def __init__(self, directory: str, display: str) -> None:
        self.directory = directory
        self.display = display

    @cached_property
    def _blocks(self) -> dict[tuple[str, ...], list[tuple[str, list[str], int, int]]]:
        """Block header -> (file shown, its lines, first line, last line), primary files first."""
        found: dict[tuple[str, ...], list[tuple[str, list[str], int, int]]] = {}
        try:
            chosen = configuration_files(sorted(os.listdir(self.directory)))
        except OSError:
            return found
        for name in [*chosen.primary, *chosen.overrides]:
            if not name.endswith(NATIVE_SUFFIXES):
                continue  # JSON syntax: the plan's location is shown instead
            path = os.path.join(self.directory, name)
            try:
                with open(path, encoding="utf-8-sig") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError):
                continue
            lines = text.splitlines()
            shown = name if self.display in ("", ".") else f"{self.display.rstrip('/')}/{name}"
            for block in split_blocks(text, MAX_NESTING).blocks:
                last = block.line + text.count("\n", block.start, max(block.start, block.end - 1))
                found.setdefault(block.header, []).append((shown, lines, block.line, last))
        return found

    @property
    def present(self) -> bool:
        """True when the directory holds Terraform files."""
        return bool(self._blocks)

    def place(self, header: tuple[str, ...]) -> Place | None:
        """Where the block ``(type, *labels)`` is written (its first copy), with every copy's skip comments."""
        copies = self._blocks.get(header)
        if not copies:
            return None
        shown, lines, first, last = copies[0]
        body = lines[first - 1 : last]
        suppressions: list[Suppression] = []
        for _, copy_lines, copy_first, copy_last in copies:
            suppressions += find_suppressions(copy_lines[copy_first - 1 : copy_last], copy_first)
        return Place(Location(shown, first, last), argument_lines(body, first), tuple(suppressions))


def argument_lines(lines: list[str], first_line: int) -> dict[str, int]:
    """The line of each argument written directly in a block (not in its nested blocks).

    ``lines`` are the block's lines, the first being line ``first_line``. Strings, ``${}``
    templates, comments and heredocs are skipped, so only what sits at the block's own level counts.
    """
    found: dict[str, int] = {}
    depth = 0
    heredoc: re.Pattern[str] | None = None
    for offset, line in enumerate(lines):
        if heredoc is not None:
            if heredoc.fullmatch(line):
                heredoc = None
            continue
        if depth == 1:
            match = _ATTRIBUTE.match(line)
            if match and match.group(1) not in found:
                found[match.group(1)] = first_line + offset
        depth, heredoc = _scan_line(line, depth)
    return found


def _scan_line(line: str, depth: int) -> tuple[int, re.Pattern[str] | None]:
    """The bracket depth after ``line``, and the terminator of a heredoc it opens."""
    position = 0
    while True:
        match = _TOKEN.search(line, position)
        if match is None:
            return depth, None
        token = match.group()
        position = match.end()
        if token == '"':
            position = _string_end(line, position)
        elif token in ("{", "(", "["):
            depth += 1
        elif token in ("}", ")", "]"):
            depth -= 1
        elif token in ("#", "//"):
            return depth, None
        elif token == "/*":
            close = line.find("*/", position)
            if close < 0:
                return depth, None  # a comment across lines: rare inside resource blocks
            position = close + 2
        elif match.group(1):
            return depth, re.compile(rf"[ \t]*{re.escape(match.group(1))}[ \t]*\r?")


def _string_end(line: str, position: int) -> int:
    """The offset after the closing quote of a string whose text starts at ``position``."""
    while position < len(line):
        if line.startswith(("$${", "%%{"), position):
            position += 3
        elif line.startswith(("${", "%{"), position):
            position = interpolation_end(line, position + 2) or len(line)
        elif line[position] == "\\":
            position += 2
        elif line[position] == '"':
            return position + 1
        else:
            position += 1
    return len(line)


class Sources:
    """The module directories of a plan's configuration, found from the plan's own directory."""

    def __init__(self, root_directory: str, root_display: str) -> None:
        self.root_directory = root_directory
        self.root_display = root_display
        self._modules: dict[tuple[str, ...], ModuleFiles | None] = {}
        self._manifest: dict[str, str] | None = None

    def module(self, names: tuple[str, ...], sources: tuple[str, ...]) -> ModuleFiles | None:
        """The files of the module at the call path ``names`` whose calls' sources are ``sources``."""
        if names in self._modules:
            return self._modules[names]
        found = self._child(names, sources) if names else ModuleFiles(self.root_directory, self.root_display)
        self._modules[names] = found if found is not None and found.present else None
        return self._modules[names]

    def _child(self, names: tuple[str, ...], sources: tuple[str, ...]) -> ModuleFiles | None:
        source = sources[-1]
        if source.startswith(("./", "../")):
            parent = self.module(names[:-1], sources[:-1])
            if parent is None:
                return None
            directory = os.path.normpath(os.path.join(parent.directory, source))
            display = os.path.normpath(os.path.join(parent.display or ".", source)).replace(os.sep, "/")
            return ModuleFiles(directory, display)
        if self._manifest is None:
            self._manifest = read_manifest(self.root_directory)
        relative = self._manifest.get(".".join(names))
        if relative is None:
            return None
        directory = os.path.normpath(os.path.join(self.root_directory, relative))
        display = os.path.normpath(os.path.join(self.root_display or ".", relative)).replace(os.sep, "/")
        return ModuleFiles(directory, display)

    def local_directories(self) -> set[str]:
        """Real paths of the child module directories read (they are analysed through the plan)."""
        return {
            os.path.realpath(found.directory) for names, found in self._modules.items() if names and found is not None
        }
