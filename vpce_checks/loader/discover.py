"""Finding the Terraform modules under a path: every directory that holds configuration files."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from vpce_checks.core.model import Location, Problem
from vpce_checks.loader.files import is_terraform_file

SKIPPED_DIRECTORIES = frozenset({".terraform", ".git", "node_modules", ".terragrunt-cache"})


@dataclass
class Discovery:
    """The module directories under a path, and what was passed over (notes for the user)."""

    directories: list[str] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    reals: dict[str, str] = field(default_factory=dict)
    """Each directory's real path (symbolic links resolved), found on the way down."""

    def real(self, directory: str) -> str:
        """The real path of one of ``directories`` (symbolic links resolved), without resolving it again."""
        return self.reals.get(directory) or os.path.realpath(directory)


def discover(path: str) -> Discovery:
    """The directories below ``path`` (itself included) that hold Terraform, sorted, and notes.

    A file path stands for the directory that holds it, since rules need the whole module.
    Hidden directories and ``.terraform`` caches are skipped. A symbolic link to a directory
    inside the scanned tree is followed once: a directory reached both directly and through a
    link is scanned once, under its own path, and a link back up the tree (a loop) leads
    nowhere new. A link to a directory outside the tree is not followed, with a note.
    """
    if os.path.isfile(path):
        return Discovery([os.path.dirname(path) or "."])
    root = os.path.realpath(path)
    discovery = Discovery()
    visited: set[str] = set()
    links: list[str] = []
    pending = [path]
    while pending:
        start = pending.pop(0)
        if os.path.realpath(start) in visited:
            continue
        _walk(start, visited, links, discovery)
        # Links are taken after every directory reachable without them, so a directory that is
        # also reached directly keeps its own path.
        for link in sorted(links):
            target = os.path.realpath(link)
            if target != root and not target.startswith(root.rstrip(os.sep) + os.sep):
                message = f"symbolic link to {os.readlink(link)}, outside the scanned tree: not followed"
                discovery.notes.append(Problem(message, Location(link, 0, 0)))
            elif target not in visited:
                pending.append(link)
        links.clear()
    discovery.directories.sort()
    return discovery


def _walk(start: str, visited: set[str], links: list[str], discovery: Discovery) -> None:
    """Walk ``start`` without following links, collecting the directory links it holds.

    A directory reached without a link is its parent's real path joined with its name, so only
    ``start`` is resolved (``os.path.realpath`` costs a system call per path component).
    """
    pending = [(start, os.path.realpath(start))]
    while pending:
        directory, real = pending.pop()
        if real in visited:
            continue
        visited.add(real)
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue  # as os.walk does: a directory that cannot be listed holds nothing
        subdirectories = []
        holds_terraform = False
        for entry in entries:
            try:
                is_directory = entry.is_dir()
            except OSError:
                is_directory = False
            if not is_directory:
                holds_terraform = holds_terraform or is_terraform_file(entry.name)
            elif entry.name not in SKIPPED_DIRECTORIES and not entry.name.startswith("."):
                subdirectories.append(entry)
        if holds_terraform:
            discovery.directories.append(directory)
            discovery.reals[directory] = real
        for entry in sorted(subdirectories, key=lambda item: item.name, reverse=True):
            path = os.path.join(directory, entry.name)
            if entry.is_symlink():
                links.append(path)
            else:
                pending.append((path, os.path.join(real, entry.name)))
