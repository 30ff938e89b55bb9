"""Writing a demo table as CSV, JSON or GeoJSON bytes."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from torget.catalog.demo.builder.common import Row, Table

__all__ = ["render"]


def _wkt(geometry: dict[str, Any]) -> str:
    def ring(coords: list[list[float]]) -> str:
        return "(" + ", ".join(f"{x} {y}" for x, y in coords) + ")"

    if geometry["type"] == "Point":
        x, y = geometry["coordinates"]
        return f"POINT ({x} {y})"
    if geometry["type"] == "LineString":
        return "LINESTRING " + ring(geometry["coordinates"])
    if geometry["type"] == "Polygon":
        return "POLYGON (" + ", ".join(ring(r) for r in geometry["coordinates"]) + ")"
    raise ValueError(f"no WKT for {geometry['type']}")


def _cell(value: Any, swedish: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if swedish else text
    if isinstance(value, dict):
        return _wkt(value)
    return str(value)


def _csv(t: Table, rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if t.swedish else ",", lineterminator="\r\n")
    writer.writerow(t.columns)
    for row in rows:
        writer.writerow([_cell(row.get(c), t.swedish) for c in t.columns])
    return out.getvalue().encode("utf-8-sig" if t.swedish else "utf-8")


def _json_value(value: Any) -> Any:
    return _wkt(value) if isinstance(value, dict) else value


def _json(t: Table, rows: list[Row]) -> bytes:
    items = [
        json.dumps({c: _json_value(row.get(c)) for c in t.columns}, ensure_ascii=False)
        for row in rows
    ]
    return ("[\n" + ",\n".join(items) + "\n]\n").encode("utf-8")


def _geojson(t: Table, rows: list[Row]) -> bytes:
    skip = {t.lon, t.lat, t.geometry}
    features = []
    for row in rows:
        if t.geometry:
            geometry = row[t.geometry]
        elif t.lon and t.lat:
            geometry = {"type": "Point", "coordinates": [row[t.lon], row[t.lat]]}
        else:
            raise ValueError("a GeoJSON table needs lon/lat columns or a geometry column")
        props = {c: row.get(c) for c in t.columns if c not in skip}
        feature = {"type": "Feature", "geometry": geometry, "properties": props}
        features.append(json.dumps(feature, ensure_ascii=False))
    head = '{"type": "FeatureCollection", "features": [\n'
    return (head + ",\n".join(features) + "\n]}\n").encode("utf-8")


def render(t: Table, rows: list[Row], fmt: str) -> bytes:
    """The file's bytes for one of the formats the demo uses: CSV, JSON or GEOJSON."""
    if fmt == "CSV":
        return _csv(t, rows)
    if fmt == "JSON":
        return _json(t, rows)
    if fmt == "GEOJSON":
        return _geojson(t, rows)
    raise ValueError(f"the demo cannot write {fmt}")
