"""What scanning one root module gave, and the cache that keeps it from one run to the next.

A root module's result (findings, notes, the modules it calls, its files, its view) is cached
under a key made of everything the scan was asked (this tool, the rules and their severities,
limits, variables, the view wanted) and of the directory. The entry holds, besides the result,
every observation the load made of the filesystem (:mod:`vpce_checks.loader.inputs`: the bytes
of each file read, the directories listed, the paths followed); it is used only while every
observation still holds, so it is right whatever changed: a file of the module, of a module it
calls (local, downloaded, or a stand-in model), a tfvars or variable file, a file read by
``file()`` or ``templatefile()``, an override or ``.tofu`` file added or removed. A warm run
reads one small entry per module and no parse tree.

An entry that is corrupt, written by another version or for another question fails the
checksum, the key or the observations, and the module is scanned again; several processes may
read and write the cache at once (entries are replaced atomically).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import typing
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from vpce_checks import plain
from vpce_checks.core.engine import Outcome
from vpce_checks.core.findings import Finding
from vpce_checks.core.model import Problem
from vpce_checks.core.registry import Rule
from vpce_checks.loader import inputs
from vpce_checks.loader.cache import Store, tool_identity
from vpce_checks.loader.options import Limits


@dataclass
class RootResult:
    """One directory scanned as a root module (or one plan), and the module directories it calls."""

    real: str
    calls: set[str]
    findings: list[Finding]
    outcomes: list[Outcome]
    notes: list[Problem]
    files: set[str]
    """Real paths of the Terraform files of this directory and of the module directories it calls."""
    view: object = None
    plan: bool = False
    """True for a plan (``real`` is then the plan file's real path)."""


class Observer:
    """What the filesystem looks like now, each path looked at once per run."""

    def __init__(self, max_file_bytes: int) -> None:
        self.max_file_bytes = max_file_bytes
        self._seen: dict[tuple[str, str], str] = {}

    def know(self, kind: str, path: str, value: str) -> None:
        """Take ``value`` as what ``path`` looks like (it was just read for another purpose)."""
        self._seen[(kind, path)] = value

    def holds(self, observations: Sequence[Sequence[str]]) -> bool:
        """True when every observation (kind, path, value) is what the filesystem shows now."""
        for kind, path, value in observations:
            key = (kind, path)
            if key not in self._seen:
                self._seen[key] = inputs.observe(kind, path, self.max_file_bytes)
            if self._seen[key] != value:
                return False
        return True


def question(
    rules: Sequence[Rule],
    limits: Limits,
    prefilter: bool,
    var_files: Sequence[str],
    variables: dict[str, str],
    view: Callable[..., object] | None,
) -> str:
    """What a scan was asked, beside the directory, as text for a cache key."""
    asked = {
        "tool": tool_identity(),
        "rules": [[item.id, item.slug, item.severity.value] for item in rules],
        "limits": [limits.max_file_bytes, limits.max_nesting, limits.max_expansion],
        "prefilter": prefilter,
        "var_files": [[path, os.path.abspath(path)] for path in var_files],
        "variables": sorted(variables.items()),
        "view": None if view is None else f"{view.__module__}.{view.__qualname__}",
    }
    return json.dumps(asked, sort_keys=True)


class ResultCache:
    """Root module results in the cache directory, for one question (see :func:`question`)."""

    def __init__(self, directory: str, asked: str, view_type: type | None, max_file_bytes: int) -> None:
        self.store = Store(directory)
        self.asked = asked
        self.view_type = view_type
        self.max_file_bytes = max_file_bytes

    def key(self, directory: str, display: str) -> str:
        """The key of the result for ``directory`` (named ``display`` in findings)."""
        digest = hashlib.sha256(self.asked.encode())
        for part in (display, os.path.abspath(directory), os.path.realpath(directory)):
            digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def get(self, key: str, observer: Observer) -> RootResult | None:
        """The cached result under ``key`` when every observation it was made from still holds."""
        entry = self.store.get(key)
        if entry is None:
            return None
        try:
            observations = entry["observations"]
            if not isinstance(observations, list) or not all(_is_observation(item) for item in observations):
                return None
            if not observer.holds(observations):
                return None
            return self._decode(entry["result"])
        except (KeyError, TypeError, plain.PlainError):
            return None

    def put(self, key: str, result: RootResult, recording: inputs.Recording) -> None:
        """Keep ``result`` with what its load observed (not when a file changed during the load)."""
        if recording.unstable or any(_internal_error(finding) for finding in result.findings):
            return
        try:
            encoded = {
                "real": result.real,
                "calls": sorted(result.calls),
                "findings": plain.encode(result.findings),
                "notes": plain.encode(result.notes),
                "files": sorted(result.files),
                "view": None if result.view is None else plain.encode(result.view),
            }
        except plain.PlainError:
            return
        self.store.put(key, {"observations": recording.observations(), "result": encoded})

    def _decode(self, data: dict[str, Any]) -> RootResult:
        view = data["view"]
        if view is not None:
            if self.view_type is None:
                raise plain.PlainError("a view, but no view type")
            view = plain.decode(view, self.view_type)
        return RootResult(
            real=plain.decode(data["real"], str),
            calls=set(plain.decode(data["calls"], list[str])),
            findings=plain.decode(data["findings"], list[Finding]),
            outcomes=[],
            notes=plain.decode(data["notes"], list[Problem]),
            files=set(plain.decode(data["files"], list[str])),
            view=view,
        )


def view_type(view: Callable[..., object] | None) -> type | None:
    """The dataclass a view builder declares it returns, or None when its views cannot be cached."""
    if view is None:
        return None
    try:
        returned = typing.get_type_hints(view).get("return")
    except (NameError, TypeError):
        return None
    return returned if isinstance(returned, type) and dataclasses.is_dataclass(returned) else None


def _is_observation(item: Any) -> bool:
    return isinstance(item, list) and len(item) == 3 and all(isinstance(part, str) for part in item)


def _internal_error(finding: Finding) -> bool:
    """A finding about a failure of this tool, which may not happen again: never cached."""
    return "internal error" in finding.message
