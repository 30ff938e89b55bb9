"""A stored geometry in words: its type, where it is, and how many positions it has.

Loaded GeoJSON keeps each feature's geometry as GeoJSON text in WGS 84 (`geo.py`). A map
needs a text alternative (WCAG 1.1.1), so a page lists each feature with a point that stands
for it: a point's own position, otherwise the centre of its bounding box, which for the
small shapes of municipal data (plots, plans, streets) is where a reader would look.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["GeometrySummary", "summarise_geometry"]


@dataclass(frozen=True)
class GeometrySummary:
    """`lon`/`lat` are the point's position or the centre of the shape's bounding box."""

    type: str
    lon: float
    lat: float
    positions: int
    bbox: tuple[float, float, float, float]  # west, south, east, north


def _positions(coordinates: Any) -> Iterator[tuple[float, float]]:
    if (
        isinstance(coordinates, list)
        and len(coordinates) >= 2
        and all(isinstance(v, int | float) for v in coordinates[:2])
    ):
        yield float(coordinates[0]), float(coordinates[1])
        return
    if isinstance(coordinates, list):
        for item in coordinates:
            yield from _positions(item)


def _all_positions(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    if geometry.get("type") == "GeometryCollection":
        found: list[tuple[float, float]] = []
        for part in geometry.get("geometries") or []:
            if isinstance(part, dict):
                found += _all_positions(part)
        return found
    return list(_positions(geometry.get("coordinates")))


def summarise_geometry(text: str | None) -> GeometrySummary | None:
    """The summary of a GeoJSON geometry, or None for a missing or unreadable one."""
    if not text:
        return None
    try:
        geometry = json.loads(text)
    except ValueError:
        return None
    if not isinstance(geometry, dict):
        return None
    points = _all_positions(geometry)
    if not points:
        return None
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    bbox = (min(lons), min(lats), max(lons), max(lats))
    kind = str(geometry.get("type", ""))
    if kind == "Point":
        return GeometrySummary(kind, lons[0], lats[0], 1, bbox)
    centre = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    return GeometrySummary(kind, centre[0], centre[1], len(points), bbox)
