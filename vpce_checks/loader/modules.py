"""Where a ``module`` block's code is: a local directory, a ``terraform init`` download, or a known model.

Terraform resolves a call in this order too: a local path (``./x``, ``../x``) is read in place;
anything else is what ``terraform init`` downloaded, recorded in ``.terraform/modules/modules.json``
of the root. A community module that has not been downloaded but has a model
(:mod:`vpce_checks.core.community_modules`) is read from the model's stand-in module instead,
for the releases the call's ``version`` (or Git ``?ref=``) admits. Anything else cannot be read
and is skipped with a note.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import PurePath
from typing import Sequence

from vpce_checks.core.community_modules import ModelUse, find_model
from vpce_checks.core.values import Unknown
from vpce_checks.loader import inputs
from vpce_checks.loader.options import MAX_MODULE_DEPTH
from vpce_checks.loader.options import MAX_MODULE_INSTANCES as MAX_MODULE_INSTANCES

MODULE_META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
UNKNOWN_REPETITION = {
    "count": {"index": Unknown("count.index")},
    "each": {"key": Unknown("each.key"), "value": Unknown("each.value")},
}
"""count/each bindings for evaluating a repeated block's arguments once for all its instances."""


@dataclass(frozen=True)
class Source:
    """A module call's code: a directory to read, or a reason to skip it.

    ``model`` is set when the directory is the stand-in of a community-module model.
    """

    directory: str | None = None
    display: str = ""
    skipped: str = ""
    model: ModelUse | None = None


@dataclass(frozen=True)
class Root:
    """The root module's directory, how findings name it, and what ``terraform init`` downloaded there."""

    directory: str
    display: str
    downloads: dict[str, str]
    """Module key (``endpoints``, ``vpc.endpoints``) -> directory relative to the root."""


def read_manifest(directory: str) -> dict[str, str]:
    """The module directories ``terraform init`` recorded in ``.terraform/modules/modules.json``.

    A missing or unreadable manifest is no manifest: the modules then count as not downloaded.
    """
    path = os.path.join(directory, ".terraform", "modules", "modules.json")
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError:
        inputs.file_unread(path)
        return {}
    inputs.file_read(path, content)
    try:
        data = json.loads(content.decode("utf-8"))
    except ValueError:
        return {}
    entries = data.get("Modules") if isinstance(data, dict) else None
    return {
        entry["Key"]: entry["Dir"]
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
        and isinstance(entry.get("Key"), str)
        and isinstance(entry.get("Dir"), str)
        and entry["Key"]  # the root module itself has the empty key
    }


def resolve_source(
    source: str | None,
    caller_directory: str,
    caller_display: str,
    ancestry: Sequence[str],
    key: str,
    root: Root,
    version: str | None = None,
) -> Source:
    """Where the code of a module call with this ``source`` (and ``version``) is, for a caller in ``caller_directory``.

    ``ancestry`` holds the real directories of the modules above the call, to refuse a cycle.
    """
    if source is None:
        return Source(skipped="its source is not a literal string")
    if source.startswith(("./", "../")) or source in (".", ".."):
        directory = os.path.normpath(os.path.join(caller_directory, source))
        display = _display(caller_display, source)
    elif key in root.downloads:
        directory = os.path.normpath(os.path.join(root.directory, root.downloads[key]))
        display = _display(root.display, root.downloads[key])
    elif (found := find_model(source)) is not None:
        model, address = found
        use = model.use(version, address.ref)
        if use.problem:
            return Source(skipped=use.problem)
        return Source(directory=model.directory, display=f"(model of {model.name})", model=use)
    else:
        return Source(skipped=f"source {source!r} is not downloaded (run terraform init) or not readable")
    inputs.seen(inputs.KIND, directory)
    if not os.path.isdir(directory):
        return Source(skipped=f"module directory {display} does not exist")
    inputs.seen(inputs.REAL, directory)
    if os.path.realpath(directory) in ancestry:
        return Source(skipped="the module calls itself (directly or through other modules)")
    if len(ancestry) >= MAX_MODULE_DEPTH:
        return Source(skipped=f"modules are nested more than {MAX_MODULE_DEPTH} deep")
    return Source(directory=directory, display=display)


def _display(base: str, relative: str) -> str:
    joined = os.path.normpath(os.path.join(base or ".", relative))
    return PurePath(joined).as_posix()
