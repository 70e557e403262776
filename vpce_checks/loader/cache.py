"""A cache of parse results in the user's cache directory, keyed by file content.

An entry is one JSON document per content key, written to a temporary file and renamed into
place, so that parallel runs never see half an entry. Its first line is the SHA-256 of the rest:
an entry that is truncated, edited or not ours fails that check or the key check, and is
rebuilt, never trusted. Nothing is ever written next to the scanned files.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from vpce_checks import __version__
from vpce_checks.loader import syntax

CACHE_DIR_VARIABLE = "VPCE_CHECKS_CACHE_DIR"
FORMAT = 3
"""Bump when the layout of an entry changes."""


def default_directory() -> str:
    """``$VPCE_CHECKS_CACHE_DIR``, or the platform's user cache directory for vpce-checks."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return configured
    import platformdirs  # here, not above: checkov's environment (see checkov_adapter) may not have it

    return str(platformdirs.user_cache_dir("vpce-checks", appauthor=False))


@lru_cache(maxsize=1)
def _parser_versions() -> str:
    found = []
    for package in ("python-hcl2", "lark"):
        try:
            found.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            found.append(f"{package}=?")
    return ",".join(found)


class ParseCache:
    """Parse results by content key; ``directory=None`` disables it (every lookup misses)."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        self._salt = (
            f"vpce-checks={__version__};format={FORMAT};{_parser_versions()};{syntax.parser_identity()}".encode()
        )

    def key(self, content: bytes, settings: str) -> str:
        """The key of a file's content under the given scanner ``settings`` (e.g. its depth limit)."""
        digest = hashlib.sha256(self._salt)
        digest.update(settings.encode())
        digest.update(b"\0")
        digest.update(content)
        return digest.hexdigest()

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
