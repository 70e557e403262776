"""List prices for NAT gateways and Interface endpoints, read from ``prices.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class RegionPrices:
    """Prices in USD for one region; ``region`` is the one the figures are for."""

    region: str
    nat_hour: float
    nat_gb: float
    interface_hour: float
    interface_gb: float
    estimated: bool
    """True when the configuration's region is unknown or not in the table (default region used)."""


@cache
def _table() -> dict[str, object]:
    text = resources.files("vpce_checks.core").joinpath("prices.json").read_text(encoding="utf-8")
    table: dict[str, object] = json.loads(text)
    return table


def prices_for(region: str | None) -> RegionPrices:
    """The prices of ``region``, or of the default region (marked estimated) when it is unknown."""
    table = _table()
    regions = table["regions"]
    assert isinstance(regions, dict)
    estimated = region not in regions
    name = str(table["default_region"]) if estimated or region is None else region
    row = regions[name]
    return RegionPrices(region=name, estimated=estimated, **row)


def price_note(prices: RegionPrices) -> str:
    """How to name the region the prices are for in a message."""
    return f"{prices.region} list price" + (", region not known" if prices.estimated else "")
