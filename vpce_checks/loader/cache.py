"""The cache directory: entries stored safely, and what makes a cached result this tool's.

An entry is one JSON document per key, written to a temporary file and renamed into place, so
that parallel runs never see half an entry. Its first line is the SHA-256 of the rest: an entry
that is truncated, edited or not ours fails that check or the key check, and is rebuilt, never
trusted. JSON cannot run code when it is read, unlike a pickle another user might have written.
Nothing is ever written next to the scanned files.

:func:`tool_identity` names everything of this installation a result depends on: the version,
the package's own files (an edited checkout is another tool) and the parser.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import lru_cache
from typing import Any

from vpce_checks import __version__

CACHE_DIR_VARIABLE = "VPCE_CHECKS_CACHE_DIR"
FORMAT = 4
"""Bump when the layout of an entry changes."""
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PARSER_DISTRIBUTIONS = ("python_hcl2", "lark")


def default_directory() -> str:
    """``$VPCE_CHECKS_CACHE_DIR``, or the platform's user cache directory for vpce-checks."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return configured
    import platformdirs  # only when needed: it is an import a warm run can do without

    return str(platformdirs.user_cache_dir("vpce-checks", appauthor=False))


@lru_cache(maxsize=1)
def tool_identity() -> str:
    """The tool as cached results know it: version, entry format, package files, parser."""
    return f"vpce-checks={__version__};format={FORMAT};files={_package_fingerprint()};{parser_identity()}"


def parser_identity() -> str:
    """The parser that reads Terraform: python-hcl2 and lark (their installed versions), or a replacement.

    Read from the installed distributions' metadata directories, so that neither the parser nor
    ``importlib.metadata`` is imported. A front end that installs another parser does it through
    :mod:`vpce_checks.loader.syntax`; when that module is loaded and names a parser of its own,
    that name is part of the identity too.
    """
    syntax = sys.modules.get("vpce_checks.loader.syntax")
    named = getattr(syntax, "parser_identity", None)
    replacement = named() if callable(named) else ""
    return ",".join(_distribution_versions()) + (f";parser={replacement}" if replacement else "")


@lru_cache(maxsize=1)
def _distribution_versions() -> tuple[str, ...]:
    found = dict.fromkeys(PARSER_DISTRIBUTIONS, "?")
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                distribution, _, version = name[: -len(".dist-info")].partition("-")
                if found.get(distribution.lower()) == "?":
                    found[distribution.lower()] = version
    return tuple(f"{name}={version}" for name, version in found.items())


def _package_fingerprint() -> str:
    """A digest of the names, sizes and modification times of the package's files (not its bytecode)."""
    digest = hashlib.sha256()
    for directory, subdirectories, names in os.walk(PACKAGE):
        subdirectories[:] = sorted(name for name in subdirectories if name != "__pycache__")
        for name in sorted(names):
            try:
                info = os.stat(os.path.join(directory, name))
            except OSError:
                continue
            relative = os.path.relpath(os.path.join(directory, name), PACKAGE)
            digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:16]


class Store:
    """JSON entries by key in one directory; ``directory=None`` disables it (every lookup misses)."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory

    def _path(self, key: str) -> str:
        assert self.directory is not None
        return os.path.join(self.directory, key[:2], f"{key}.json")

    def get(self, key: str) -> dict[str, Any] | None:
        """The entry stored under ``key``, or None when absent, unreadable or corrupt."""
        if self.directory is None:
            return None
        try:
            with open(self._path(key), "rb") as handle:
                raw = handle.read()
        except OSError:
            return None
        checksum, newline, payload = raw.partition(b"\n")
        if not newline or hashlib.sha256(payload).hexdigest().encode() != checksum:
            return None
        try:
            entry = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Store ``entry`` under ``key`` atomically; a cache that cannot be written is skipped."""
        if self.directory is None:
            return
        payload = json.dumps({**entry, "key": key}, separators=(",", ":")).encode()
        target = self._path(key)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            import tempfile  # here: a run that writes nothing need not import it

            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as output:
                    output.write(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
                os.replace(temporary, target)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass  # a read-only or full cache directory only costs speed
