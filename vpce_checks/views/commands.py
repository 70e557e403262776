"""``vpce-checks cost`` and ``vpce-checks diagram``: each command's own options and what it prints.

The CLI reads and scans the paths for them exactly as for ``vpce-checks scan``: the same input
options (:func:`vpce_checks.cli.input_arguments`), checks and notes, with the views of every root
module built from the model the rules read (the rules run too: the diagram marks their findings).
What is here turns those views into text. A bad option of their own (a traffic file that cannot
be read) is an :class:`OutputError`, raised before the scan.
"""

from __future__ import annotations

import argparse
from typing import Callable, Sequence, TextIO

from vpce_checks.core.findings import Finding
from vpce_checks.views import cost_report, diagram_report
from vpce_checks.views.collect import ModuleView, shown_vpcs
from vpce_checks.views.traffic import Traffic, TrafficError, read_traffic

COST_FORMATS = ("text", "markdown", "json")

Render = Callable[[Sequence[Finding], Sequence[ModuleView]], str]
"""What a view command prints, from the scan's findings and the views of its root modules."""


class OutputError(Exception):
    """A view command's own option that cannot be used (exit code 2 with the message)."""


def cost_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``vpce-checks cost`` beside the input options."""
    parser.description = (
        "Monthly list prices of each VPC's Interface endpoints (per AZ) and NAT gateways, "
        "per-GB prices of each path, and the traffic above which each Interface endpoint beats the NAT."
    )
    output = _output_arguments(parser, COST_FORMATS, "text")
    output.add_argument(
        "--traffic",
        metavar="FILE",
        help="GB a month per service (YAML or JSON; see docs/cost-and-diagrams.md): adds monthly totals "
        "through the NAT and through endpoints",
    )


def diagram_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``vpce-checks diagram`` beside the input options."""
    parser.description = (
        "One Mermaid flowchart (or Graphviz DOT graph) of every VPC: AZs as groups, subnets, "
        "their route tables and where 0.0.0.0/0 goes, Gateway and Interface endpoints, findings marked."
    )
    _output_arguments(parser, diagram_report.FORMATS, "mermaid")


def _output_arguments(
    parser: argparse.ArgumentParser, formats: tuple[str, ...], default: str
) -> argparse._ArgumentGroup:
    output = parser.add_argument_group("output")
    output.add_argument("-f", "--format", choices=formats, default=default, help=f"output format (default: {default})")
    output.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    return output


def cost_output(options: argparse.Namespace, stderr: TextIO) -> Render:
    """What ``vpce-checks cost`` prints; a traffic file is read now, so a broken one fails before the scan."""
    try:
        traffic = read_traffic(options.traffic) if options.traffic else None
    except TrafficError as error:
        raise OutputError(str(error)) from None

    def render(findings: Sequence[Finding], views: Sequence[ModuleView]) -> str:
        items = shown_vpcs(views)
        if traffic is not None:
            _note_unmatched(traffic, {item.vpc.cost.vpc for item in items}, stderr)
        if options.format == "json":
            return cost_report.json_document(items, traffic)
        if options.format == "markdown":
            return cost_report.render_markdown(items, traffic)
        return cost_report.render_text(items, traffic)

    return render


def diagram_output(options: argparse.Namespace, stderr: TextIO) -> Render:
    """What ``vpce-checks diagram`` prints, with a note when Mermaid would refuse the flowchart."""

    def render(findings: Sequence[Finding], views: Sequence[ModuleView]) -> str:
        items = shown_vpcs(views)
        if options.format == "mermaid":
            refusal = diagram_report.too_large(items, findings)
            if refusal is not None:
                print(
                    f"vpce-checks: note: Mermaid will refuse this flowchart ({refusal}): "
                    "draw fewer directories at once, or use --format dot",
                    file=stderr,
                )
        return diagram_report.render(options.format, items, findings)

    return render


def _note_unmatched(traffic: Traffic, known: set[str], stderr: TextIO) -> None:
    """Say which VPC entries of the traffic file match no scanned VPC (a typo, or another stack's VPC)."""
    for vpc in traffic.vpcs:
        if vpc not in known:
            line = f":{traffic.lines[vpc]}" if vpc in traffic.lines else ""
            print(f"vpce-checks: note: {traffic.path}{line}: no scanned VPC is named {vpc!r}", file=stderr)
