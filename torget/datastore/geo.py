"""GeoJSON features as table rows: properties, the geometry as GeoJSON text, lon/lat for points.

Everything is stored in WGS 84 (RFC 7946). Swedish files often come in SWEREF 99 TM
(EPSG:3006), named in the legacy `crs` member or recognisable by its metre ranges; those are
reprojected with pyproj. Files with latitude and longitude swapped are recognised by Sweden's
extent (longitude 10–25°, latitude 55–70°) and put right; the report says so.

The file is read feature by feature, twice (`jsonstream`): first to check each feature's
structure and learn the columns, the CRS and the coordinate order (the `crs` member may come
after the features), then to write the rows. The rule for bad geometry:
- a feature whose structure is broken (not a Feature, an unknown geometry type, positions
  that are not `[x, y]` numbers, empty or wrongly nested coordinates) refuses the load: the
  file is not the GeoJSON it claims to be, and the error names the feature;
- a well-formed geometry that cannot be right (a coordinate that is not finite, or outside
  longitude -180…180 / latitude -90…90 after reprojection, a polygon ring that is not closed
  or has fewer than four positions, a line of one position) is stored as null and the row kept,
  and the load report names the features;
- a polygon that is not valid by the OGC simple-features rules (a ring that crosses itself,
  a hole outside its shell, rings that cross each other) is likewise stored as null and named
  in the report, with GEOS's reason for the first one; GEOS does the check (through shapely),
  because a hand-written one would be quadratic in a ring's length.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torget.datastore.errors import LoadError
from torget.datastore.json_rows import Columns, RowTable, flatten
from torget.datastore.jsonstream import JsonStream

__all__ = ["read_features"]

_TYPES = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
Transform = Callable[[float, float], tuple[float, float]]


def _check_coords(value: Any, depth: int) -> None:
    if depth == 0:
        ok = isinstance(value, list) and len(value) >= 2
        numbers = ok and all(isinstance(v, int | float) and not isinstance(v, bool)
                             for v in value[:2])  # fmt: skip
        if not numbers:
            raise ValueError(f"a position must be [x, y] numbers, got {json.dumps(value)[:60]}")
        return
    if not isinstance(value, list) or not value:
        raise ValueError("coordinates are missing or empty")
    for item in value:
        _check_coords(item, depth - 1)


def _map(value: Any, depth: int, fn: Transform) -> Any:
    if depth == 0:
        return list(fn(value[0], value[1]))
    return [_map(v, depth - 1, fn) for v in value]


def _first_position(geometry: dict[str, Any]) -> tuple[float, float] | None:
    """The geometry's first position, if it is finite (the CRS is guessed from it)."""
    value = geometry["coordinates"]
    while isinstance(value[0], list):
        value = value[0]
    x, y = float(value[0]), float(value[1])
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


def _source_crs(crs: Any, sample: tuple[float, float] | None) -> str:
    properties = crs.get("properties") if isinstance(crs, dict) else None
    named = str(properties.get("name", "")) if isinstance(properties, dict) else ""
    if named.endswith(("3006", "3006:")) or "EPSG::3006" in named or named == "EPSG:3006":
        return "EPSG:3006"
    if sample and 1e5 <= sample[0] <= 1.2e6 and 6e6 <= sample[1] <= 7.8e6:
        return "EPSG:3006"
    return "EPSG:4326"


def _transform(crs: str) -> Transform | None:
    if crs == "EPSG:4326":
        return None
    from pyproj import Transformer

    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def fn(x: float, y: float) -> tuple[float, float]:
        lon, lat = transformer.transform(x, y)
        return round(lon, 7), round(lat, 7)

    return fn


def _swapped(position: tuple[float, float]) -> bool:
    x, y = position
    return 55 <= x <= 70 and 10 <= y <= 25


def _valid_geometry(name: str, index: int, feature: Any) -> dict[str, Any] | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise LoadError(name, f"feature {index} is not a GeoJSON Feature")
    geometry = feature.get("geometry")
    if geometry is None:
        return None
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in _TYPES:
        raise LoadError(name, f"feature {index}: unknown geometry type {kind!r}")
    try:
        _check_coords(geometry.get("coordinates"), _TYPES[kind])
    except ValueError as exc:
        raise LoadError(name, f"feature {index}: broken {kind} geometry: {exc}") from None
    return dict(geometry)


def _properties(feature: dict[str, Any]) -> dict[str, Any]:
    properties = feature.get("properties")
    return flatten(properties) if isinstance(properties, dict) else {}


def _features(name: str, path: Path, top: dict[str, Any]) -> Iterator[tuple[int, Any]]:
    """Each feature of the FeatureCollection with its number; `top` gets its `crs`."""
    found = False
    with JsonStream.open(name, path) as stream:
        if stream.peek() != "{":
            raise LoadError(name, "not a GeoJSON FeatureCollection (no 'features' array)")
        for key in stream.members():
            if key == "features" and stream.peek() == "[":
                found = True
                yield from enumerate(stream.items())
            elif key == "crs":
                top["crs"] = stream.value()
            else:
                stream.skip()
        stream.end()
    if not found:
        raise LoadError(name, "not a GeoJSON FeatureCollection (no 'features' array)")


@dataclass
class _Survey:
    """What the first reading learns: columns, where the first position is, what kinds."""

    columns: Columns
    top: dict[str, Any] = field(default_factory=dict)
    sample: tuple[float, float] | None = None
    kinds: set[str] = field(default_factory=set)
    count: int = 0


def _survey(name: str, path: Path, max_columns: int) -> _Survey:
    survey = _Survey(Columns(name, max_columns))
    for index, feature in _features(name, path, survey.top):
        geometry = _valid_geometry(name, index, feature)
        survey.columns.add(index, "feature", _properties(feature))
        if geometry is not None:
            survey.kinds.add(geometry["type"])
            if survey.sample is None:
                survey.sample = _first_position(geometry)
        survey.count += 1
    if not survey.count:
        raise LoadError(name, "the FeatureCollection has no features")
    return survey


def _positions(coords: Any, depth: int) -> Iterator[list[float]]:
    if depth == 0:
        yield coords
        return
    for item in coords:
        yield from _positions(item, depth - 1)


def _lines(kind: str, coords: Any) -> list[Any]:
    """The rings of polygons, the lines of line strings."""
    if kind in ("Polygon", "MultiLineString"):
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for polygon in coords for ring in polygon]
    return [coords] if kind == "LineString" else []


_PROBLEMS = {
    "impossible": "coordinates that are not finite or lie outside WGS 84 (longitude -180…180, "
    "latitude -90…90) or, reprojected, far outside the area their CRS is used for",
    "unclosed": "a polygon ring that is not closed or has fewer than four positions",
    "short": "a line of fewer than two positions",
    "invalid": "a polygon that crosses itself or whose rings cross (not valid by the OGC "
    "simple-features rules)",
}
_WORLD = (-180.0, -90.0, 180.0, 90.0)
_MARGIN = 5.0  # degrees around a projected CRS's area of use that still count as plausible


def _bounds(crs: str) -> tuple[float, float, float, float]:
    """Where positions in `crs` can lie, in WGS 84. A transverse Mercator inverse wraps any
    northing onto the globe (SWEREF 99 TM's y = 9e15 comes out in Sicily), so for a projected
    CRS that is its area of use, widened by `_MARGIN`; for WGS 84, the world."""
    if crs == "EPSG:4326":
        return _WORLD
    from pyproj import CRS

    area = CRS(crs).area_of_use
    if area is None:
        return _WORLD
    return (max(area.west - _MARGIN, -180), max(area.south - _MARGIN, -90),
            min(area.east + _MARGIN, 180), min(area.north + _MARGIN, 90))  # fmt: skip


def _problem(kind: str, coords: Any, bounds: tuple[float, float, float, float]) -> str | None:
    """Why a well-formed geometry (in WGS 84 by now) cannot be right, or None."""
    west, south, east, north = bounds
    for x, y in (p[:2] for p in _positions(coords, _TYPES[kind])):
        if not (
            math.isfinite(x) and math.isfinite(y) and west <= x <= east and south <= y <= north
        ):
            return "impossible"
    polygon = kind in ("Polygon", "MultiPolygon")
    for line in _lines(kind, coords):
        if polygon and (len(line) < 4 or line[0][:2] != line[-1][:2]):
            return "unclosed"
        if not polygon and len(line) < 2:
            return "short"
    if polygon and not _valid_polygon(kind, coords):
        return "invalid"
    return None


def _valid_polygon(kind: str, coords: Any) -> bool:
    import shapely
    from shapely.geometry import shape

    try:
        return bool(shapely.is_valid(shape({"type": kind, "coordinates": coords})))
    except (ValueError, TypeError, shapely.errors.GEOSException):
        return False


def _notes(problems: dict[str, list[int]], kinds: set[str]) -> list[str]:
    notes = []
    for reason, features in problems.items():
        shown = ", ".join(str(i) for i in features[:10])
        more = f" and {len(features) - 10} more" if len(features) > 10 else ""
        one = len(features) == 1
        notes.append(
            f"{len(features)} feature{' has' if one else 's have'} {_PROBLEMS[reason]}; "
            f"{'its' if one else 'their'} geometry is left empty and the row kept: "
            f"feature{'' if one else 's'} {shown}{more}"
        )
    return notes


@dataclass
class _Placing:
    """How the second reading puts each geometry into WGS 84, and what it found wrong."""

    fn: Transform | None
    swap: bool
    bounds: tuple[float, float, float, float]
    problems: dict[str, list[int]] = field(default_factory=dict)

    def geometry_text(self, index: int, geometry: dict[str, Any], record: dict[str, Any]
                      ) -> str | None:  # fmt: skip
        kind, depth = geometry["type"], _TYPES[geometry["type"]]
        coords = geometry["coordinates"]
        if self.fn:
            coords = _map(coords, depth, self.fn)
        if self.swap:
            coords = _map(coords, depth, lambda x, y: (y, x))
        problem = _problem(kind, coords, self.bounds)
        if problem:
            self.problems.setdefault(problem, []).append(index)
            return None
        if kind == "Point":
            record["lon"], record["lat"] = coords[0], coords[1]
        return json.dumps({**geometry, "coordinates": coords}, ensure_ascii=False)


def read_features(name: str, path: Path, max_columns: int) -> RowTable:
    """Rows for the features of a FeatureCollection file, and what was done to them."""
    survey = _survey(name, path, max_columns)
    crs = _source_crs(survey.top.get("crs"), survey.sample)
    fn = _transform(crs)
    sample = fn(*survey.sample) if survey.sample and fn else survey.sample
    swap = bool(sample and _swapped(sample))
    points = ["lon", "lat"] if "Point" in survey.kinds else []
    columns = list(dict.fromkeys([*survey.columns.names, *points, "geometry"]))
    source: dict[str, Any] = {"crs": crs, "reprojected": fn is not None, "swapped_lat_lon": swap}
    warnings: list[str] = []

    def rows() -> Iterator[list[Any]]:
        placing = _Placing(fn, swap, _bounds(crs))
        for index, feature in _features(name, path, {}):
            geometry = _valid_geometry(name, index, feature)
            record = _properties(feature)
            text = placing.geometry_text(index, geometry, record) if geometry else None
            record["geometry"] = text
            yield [record.get(c) for c in columns]
        warnings[:] = survey.columns.notes() + _notes(placing.problems, survey.kinds)
        source["geometry_problems"] = {k: len(v) for k, v in placing.problems.items()}

    return RowTable(columns, rows, source, warnings)
