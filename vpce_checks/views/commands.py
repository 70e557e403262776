"""``vpce-checks cost`` and ``vpce-checks diagram``: the commands' arguments and what they run.

Both read paths, variables (``--var``, ``--var-file``), modules and the configuration file as a
scan does, scan the same way (the rules run too: the diagram marks their findings), and print
views of the model instead of findings. Exit codes: 0, or 2 for a usage or input error (a
message, never a traceback).
"""

from __future__ import annotations

import argparse
import os
from typing import Callable, Protocol, TextIO

from vpce_checks.config import Config, ConfigError, find_config_file, load_config
from vpce_checks.core.engine import UnknownRuleError, choose_rules
from vpce_checks.loader.cache import default_directory
from vpce_checks.loader.module import LoadOptions
from vpce_checks.scan import ParseOptions, ScanResult, scan_paths
from vpce_checks.views import cost_report, diagram_report
from vpce_checks.views.collect import ModuleView, module_view, shown_vpcs
from vpce_checks.views.traffic import Traffic, TrafficError, read_traffic

EXIT_OK, EXIT_ERROR = 0, 2
COST_FORMATS = ("text", "markdown", "json")


class Streams(Protocol):
    """Where a command writes: the CLI's environment (its standard output and error)."""

    @property
    def stdout(self) -> TextIO:
        """Standard output."""

    @property
    def stderr(self) -> TextIO:
        """Standard error."""


class ViewUsageError(Exception):
    """Bad arguments or input for a view command: exit code 2 with a message."""


def cost_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``vpce-checks cost``."""
    parser.description = (
        "Monthly list prices of each VPC's Interface endpoints (per AZ) and NAT gateways, "
        "per-GB prices of each path, and the traffic above which each Interface endpoint beats the NAT."
    )
    _add_inputs(parser, COST_FORMATS, "text")
    parser.add_argument(
        "--traffic",
        metavar="FILE",
        help="GB a month per service (YAML or JSON; see docs/cost-and-diagrams.md): adds monthly totals "
        "through the NAT and through endpoints",
    )


def diagram_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``vpce-checks diagram``."""
    parser.description = (
        "One Mermaid flowchart (or Graphviz DOT graph) of every VPC: AZs as groups, subnets, "
        "their route tables and where 0.0.0.0/0 goes, Gateway and Interface endpoints, findings marked."
    )
    _add_inputs(parser, diagram_report.FORMATS, "mermaid")


def _add_inputs(parser: argparse.ArgumentParser, formats: tuple[str, ...], default: str) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("-f", "--format", choices=formats, default=default, help=f"output format (default: {default})")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="set an input variable")
    parser.add_argument(
        "--var-file", action="append", default=[], metavar="FILE", help="read input variables from FILE"
    )
    config = parser.add_mutually_exclusive_group()
    config.add_argument("--config", metavar="FILE", help="read settings from FILE (default: found from the cwd up)")
    config.add_argument("--no-config", action="store_true", help="read no configuration file")


def run_cost(options: argparse.Namespace, env: Streams) -> int:
    """Run ``vpce-checks cost``."""
    try:
        traffic = read_traffic(options.traffic) if options.traffic else None  # a broken file fails before the scan
    except TrafficError as error:
        return _error(error, env.stderr)

    def render(result: ScanResult, views: list[ModuleView]) -> str:
        items = shown_vpcs(views)
        if traffic is not None:
            _note_unmatched(traffic, {item.vpc.cost.vpc for item in items}, env.stderr)
        if options.format == "json":
            return cost_report.json_document(items, traffic)
        if options.format == "markdown":
            return cost_report.render_markdown(items, traffic)
        return cost_report.render_text(items, traffic)

    return _run(options, env, render)


def run_diagram(options: argparse.Namespace, env: Streams) -> int:
    """Run ``vpce-checks diagram``."""

    def render(result: ScanResult, views: list[ModuleView]) -> str:
        items = shown_vpcs(views)
        if options.format == "mermaid":
            refusal = diagram_report.too_large(items, result.findings)
            if refusal is not None:
                print(
                    f"vpce-checks: note: Mermaid will refuse this flowchart ({refusal}): "
                    "draw fewer directories at once, or use --format dot",
                    file=env.stderr,
                )
        return diagram_report.render(options.format, items, result.findings)

    return _run(options, env, render)


def _run(options: argparse.Namespace, env: Streams, render: Callable[[ScanResult, list[ModuleView]], str]) -> int:
    try:
        result = _scan(options, env.stderr)
    except (ViewUsageError, ConfigError) as error:
        return _error(error, env.stderr)
    views = [view for view in result.views if isinstance(view, ModuleView)]
    for view in views:
        if view.error:
            print(f"vpce-checks: note: {view.error}; please report it", file=env.stderr)
    text = render(result, views)
    if options.output:
        with open(options.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        env.stdout.write(text)
    return EXIT_OK


def _error(error: Exception, stderr: TextIO) -> int:
    print(f"vpce-checks: error: {error}", file=stderr)
    return EXIT_ERROR


def _scan(options: argparse.Namespace, stderr: TextIO) -> ScanResult:
    """Scan the paths as ``vpce-checks scan`` would, building the views of every root module."""
    for path in options.paths:
        if not os.path.exists(path):
            raise ViewUsageError(f"{path}: no such file or directory")
    for path in options.var_file:
        if not os.path.isfile(path):
            raise ViewUsageError(f"--var-file {path}: no such file")
    config = Config() if options.no_config else load_config(options.config or find_config_file())
    try:
        rules = config.override_rules(choose_rules(config.select or (), config.ignore or ()))
    except UnknownRuleError as error:
        raise ViewUsageError(str(error)) from error
    load = LoadOptions(var_files=list(options.var_file), variables=_variables(options.var))
    parsing = ParseOptions(jobs=os.cpu_count() or 1, cache_directory=default_directory())
    result = scan_paths(options.paths, rules, load, parsing, exclude=config.is_excluded, view=module_view)
    for note in result.notes:
        print(f"vpce-checks: note: {note.location.file}:{note.location.start_line}: {note.message}", file=stderr)
    result.findings = [finding for finding in result.findings if not config.is_excluded(finding.file)]
    return result


def _variables(pairs: list[str]) -> dict[str, str]:
    variables = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise ViewUsageError(f"--var {pair!r}: expected NAME=VALUE")
        variables[name.strip()] = value
    return variables


def _note_unmatched(traffic: Traffic, known: set[str], stderr: TextIO) -> None:
    """Say which VPC entries of the traffic file match no scanned VPC (a typo, or another stack's VPC)."""
    for vpc in traffic.vpcs:
        if vpc not in known:
            line = f":{traffic.lines[vpc]}" if vpc in traffic.lines else ""
            print(f"vpce-checks: note: {traffic.path}{line}: no scanned VPC is named {vpc!r}", file=stderr)
