"""SWEREF 99 TM (EPSG:3006), the national grid of Swedish GIS exports, to WGS 84.

Municipal files give positions in degrees or in SWEREF 99 TM metres, often in one file (a GIS
export beside points typed in from a web map), and the columns do not always say which: a
`latitude` column may hold a northing. In Sweden the two never look alike: a northing lies in
6.0–7.8 million metres, an easting in 0.1–1.2 million, a latitude in 55–70 and a longitude in
10–25 degrees, so each position is recognised by its values, in either order. pyproj does the
conversion (EPSG's transformation, exact to the millimetre; the GeoJSON loader, `geo`, uses the
same transformer for a declared or recognised CRS).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import duckdb
import numpy as np

__all__ = ["EASTING", "NORTHING", "transformer", "to_wgs84", "sweref_condition", "convert_rows"]

EASTING = (1e5, 1.2e6)  # SWEREF 99 TM x over Sweden, with a margin
NORTHING = (6e6, 7.8e6)  # y


@cache
def transformer(crs: str) -> Any:
    """The pyproj transformer from `crs` to WGS 84, x/y as longitude/latitude."""
    from pyproj import Transformer  # 0.2 s to import: only where a position is converted

    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def to_wgs84(east: np.ndarray, north: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (rounded to 7 decimals, about a centimetre) of SWEREF 99 TM
    positions."""
    lon, lat = transformer("EPSG:3006").transform(east, north)
    return np.round(lon, 7), np.round(lat, 7)


def sweref_condition(east: str, north: str) -> str:
    """SQL true when the numbers `east` and `north` are a SWEREF 99 TM position in Sweden."""
    return (f"({east} BETWEEN {EASTING[0]} AND {EASTING[1]} "
            f"AND {north} BETWEEN {NORTHING[0]} AND {NORTHING[1]})")  # fmt: skip


def convert_rows(con: duckdb.DuckDBPyConnection, table: str, a: str, b: str, into: str) -> int:
    """Make the temporary table `into(_id, lat, lon)`: the rows of `table` whose numbers `a`
    and `b` (SQL over its columns) are a SWEREF 99 TM position, either way round, in WGS 84.
    Returns how many there are; with none, no table is made."""
    a_north, b_north = sweref_condition("b", "a"), sweref_condition("a", "b")
    found = con.execute(
        f"SELECT _id, CASE WHEN {a_north} THEN b ELSE a END AS e, "
        f"CASE WHEN {a_north} THEN a ELSE b END AS n "
        f"FROM (SELECT _id, {a} AS a, {b} AS b FROM {table}) WHERE {a_north} OR {b_north}"
    ).fetchnumpy()
    ids = found["_id"]
    if not len(ids):  # the common case: no table made (a combine asks once per source)
        return 0
    lons, lats = to_wgs84(found["e"], found["n"])
    con.register("torget_sweref_found", {"_id": ids, "lat": lats, "lon": lons})
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {into} AS "
                    "SELECT _id, CAST(lat AS DOUBLE) AS lat, CAST(lon AS DOUBLE) AS lon "
                    "FROM torget_sweref_found")  # fmt: skip
    finally:
        con.unregister("torget_sweref_found")
    return len(ids)
