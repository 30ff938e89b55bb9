"""The map of a table with geometries, and its text alternative, on a dataset's page.

The page itself holds no coordinates for the map: a small script (`static/torget-map.js`,
over the vendored Leaflet) fetches the features from the query API's GeoJSON download with
the preview's filters and at most `MAP_FEATURES` rows, and draws them over the tiles of
`map_tile_url` (none when it is empty). Without JavaScript there is no map, and the table of
features, which is always in the page, says what the map would show: each feature's name,
geometry type and a position that stands for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from torget.datastore.geometry import GeometrySummary, summarise_geometry
from torget.datastore.tables import Table
from torget.settings import Settings
from torget.web.pages.preview import PreviewState

__all__ = ["MAP_FEATURES", "MapView", "table_map", "tile_origin"]

MAP_FEATURES = 1000
_LABELS = ("name", "namn", "title", "titel", "benamning", "plannamn", "gata", "adress")


@dataclass(frozen=True)
class Feature:
    label: str
    geometry: GeometrySummary


@dataclass(frozen=True)
class MapView:
    geojson_url: str
    limit: int
    total: int
    truncated: bool
    label_column: str | None
    features: list[Feature]
    tile_url: str
    attribution: str


def _label_column(table: Table) -> str | None:
    types = table.column_types
    for name in _LABELS:
        if types.get(name) == "TEXT":
            return name
    return next((n for n, t in types.items() if t == "TEXT" and n != "geometry"), None)


def table_map(
    table: Table, state: PreviewState, rows: list[dict[str, Any]], total: int, settings: Settings
) -> MapView | None:
    """The map of the filtered table, or None when the table has no geometry column."""
    if "geometry" not in table.column_types:
        return None
    limit = min(MAP_FEATURES, settings.max_page_size)
    pairs = [(f.key, f.value) for f in state.filters]
    if state.q:
        pairs.append(("q", state.q))
    if state.sort:
        pairs.append(("sort", state.sort))
    pairs += [("fields", "_id,geometry" + _extra(table)), ("limit", str(limit))]
    url = f"/api/datastore/{table.distribution_id}/rows.geojson?{urlencode(pairs)}"
    label = _label_column(table)
    features = []
    for i, row in enumerate(rows):
        summary = summarise_geometry(row.get("geometry"))
        if summary is not None:
            name = row.get(label) if label else None
            features.append(Feature(str(name) if name is not None else f"#{i + 1}", summary))
    return MapView(url, limit, total, total > limit, label, features,
                   settings.map_tile_url, settings.map_tile_attribution)  # fmt: skip


def _extra(table: Table) -> str:
    label = _label_column(table)
    return f",{label}" if label else ""


def tile_origin(tile_url: str) -> str | None:
    """The origin the page's Content-Security-Policy must allow images from, if any.

    `{s}` subdomains (a.tile…, b.tile…) become a wildcard, as CSP host sources allow."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "sub"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.netloc.replace("sub.", "*.", 1) if "{s}" in tile_url else parts.netloc
    return f"{parts.scheme}://{host}"
