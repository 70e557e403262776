"""Finding the Terraform modules under a path: every directory that holds configuration files."""

from __future__ import annotations

import os

from vpce_checks.loader.files import is_terraform_file

SKIPPED_DIRECTORIES = frozenset({".terraform", ".git", "node_modules", ".terragrunt-cache"})


def module_directories(path: str) -> list[str]:
    """The directories below ``path`` (itself included) that hold Terraform, sorted.

    A file path stands for the directory that holds it, since rules need the whole module.
    Hidden directories and ``.terraform`` caches are skipped; symbolic links to directories are
    not followed, so a link loop cannot trap the scan.
    """
    if os.path.isfile(path):
        return [os.path.dirname(path) or "."]
    found = []
    for directory, subdirectories, files in os.walk(path):
        subdirectories[:] = sorted(
            name for name in subdirectories if name not in SKIPPED_DIRECTORIES and not name.startswith(".")
        )
        if any(is_terraform_file(name) for name in files):
            found.append(directory)
    return sorted(found)
