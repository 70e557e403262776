"""The cost figures as text, Markdown and JSON (``vpce-checks cost``, and the scan's reports).

Every figure is USD a month of 730 hours at list prices; what is not known is written
``unknown`` (``null`` in JSON), never estimated.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from vpce_checks import __version__
from vpce_checks.core.cost import SAVING_GB, EgressPath, InterfaceEndpointCost, TrafficCost, VpcCost, traffic_cost
from vpce_checks.core.prices import HOURS_PER_MONTH, price_source
from vpce_checks.reporters.json_report import SCHEMA_VERSION, TOOL_NAME
from vpce_checks.views.collect import Shown
from vpce_checks.views.traffic import Traffic

UNKNOWN = "unknown"
SERVICE_NAMES = {"s3": "S3", "dynamodb": "DynamoDB"}
BREAK_EVEN = (
    "Break-even: the traffic to a service above which its Interface endpoint costs less than sending that "
    "traffic through the NAT gateway (fixed price / (NAT $/GB - endpoint $/GB))."
)


def money(value: float | None) -> str:
    """``$1,234.50``, or ``unknown``."""
    return UNKNOWN if value is None else f"${value:,.2f}"


def per_gb(value: float | None) -> str:
    """A per-GB price as the table gives it (``$0.062``), or ``unknown``."""
    return UNKNOWN if value is None else f"${value:g}"


def gigabytes(value: float | None) -> str:
    """``393.1 GB``, or ``unknown``/``never`` (an endpoint that never beats the NAT)."""
    return UNKNOWN if value is None else f"{value:,.1f} GB"


def prices_line() -> str:
    """Where the prices come from, for the foot of a report."""
    source = price_source()
    return f"List prices in {source.currency} from {source.source}; checked {source.date}."


def _zones(count: int | None) -> str:
    return UNKNOWN if count is None else str(count)


def _service(endpoint: InterfaceEndpointCost) -> str:
    """An Interface endpoint's service, with the region a cross-region one reaches."""
    return endpoint.service + (f" (cross-region: {endpoint.reaches})" if endpoint.reaches else "")


def _cross_region_sentence(cost: VpcCost) -> str:
    reaching = [endpoint for endpoint in cost.interface if endpoint.reaches]
    if not reaching:
        return ""
    names = ", ".join(f"{endpoint.address} ({endpoint.reaches})" for endpoint in reaching)
    return (
        f"Cross-region endpoints: {names}. They are billed in this VPC's region like the others, and their "
        "traffic also pays inter-Region data transfer, which the price table does not hold: break-even unknown."
    )


def _traffic_for(item: Shown, traffic: Traffic | None) -> TrafficCost | None:
    if traffic is None:
        return None
    services = traffic.for_vpc(item.vpc.cost.vpc)
    return traffic_cost(item.vpc.cost, services) if services else None


# --- text ---------------------------------------------------------------------------------------


def render_text(items: Sequence[Shown], traffic: Traffic | None = None) -> str:
    """The cost report for a terminal: one block per VPC, then where the prices come from."""
    if not items:
        return "No VPC or VPC endpoint found.\n"
    blocks = [_text_block(item, _traffic_for(item, traffic)) for item in items]
    footer = [prices_line(), f"Fixed prices are for {HOURS_PER_MONTH} hours a month. {BREAK_EVEN}"]
    return "\n\n".join(blocks) + "\n\n" + "\n".join(footer) + "\n"


def _text_block(item: Shown, traffic: TrafficCost | None) -> str:
    cost = item.vpc.cost
    lines = [f"{item.title}: {cost.price_note}"]
    rows = [("Interface endpoint", "service", "AZs", "per month", "break-even")] if cost.interface else []
    if not cost.interface:
        lines.append("  Interface endpoints: none")
    for endpoint in cost.interface:
        maybe = "" if endpoint.certain else " (may not exist)"
        rows.append(
            (
                endpoint.address + maybe,
                _service(endpoint),
                _zones(endpoint.zones),
                money(endpoint.monthly),
                gigabytes(endpoint.break_even_gb) + ("/month" if endpoint.break_even_gb is not None else ""),
            )
        )
    nat = cost.nat
    nat_count = UNKNOWN if nat.count is None else str(nat.count)
    rows.append(("NAT gateways", ", ".join(nat.addresses) or "-", nat_count, money(nat.monthly), ""))
    rows.append(("Fixed per month", "", "", money(cost.fixed_monthly), ""))
    lines.extend("  " + line for line in _columns(rows))
    if cost.gateway:
        names = ", ".join(f"{entry.address} ({entry.service})" for entry in cost.gateway)
        lines.append(f"  Gateway endpoints (free): {names}")
    for entry in cost.unpriced:
        lines.append(f"  Not priced: {entry.address} ({entry.service}, {entry.kind}): {entry.note}")
    lines.append("  " + _per_gb_sentence(cost))
    for sentence in (_cross_region_sentence(cost), _saving_sentence(cost)):
        if sentence:
            lines.append("  " + sentence)
    if traffic is not None:
        lines.extend("  " + line for line in _traffic_text(traffic, cost))
    return "\n".join(lines)


def _per_gb_sentence(cost: VpcCost) -> str:
    prices = cost.per_gb
    text = (
        f"Per GB processed: NAT gateway {per_gb(prices.nat)}, Interface endpoint {per_gb(prices.interface)}, "
        "Gateway endpoint free"
    )
    if cost.routes_to_transit_gateway:
        text += f", Transit Gateway {per_gb(prices.transit_gateway)} (plus the egress VPC's NAT)"
    if any(path.kind == "nat_instance" for path in cost.egress):
        text += ", NAT instance no per-GB charge (but its bandwidth, and cross-AZ transfer from other AZs)"
    return text + "."


def _path_price(path: EgressPath) -> str:
    """What a GB pays on a paid path, as the rules say it."""
    if path.kind == "nat_instance":
        return "no per-GB charge, but the instance's bandwidth"
    price = f"{per_gb(path.per_gb)}/GB"
    return price + (", plus the egress VPC's NAT" if path.kind == "transit_gateway" else "")


def _saving(cost: VpcCost) -> str | None:
    """What a missing Gateway endpoint saves per 100 GB, or None when the paid paths give no one figure."""
    amount = cost.gateway_savings[0].per_100_gb
    if amount is None and cost.prices is not None:
        return None  # a NAT instance, or paths priced differently
    each = " each" if len(cost.gateway_savings) > 1 else ""
    plus = ", plus the egress VPC's NAT processing" if cost.routes_to_transit_gateway else ""
    return f"{money(amount)} per {SAVING_GB} GB{each}{plus}"


def _saving_sentence(cost: VpcCost) -> str:
    if not cost.gateway_savings:
        return ""
    services = " and ".join(SERVICE_NAMES.get(saving.service, saving.service) for saving in cost.gateway_savings)
    paths = " and ".join(
        f"{path.wording} ({', '.join(path.route_tables)}: {_path_price(path)})" for path in cost.egress
    )
    saving = _saving(cost)
    gain = "would carry it at no charge" if saving is None else f"would save {saving}"
    return f"No Gateway endpoint for {services}: that traffic goes through {paths}, and a free Gateway endpoint {gain}."


def _traffic_text(traffic: TrafficCost, cost: VpcCost) -> list[str]:
    rows = [("Traffic", "GB/month", "via NAT", "via endpoint", "endpoint", "cheaper")]
    for row in traffic.services:
        rows.append(
            (
                row.service,
                f"{row.gb:,.1f}",
                money(row.via_nat),
                money(row.via_endpoint),
                row.endpoint,
                row.cheaper or UNKNOWN,
            )
        )
    rows.append(("Total", "", money(traffic.via_nat), money(traffic.via_endpoints), "", _cheaper_total(traffic)))
    lines = _columns(rows)
    lines.append(_nat_note(cost))
    return lines


def _cheaper_total(traffic: TrafficCost) -> str:
    if traffic.via_nat is None or traffic.via_endpoints is None:
        return UNKNOWN
    if traffic.via_nat == traffic.via_endpoints:
        return "same"
    return "NAT" if traffic.via_nat < traffic.via_endpoints else "endpoints"


def _nat_note(cost: VpcCost) -> str:
    return (
        f"The NAT gateways' own {money(cost.nat.monthly)} a month is paid in both designs while other "
        "traffic needs the NAT."
    )


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


# --- Markdown -----------------------------------------------------------------------------------


def render_markdown(items: Sequence[Shown], traffic: Traffic | None = None) -> str:
    """The cost report as Markdown: a section and a table per VPC, then where the prices come from."""
    if not items:
        return "No VPC or VPC endpoint found.\n"
    sections = [_markdown_section(item, _traffic_for(item, traffic)) for item in items]
    footer = f"{prices_line()} Fixed prices are for {HOURS_PER_MONTH} hours a month. {BREAK_EVEN}"
    return "\n\n".join([*sections, footer]) + "\n"


def _markdown_section(item: Shown, traffic: TrafficCost | None) -> str:
    cost = item.vpc.cost
    rows = ["| Resource | Service | AZs | Per month | Break-even |", "|---|---|--:|--:|--:|"]
    for endpoint in cost.interface:
        maybe = " (may not exist)" if not endpoint.certain else ""
        even = gigabytes(endpoint.break_even_gb) + ("/month" if endpoint.break_even_gb is not None else "")
        rows.append(
            f"| `{_code(endpoint.address)}`{maybe} | {_cell(_service(endpoint))} | {_zones(endpoint.zones)} "
            f"| {money(endpoint.monthly)} | {even} |"
        )
    for entry in cost.gateway:
        rows.append(f"| `{_code(entry.address)}` | {_cell(entry.service)} (Gateway) | | free | |")
    for entry in cost.unpriced:
        rows.append(f"| `{_code(entry.address)}` | {_cell(entry.service)} ({_cell(entry.kind)}) | | not priced | |")
    nat = cost.nat
    names = ", ".join(f"`{_code(address)}`" for address in nat.addresses) or "NAT gateways"
    count = UNKNOWN if nat.count is None else str(nat.count)
    rows.append(f"| {names} | NAT gateway × {count} | | {money(nat.monthly)} | |")
    rows.append(f"| **Fixed per month** | | | **{money(cost.fixed_monthly)}** | |")
    parts = [f"### `{_code(item.title)}`", f"{_cell(cost.price_note)}.", "\n".join(rows), _per_gb_sentence(cost)]
    parts.extend(_cell(sentence) for sentence in (_cross_region_sentence(cost), _saving_sentence(cost)) if sentence)
    if traffic is not None:
        parts.append(_traffic_markdown(traffic, cost))
    return "\n\n".join(parts)


def _traffic_markdown(traffic: TrafficCost, cost: VpcCost) -> str:
    rows = [
        "| Traffic | GB a month | Via NAT | Via endpoint | Endpoint | Cheaper |",
        "|---|--:|--:|--:|---|---|",
    ]
    for row in traffic.services:
        rows.append(
            f"| {_cell(row.service)} | {row.gb:,.1f} | {money(row.via_nat)} | {money(row.via_endpoint)} "
            f"| {_cell(row.endpoint)} | {row.cheaper or UNKNOWN} |"
        )
    rows.append(
        f"| **Total** | | **{money(traffic.via_nat)}** | **{money(traffic.via_endpoints)}** | "
        f"| {_cheaper_total(traffic)} |"
    )
    return "\n".join(rows) + "\n\n" + _nat_note(cost)


def summary_table(items: Sequence[Shown], limit: int) -> str:
    """The scan report's short cost table: one row per VPC that has something priced, at most ``limit`` rows."""
    priced = [item for item in items if _has_figures(item.vpc.cost)]
    if not priced:
        return ""
    rows = [
        "| VPC | Prices | Interface endpoints | NAT gateways | Fixed per month | S3 and DynamoDB on a paid path |",
        "|---|---|--:|--:|--:|---|",
    ]
    for item in priced[:limit]:
        cost = item.vpc.cost
        endpoints = money(cost.interface_monthly)
        count = UNKNOWN if cost.nat.count is None else str(cost.nat.count)
        savings = ""
        if cost.gateway_savings:
            names = ", ".join(SERVICE_NAMES.get(saving.service, saving.service) for saving in cost.gateway_savings)
            through = "through " + " and ".join(path.wording for path in cost.egress)
            savings = f"no Gateway endpoint for {names}: {_saving(cost) or through}"
        rows.append(
            f"| `{_code(item.title)}` | {_cell(cost.price_note)} | {len(cost.interface)}: {endpoints} "
            f"| {count}: {money(cost.nat.monthly)} | {money(cost.fixed_monthly)} | {savings or '-'} |"
        )
    table = "\n".join(rows)
    if len(priced) > limit:
        table += f"\n\n... and {len(priced) - limit} more VPCs, not listed here (`vpce-checks cost` lists them all)."
    return table


def _has_figures(cost: VpcCost) -> bool:
    return bool(cost.interface or cost.nat.addresses or cost.gateway_savings or cost.routes_to_nat or cost.egress)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    return " ".join(text.split()).replace("`", "").replace("|", "\\|")


# --- JSON ---------------------------------------------------------------------------------------


def json_document(items: Sequence[Shown], traffic: Traffic | None = None) -> str:
    """``vpce-checks cost --format json``: the version and tool fields of the scan's document, and its ``cost``."""
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "cost": cost_section(items, traffic),
    }
    return json.dumps(document, indent=2) + "\n"


def cost_section(items: Sequence[Shown], traffic: Traffic | None = None) -> dict[str, Any]:
    """The ``cost`` object of the JSON documents (see docs/json-output.md)."""
    source = price_source()
    return {
        "currency": source.currency,
        "hours_per_month": HOURS_PER_MONTH,
        "prices": {"source": source.source, "date": source.date, "references": list(source.references)},
        "vpcs": [_vpc_json(item, _traffic_for(item, traffic)) for item in items],
    }


def _vpc_json(item: Shown, traffic: TrafficCost | None) -> dict[str, Any]:
    cost = item.vpc.cost
    prices = cost.per_gb
    document: dict[str, Any] = {
        "directory": cost.directory,
        "vpc": cost.vpc,
        "declared": cost.declared,
        "region": cost.region,
        "price_region": None if cost.prices is None else cost.prices.region,
        "price_note": cost.price_note,
        "interface_endpoints": [
            {
                "address": endpoint.address,
                "service": endpoint.service,
                "zones": endpoint.zones,
                "certain": endpoint.certain,
                "monthly": endpoint.monthly,
                "break_even_gb": endpoint.break_even_gb,
                "reaches": endpoint.reaches,
            }
            for endpoint in cost.interface
        ],
        "gateway_endpoints": [{"address": entry.address, "service": entry.service} for entry in cost.gateway],
        "unpriced_endpoints": [
            {"address": entry.address, "service": entry.service, "type": entry.kind, "note": entry.note}
            for entry in cost.unpriced
        ],
        "nat_gateways": {
            "count": cost.nat.count,
            "addresses": list(cost.nat.addresses),
            "monthly_each": cost.nat.monthly_each,
            "monthly": cost.nat.monthly,
        },
        "routes_to_nat": cost.routes_to_nat,
        "routes_to_transit_gateway": cost.routes_to_transit_gateway,
        "egress": [
            {"kind": path.kind, "route_tables": list(path.route_tables), "per_gb": path.per_gb} for path in cost.egress
        ],
        "per_gb": {
            "nat_gateway": prices.nat,
            "interface_endpoint": prices.interface,
            "gateway_endpoint": prices.gateway,
            "transit_gateway": prices.transit_gateway,
        },
        "gateway_endpoint_savings": [
            {"service": saving.service, "per_100_gb": saving.per_100_gb} for saving in cost.gateway_savings
        ],
        "zones": cost.zones,
        "fixed_monthly": cost.fixed_monthly,
        "traffic": None,
    }
    if traffic is not None:
        document["traffic"] = {
            "services": [
                {
                    "service": row.service,
                    "gb": row.gb,
                    "via_nat": row.via_nat,
                    "via_endpoint": row.via_endpoint,
                    "endpoint": row.endpoint,
                    "cheaper": row.cheaper,
                }
                for row in traffic.services
            ],
            "via_nat": traffic.via_nat,
            "via_endpoints": traffic.via_endpoints,
        }
    return document
