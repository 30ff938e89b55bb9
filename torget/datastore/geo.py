"""GeoJSON features as table rows: properties, the geometry as GeoJSON text, lon/lat for points.

Everything is stored in WGS 84 (RFC 7946). Swedish files often come in SWEREF 99 TM
(EPSG:3006), named in the legacy `crs` member or recognisable by its metre ranges; those are
reprojected with pyproj; any other CRS a file names by its EPSG code is too. Without a `crs`
member, the CRS is the one most features' first positions fit: degrees, SWEREF 99 TM or RT90
2.5 gon V by their ranges. The coordinate order is decided per feature, never per file
(`geo_columns` has the rules): a feature outside Sweden whose swapped position lies in it has
its axes swapped, in degrees as in metres, and the report counts the swapped, fixed and
impossible features.

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
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torget.datastore.errors import LoadError
from torget.datastore.geo_columns import SWEDEN, Tally, impossible, in_sweden
from torget.datastore.json_rows import Columns, RowTable, flatten
from torget.datastore.jsonstream import JsonStream
from torget.datastore.notes import Note
from torget.datastore.sweref import EASTING, NORTHING, transformer

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


# Where each CRS puts Sweden, in its own units (x, y ranges), for guessing an undeclared CRS.
_RANGES = {
    "EPSG:4326": ((SWEDEN[0], SWEDEN[2]), (SWEDEN[1], SWEDEN[3])),
    "EPSG:3006": (EASTING, NORTHING),  # SWEREF 99 TM
    "EPSG:3021": ((1.2e6, 1.95e6), (6e6, 7.8e6)),  # RT90 2.5 gon V
}
_DECLARED = re.compile(r"EPSG:+(?:[\d.]*:)?(\d+)", re.IGNORECASE)


def _fits(crs: str, x: float, y: float) -> bool:
    (west, east), (south, north) = _RANGES[crs]
    return west <= x <= east and south <= y <= north


def _class(position: tuple[float, float]) -> str:
    """Which CRS a first position fits in Sweden, as it is or swapped ("…/swapped")."""
    x, y = position
    for crs in _RANGES:
        if _fits(crs, x, y):
            return crs
        if _fits(crs, y, x):
            return crs + "/swapped"
    return "other"


def _source_crs(crs: Any, classes: dict[str, int]) -> str:
    properties = crs.get("properties") if isinstance(crs, dict) else None
    named = str(properties.get("name", "")) if isinstance(properties, dict) else ""
    if "CRS84" in named.upper():
        return "EPSG:4326"
    declared = _DECLARED.search(named)
    if declared:
        return f"EPSG:{declared.group(1)}"
    votes: dict[str, int] = {}
    for kind, count in classes.items():
        if kind != "other":
            base = kind.split("/")[0]
            votes[base] = votes.get(base, 0) + count
    return max(votes, key=lambda k: votes[k]) if votes else "EPSG:4326"


def _transform(crs: str) -> Transform | None:
    if crs == "EPSG:4326":
        return None
    from pyproj.exceptions import CRSError

    try:
        to_wgs84 = transformer(crs)
    except CRSError:
        raise LoadError(
            "crs",
            f"the file names the CRS {crs!r}, which is not known",
            code="crs_unknown",
            params={"crs": crs},
        ) from None

    def fn(x: float, y: float) -> tuple[float, float]:
        lon, lat = to_wgs84.transform(x, y)
        return round(lon, 7), round(lat, 7)

    return fn


def _valid_geometry(name: str, index: int, feature: Any) -> dict[str, Any] | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise LoadError(
            name,
            f"feature {index} is not a GeoJSON Feature",
            code="not_a_feature",
            params={"feature": index},
        )
    geometry = feature.get("geometry")
    if geometry is None:
        return None
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in _TYPES:
        raise LoadError(
            name,
            f"feature {index}: unknown geometry type {kind!r}",
            code="geometry_type_unknown",
            params={"feature": index, "kind": str(kind)},
        )
    try:
        _check_coords(geometry.get("coordinates"), _TYPES[kind])
    except ValueError as exc:
        raise LoadError(
            name,
            f"feature {index}: broken {kind} geometry: {exc}",
            code="geometry_broken",
            params={"feature": index, "kind": kind, "detail": str(exc)},
        ) from None
    return dict(geometry)


def _properties(feature: dict[str, Any]) -> dict[str, Any]:
    properties = feature.get("properties")
    return flatten(properties) if isinstance(properties, dict) else {}


def _features(name: str, path: Path, top: dict[str, Any]) -> Iterator[tuple[int, Any]]:
    """Each feature of the FeatureCollection with its number; `top` gets its `crs`."""
    found = False
    with JsonStream.open(name, path) as stream:
        if stream.peek() != "{":
            raise LoadError(
                name,
                "not a GeoJSON FeatureCollection (no 'features' array)",
                code="not_feature_collection",
            )
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
        raise LoadError(
            name,
            "not a GeoJSON FeatureCollection (no 'features' array)",
            code="not_feature_collection",
        )


@dataclass
class _Survey:
    """What the first reading learns: columns, where the first position is, what kinds."""

    columns: Columns
    top: dict[str, Any] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)  # first positions by `_class`
    kinds: set[str] = field(default_factory=set)
    count: int = 0


def _survey(name: str, path: Path, max_columns: int) -> _Survey:
    survey = _Survey(Columns(name, max_columns))
    for index, feature in _features(name, path, survey.top):
        geometry = _valid_geometry(name, index, feature)
        survey.columns.add(index, "feature", _properties(feature))
        if geometry is not None:
            survey.kinds.add(geometry["type"])
            first = _first_position(geometry)
            kind = _class(first) if first else "other"
            survey.classes[kind] = survey.classes.get(kind, 0) + 1
        survey.count += 1
    if not survey.count:
        raise LoadError(name, "the FeatureCollection has no features", code="no_rows")
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
    "latitude -90…90), at a pole or at (0, 0), or, reprojected, far outside the area their "
    "CRS is used for",
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
        inside = math.isfinite(x) and math.isfinite(y) and west <= x <= east and south <= y <= north
        if not inside or impossible(x, y):
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


def _notes(problems: dict[str, list[int]], kinds: set[str]) -> list[Note]:
    notes = []
    for reason, features in problems.items():
        shown = ", ".join(str(i) for i in features[:10])
        more = f" and {len(features) - 10} more" if len(features) > 10 else ""
        one = len(features) == 1
        notes.append(Note(
            f"geometry_{reason}", {"count": len(features), "features": features[:10]},
            f"{len(features)} feature{' has' if one else 's have'} {_PROBLEMS[reason]}; "
            f"{'its' if one else 'their'} geometry is left empty and the row kept: "
            f"feature{'' if one else 's'} {shown}{more}",
        ))  # fmt: skip
    return notes


def _swap_axes(x: float, y: float) -> tuple[float, float]:
    return y, x


@dataclass
class _Placing:
    """How the second reading puts each geometry into WGS 84, and what it found wrong."""

    fn: Transform | None
    fix: bool  # whether swapped features are put right (the file is about Sweden)
    bounds: tuple[float, float, float, float]
    problems: dict[str, list[int]] = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)

    def _placed(self, coords: Any, depth: int, swap: bool) -> Any:
        if swap:
            coords = _map(coords, depth, _swap_axes)
        return _map(coords, depth, self.fn) if self.fn else coords

    def _order(self, index: int, coords: Any, depth: int) -> Any:
        """The coordinates in WGS 84, with this feature's axes put right if they are swapped:
        outside Sweden as they are, inside it swapped."""
        placed = self._placed(coords, depth, swap=False)
        first = next(_positions(placed, depth), None)
        if first is None or impossible(first[0], first[1]) or in_sweden(first[0], first[1]):
            return placed
        turned = self._placed(coords, depth, swap=True)
        lon, lat = next(_positions(turned, depth))[:2]
        if impossible(lon, lat) or not in_sweden(lon, lat):
            return placed
        self.tally.add("swapped", index)
        if not self.fix:
            return placed
        self.tally.add("fixed", index)
        return turned

    def geometry_text(self, index: int, geometry: dict[str, Any], record: dict[str, Any]
                      ) -> str | None:  # fmt: skip
        kind, depth = geometry["type"], _TYPES[geometry["type"]]
        self.tally.add("positions", index)
        coords = self._order(index, geometry["coordinates"], depth)
        problem = _problem(kind, coords, self.bounds)
        if problem:
            self.problems.setdefault(problem, []).append(index)
            if problem == "impossible":
                self.tally.add("impossible", index)
            return None
        if kind == "Point":
            record["lon"], record["lat"] = coords[0], coords[1]
        return json.dumps({**geometry, "coordinates": coords}, ensure_ascii=False)


def _about_sweden(crs: str, classes: dict[str, int]) -> bool:
    """Whether at least half the features lie in Sweden once put right (see `geo_columns`);
    true for a CRS whose Swedish range is not known here."""
    if crs not in _RANGES:
        return True
    home = classes.get(crs, 0) + classes.get(crs + "/swapped", 0)
    return home * 2 >= sum(classes.values())


def read_features(name: str, path: Path, max_columns: int) -> RowTable:
    """Rows for the features of a FeatureCollection file, and what was done to them."""
    survey = _survey(name, path, max_columns)
    crs = _source_crs(survey.top.get("crs"), survey.classes)
    fn = _transform(crs)
    points = ["lon", "lat"] if "Point" in survey.kinds else []
    columns = list(dict.fromkeys([*survey.columns.names, *points, "geometry"]))
    source: dict[str, Any] = {"crs": crs, "reprojected": fn is not None}
    warnings: list[Note] = []

    def rows() -> Iterator[list[Any]]:
        placing = _Placing(fn, _about_sweden(crs, survey.classes), _bounds(crs))
        for index, feature in _features(name, path, {}):
            geometry = _valid_geometry(name, index, feature)
            record = _properties(feature)
            text = placing.geometry_text(index, geometry, record) if geometry else None
            record["geometry"] = text
            yield [record.get(c) for c in columns]
        tally = placing.tally
        warnings[:] = (survey.columns.notes() + tally.notes("feature", impossible=False)
                       + _notes(placing.problems, survey.kinds))  # fmt: skip
        source["geometry_problems"] = {k: len(v) for k, v in placing.problems.items()}
        source["coordinates"] = tally.as_json()
        source["swapped_lat_lon"] = tally.counts["fixed"] > 0

    return RowTable(columns, rows, source, warnings)
