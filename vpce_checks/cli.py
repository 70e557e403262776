"""The ``vpce-checks`` command line: scan, list rules, explain a rule, locate the checkov checks."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

import vpce_checks
from vpce_checks import __version__
from vpce_checks.baseline import BaselineError, apply_baseline, read_baseline, write_baseline
from vpce_checks.config import FAIL_ON, Config, ConfigError, find_config_file, load_config
from vpce_checks.core.engine import UnknownRuleError, choose_rules
from vpce_checks.core.findings import Severity
from vpce_checks.core.registry import Rule, all_rules, find_rule
from vpce_checks.docs import rules_table_text
from vpce_checks.loader.cache import CACHE_DIR_VARIABLE, default_directory
from vpce_checks.loader.module import LoadOptions
from vpce_checks.loader.syntax import Limits
from vpce_checks.reporters import FORMATS, render
from vpce_checks.scan import ParseOptions, scan_paths
from vpce_checks.views.collect import module_view
from vpce_checks.views.commands import add_cost_command, add_diagram_command, run_cost, run_diagram
from vpce_checks.views.report import extend_report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
COMMANDS = ("scan", "rules", "explain", "checkov-dir", "cost", "diagram")
CHECKOV_POLICIES = "checkov_policies"
MEGABYTE = 1024 * 1024


class UsageError(Exception):
    """Bad arguments or configuration: exit code 2 with a message."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (its help is the command's reference)."""
    parser = argparse.ArgumentParser(
        prog="vpce-checks",
        description="Lint Terraform for broken, fragile and wasteful AWS VPC endpoint designs.",
        epilog="Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or internal error.",
    )
    parser.add_argument("--version", action="version", version=f"vpce-checks {__version__}")
    commands = parser.add_subparsers(dest="command")

    scan = commands.add_parser("scan", help="scan Terraform directories (the default command)")
    scan.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    scan.add_argument("-f", "--format", choices=sorted(FORMATS), default="text", help="output format (default: text)")
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    # Defaults of options a configuration file can set are None, so "not given" can be told apart.
    scan.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="lowest severity that makes the exit code 1 (default: the configuration's fail-on, else error)",
    )
    scan.add_argument("--select", metavar="IDS", help="only these rules (comma-separated IDs or slugs)")
    scan.add_argument("--ignore", metavar="IDS", help="skip these rules (comma-separated IDs or slugs)")
    scan.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="set an input variable")
    scan.add_argument("--var-file", action="append", default=[], metavar="FILE", help="read input variables from FILE")
    config = scan.add_mutually_exclusive_group()
    config.add_argument("--config", metavar="FILE", help="read settings from FILE (default: found from the cwd up)")
    config.add_argument("--no-config", action="store_true", help="read no configuration file")
    scan.add_argument("--baseline", metavar="FILE", help="report and fail only on findings not recorded in FILE")
    scan.add_argument(
        "--update-baseline",
        action="store_true",
        help="record the current findings in the baseline file (creating it) and exit 0",
    )
    scan.add_argument(
        "--jobs",
        type=_positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="scan modules in N processes (default: the number of CPUs; 1 uses no extra process)",
    )
    scan.add_argument(
        "--no-cache", action="store_true", help=f"do not read or write the parse cache (${CACHE_DIR_VARIABLE})"
    )
    scan.add_argument(
        "--full-parse",
        action="store_true",
        help="parse every block of every file, also those no rule reads, so that any syntax error is reported",
    )
    defaults = Limits()
    for flag, metavar, default, meaning in (
        ("--max-file-size", "MB", defaults.max_file_bytes // MEGABYTE, "report larger files instead of reading them"),
        ("--max-nesting", "N", defaults.max_nesting, "report brackets nested deeper than N instead of parsing them"),
        ("--max-expansion", "N", defaults.max_expansion, "report a count or for_each over N and treat it as unknown"),
    ):
        described = f"{meaning} (default: {default})"
        scan.add_argument(flag, type=_positive, default=default, metavar=metavar, help=described)

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")

    explain = commands.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule", metavar="ID", help="rule ID or slug, e.g. VPCE008")

    commands.add_parser(
        "checkov-dir", help="print the directory to pass to `checkov --external-checks-dir` (pip installs)"
    )
    add_cost_command(commands)
    add_diagram_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0] not in COMMANDS and arguments[0] not in ("-h", "--help", "--version")):
        arguments.insert(0, "scan")
    try:
        options = build_parser().parse_args(arguments)
    except SystemExit as exit_:
        return EXIT_CLEAN if exit_.code == 0 else EXIT_ERROR
    try:
        if options.command == "rules":
            return _list_rules(options.format)
        if options.command == "explain":
            return _explain(options.rule)
        if options.command == "checkov-dir":
            return _checkov_dir()
        if options.command == "cost":
            return run_cost(options)
        if options.command == "diagram":
            return run_diagram(options)
        return _scan(options)
    except (UsageError, ConfigError, BaselineError) as error:
        print(f"vpce-checks: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        print(f"vpce-checks: internal error: {type(error).__name__}: {error}. Please report this.", file=sys.stderr)
        return EXIT_ERROR


def _scan(options: argparse.Namespace) -> int:
    for path in options.paths:
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file or directory")
    config = Config() if options.no_config else load_config(options.config or find_config_file())
    rules = config.override_rules(_chosen_rules(options, config))
    load = LoadOptions(var_files=list(options.var_file), variables=_variables(options.var))
    for path in load.var_files:
        if not os.path.isfile(path):
            raise UsageError(f"--var-file {path}: no such file")
    baseline_path: str | None = options.baseline or config.baseline
    if options.update_baseline and baseline_path is None:
        raise UsageError("--update-baseline needs a baseline file: --baseline FILE, or `baseline` in the configuration")
    # Read the baseline before scanning, so that a missing or broken one fails at once.
    recorded = read_baseline(baseline_path) if baseline_path and not options.update_baseline else None

    parsing = ParseOptions(
        jobs=options.jobs,
        cache_directory=None if options.no_cache else default_directory(),
        prefilter=not options.full_parse,
        limits=Limits(
            max_file_bytes=options.max_file_size * MEGABYTE,
            max_nesting=options.max_nesting,
            max_expansion=options.max_expansion,
        ),
    )
    view = module_view if options.format in ("json", "markdown") else None
    result = scan_paths(options.paths, rules, load, parsing, exclude=config.is_excluded, view=view)
    for note in result.notes:
        # Skipped parts (an unreadable module source) are not findings; say so where people look.
        print(f"vpce-checks: note: {note.location.file}:{note.location.start_line}: {note.message}", file=sys.stderr)
    findings = [finding for finding in result.findings if not config.is_excluded(finding.file)]
    if options.update_baseline and baseline_path is not None:
        count = write_baseline(baseline_path, findings)
        print(f"vpce-checks: recorded {count} finding{'' if count == 1 else 's'} in {baseline_path}", file=sys.stderr)
        return EXIT_CLEAN
    hidden = 0
    if recorded is not None:
        filtered = apply_baseline(findings, recorded)
        findings, hidden = filtered.findings, filtered.hidden

    report = extend_report(options.format, render(options.format, findings, rules, hidden), findings, result.views)
    if options.output:
        with open(options.output, "w", encoding="utf-8") as handle:
            handle.write(report)
    else:
        sys.stdout.write(report)
    fail_on = options.fail_on or config.fail_on or "error"
    if fail_on == "never":
        return EXIT_CLEAN
    threshold = Severity(fail_on)
    failing = [f for f in findings if not f.suppressed and f.severity.rank >= threshold.rank]
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _chosen_rules(options: argparse.Namespace, config: Config) -> list[Rule]:
    """The rules to run: ``--select``/``--ignore`` each replace the configuration's list when given."""
    select = _ids(options.select) if options.select is not None else config.select or ()
    ignore = _ids(options.ignore) if options.ignore is not None else config.ignore or ()
    try:
        return choose_rules(select, ignore)
    except UnknownRuleError as error:
        raise UsageError(str(error)) from error


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return number


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _variables(pairs: list[str]) -> dict[str, str]:
    variables = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise UsageError(f"--var {pair!r}: expected NAME=VALUE")
        variables[name.strip()] = value
    return variables


def _list_rules(fmt: str) -> int:
    if fmt == "markdown":
        from vpce_checks.docs import rules_table_markdown

        sys.stdout.write(rules_table_markdown() + "\n")
    else:
        sys.stdout.write(rules_table_text())
    return EXIT_CLEAN


def _checkov_dir() -> int:
    """Print the checkov checks directory shipped inside the installed package."""
    directory = Path(vpce_checks.__file__).resolve().parent / CHECKOV_POLICIES
    if not directory.is_dir():
        raise UsageError(
            f"{directory}: no checkov checks in this installation of vpce-checks; "
            "reinstall it (pip install vpce-checks), or use custom_policies/ from a clone of the repository"
        )
    print(directory)
    return EXIT_CLEAN


def _explain(key: str) -> int:
    found = find_rule(key)
    if found is None:
        known = ", ".join(item.id for item in all_rules())
        raise UsageError(f"unknown rule {key!r}; known rules: {known}")
    sys.stdout.write(
        f"{found.id} {found.slug} ({found.severity.value}, {found.category})\n{found.title}\n\n{found.docs}\n"
    )
    return EXIT_CLEAN
