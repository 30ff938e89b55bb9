"""Shared building blocks for the demo tables: places, names and small random helpers.

Sjöstad is fictional but placed on the west coast (57.6–57.8 N, 11.8–12.1 E), so maps of
the demo data look like a real municipality's. Its municipality code `1409` is unused by SCB.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

__all__ = [
    "KOMMUNKOD",
    "KOMMUN",
    "ORG_NUMBER",
    "DISTRICTS",
    "STREETS",
    "Row",
    "Table",
    "table",
    "point",
    "street_address",
    "postcode",
    "days",
    "months",
    "pick",
    "maybe",
    "BBOX",
]

KOMMUNKOD = "1409"
KOMMUN = "Sjöstads kommun"
ORG_NUMBER = "2120000142"
BBOX = (11.82, 57.62, 12.08, 57.78)  # lon min, lat min, lon max, lat max

# (distriktskod, name, centre lon, centre lat): the Skatteverket districts of the municipality.
DISTRICTS: list[tuple[str, str, float, float]] = [
    ("140901", "Sjöstad centrum", 11.965, 57.705),
    ("140902", "Hamnen", 11.925, 57.698),
    ("140903", "Norra Ängen", 11.985, 57.752),
    ("140904", "Söderviken", 11.940, 57.650),
    ("140905", "Lövgärdet", 12.040, 57.735),
    ("140906", "Kvarnbacken", 12.015, 57.688),
    ("140907", "Tallåsen", 12.060, 57.665),
    ("140908", "Brovik", 11.860, 57.720),
    ("140909", "Ekudden", 11.850, 57.640),
    ("140910", "Skogslyckan", 12.030, 57.770),
]

STREETS = [
    "Storgatan", "Kyrkogatan", "Hamngatan", "Järnvägsgatan", "Skolgatan", "Kvarngatan",
    "Strandvägen", "Ängsvägen", "Björkvägen", "Tallstigen", "Sjöviksgatan", "Lotsgatan",
    "Fiskaregatan", "Brunnsgatan", "Parkgatan", "Smedjegatan", "Ekuddsvägen", "Lövgärdsvägen",
    "Kvarnbacksgatan", "Skogslyckevägen", "Bryggaregatan", "Repslagaregatan", "Varvsgatan",
    "Södra Vägen", "Norra Allén",
]  # fmt: skip

Row = dict[str, Any]


class Table:
    """A table to write as CSV, JSON and GeoJSON: columns and a function that makes the rows.

    `lon`/`lat` name the coordinate columns of point data (GeoJSON geometry), `geometry` a
    column holding a GeoJSON geometry (written as WKT in CSV). `swedish` writes the CSV the way
    Swedish spreadsheets do: UTF-8 with BOM, `;` between fields and decimal commas.
    """

    def __init__(
        self,
        columns: list[str],
        rows: Callable[[random.Random], list[Row]],
        *,
        lon: str | None = None,
        lat: str | None = None,
        geometry: str | None = None,
        swedish: bool = False,
    ) -> None:
        self.columns = columns
        self.make_rows = rows
        self.lon, self.lat, self.geometry, self.swedish = lon, lat, geometry, swedish


def table(columns: str, rows: Callable[[random.Random], list[Row]], **kw: Any) -> Table:
    """`columns` as one space-separated string, for compact specs."""
    return Table(columns.split(), rows, **kw)


def point(rng: random.Random, near: tuple[float, float] | None = None, spread: float = 0.012):
    """A (lon, lat) pair inside the municipality, optionally near a district centre."""
    if near is None:
        _, _, lon, lat = rng.choice(DISTRICTS)
    else:
        lon, lat = near
    lon = min(max(lon + rng.uniform(-spread, spread) * 1.8, BBOX[0]), BBOX[2])
    lat = min(max(lat + rng.uniform(-spread, spread), BBOX[1]), BBOX[3])
    return round(lon, 6), round(lat, 6)


def street_address(rng: random.Random) -> tuple[str, str]:
    number = str(rng.randint(1, 60)) + (rng.choice(["", "", "", "A", "B"]))
    return rng.choice(STREETS), number


def postcode(rng: random.Random) -> str:
    return f"45{rng.randint(1, 9)} {rng.randint(30, 96)}"


def days(start: dt.date, count: int, step: int = 1) -> list[str]:
    return [(start + dt.timedelta(days=i * step)).isoformat() for i in range(count)]


def months(first: str, count: int) -> list[str]:
    """`YYYY-MM` strings from `first` on."""
    year, month = (int(p) for p in first.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def pick(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def maybe(rng: random.Random, value: Any, p: float = 0.85) -> Any:
    """The value, or None with probability 1-p: real registers have gaps."""
    return value if rng.random() < p else None
