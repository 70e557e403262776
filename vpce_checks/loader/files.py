"""Which files of a directory Terraform and OpenTofu read as configuration, and in which order.

Terraform reads every ``.tf`` and ``.tf.json`` file of a module directory; OpenTofu also reads
``.tofu`` and ``.tofu.json``, and where ``x.tofu`` and ``x.tf`` (or ``x.tofu.json`` and
``x.tf.json``) both exist it reads only the ``.tofu`` one (OpenTofu docs, "Files and Directories",
Extension Precedence). Files named ``override.*`` or ``*_override.*`` are read after all the others,
in lexicographical order, and merged into the blocks they name (see
:mod:`vpce_checks.loader.overrides`). Hidden files and editor backups are not configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

NATIVE_SUFFIXES = (".tf", ".tofu")
JSON_SUFFIXES = (".tf.json", ".tofu.json")
_SUFFIXES = (*JSON_SUFFIXES, *NATIVE_SUFFIXES)  # the longer forms first, so ``x.tf.json`` is JSON


@dataclass(frozen=True)
class ConfigurationFiles:
    """The configuration files of one directory, by name, in the order they are read."""

    primary: list[str]
    overrides: list[str]
    """Override files, in the lexicographical order in which they are merged."""


def _suffix(name: str) -> str | None:
    if not name.endswith(_SUFFIXES):
        return None  # most names of a tree: one test, not four
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return None


def is_terraform_file(name: str) -> bool:
    """True for a file name Terraform or OpenTofu reads as configuration.

    Hidden files (``.x.tf``, such as an editor's lock file ``.#main.tf``), Emacs autosaves
    (``#main.tf#``) and backups ending in ``~`` are skipped, as Terraform skips them.
    """
    if name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#")):
        return False
    return _suffix(name) is not None


def is_override_file(name: str) -> bool:
    """True for ``override.tf``, ``main_override.tf.json`` and the like (any configuration suffix)."""
    suffix = _suffix(name)
    if suffix is None:
        return False
    return _is_override_stem(name[: -len(suffix)])


def _is_override_stem(stem: str) -> bool:
    return stem == "override" or stem.endswith("_override")


def configuration_files(names: list[str]) -> ConfigurationFiles:
    """The files among ``names`` (one directory's listing) that are read, split and sorted.

    A ``.tf`` or ``.tf.json`` file with a ``.tofu``/``.tofu.json`` twin of the same name is left
    out: OpenTofu reads the twin instead, and Terraform does not read ``.tofu`` files at all, so
    a directory that has them is an OpenTofu configuration.
    """
    present = set(names)
    primary: list[str] = []
    overrides: list[str] = []
    for name in sorted(present):
        if not is_terraform_file(name):
            continue
        suffix = _suffix(name)
        assert suffix is not None
        stem = name[: -len(suffix)]
        if suffix in (".tf", ".tf.json") and stem + suffix.replace(".tf", ".tofu") in present:
            continue
        (overrides if _is_override_stem(stem) else primary).append(name)
    return ConfigurationFiles(primary=primary, overrides=overrides)


def is_json_file(name: str) -> bool:
    """True for JSON-syntax configuration (``.tf.json``, ``.tofu.json``)."""
    return name.endswith(JSON_SUFFIXES)
