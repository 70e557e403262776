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

What the bytes say is cached (content-addressed: the listing and every file's digest make the key),
so a warm run only reads and hashes the files of a directory that cannot matter.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from vpce_checks.loader import inputs
from vpce_checks.loader.cache import Store, tool_identity
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
        self.identity = hashlib.sha256(b"\0".join(self._literals)).hexdigest()
        """Names the anchor set, for cache keys."""

    def named(self, content: bytes) -> bool:
        """True when ``content`` names an anchor type as a whole word."""
        return any(literal in content for literal in self._literals) and self._pattern.search(content) is not None


def triage(directory: str, anchors: Anchors, limits: Limits, store: Store | None = None) -> Triage:
    """Read the configuration files of ``directory`` once: whether they name an anchor, what they call.

    With a ``store``, what the bytes say is kept under a key made of the listing and of every
    file's digest (and of the anchors, the limits and this tool), so that a warm run reads and
    hashes each file but searches none of them again. Where a call leads is resolved afresh on
    every run: it depends on the filesystem (symbolic links), not on the bytes.
    """
    try:
        names = os.listdir(directory)
    except OSError:
        return Triage(anchored=True)
    chosen = configuration_files(names)
    paths = [os.path.join(directory, name) for name in [*chosen.primary, *chosen.overrides]]
    contents = {path: content for path in paths if (content := _read(path, limits.max_file_bytes)) is not None}
    digests: dict[str, str] | None = None
    judged: Judged | None = None
    if store is not None:
        digests = {path: inputs.digest(content) for path, content in contents.items()}
        key = _key(names, paths, digests, anchors, limits)
        judged = _judged(store.get(key))
    if judged is None:
        judged = _judge(names, paths, contents, anchors, limits)
        if store is not None:
            store.put(key, {"anchored": judged[0], "calls": [[source, plain] for source, plain in judged[1]]})
    anchored, calls = judged
    found = Triage(anchored=anchored, files=paths, names=names)
    for source, plain in calls:
        target = os.path.realpath(os.path.join(directory, source)) if source is not None else None
        found.calls.append(Call(target, plain))
    if found.anchored or found.calls:
        # Kept only where a cached result may be checked against them (the directory may be loaded).
        found.digests = digests or {path: inputs.digest(content) for path, content in contents.items()}
    return found


Judged = tuple[bool, list[tuple[str | None, bool]]]
"""Whether a directory's bytes are anchored, and each module call's local source (or None) and plainness."""


def _judge(names: list[str], paths: list[str], contents: dict[str, bytes], anchors: Anchors, limits: Limits) -> Judged:
    """What the bytes of one directory's files say (``contents`` lacks the files that could not be read)."""
    anchored = _takes_the_loader(names, [os.path.basename(path) for path in paths]) or len(contents) < len(paths)
    calls: list[tuple[str | None, bool]] = []
    headers: set[tuple[bytes, ...]] = set()  # (kind, type, name) of each block seen
    labels: set[tuple[str, ...] | None] = set()
    for path, content in contents.items():
        if _module_block(content):
            for name, source, plain in _calls(path, content, limits.max_nesting):
                duplicate = name is not None and name in labels  # the loader reports it and calls only the first
                labels.add(name)
                calls.append((source, plain and not duplicate))
        if not anchored and (anchors.named(content) or _unsure(path, content) or _declared_twice(content, headers)):
            anchored = True
    return anchored, calls


def _key(names: list[str], paths: list[str], digests: dict[str, str], anchors: Anchors, limits: Limits) -> str:
    """The store key of a directory's triage: everything :func:`_judge` reads, and this tool."""
    digest = hashlib.sha256(f"triage\0{tool_identity()}\0{anchors.identity}\0{limits.max_file_bytes}".encode())
    digest.update(f"\0{limits.max_nesting}\0{inputs.names_digest(names)}".encode())
    for path in paths:
        digest.update(f"\0{os.path.basename(path)}\0{digests.get(path, '!unread')}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _judged(entry: dict[str, Any] | None) -> Judged | None:
    """A stored triage, or None when there is none or it is not one."""
    if entry is None:
        return None
    anchored, calls = entry.get("anchored"), entry.get("calls")
    if not isinstance(anchored, bool) or not isinstance(calls, list):
        return None
    judged: list[tuple[str | None, bool]] = []
    for call in calls:
        if not (isinstance(call, list) and len(call) == 2 and isinstance(call[0], (str, type(None)))):
            return None
        if not isinstance(call[1], bool):
            return None
        judged.append((call[0], call[1]))
    return anchored, judged


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


def _calls(path: str, content: bytes, max_nesting: int) -> list[tuple[tuple[str, ...] | None, str | None, bool]]:
    """Each module block of a file: its labels, its local source (None unless one literal local path), plainness.

    One unknown call when the blocks cannot be told apart.
    """
    unknown: list[tuple[tuple[str, ...] | None, str | None, bool]] = [(None, None, True)]
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
    calls: list[tuple[tuple[str, ...] | None, str | None, bool]] = []
    for block in split.blocks:
        if block.type != "module":
            continue
        body = text[block.start : block.end]
        sources = _SOURCE.findall(body)
        local = len(sources) == 1 and (sources[0] in (".", "..") or sources[0].startswith(("./", "../")))
        calls.append((block.labels, sources[0] if local else None, not _REPETITION.search(body)))
    return calls


def _read(path: str, max_file_bytes: int) -> bytes | None:
    """A file's bytes; None when the loader must look at it itself (too large, unreadable)."""
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > max_file_bytes:
                return None
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
