"""What loading a root module read from the filesystem, so that a cached result can be checked.

While :func:`recording` is active, every place of the loader that reads the filesystem reports
what it saw, as an *observation*: the bytes of a file (by digest), the names in a directory, the
kind of a path, where a path really leads. A result cached with its observations is still right
exactly when :func:`observe` sees the same today; nothing else goes into a module's model. The
values are plain strings, so they are stored as JSON with the result.

Standard library only and cheap to import: a warm scan checks observations without loading the
parser.
"""

from __future__ import annotations

import hashlib
import os
import stat
from contextlib import contextmanager
from typing import Iterator

BYTES = "bytes"
"""A file's content: its SHA-256, or ``!missing``, ``!directory``, ``!special``, ``!error``,
``!large:<size>`` (over the size limit, so not read)."""
NAMES = "names"
"""A directory's listing: the SHA-256 of its sorted names, or ``!missing``/``!error``."""
ENTRIES = "entries"
"""A directory's listing with each entry's kind (for ``fileset()``), hashed, or ``!missing``/``!error``."""
KIND = "kind"
"""What a path is (symbolic links followed): ``file``, ``directory``, ``other``, ``missing`` or ``error``."""
REAL = "real"
"""Where a path leads, symbolic links resolved (``os.path.realpath``)."""

Observation = tuple[str, str, str]
"""(kind of observation, absolute path, what was seen)."""


class Recording:
    """The observations of one load; ``unstable`` when one path was seen two ways (it changed meanwhile)."""

    def __init__(self, max_file_bytes: int) -> None:
        self.max_file_bytes = max_file_bytes
        self.seen: dict[tuple[str, str], str] = {}
        self.unstable = False

    def add(self, kind: str, path: str, value: str) -> None:
        """Note one observation."""
        key = (kind, os.path.abspath(path))
        earlier = self.seen.setdefault(key, value)
        if earlier != value:
            self.unstable = True

    def observations(self) -> list[Observation]:
        """Every observation, sorted."""
        return sorted((kind, path, value) for (kind, path), value in self.seen.items())


_current: Recording | None = None


@contextmanager
def recording(max_file_bytes: int) -> Iterator[Recording]:
    """Record what the loader reads until the block ends (one load at a time per process)."""
    global _current
    outer, _current = _current, Recording(max_file_bytes)
    try:
        yield _current
    finally:
        _current = outer


def file_read(path: str, content: bytes) -> None:
    """The loader read ``content`` from the file at ``path``."""
    if _current is not None:
        _current.add(BYTES, path, digest(content))


def file_unread(path: str) -> None:
    """The loader tried to read ``path`` and could not, or found it over the size limit."""
    if _current is not None:
        _current.add(BYTES, path, observe(BYTES, path, _current.max_file_bytes))


def listed(directory: str, names: list[str]) -> None:
    """The loader listed ``directory`` and found ``names``."""
    if _current is not None:
        _current.add(NAMES, directory, names_digest(names))


def seen(kind: str, path: str) -> None:
    """The loader looked at ``path`` in a way :func:`observe` can repeat (``KIND``, ``REAL``, ``ENTRIES``)."""
    if _current is not None:
        _current.add(kind, path, observe(kind, path, _current.max_file_bytes))


def digest(content: bytes) -> str:
    """The digest observations use for bytes."""
    return hashlib.sha256(content).hexdigest()


def names_digest(names: list[str]) -> str:
    """The digest of a directory listing."""
    return digest("\0".join(sorted(names)).encode("utf-8", "surrogateescape"))


def observe(kind: str, path: str, max_file_bytes: int) -> str:
    """What ``path`` looks like now, as an observation of ``kind`` would record it."""
    if kind == REAL:
        return os.path.realpath(path)
    if kind == KIND:
        return _kind(path)
    if kind == NAMES:
        try:
            return names_digest(os.listdir(path))
        except FileNotFoundError:
            return "!missing"
        except OSError:
            return "!error"
    if kind == ENTRIES:
        try:
            with os.scandir(path) as entries:
                described = [f"{entry.name}/{int(entry.is_dir())}{int(entry.is_file())}" for entry in entries]
        except FileNotFoundError:
            return "!missing"
        except OSError:
            return "!error"
        return names_digest(described)
    if kind == BYTES:
        return _content(path, max_file_bytes)
    raise ValueError(f"unknown observation {kind!r}")


def _kind(path: str) -> str:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "error"
    if stat.S_ISREG(mode):
        return "file"
    return "directory" if stat.S_ISDIR(mode) else "other"


def _content(path: str, max_file_bytes: int) -> str:
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            return "!directory"
        if not stat.S_ISREG(info.st_mode):
            return "!special"
        if info.st_size > max_file_bytes:
            return f"!large:{info.st_size}"
        with open(path, "rb") as handle:
            return digest(handle.read())
    except FileNotFoundError:
        return "!missing"
    except OSError:
        return "!error"
