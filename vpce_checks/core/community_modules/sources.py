"""Module ``source`` addresses as Terraform reads them: registry modules and Git repositories.

Terraform's "Module Sources" docs give the forms a published module is called by:

* a registry address ``NAMESPACE/NAME/PROVIDER``, optionally after a registry host
  (``registry.terraform.io/...``; OpenTofu's ``registry.opentofu.org`` serves the same modules);
* GitHub: ``github.com/OWNER/REPO`` (HTTPS) and ``git@github.com:OWNER/REPO.git`` (SSH);
* any Git server with the ``git::`` prefix: ``git::https://github.com/OWNER/REPO.git``,
  ``git::ssh://git@github.com/OWNER/REPO.git``;

each with an optional ``//SUBDIRECTORY`` (a module inside the package) and, for Git, a
``?ref=`` query naming a tag, branch or commit. Which module an address names is data in each
model's ``model.json`` (its registry address and repository); this file only knows Terraform's
spelling of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs

REGISTRY_HOSTS = frozenset({"registry.terraform.io", "registry.opentofu.org"})
_REGISTRY = re.compile(r"^(?:(?P<host>[^/]+\.[^/]+)/)?(?P<address>[\w-]+/[\w-]+/[\w-]+)$")


@dataclass(frozen=True)
class SourceAddress:
    """What a ``source`` names: a registry module or a repository, a subdirectory, and a Git ref."""

    registry: str | None = None
    """``namespace/name/provider`` in lower case, for a public registry address."""
    repository: str | None = None
    """``host/owner/repo`` in lower case (no scheme, user or ``.git``), for a Git source."""
    subdirectory: str = ""
    ref: str | None = None


def parse_source(source: str) -> SourceAddress | None:
    """The parts of a registry or Git ``source``; None for anything else (local paths, archives, S3)."""
    text = source.strip()
    forced_git = text.startswith("git::")
    text = text.removeprefix("git::")
    scheme, separator, rest = text.partition("://")
    if not separator:
        scheme, rest = "", text
    location, _, subdirectory = rest.partition("//")
    location, query = _split_query(location)
    subdirectory, subdirectory_query = _split_query(subdirectory)
    ref = _ref(query) or _ref(subdirectory_query)
    subdirectory = subdirectory.strip("/")
    if not forced_git and not scheme:
        registry = _REGISTRY.match(location)
        if registry is not None and (registry.group("host") or "registry.terraform.io").lower() in REGISTRY_HOSTS:
            return SourceAddress(registry=registry.group("address").lower(), subdirectory=subdirectory)
    if scheme not in ("", "https", "ssh"):
        return None
    repository = re.sub(r"^[^@/]+@", "", location)  # the SSH user
    repository = repository.replace(":", "/", 1) if not scheme else repository
    repository = repository.removesuffix("/").removesuffix(".git").lower()
    if not forced_git and not repository.startswith("github.com/"):
        return None  # without git::, only GitHub addresses are Git sources
    if repository.count("/") < 2:
        return None
    return SourceAddress(repository=repository, subdirectory=subdirectory, ref=ref)


def _split_query(text: str) -> tuple[str, str]:
    path, _, query = text.partition("?")
    return path, query


def _ref(query: str) -> str | None:
    values = parse_qs(query).get("ref")
    return values[0] if values else None
