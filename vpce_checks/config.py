"""Project configuration: ``[tool.vpce-checks]`` in ``pyproject.toml`` or a ``.vpce-checks.yaml`` file.

Discovery (see ``docs/configuration.md``): ``--config FILE`` names the file; otherwise the current
directory and then its parents are searched, up to and including the repository root (the first
directory holding ``.git``) or the filesystem root. In each directory ``.vpce-checks.yaml`` is
tried first, then ``pyproject.toml`` (only when it has a ``[tool.vpce-checks]`` table); the first
found is the only one read. Command-line options override the file's values.

Relative paths in the file (``exclude`` globs, ``baseline``) are relative to the file's directory.
Anything invalid raises :class:`ConfigError` with a message naming the file and the key (and the
line, where the format reports one); the CLI turns it into exit code 2.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Sequence

from vpce_checks.core.findings import Severity
from vpce_checks.core.model import parse_until, split_until

if TYPE_CHECKING:
    from vpce_checks.core.registry import Rule

YAML_NAME = ".vpce-checks.yaml"
PYPROJECT_NAME = "pyproject.toml"
PYPROJECT_TABLE = "vpce-checks"
FAIL_ON = ("error", "warning", "info", "never")
KEYS = ("select", "ignore", "severity", "fail-on", "exclude", "baseline")
"""Every key the configuration accepts."""


class ConfigError(Exception):
    """An unreadable or invalid configuration file; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """The settings read from one configuration file (empty when there is none).

    Rule keys are resolved to rule IDs; ``exclude`` and ``baseline`` are resolved against
    ``root``, the directory of the file (or the current directory when there is no file).
    An ``ignore`` entry may end with ``:until=YYYY-MM-DD`` (after an optional reason:
    ``VPCE013:proxy on purpose:until=2027-03-31``); ``ignore_until`` holds those dates, and
    :meth:`ignored` leaves out the entries that have expired.
    """

    source: str | None = None
    root: str = "."
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str | None = None
    exclude: tuple[str, ...] = ()
    baseline: str | None = None
    ignore_until: dict[str, date] = field(default_factory=dict)
    """Rule ID → the last day its ``ignore`` entry holds."""

    def ignored(self, today: date) -> tuple[str, ...] | None:
        """The ``ignore`` rule IDs still in force on ``today`` (None when the file has no ``ignore``)."""
        if self.ignore is None:
            return None
        return tuple(rule_id for rule_id in self.ignore if rule_id not in self.expired_ignores(today))

    def expired_ignores(self, today: date) -> dict[str, str]:
        """Rule ID → what to tell the user, for each ``ignore`` entry whose ``until`` day has passed."""
        where = self.source or "the configuration"
        return {
            rule_id: f"ignored in {where} until {until}: expired"
            for rule_id, until in self.ignore_until.items()
            if today > until
        }

    def is_excluded(self, path: str) -> bool:
        """Whether ``path`` (a file or directory, relative to the current directory) is excluded.

        A path is excluded when it, or one of its parent directories, matches an ``exclude``
        pattern, taken relative to :attr:`root`. Patterns are ``fnmatch`` globs, where ``*`` also
        matches ``/``. A path outside :attr:`root` is never excluded.
        """
        if not self.exclude:
            return False
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
        parts = PurePath(relative).parts
        if not parts or parts[0] == "..":
            return False
        candidates = ["/".join(parts[: length + 1]) for length in range(len(parts))]
        return any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates for pattern in self.exclude)

    def override_rules(self, rules: Sequence[Rule]) -> list[Rule]:
        """``rules`` with the configured severities in place of their defaults.

        The engine gives each finding its rule's severity, so running these rules changes the
        severity of their findings in every format, and the rule tables of SARIF and JUnit too.
        """
        return [replace(item, severity=self.severity.get(item.id, item.severity)) for item in rules]


def find_config_file(start: str = ".") -> str | None:
    """The configuration file that applies in ``start``, relative to the current directory; see the module's docs."""
    directory = Path(start).resolve()
    while True:
        yaml_file = directory / YAML_NAME
        if yaml_file.is_file():
            return os.path.relpath(yaml_file)
        pyproject = directory / PYPROJECT_NAME
        if pyproject.is_file() and _has_tool_table(pyproject):
            return os.path.relpath(pyproject)
        if (directory / ".git").exists() or directory.parent == directory:
            return None
        directory = directory.parent


def load_config(path: str | None) -> Config:
    """Read and validate the configuration file at ``path``; ``None`` gives the empty configuration."""
    if path is None:
        return Config()
    if not os.path.isfile(path):
        raise ConfigError(f"{path}: no such configuration file")
    if path.endswith(".toml"):
        raw, lines = _read_toml(path)
    else:
        raw, lines = _read_yaml(path)
    return _validate(path, raw, lines)


def _has_tool_table(path: Path) -> bool:
    content = path.read_bytes()
    if b"vpce" not in content and b"\\u" not in content.lower():
        return False  # no table of ours, however it is spelled (TOML spells a key's letters or escapes them)
    tomllib = _toml()
    # A pyproject.toml that cannot be parsed may still be ours: let load_config report it.
    try:
        tool = tomllib.loads(content.decode("utf-8")).get("tool")
        return isinstance(tool, dict) and PYPROJECT_TABLE in tool
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return f"[tool.{PYPROJECT_TABLE}]" in content.decode("utf-8", errors="replace")


def _toml() -> Any:
    """The TOML reader (imported here: most runs find no pyproject.toml of their own)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 has no tomllib; tomli is the same parser
        import tomli as tomllib
    return tomllib


def _read_toml(path: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The settings table and the line (1-based) of each of its keys, for messages."""
    tomllib = _toml()
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text: {error}") from error
    if os.path.basename(path) != PYPROJECT_NAME:
        return document, _toml_key_lines(text, "")
    tool = document.get("tool")
    table = tool.get(PYPROJECT_TABLE) if isinstance(tool, dict) else None
    if table is None:
        raise ConfigError(f"{path}: has no [tool.{PYPROJECT_TABLE}] table")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.{PYPROJECT_TABLE} must be a table")
    return table, _toml_key_lines(text, f"tool.{PYPROJECT_TABLE}")


def _toml_key_lines(text: str, table: str) -> dict[str, int]:
    """Where each key of ``table`` is written, found line by line (tomllib keeps no positions).

    Good enough for messages: it knows ``key = ...`` lines under a ``[table]`` header and
    ``[table.key]`` sub-table headers; a key it cannot place is reported without a line.
    """
    lines: dict[str, int] = {}
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$", line)
        if header:
            current = header.group(1).replace('"', "").replace(" ", "")
            if table and current.startswith(f"{table}."):
                lines.setdefault(current[len(table) + 1 :].split(".")[0], number)
            continue
        assignment = re.match(r"\s*\"?([A-Za-z0-9_-]+)\"?\s*=", line)
        if assignment and current == table:
            lines.setdefault(assignment.group(1), number)
    return lines


def _read_yaml(path: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The YAML document and the line (1-based) of each top-level key, for messages."""
    import yaml  # here: only a YAML configuration needs it

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        document = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        raise ConfigError(f"{where}: not valid YAML: {error.problem or error.context}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text: {error}") from error
    if document is None:
        return {}, {}
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys to values")
    lines = {}
    if isinstance(node, yaml.MappingNode):
        lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    return document, lines


def _validate(path: str, raw: dict[str, Any], lines: dict[str, int]) -> Config:
    from vpce_checks.core.registry import find_rule

    def where(key: str) -> str:
        return f"{path}:{lines[key]}" if key in lines else path

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{where(key)}: {key}: {problem}")

    def strings(key: str) -> tuple[str, ...]:
        value = raw[key]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise fail(key, f"expected a list of strings, got {value!r}")
        return tuple(value)

    def rule_ids(key: str, names: Sequence[str]) -> tuple[str, ...]:
        ids = []
        for name in names:
            found = find_rule(name)
            if found is None:
                raise fail(key, f"unknown rule {name!r} (see `vpce-checks rules`)")
            ids.append(found.id)
        return tuple(ids)

    for key in raw:
        if key not in KEYS:
            raise fail(str(key), f"unknown key (known keys: {', '.join(KEYS)})")

    root = os.path.dirname(path) or "."
    config = Config(source=path, root=root)
    if "select" in raw:
        config = replace(config, select=rule_ids("select", strings("select")))
    if "ignore" in raw:
        names, until = [], {}
        for entry in strings("ignore"):
            name, _, rest = entry.partition(":")
            names.append(name)
            written = split_until(rest)[1] if rest else None
            if written is not None:
                day = parse_until(written)
                if day is None:
                    raise fail("ignore", f"{entry}: until={written} is not a date YYYY-MM-DD")
                until[name] = day
        ids = rule_ids("ignore", names)
        config = replace(config, ignore=ids, ignore_until={ids[names.index(name)]: day for name, day in until.items()})
    if "severity" in raw:
        table = raw["severity"]
        if not isinstance(table, dict):
            raise fail("severity", f"expected a mapping of rule to severity, got {table!r}")
        severities = {}
        for name, value in table.items():
            (rule_id,) = rule_ids("severity", [str(name)])
            if not isinstance(value, str) or value not in {item.value for item in Severity}:
                choices = ", ".join(item.value for item in Severity)
                raise fail("severity", f"{name}: unknown severity {value!r} (choose from {choices})")
            severities[rule_id] = Severity(value)
        config = replace(config, severity=severities)
    if "fail-on" in raw:
        if raw["fail-on"] not in FAIL_ON:
            raise fail("fail-on", f"expected one of {', '.join(FAIL_ON)}, got {raw['fail-on']!r}")
        config = replace(config, fail_on=raw["fail-on"])
    if "exclude" in raw:
        config = replace(config, exclude=strings("exclude"))
    if "baseline" in raw:
        if not isinstance(raw["baseline"], str) or not raw["baseline"]:
            raise fail("baseline", f"expected a file path, got {raw['baseline']!r}")
        config = replace(config, baseline=os.path.join(root, raw["baseline"]))
    return config
