"""List prices for NAT gateways, Interface endpoints and Transit Gateways, read from ``prices.json``.

The file is the one place prices live, with its source and the date they were checked. A region
that is not in it gets the default region's prices, marked so; an unknown region too, and the
views that must not guess (the cost report) show those figures as unknown.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

HOURS_PER_MONTH = 730
"""The hours in a month that AWS's own price examples use."""


@dataclass(frozen=True)
class RegionPrices:
    """Prices in USD for one region; ``region`` is the one the figures are for.

    ``requested`` is the region they were asked for (None when the configuration does not say);
    it differs from ``region`` when the table has no row for it.
    """

    region: str
    nat_hour: float
    nat_gb: float
    interface_hour: float
    interface_gb: float
    estimated: bool
    """True when the configuration's region is unknown or not in the table (default region used)."""
    tgw_attachment_hour: float | None = None
    """Per Transit Gateway VPC attachment-hour; None when the table does not know it for this region."""
    tgw_gb: float | None = None
    """Per GB sent from a VPC to a Transit Gateway; None when not known."""
    requested: str | None = None

    @property
    def fallback(self) -> bool:
        """True when the region is known but not in the table, so the default region's prices stand in."""
        return self.estimated and self.requested is not None


@dataclass(frozen=True)
class PriceSource:
    """Where the table's prices come from and when they were checked."""

    source: str
    date: str
    currency: str
    default_region: str
    references: tuple[str, ...]
    regions: tuple[str, ...]


@cache
def _table() -> dict[str, Any]:
    # Beside this module, as package data (read without importlib.resources, a costly import).
    with open(os.path.join(os.path.dirname(__file__), "prices.json"), encoding="utf-8") as handle:
        text = handle.read()
    table: dict[str, Any] = json.loads(text)
    return table


def prices_for(region: str | None) -> RegionPrices:
    """The prices of ``region``, or of the default region (marked estimated) when it is unknown or missing."""
    table = _table()
    regions = table["regions"]
    estimated = region not in regions
    name = str(table["default_region"]) if estimated or region is None else region
    return RegionPrices(region=name, estimated=estimated, requested=region, **regions[name])


def price_source() -> PriceSource:
    """The price table's source, date, currency, default region and the regions it holds."""
    table = _table()
    return PriceSource(
        source=str(table["source"]),
        date=str(table["date"]),
        currency=str(table["currency"]),
        default_region=str(table["default_region"]),
        references=tuple(str(url) for url in table["references"]),
        regions=tuple(sorted(table["regions"])),
    )


def price_note(prices: RegionPrices) -> str:
    """How to name the region the prices are for in a message."""
    if prices.fallback:
        return f"{prices.region} list price; {prices.requested} is not in the price table"
    return f"{prices.region} list price" + (", region not known" if prices.estimated else "")
