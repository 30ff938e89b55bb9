"""GeoJSON features as table rows: properties, the geometry as GeoJSON text, lon/lat for points.

Everything is stored in WGS 84 (RFC 7946). Swedish files often come in SWEREF 99 TM
(EPSG:3006), named in the legacy `crs` member or recognisable by its metre ranges; those are
reprojected with pyproj. Files with latitude and longitude swapped are recognised by Sweden's
extent (longitude 10–25°, latitude 55–70°) and put right; the report says so.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from torget.datastore.errors import LoadError

__all__ = ["feature_records"]

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
        if not ok or not all(isinstance(v, int | float) for v in value[:2]):
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


def _first_position(geometry: dict[str, Any]) -> tuple[float, float]:
    value = geometry["coordinates"]
    while isinstance(value[0], list):
        value = value[0]
    return float(value[0]), float(value[1])


def _source_crs(data: dict[str, Any], sample: tuple[float, float] | None) -> str:
    named = str(((data.get("crs") or {}).get("properties") or {}).get("name", ""))
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


def feature_records(name: str, data: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows for the features of a FeatureCollection, and what was done to the coordinates."""
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise LoadError(name, "not a GeoJSON FeatureCollection (no 'features' array)")
    features = data["features"]
    geometries = [_valid_geometry(name, i, f) for i, f in enumerate(features)]
    sample = next((_first_position(g) for g in geometries if g), None)
    crs = _source_crs(data, sample)
    fn = _transform(crs)
    if sample and fn:
        sample = fn(*sample)
    swap = bool(sample and _swapped(sample))
    records = []
    for feature, geometry in zip(features, geometries, strict=True):
        record = dict(feature.get("properties") or {})
        if geometry is not None:
            depth = _TYPES[geometry["type"]]
            coords = geometry["coordinates"]
            if fn:
                coords = _map(coords, depth, fn)
            if swap:
                coords = _map(coords, depth, lambda x, y: (y, x))
            geometry["coordinates"] = coords
            if geometry["type"] == "Point":
                record["lon"], record["lat"] = coords[0], coords[1]
        record["geometry"] = json.dumps(geometry, ensure_ascii=False) if geometry else None
        records.append(record)
    return records, {"crs": crs, "reprojected": fn is not None, "swapped_lat_lon": swap}
