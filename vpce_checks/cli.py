"""The ``vpce-checks`` command line: scan, list rules, explain a rule, locate the checkov checks.

The commands are one table, :data:`COMMANDS`: each has a name, a line of help, a function that
adds its arguments and one that runs it. ``scan`` is the default, so ``vpce-checks PATH`` scans,
and the top-level ``--help`` is the scan's help with the commands listed.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Callable, NoReturn, Sequence, TextIO

from vpce_checks import __version__
from vpce_checks.config import FAIL_ON, ConfigError
from vpce_checks.loader.cache import CACHE_DIR_VARIABLE
from vpce_checks.loader.options import Limits, LoadOptions
from vpce_checks.reporters import FORMATS
from vpce_checks.terminal import COLOR_MODES

if TYPE_CHECKING:
    from vpce_checks.config import Config
    from vpce_checks.core.findings import Finding
    from vpce_checks.core.model import Problem
    from vpce_checks.core.registry import Rule
    from vpce_checks.reporters.run import Run
    from vpce_checks.scan import ParseOptions, ScanResult, ViewBuilder
    from vpce_checks.views.commands import Render

# What a command needs is imported when it runs: `--version`, `rules` and a scan answered from
# the cache load neither the parser nor the YAML reader (tests/test_imports.py checks it).

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DEFAULT_COMMAND = "scan"
CHECKOV_POLICIES = "checkov_policies"
MEGABYTE = 1024 * 1024
RULES_FORMATS = ("text", "json", "markdown")
VIEW_FORMATS = ("json", "markdown")
"""The report formats that show the cost and diagram views."""
PROG = "vpce-checks"


class UsageError(Exception):
    """Bad arguments or configuration: exit code 2 with a message."""


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, a line of help, what it accepts and what it does."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Environment], int]
    usage: str = ""
    """What follows the command's name in the commands list (``ID`` for explain)."""


@dataclass(frozen=True)
class Environment:
    """What a command may look at besides its arguments: streams, variables, today's date, a clock.

    Tests pass their own (a terminal that is not one, a fixed date, a clock they move); the
    console script passes the real ones.
    """

    stdout: TextIO
    stderr: TextIO
    environ: dict[str, str]
    today: date
    clock: Callable[[], float] = time.monotonic


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors suggest what was probably meant (``--fromat`` → ``--format``)."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the message with a suggestion, and exit with code 2."""
        super().error(message + _suggestion(message, self))


def _suggestion(message: str, parser: argparse.ArgumentParser) -> str:
    """`` (did you mean ...?)`` for a mistyped option or choice in an argparse message, else ``""``."""
    import difflib

    unrecognized = re.match(r"unrecognized arguments: (.*)", message)
    if unrecognized:
        options = [option for action in parser._actions for option in action.option_strings]
        for word in unrecognized.group(1).split():
            name = word.split("=", 1)[0]
            close = difflib.get_close_matches(name, options, n=1, cutoff=0.6) if name.startswith("-") else []
            if close:
                return f" (did you mean {close[0]}?)"
        return ""
    invalid = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if invalid:
        choices = [choice.strip(" '") for choice in invalid.group(2).split(",")]
        close = difflib.get_close_matches(invalid.group(1), choices, n=1, cutoff=0.5)
        if close:
            return f" (did you mean {close[0]!r}?)"
    return ""


def build_parser(name: str = DEFAULT_COMMAND) -> argparse.ArgumentParser:
    """The argument parser of one command (its help is the command's reference)."""
    command = COMMANDS[name]
    if name == DEFAULT_COMMAND:
        parser = Parser(
            prog=PROG,
            usage=f"{PROG} [scan] [options] [PATH ...]\n       {PROG} COMMAND [options]",
            description="Lint Terraform for broken, fragile and wasteful AWS VPC endpoint designs.",
            epilog=_commands_help(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    else:
        parser = Parser(prog=f"{PROG} {name}", description=command.help)
    command.arguments(parser)
    return parser


def parse_arguments(arguments: Sequence[str]) -> tuple[str, argparse.Namespace]:
    """The command named first (``scan`` when none is) and its parsed options.

    Raises :class:`SystemExit` as argparse does: code 0 after ``--help``/``--version``, 2 on an error.
    """
    name = arguments[0] if arguments and arguments[0] in COMMANDS else DEFAULT_COMMAND
    rest = list(arguments[1:] if arguments and arguments[0] == name else arguments)
    return name, build_parser(name).parse_args(rest)


def _commands_help() -> str:
    rows = [(f"{command.name} {command.usage}".strip(), command.help) for command in COMMANDS.values()]
    width = max(len(left) for left, _ in rows)
    listed = "\n".join(f"  {left.ljust(width)}  {text}" for left, text in rows)
    return (
        f"commands:\n{listed}\n\n`{PROG} PATH` is `{PROG} scan PATH`;"
        f" `{PROG} COMMAND --help` shows a command's options.\n\n"
        "exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or internal error."
    )


def main(argv: Sequence[str] | None = None, environment: Environment | None = None) -> int:
    """Run the command line; returns the exit code."""
    env = environment or Environment(sys.stdout, sys.stderr, dict(os.environ), date.today())
    try:
        name, options = parse_arguments(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exit_:
        return EXIT_CLEAN if exit_.code == 0 else EXIT_ERROR
    try:
        return COMMANDS[name].run(options, env)
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        from vpce_checks.baseline import BaselineError

        if isinstance(error, (UsageError, ConfigError, BaselineError)):
            print(f"{PROG}: error: {error}", file=env.stderr)
        else:
            print(f"{PROG}: internal error: {type(error).__name__}: {error}. Please report this.", file=env.stderr)
        return EXIT_ERROR


# --- scan ----------------------------------------------------------------------------------------


def input_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that say what to read and how: paths, variables, configuration, speed, limits.

    Every command that scans Terraform takes these, so they mean the same everywhere.
    """
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files or directories (default: .); a file holding the JSON of a plan is read as the plan",
    )
    inputs = parser.add_argument_group("what to read")
    inputs.add_argument(
        "--plan",
        action="append",
        default=[],
        metavar="FILE",
        help="read FILE as the JSON of a Terraform or OpenTofu plan (terraform show -json); "
        "the directory that holds it is analysed through the plan",
    )
    inputs.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="set an input variable")
    inputs.add_argument(
        "--var-file", action="append", default=[], metavar="FILE", help="read input variables from FILE"
    )
    config = inputs.add_mutually_exclusive_group()
    config.add_argument("--config", metavar="FILE", help="read settings from FILE (default: found from the cwd up)")
    config.add_argument("--no-config", action="store_true", help="read no configuration file")
    speed = parser.add_argument_group("speed and limits")
    speed.add_argument(
        "--jobs",
        type=_positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="scan modules in N processes (default: the number of CPUs; 1 uses no extra process)",
    )
    speed.add_argument(
        "--no-cache", action="store_true", help=f"do not read or write the result cache (${CACHE_DIR_VARIABLE})"
    )
    speed.add_argument(
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
        speed.add_argument(flag, type=_positive, default=default, metavar=metavar, help=described)


def output_arguments(parser: argparse.ArgumentParser) -> argparse._ArgumentGroup:
    """The options that say how a report is shown: colour and quiet; returns their group."""
    output = parser.add_argument_group("output")
    output.add_argument(
        "--color",
        choices=COLOR_MODES,
        default="auto",
        help="colour the text output: auto (default) colours a terminal, unless NO_COLOR is set; FORCE_COLOR forces it",
    )
    output.add_argument(
        "-q", "--quiet", action="store_true", help="print the findings only: no summary, notes or progress"
    )
    return output


def _scan_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--list-rules", action="store_true", help=f"list the rules and exit (the same as `{PROG} rules`)"
    )
    output = output_arguments(parser)
    output.add_argument(
        "-f",
        "--format",
        choices=sorted(FORMATS),
        default="text",
        metavar="FORMAT",
        help=f"{', '.join(sorted(FORMATS))} (default: text)",
    )
    output.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    output.add_argument(
        "--show-source", action="store_true", help="text format: show the block each finding is in, lines numbered"
    )
    output.add_argument(
        "--statistics", action="store_true", help="text format: a count per rule instead of the list of findings"
    )
    rules = parser.add_argument_group("rules and the exit code")
    rules.add_argument("--select", metavar="IDS", help="only these rules (comma-separated IDs or slugs)")
    rules.add_argument("--ignore", metavar="IDS", help="skip these rules (comma-separated IDs or slugs)")
    # Defaults of options a configuration file can set are None, so "not given" can be told apart.
    failing = rules.add_mutually_exclusive_group()
    failing.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="lowest severity that makes the exit code 1 (default: the configuration's fail-on, else error)",
    )
    for alias in ("--soft-fail", "--exit-zero"):
        failing.add_argument(
            alias, dest="fail_on", action="store_const", const="never", help="the same as --fail-on never"
        )
    rules.add_argument("--baseline", metavar="FILE", help="report and fail only on findings not recorded in FILE")
    rules.add_argument(
        "--update-baseline",
        action="store_true",
        help="record the current findings in the baseline file (creating it) and exit 0",
    )
    input_arguments(parser)


def _scan(options: argparse.Namespace, env: Environment) -> int:
    from vpce_checks.baseline import apply_baseline, read_baseline, write_baseline
    from vpce_checks.core.findings import Severity
    from vpce_checks.reporters.run import Run, Scanned

    if options.list_rules:
        if options.format not in RULES_FORMATS:
            raise UsageError(f"--list-rules prints {', '.join(RULES_FORMATS)}, not {options.format}")
        return _print_rules(options.format, env)
    config, load = _inputs(options)
    rules, expired_ignores = _chosen_rules(options.select, options.ignore, config, env.today)
    rules = config.override_rules(rules)
    baseline_path: str | None = options.baseline or config.baseline
    if options.update_baseline and baseline_path is None:
        raise UsageError("--update-baseline needs a baseline file: --baseline FILE, or `baseline` in the configuration")
    # Read the baseline before scanning, so that a missing or broken one fails at once.
    recorded = read_baseline(baseline_path) if baseline_path and not options.update_baseline else None

    view = None
    if options.format in VIEW_FORMATS:  # no views imported for the others
        from vpce_checks.views.collect import module_view

        view = module_view
    result, notes = _read(options, env, config, rules, load, view, quiet=options.quiet)
    findings = _findings(result, config, env.today, expired_ignores)
    if options.update_baseline and baseline_path is not None:
        count = write_baseline(baseline_path, findings, _kept_deadlines(baseline_path))
        print(f"{PROG}: recorded {count} finding{'' if count == 1 else 's'} in {baseline_path}", file=env.stderr)
        return EXIT_CLEAN
    hidden = 0
    if recorded is not None:
        filtered = apply_baseline(findings, recorded, env.today)
        findings, hidden = filtered.findings, filtered.hidden

    run = Run(notes, Scanned(result.modules, result.files, result.plans))
    _write_report(options, env, findings, rules, hidden, run, result.views)
    fail_on = options.fail_on or config.fail_on or "error"
    if fail_on == "never":
        return EXIT_CLEAN
    threshold = Severity(fail_on)
    failing = [f for f in findings if not f.suppressed and f.severity.rank >= threshold.rank]
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _inputs(options: argparse.Namespace) -> tuple[Config, LoadOptions]:
    """What the input options say to read: the paths (each must exist), the configuration, the variables."""
    from vpce_checks.config import Config, find_config_file, load_config

    _check_paths(options.paths)
    for plan in options.plan:
        if not os.path.isfile(plan):
            raise UsageError(f"--plan {plan}: no such file")
    config = Config() if options.no_config else load_config(options.config or find_config_file())
    load = LoadOptions(var_files=list(options.var_file), variables=_variables(options.var))
    for path in load.var_files:
        if not os.path.isfile(path):
            raise UsageError(f"--var-file {path}: no such file")
    return config, load


def _read(
    options: argparse.Namespace,
    env: Environment,
    config: Config,
    rules: list[Rule],
    load: LoadOptions,
    view: ViewBuilder | None,
    quiet: bool = False,
) -> tuple[ScanResult, list[Problem]]:
    """Scan the paths as the input options say, with progress and notes on standard error.

    Unless ``quiet``, each note is printed once, and a warning when no Terraform file was found.
    """
    from vpce_checks.reporters.run import unique_notes
    from vpce_checks.scan import scan_paths
    from vpce_checks.terminal import Progress, progress_enabled

    progress = Progress(env.stderr, progress_enabled(env.stderr, env.environ, quiet), env.clock)
    try:
        result = scan_paths(
            options.paths,
            rules,
            load,
            _parsing(options),
            exclude=config.is_excluded,
            progress=progress.update,
            view=view,
            plans=options.plan,
        )
    finally:
        progress.finish()
    notes = unique_notes(result.notes)
    if not quiet:
        _print_notes(notes, env)
        if result.modules == 0 and result.plans == 0:
            _warn(_nothing_scanned(options.paths, result), env)
    return result, notes


def _findings(result: ScanResult, config: Config, today: date, expired_ignores: dict[str, str]) -> list[Finding]:
    """The scan's findings outside the excluded files, with expired suppressions and ignores applied."""
    from vpce_checks.expiry import expire_suppressions, mark_expired_ignores

    findings = [finding for finding in result.findings if not config.is_excluded(finding.file)]
    return mark_expired_ignores(expire_suppressions(findings, today), expired_ignores)


def _views_arguments(name: str) -> Callable[[argparse.ArgumentParser], None]:
    """The arguments of view command ``name``: ``<name>_arguments`` of :mod:`vpce_checks.views.commands`."""

    def add(parser: argparse.ArgumentParser) -> None:
        from vpce_checks.views import commands

        getattr(commands, f"{name}_arguments")(parser)

    return add


def _view_command(name: str) -> Callable[[argparse.Namespace, Environment], int]:
    """Run a view command (``cost``, ``diagram``): read and scan as ``scan`` does, then print the views.

    The rules are the configuration's (``select``, ``ignore``), so the diagram marks what a scan reports.
    """

    def run(options: argparse.Namespace, env: Environment) -> int:
        from vpce_checks.views import commands
        from vpce_checks.views.collect import ModuleView, module_view

        output: Callable[[argparse.Namespace, TextIO], Render] = getattr(commands, f"{name}_output")
        try:
            render = output(options, env.stderr)  # the command's own options fail before the scan
        except commands.OutputError as error:
            raise UsageError(str(error)) from None
        config, load = _inputs(options)
        rules, expired_ignores = _chosen_rules(None, None, config, env.today)
        result, _ = _read(options, env, config, config.override_rules(rules), load, module_view)
        views = [view for view in result.views if isinstance(view, ModuleView)]
        for view in views:
            if view.error:
                print(f"{PROG}: note: {view.error}; please report it", file=env.stderr)
        text = render(_findings(result, config, env.today, expired_ignores), views)
        if options.output:
            with open(options.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            env.stdout.write(text)
        return EXIT_CLEAN

    return run


def _with_inputs(arguments: Callable[[argparse.ArgumentParser], None]) -> Callable[[argparse.ArgumentParser], None]:
    """A view command's own arguments, then the scan's input options."""

    def add(parser: argparse.ArgumentParser) -> None:
        arguments(parser)
        input_arguments(parser)

    return add


def _check_paths(paths: Sequence[str]) -> None:
    """Every path must exist; one that does not and looks like a mistyped command gets a suggestion."""
    for path in paths:
        if not os.path.exists(path):
            import difflib

            close = difflib.get_close_matches(path, list(COMMANDS), n=1, cutoff=0.6)
            hint = f" (did you mean `{PROG} {close[0]}`?)" if close else ""
            raise UsageError(f"{path}: no such file or directory{hint}")


def _parsing(options: argparse.Namespace) -> ParseOptions:
    from vpce_checks.loader.cache import default_directory
    from vpce_checks.scan import ParseOptions

    return ParseOptions(
        jobs=options.jobs,
        cache_directory=None if options.no_cache else default_directory(),
        prefilter=not options.full_parse,
        limits=Limits(
            max_file_bytes=options.max_file_size * MEGABYTE,
            max_nesting=options.max_nesting,
            max_expansion=options.max_expansion,
        ),
    )


def _write_report(
    options: argparse.Namespace,
    env: Environment,
    findings: list[Finding],
    rules: list[Rule],
    hidden: int,
    run: Run,
    views: list[object],
) -> None:
    if options.output:
        with open(options.output, "w", encoding="utf-8") as handle:
            handle.write(_report(options, env, handle, findings, rules, hidden, run, views))
    else:
        env.stdout.write(_report(options, env, env.stdout, findings, rules, hidden, run, views))


def _report(
    options: argparse.Namespace,
    env: Environment,
    stream: TextIO,
    findings: list[Finding],
    rules: list[Rule],
    hidden: int,
    run: Run,
    views: list[object],
) -> str:
    from vpce_checks.reporters import render
    from vpce_checks.reporters.run import Run, TextOptions
    from vpce_checks.source import SourceFiles
    from vpce_checks.terminal import color_enabled

    text = TextOptions(
        color=color_enabled(options.color, stream, env.environ),
        show_source=options.show_source,
        statistics=options.statistics,
        quiet=options.quiet,
        source=SourceFiles(options.max_nesting),
    )
    report = render(options.format, findings, rules, hidden, Run(run.notes, run.scanned, text))
    if options.format not in VIEW_FORMATS:
        return report  # the format shows no cost or picture: the views are not imported
    from vpce_checks.views.report import extend_report

    return extend_report(options.format, report, findings, views)


def _print_notes(notes: Sequence[Problem], env: Environment) -> None:
    """Each note once, on standard error: what could not be judged or was skipped."""
    from vpce_checks.terminal import Palette, color_enabled

    palette = Palette(color_enabled("auto", env.stderr, env.environ))
    for note in notes:
        where = note.location.file + (f":{note.location.start_line}" if note.location.start_line >= 1 else "")
        print(f"{PROG}: {palette.severity('note', 'note')}: {where}: {note.message}", file=env.stderr)


def _warn(message: str, env: Environment) -> None:
    from vpce_checks.terminal import Palette, color_enabled

    palette = Palette(color_enabled("auto", env.stderr, env.environ))
    print(f"{PROG}: {palette.severity('warning', 'warning')}: {message}", file=env.stderr)


def _nothing_scanned(paths: Sequence[str], result: ScanResult) -> str:
    where = ", ".join(paths)
    if result.excluded:
        return f"no Terraform files under {where} outside the configuration's exclude patterns"
    return f"no Terraform files under {where}"


def _kept_deadlines(path: str) -> dict[tuple[str, str, str], date]:
    """The ``until`` dates of the baseline being replaced, so that re-recording keeps them."""
    from vpce_checks.baseline import BaselineError, read_baseline

    try:
        return read_baseline(path).until
    except BaselineError:
        return {}


def _chosen_rules(
    selected: str | None, ignored: str | None, config: Config, today: date
) -> tuple[list[Rule], dict[str, str]]:
    """The rules to run, and the rules that run again because their ignore entry expired.

    ``--select``/``--ignore`` (``selected``/``ignored``) each replace the configuration's list when given.
    """
    from vpce_checks.core.engine import UnknownRuleError, choose_rules

    select = _ids(selected) if selected is not None else config.select or ()
    expired = {} if ignored is not None else config.expired_ignores(today)
    ignore = _ids(ignored) if ignored is not None else config.ignored(today) or ()
    try:
        return choose_rules(select, ignore), expired
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


# --- rules, explain, checkov-dir -----------------------------------------------------------------


def _rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--format", choices=RULES_FORMATS, default="text", help="output format (default: text)")


def _rules(options: argparse.Namespace, env: Environment) -> int:
    return _print_rules(options.format, env)


def _print_rules(fmt: str, env: Environment) -> int:
    if fmt == "markdown":
        from vpce_checks.docs import rules_table_markdown

        env.stdout.write(rules_table_markdown() + "\n")
    elif fmt == "json":
        import json

        env.stdout.write(json.dumps(rules_document(), indent=2) + "\n")
    else:
        from vpce_checks.docs import rules_table_text

        env.stdout.write(rules_table_text())
    return EXIT_CLEAN


def rules_document() -> dict[str, object]:
    """``rules --format json``: every rule's metadata, in ID order (see docs/json-output.md)."""
    from vpce_checks.core.registry import all_rules

    return {
        "version": 1,
        "rules": [
            {
                "id": item.id,
                "slug": item.slug,
                "severity": item.severity.value,
                "category": item.category,
                "title": item.title,
                "resource_types": list(item.resource_types),
                "docs_url": item.docs_url,
            }
            for item in all_rules()
        ],
    }


def _explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="ID", help="rule ID or slug, e.g. VPCE008")


def _explain(options: argparse.Namespace, env: Environment) -> int:
    import difflib

    from vpce_checks.core.registry import all_rules, find_rule

    found = find_rule(options.rule)
    if found is None:
        known = [item.id for item in all_rules()] + [item.slug for item in all_rules()]
        close = difflib.get_close_matches(options.rule.upper(), known, n=1) or difflib.get_close_matches(
            options.rule, known, n=1
        )
        hint = f"; did you mean {close[0]}?" if close else ""
        raise UsageError(f"unknown rule {options.rule!r}{hint} (`{PROG} rules` lists them)")
    env.stdout.write(
        f"{found.id} {found.slug} ({found.severity.value}, {found.category})\n{found.title}\n\n"
        f"{found.docs}\n\nOnline: {found.docs_url}\n"
    )
    return EXIT_CLEAN


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command that takes no arguments."""


def _checkov_dir(options: argparse.Namespace, env: Environment) -> int:
    """Print the checkov checks directory shipped inside the installed package."""
    from pathlib import Path

    import vpce_checks

    directory = Path(vpce_checks.__file__).resolve().parent / CHECKOV_POLICIES
    if not directory.is_dir():
        raise UsageError(
            f"{directory}: no checkov checks in this installation of vpce-checks; reinstall it "
            "(see the README's Install section), or use custom_policies/ from a clone of the repository"
        )
    print(directory, file=env.stdout)
    return EXIT_CLEAN


COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        Command("scan", "scan Terraform files and directories (the default command)", _scan_arguments, _scan, "PATH"),
        Command("rules", f"list the rules (also: {PROG} --list-rules)", _rules_arguments, _rules),
        Command("explain", "show a rule's documentation", _explain_arguments, _explain, "ID"),
        Command(
            "checkov-dir",
            "print the directory to pass to `checkov --external-checks-dir` (pip installs)",
            _no_arguments,
            _checkov_dir,
        ),
        Command(
            "cost",
            "what each VPC's Interface endpoints and NAT gateways cost, and where endpoints pay off",
            _with_inputs(_views_arguments("cost")),
            _view_command("cost"),
            "PATH",
        ),
        Command(
            "diagram",
            "draw each VPC: AZs, subnets, route tables, NAT, endpoints, findings (Mermaid or Graphviz)",
            _with_inputs(_views_arguments("diagram")),
            _view_command("diagram"),
            "PATH",
        ),
    )
}
"""Every subcommand, by name; ``scan`` (:data:`DEFAULT_COMMAND`) runs when none is named."""
