"""The checkov adapter's parts that need no checkov: its parser, its reading of checkov's graph, its verdicts."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hypothesis import HealthCheck, given, settings
from lark import Token, Tree
from lark.exceptions import UnexpectedInput
from strategies import FIXTURE_FILES, mutated_configurations, mutated_fixtures, terraform_configurations
from test_fixtures import CASES

from vpce_checks.checkov_adapter import checkov_rules, parser
from vpce_checks.checkov_adapter.analysis import Analysis, PlanAnalysis, address_steps, covers
from vpce_checks.checkov_adapter.vertices import Blocks, Place, Target, module_address, root_directory, target_of
from vpce_checks.loader import syntax
from vpce_checks.loader.discover import discover
from vpce_checks.scan import scan_paths

QUICK = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# The parser ----------------------------------------------------------------------------------------


def test_the_grammar_is_python_hcl2s_own() -> None:
    """Refresh vpce_checks/checkov_adapter/hcl2.lark from python-hcl2 when this fails."""
    installed = Path(hcl2.__file__).with_name("hcl2.lark")
    assert parser.GRAMMAR.read_bytes() == installed.read_bytes()


def shape(node: Any) -> Any:
    """A parse tree with every position: trees must agree to the line and column."""
    if isinstance(node, Token):
        return (node.type, str(node), node.line, node.column, node.end_line, node.end_column)
    meta = None if node.meta.empty else (node.meta.line, node.meta.column, node.meta.end_line, node.meta.end_column)
    return (str(node.data), meta, [shape(child) for child in node.children])


def parsed(parse: Any, text: str) -> Any:
    try:
        return shape(parse(text))
    except UnexpectedInput as error:
        return ("error", type(error).__name__, getattr(error, "line", None), getattr(error, "column", None))
    except RecursionError:
        return ("too deep",)


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("tables"))


@pytest.fixture(scope="module")
def rebuilt(tables: str) -> Any:
    built = parser.build(tables)
    return lambda text: parser.parses_to_tree(built, text)


def same_trees(rebuilt: Any, files: dict[str, bytes]) -> None:
    for data in files.values():
        text = data.decode("utf-8", errors="replace")
        assert parsed(rebuilt, text) == parsed(hcl2.parses_to_tree, text)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: str(path.relative_to(path.parents[1])))
def test_the_rebuilt_parser_gives_python_hcl2s_trees_on_every_fixture(rebuilt: Any, path: Path) -> None:
    same_trees(rebuilt, {path.name: path.read_bytes()})


@QUICK
@given(terraform_configurations())
def test_the_rebuilt_parser_gives_python_hcl2s_trees_on_generated_configurations(
    rebuilt: Any, files: dict[str, bytes]
) -> None:
    same_trees(rebuilt, files)


@QUICK
@given(mutated_fixtures())
def test_the_rebuilt_parser_gives_python_hcl2s_trees_on_mutated_fixtures(rebuilt: Any, files: dict[str, bytes]) -> None:
    same_trees(rebuilt, files)


@QUICK
@given(mutated_configurations())
def test_the_rebuilt_parser_gives_python_hcl2s_trees_on_mutated_configurations(
    rebuilt: Any, files: dict[str, bytes]
) -> None:
    same_trees(rebuilt, files)


def test_the_tables_are_cached_as_json_and_a_bad_entry_is_rebuilt(tmp_path: Path) -> None:
    first = parser.build.__wrapped__(str(tmp_path))  # type: ignore[attr-defined]
    (entry,) = tmp_path.rglob("*.json")
    _, _, payload = entry.read_bytes().partition(b"\n")
    assert json.loads(payload)["tables"]
    cached = parser.build.__wrapped__(str(tmp_path))  # type: ignore[attr-defined]
    text = (FIXTURE_FILES[0]).read_text(encoding="utf-8")
    assert shape(parser.parses_to_tree(cached, text)) == shape(parser.parses_to_tree(first, text))
    # Tables lark cannot load (consistent checksum, wrong content) are rebuilt, never trusted.
    broken = json.dumps({**json.loads(payload), "tables": {"data": {}, "memo": {}}}).encode()
    entry.write_bytes(hashlib.sha256(broken).hexdigest().encode() + b"\n" + broken)
    rebuilt = parser.build.__wrapped__(str(tmp_path))  # type: ignore[attr-defined]
    assert shape(parser.parses_to_tree(rebuilt, text)) == shape(parser.parses_to_tree(first, text))
    assert json.loads(entry.read_bytes().partition(b"\n")[2])["tables"]["data"]  # good tables written back


def test_installing_the_parser_keeps_its_cache_entries_apart(tmp_path: Path) -> None:
    assert syntax.parser_identity() == ""
    parser.install(str(tmp_path))
    try:
        assert syntax.parser_identity().startswith("hcl2-grammar=")
        tree = syntax.parse_hcl('x = "a"\n', "t.tf")
        assert isinstance(tree, Tree) and tree.data == "start"
    finally:
        syntax.use_parser(None)
    assert syntax.parser_identity() == ""


# Reading checkov's graph ---------------------------------------------------------------------------


def vertex(kind: str, file: Path, address: str | None, line: int = 1, **extra: Any) -> dict[str, Any]:
    config: dict[str, Any] = {"__start_line__": line, "__end_line__": line + 2}
    if address is not None:
        config["__address__"] = address
    return {
        "block_type_": kind,
        "file_path_": str(file),
        "__address__": address,
        "config_": {"x": {"y": config}},
        **extra,
    }


def test_roots_are_the_outermost_callers_directories(tmp_path: Path) -> None:
    caller = tmp_path / "stacks" / "prod" / "main.tf"
    module = tmp_path / "modules" / "endpoints" / "main.tf"
    # checkov's module object names the calling file, and the module that call sits in, up to the root.
    outer = {"path": str(caller), "nested_tf_module": None}
    inner = vertex("resource", tmp_path / "modules" / "vpce" / "main.tf", "module.e.module.v.aws_vpc_endpoint.x")
    inner["source_module_object_"] = {"path": str(module), "nested_tf_module": outer}
    assert root_directory(inner) == str((tmp_path / "stacks" / "prod").resolve())
    target = target_of(
        [
            inner,
            vertex("resource", caller, "aws_vpc.main"),
            vertex("tfvar", tmp_path / "only-vars" / "terraform.tfvars", None),
        ],
        ["extra.tfvars"],
    )
    # A directory with a tfvars file and no Terraform is no root; var files are as checkov was given them.
    assert target == Target((str((tmp_path / "stacks" / "prod").resolve()),), (str(Path("extra.tfvars").resolve()),))


def test_blocks_are_found_by_identity_first(tmp_path: Path) -> None:
    """Two roots calling one module give equal blocks; only identity tells them apart."""
    module = tmp_path / "modules" / "e" / "main.tf"
    dev = vertex(
        "resource",
        module,
        "module.e.aws_vpc_endpoint.x",
        source_module_object_={"path": str(tmp_path / "dev" / "main.tf")},
    )
    prod = vertex(
        "resource",
        module,
        "module.e.aws_vpc_endpoint.x",
        source_module_object_={"path": str(tmp_path / "prod" / "main.tf")},
    )
    blocks = Blocks([dev, prod])
    prod_conf = prod["config_"]["x"]["y"]
    assert prod_conf == dev["config_"]["x"]["y"]
    assert blocks.find(prod_conf, "/modules/e/main.tf") is prod
    # A copy is matched by address, line and file only when that is unique: here it is not.
    assert blocks.find(dict(prod_conf), "/modules/e/main.tf") is None
    single = Blocks([prod])
    assert single.find(dict(prod_conf), "/modules/e/main.tf") is prod


@pytest.mark.parametrize(
    ("checkov", "terraform"),
    [
        ("vpc_endpoints", "module.vpc_endpoints"),
        ('env["prod"]', 'module.env["prod"]'),
        ("module.net[0].endpoints", "module.net[0].module.endpoints"),
        ('module.env["a.b"].endpoints', 'module.env["a.b"].module.endpoints'),
    ],
)
def test_module_addresses(checkov: str, terraform: str) -> None:
    assert module_address(checkov) == terraform


def test_what_a_checkov_block_stands_for() -> None:
    assert address_steps('module.net[0].aws_vpc_endpoint.this["a.b]"]') == [
        ("module", ""),
        ("net", "[0]"),
        ("aws_vpc_endpoint", ""),
        ("this", '["a.b]"]'),
    ]
    assert covers("aws_vpc_endpoint.x", 'aws_vpc_endpoint.x["ssm"]')
    assert covers("aws_vpc_endpoint.x", "aws_vpc_endpoint.x")
    assert not covers("aws_vpc_endpoint.x[0]", "aws_vpc_endpoint.x[1]")
    assert not covers("aws_vpc_endpoint.x", "aws_vpc_endpoint.xy")
    assert covers("module.sandbox.module.e.aws_vpc_endpoint.s3", "module.sandbox[0].module.e.aws_vpc_endpoint.s3")
    assert covers("module.env", 'module.env["prod"].aws_vpc_endpoint.x', inside=True)
    assert not covers("module.env", "module.env", inside=True)
    assert not covers('module.env["dev"]', 'module.env["prod"].aws_vpc_endpoint.x', inside=True)


# The analysis --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_the_analysis_gives_the_analyzers_verdict_on_every_resource(case: Path, tables: str) -> None:
    """Asked about each of the analyzer's resources where it is written, the adapter answers as the analyzer."""
    expected = scan_paths([str(case)], checkov_rules(), with_outcomes=True).outcomes
    roots = tuple(str(Path(directory).resolve()) for directory in discover(str(case)).directories)
    try:
        analysis = Analysis(Target(roots, ()), checkov_rules(), tables, date.today())
    finally:
        syntax.use_parser(None)
    for outcome in expected:
        location = outcome.resource.location
        # scan_paths shows files relative to the working directory, as it was given the case.
        file = str(Path(location.file).resolve())
        verdicts = [
            analysis.resource_verdict(
                outcome.rule_id, Place(root, file, location.start_line, outcome.resource.address, True)
            )
            for root in analysis.roots
        ]
        (verdict,) = [verdict for verdict in verdicts if verdict.result != "unknown"]
        assert verdict.result == outcome.result, (outcome.rule_id, outcome.resource.address)
        if outcome.result == "failed":
            assert list(verdict.details) == [finding.message for finding in outcome.findings if not finding.suppressed]


def test_a_plans_verdicts_are_found_by_address_and_what_checkov_lacks_is_unreported() -> None:
    plan = str(Path(__file__).resolve().parent.parent / "fixtures" / "plan_values_from_var_file" / "tfplan.json")
    analysis = PlanAnalysis(plan, checkov_rules(), date.today())
    ssm = 'aws_vpc_endpoint.session_manager["ssm"]'
    verdict = analysis.resource_verdict("VPCE005", Place(plan, plan, 0, ssm, resolved=True))
    assert verdict.result == "failed" and "eu-west-1a" in verdict.details[0]
    assert analysis.resource_verdict("VPCE005", Place(plan, plan, 0, "aws_vpc.main", resolved=True)).result == "unknown"
    assert analysis.resource_verdict("VPCE010", Place(plan, plan, 0, ssm, resolved=True)).result == "passed"
    # Every failure is on a resource checkov lists; leave one out and its failures are the unreported ones.
    assert analysis.unreported(analysis.addresses) == []
    missing = analysis.unreported(analysis.addresses - {ssm})
    assert missing and {outcome.resource.address for outcome in missing} == {ssm}
    assert {outcome.rule_id for outcome in missing} == {"VPCE005"}
    assert analysis.unread_verdict(Place(plan, plan, 0, ssm, resolved=True)).result == "unknown"
