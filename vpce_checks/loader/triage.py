r"""Which module directories can matter, decided from their bytes before anything is parsed.

A finding, an outcome or a view is always about a resource of an *anchor* type (an endpoint or a
VPC: :func:`vpce_checks.core.registry.anchor_resource_types`), or is a problem with the input.
A module whose files name no anchor type, and whose ``module`` blocks all call local modules
that name none either, therefore has nothing to report but problems, and is not parsed at all:
its bytes are read once and searched for those names. The search is a superset of what Terraform
would read: a name in a comment or a string counts too. What it cannot rule out counts as well:
a file too large, unreadable or not UTF-8 (the loader reports it), JSON with a byte order mark,
JSON that is not JSON (both reported), ``\u`` escapes (which could spell a type name).

Some files take the loader whatever they name, because what the loader makes of them (or reports
about them) is more than their names: an override file (it merges into other blocks, and one that
matches nothing is reported), a JSON file (its shape is checked), an OpenTofu file (a ``.tofu``
twin shadows a ``.tf`` file), a variable definitions file (``terraform.tfvars``,
``*.auto.tfvars``: it is parsed, and reported when it does not parse). So does a ``resource`` or
``data`` block declared twice (the loader reports it), found by a search of the block headers that
is a superset too.

A file that holds a ``module`` block is split into its top-level blocks to read each block's
``source``; a call whose source is not one literal local path (a registry or Git module, which
may be a model of a network module, or a download), a call with ``count`` or ``for_each`` (too
many instances are reported), or a file the scanner cannot split, is a call that matters. The
same sources tell which directories another module calls, so they can be read through it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Iterable

from vpce_checks.loader import inputs
from vpce_checks.loader.files import configuration_files, is_json_file, is_override_file
from vpce_checks.loader.options import Limits
from vpce_checks.loader.prefilter import split_blocks

# No look-behind: a pattern that starts with a literal is searched fast.
_MODULE_WORD = re.compile(rb'module(?![\w-])"?\s*[":A-Za-z_{]')
_NAME_CHARACTER = re.compile(rb"[\w.-]")
_SOURCE = re.compile(r'^[ \t]*source[ \t]*=[ \t]*"([^"\\$%\n]*)"[ \t]*(?:(?:#|//)[^\n]*)?$', re.M)
_REPETITION = re.compile(r"(?<![\w.-])(?:count|for_each)(?![\w-])")
_BYTE_ORDER_MARK = b"\xef\xbb\xbf"
# A resource or data block's header. Each pattern starts with a literal, which ``re`` searches
# fast; without a look-behind, ``xresource "a" "b" {`` counts too, which errs on the side of loading.
_HEADERS = (
    (b"resource", re.compile(rb'resource[ \t]+"?([\w-]+)"?[ \t]+"?([\w-]+)"?[ \t]*\{')),
    (b"data", re.compile(rb'data[ \t]+"?([\w-]+)"?[ \t]+"?([\w-]+)"?[ \t]*\{')),
)
_TFVARS = ("terraform.tfvars", "terraform.tfvars.json")
_AUTO_TFVARS = (".auto.tfvars", ".auto.tfvars.json")


@dataclass
class Triage:
    """What the bytes of one directory say, before any parsing."""

    anchored: bool
    """True when a file names an anchor type, or holds something the search cannot rule out, or a
    file's meaning takes the loader (see the module's docstring): the directory is then loaded."""
    files: list[str] = field(default_factory=list)
    """The configuration files' paths (primary, then overrides)."""
    digests: dict[str, str] = field(default_factory=dict)
    """Path -> content observation of each configuration file read (see :mod:`.inputs`), kept when
    the directory may matter (it names an anchor or calls a module), for checking cached results."""
    names: list[str] | None = None
    """The directory's listing (None when it cannot be listed)."""
    calls: list[Call] = field(default_factory=list)
    """Each ``module`` block's call."""

    @property
    def local_sources(self) -> set[str]:
        """The directories its module blocks name as their source."""
        return {call.directory for call in self.calls if call.directory is not None}


@dataclass(frozen=True)
class Call:
    """What a ``module`` block calls: a local directory (a real path) or None, and whether that is all it does.

    ``plain`` is False for a call that matters whatever it calls: ``count``/``for_each``, or a
    call the loader reports on (a duplicate name).
    """

    directory: str | None
    plain: bool = True


class Anchors:
    """A search for the anchor type names in Terraform bytes."""

    def __init__(self, resource_types: Iterable[str]) -> None:
        names = sorted(set(resource_types), key=len, reverse=True)
        self._literals = [name.encode() for name in names]
        alternatives = b"|".join(re.escape(name) for name in self._literals)
        self._pattern = re.compile(rb"(?<![\w-])(?:" + alternatives + rb")(?![\w-])")

    def named(self, content: bytes) -> bool:
        """True when ``content`` names an anchor type as a whole word."""
        return any(literal in content for literal in self._literals) and self._pattern.search(content) is not None


def triage(directory: str, anchors: Anchors, limits: Limits) -> Triage:
    """Read the configuration files of ``directory`` once: whether they name an anchor, what they call."""
    try:
        names = os.listdir(directory)
    except OSError:
        return Triage(anchored=True)
    chosen = configuration_files(names)
    paths = [os.path.join(directory, name) for name in [*chosen.primary, *chosen.overrides]]
    found = Triage(anchored=_takes_the_loader(names, [*chosen.primary, *chosen.overrides]), files=paths, names=names)
    contents: dict[str, bytes] = {}
    headers: set[tuple[bytes, ...]] = set()  # (kind, type, name) of each block seen
    labels: set[tuple[str, ...] | None] = set()
    for path in paths:
        content = _read(path, limits.max_file_bytes)
        if content is None:
            found.anchored = True
            continue
        contents[path] = content
        if _module_block(content):
            for name, call in _calls(directory, path, content, limits.max_nesting):
                duplicate = name is not None and name in labels  # the loader reports it and calls only the first
                labels.add(name)
                found.calls.append(Call(call.directory, plain=False) if duplicate else call)
        if not found.anchored and (
            anchors.named(content) or _unsure(path, content) or _declared_twice(content, headers)
        ):
            found.anchored = True
    if found.anchored or found.calls:
        found.digests = {path: inputs.digest(content) for path, content in contents.items()}
    return found


def _takes_the_loader(names: list[str], chosen: list[str]) -> bool:
    """True when the directory holds a file whose meaning takes the loader: override, JSON, OpenTofu, tfvars."""
    if any(is_override_file(name) or is_json_file(name) or name.endswith((".tofu", ".tofu.json")) for name in chosen):
        return True
    return any(name in _TFVARS or name.endswith(_AUTO_TFVARS) for name in names)


def _declared_twice(content: bytes, headers: set[tuple[bytes, ...]]) -> bool:
    """True when ``content`` may declare a resource or data block already seen (``headers``, updated)."""
    for word, pattern in _HEADERS:
        if word not in content:
            continue
        found = [(word, *labels) for labels in pattern.findall(content)]
        unique = set(found)
        if len(unique) < len(found) or not headers.isdisjoint(unique):
            return True
        headers |= unique
    return False


def _module_block(content: bytes) -> bool:
    """True when ``content`` may hold a ``module`` block: the word, not part of a name (``path.module``)."""
    return any(
        match.start() == 0 or not _NAME_CHARACTER.match(content, match.start() - 1)
        for match in _MODULE_WORD.finditer(content)
    )


def _calls(directory: str, path: str, content: bytes, max_nesting: int) -> list[tuple[tuple[str, ...] | None, Call]]:
    """The labels of each module block of a file and its call; one unknown call when blocks cannot be told apart."""
    unknown: list[tuple[tuple[str, ...] | None, Call]] = [(None, Call(None))]
    if is_json_file(path) or is_override_file(os.path.basename(path)):
        return unknown  # an override may replace a call's source: which one is called takes the loader
    try:
        text = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        return unknown
    text = text.removeprefix("\ufeff")
    split = split_blocks(text, max_nesting)
    if not split.confident:
        return unknown
    calls: list[tuple[tuple[str, ...] | None, Call]] = []
    for block in split.blocks:
        if block.type != "module":
            continue
        body = text[block.start : block.end]
        sources = _SOURCE.findall(body)
        local = len(sources) == 1 and (sources[0] in (".", "..") or sources[0].startswith(("./", "../")))
        target = os.path.realpath(os.path.join(directory, sources[0])) if local else None
        calls.append((block.labels, Call(target, plain=not _REPETITION.search(body))))
    return calls


def _read(path: str, max_file_bytes: int) -> bytes | None:
    """A file's bytes; None when the loader must look at it itself (too large, unreadable)."""
    try:
        if os.stat(path).st_size > max_file_bytes:
            return None
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _unsure(path: str, content: bytes) -> bool:
    """True for bytes whose names a search cannot rule out, or that the loader reports as a problem."""
    if not content.isascii():
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return True  # not UTF-8: a problem the loader reports
    if is_json_file(path):
        if content.startswith(_BYTE_ORDER_MARK) or b"\\u" in content or b"\\U" in content:
            return True
        try:
            json.loads(content)
        except ValueError:
            return True  # not JSON: a problem the loader reports
        return False
    # HCL spells names only literally, but a quoted label may hold an escape.
    return b"\\u" in content or b"\\U" in content
