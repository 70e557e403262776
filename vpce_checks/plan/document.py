"""Reading a plan file once, and telling a plan from what is not one.

``terraform show -json tfplan`` (and OpenTofu's ``tofu show -json``) prints one JSON object whose
``format_version`` is ``MAJOR.MINOR``: 0.x from Terraform 0.12 to 1.0, 1.0 to 1.2 from Terraform
1.1 on (1.2 in Terraform 1.5 to 1.10 and in OpenTofu 1.8 and later). A new minor version only adds
properties; a new major version is a format this reader does not know, and is refused ("Reject any
input which reports an unsupported major version", Terraform's JSON Output Format page). A plan
has ``planned_values``; what ``terraform show -json`` prints for a state has ``values`` instead,
and a raw ``terraform.tfstate`` has ``version``, ``serial`` and ``lineage``. Everything that is not
a readable plan is a :class:`~vpce_checks.core.model.Problem` naming the file and, where JSON gives
one, the line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from vpce_checks.core.model import Location, Problem

SUPPORTED_MAJORS = (0, 1)
PLAN_KEYS = ("planned_values", "resource_changes", "configuration", "prior_state")
PLAN_FIELDS = (*PLAN_KEYS, "format_version", "complete", "errored", "deferred_changes")
"""The top-level fields of a plan that are read; the others (``variables``, ``resource_drift``,
``output_changes``, ``relevant_attributes``, ``checks``, ``timestamp``, ``applyable``, …) change
nothing that the rules see."""
_ZIP = b"PK\x03\x04"
_SNIFF_BYTES = 4096
SHOW_JSON = "terraform plan -out tfplan && terraform show -json tfplan > tfplan.json"


@dataclass(frozen=True)
class Document:
    """A plan read from a file: the parsed object, its text (for lines), and how findings name the file."""

    data: dict[str, Any]
    text: str
    display: str

    @property
    def format_version(self) -> str:
        """``1.2``, ``0.1``, …"""
        return str(self.data.get("format_version", ""))

    @property
    def tool_version(self) -> str:
        """The ``terraform_version`` that wrote it (OpenTofu writes its own version there)."""
        return str(self.data.get("terraform_version", ""))


def sniff(path: str) -> str | None:
    """``"json"`` when a file's content starts like JSON (an object or array), ``"binary plan"`` for a zip, else None.

    Only the first bytes are read: a file that is not JSON is never read further here.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return None
    if head.startswith(_ZIP):
        return "binary plan"
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return "json" if stripped.startswith((b"{", b"[")) else None


def read_document(path: str, display: str) -> Document | Problem:
    """The plan in ``path``, or the problem that makes it unreadable as a plan."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        return _problem(display, f"cannot read the plan file: {error.strerror}")
    if raw.startswith(_ZIP):
        return _problem(
            display,
            "this is a binary plan file (terraform plan -out): vpce-checks reads its JSON form; run "
            f"`{SHOW_JSON}` and give tfplan.json",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return _problem(display, "the plan file is not UTF-8 text", line)
    text = text[1:] if text.startswith("\ufeff") else text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return _problem(display, _json_message(error, text), error.lineno)
    except RecursionError:
        return _problem(display, "the plan's JSON nests too deep to read")
    if not isinstance(data, dict):
        return _problem(display, f"not a Terraform plan: a plan is a JSON object; {_HOW}")
    kind = _kind(data)
    if kind is not None:
        return _problem(display, kind)
    return Document(data, text, display)


_HOW = f"write one with `{SHOW_JSON}`"


def _kind(data: dict[str, Any]) -> str | None:
    """Why a JSON object is not a plan this reader reads; None for a plan."""
    if isinstance(data.get("version"), int) and ("lineage" in data or "serial" in data or "resources" in data):
        return f"this is a Terraform state file (terraform.tfstate), not a plan: {_HOW}"
    has_plan_keys = any(key in data for key in PLAN_KEYS)
    if "values" in data and not has_plan_keys:
        return f"this is the JSON of a Terraform state (terraform show -json of a state), not of a plan: {_HOW}"
    version = data.get("format_version")
    if version is None:
        return f"not a Terraform plan: no format_version; {_HOW}"
    major = _major(version)
    if major is None:
        return f"not a Terraform plan: format_version {json.dumps(version)} is not MAJOR.MINOR"
    if major not in SUPPORTED_MAJORS:
        return (
            f"format_version {version} is a plan format this version of vpce-checks does not read "
            f"(it reads {', '.join(f'{known}.x' for known in SUPPORTED_MAJORS)}); upgrade vpce-checks"
        )
    if not has_plan_keys:
        return f"not a Terraform plan: it has no planned_values (the JSON of an empty state?); {_HOW}"
    return None


def _major(version: object) -> int | None:
    if not isinstance(version, str):
        return None
    major, dot, minor = version.partition(".")
    if not (dot and major.isdigit() and minor.isdigit()):
        return None
    return int(major)


def _json_message(error: json.JSONDecodeError, text: str) -> str:
    if not text[error.pos :].strip() or error.msg.startswith("Unterminated"):
        return f"the plan file ends too early (cut off?): {error.msg} at line {error.lineno}, column {error.colno}"
    return f"the plan file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"


def _problem(display: str, message: str, line: int = 1) -> Problem:
    return Problem(message, Location(display, line, line))
