"""Project-wide promises: a standard-library core, complete rule docs, generated files up to date."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from vpce_checks.core.registry import CATEGORIES, DOC_SECTIONS, all_rules
from vpce_checks.docs import generated_files

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "vpce_checks" / "core"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_imports_only_the_standard_library(path: Path) -> None:
    outside = {name for name in imported_modules(path) if name not in sys.stdlib_module_names and name != "vpce_checks"}
    assert outside == set()


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_does_not_reach_into_front_ends(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "vpce_checks.loader" not in text and "vpce_checks.reporters" not in text


def test_only_the_loader_imports_hcl2() -> None:
    importers = {
        path.relative_to(ROOT).parts[1]
        for path in (ROOT / "vpce_checks").rglob("*.py")
        if "hcl2" in imported_modules(path)
    }
    assert importers == {"loader"}


def test_lark_is_imported_by_the_loader_and_the_adapters_parser_only() -> None:
    importers = {
        path.relative_to(ROOT / "vpce_checks").as_posix()
        for path in (ROOT / "vpce_checks").rglob("*.py")
        if "lark" in imported_modules(path)
    }
    assert {name.split("/")[0] for name in importers} == {"loader", "checkov_adapter"}
    assert {name for name in importers if name.startswith("checkov_adapter")} == {"checkov_adapter/parser.py"}


POLICY_FILE = ROOT / "vpce_checks" / "checkov_policies" / "vpce_checks_checkov.py"
CHECKOV_ENVIRONMENT = {"checkov", "lark", "hcl2", "platformdirs", "yaml"}
"""What checkov's environment holds besides the standard library (``hcl2`` there is checkov's fork)."""


def package_imports(path: Path) -> set[str]:
    """The vpce_checks modules ``path`` imports (a ``from x import y`` may name module ``x.y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("vpce_checks"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("vpce_checks"):
            names.add(str(node.module))
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def checkov_side() -> set[Path]:
    """Every module of the package that checkov loads, following imports from the checks file."""
    found: set[Path] = set()
    todo = [POLICY_FILE]
    while todo:
        path = todo.pop()
        if path in found:
            continue
        found.add(path)
        for name in package_imports(path):
            module = ROOT.joinpath(*name.split("."))
            todo += [
                candidate for candidate in (module.with_suffix(".py"), module / "__init__.py") if candidate.is_file()
            ]
    return found


def test_what_checkov_loads_needs_only_checkovs_environment() -> None:
    """The checks run where only checkov (with its lark, its fork of hcl2, PyYAML and platformdirs) is installed."""
    side = checkov_side()
    assert ROOT / "vpce_checks" / "loader" / "evaluate.py" in side  # the analyzer's evaluator runs there
    for path in side:
        outside = {name for name in imported_modules(path) if name not in sys.stdlib_module_names}
        assert outside <= CHECKOV_ENVIRONMENT | {"vpce_checks"}, path
        # The other front ends and the CLI's own modules are never imported there.
        for name in package_imports(path):
            assert not name.startswith(("vpce_checks.cli", "vpce_checks.reporters", "vpce_checks.config")), path
    # python-hcl2's own API is never called inside checkov: the adapter installs its parser first.
    syntax = (ROOT / "vpce_checks" / "loader" / "syntax.py").read_text(encoding="utf-8")
    assert syntax.count("hcl2.") == 1 and "hcl2.parses_to_tree(text)" in syntax


def test_only_the_adapter_imports_checkov() -> None:
    importers = {path.name for path in (ROOT / "vpce_checks").rglob("*.py") if "checkov" in imported_modules(path)}
    assert importers == {"checks.py", "refusal.py"}


def test_custom_policies_is_the_packaged_directory() -> None:
    """The clone's custom_policies/ and a pip install's `vpce-checks checkov-dir` hold the same files."""
    assert (ROOT / "custom_policies").resolve() == (ROOT / "vpce_checks" / "checkov_policies").resolve()


def test_rule_metadata() -> None:
    rules = all_rules()
    assert len({item.id for item in rules}) == len({item.slug for item in rules}) == len(rules) == 17
    for item in rules:
        assert item.category in CATEGORIES
        assert item.title and item.slug == item.slug.lower() and " " not in item.slug
        assert not item.slug.startswith(("no-", "disallow-")), "name the flagged pattern"
        for section in DOC_SECTIONS:
            assert section in item.docs, f"{item.id} docs lack {section}"


def test_generated_docs_are_up_to_date() -> None:
    files = generated_files(ROOT)
    stale = [str(path.relative_to(ROOT)) for path, content in files.items() if path.read_text() != content]
    assert stale == [], "run `make docs`"


def test_every_rule_page_exists_and_no_stray_pages() -> None:
    pages = {path.stem for path in (ROOT / "docs" / "rules").glob("*.md")}
    assert pages == {item.id for item in all_rules()}
