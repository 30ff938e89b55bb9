"""Coordinate order and plausibility, judged for each position on its own.

Swedish files mix `[lon, lat]` and `[lat, lon]` inside one file: a GIS export is right and
the few points someone typed in by hand are swapped. Deciding the order once per file (from the
first point) moves every correct point into the sea to fix the few wrong ones, so the order is
decided per GeoJSON feature (`geo`) and per row of latitude/longitude columns (here), against
Sweden's bounds: longitude 10–25°, latitude 55–70°. Those ranges do not overlap, so a position
outside Sweden whose swap lies inside it can only be swapped. A position is only put right in
a file that is about Sweden (at least half its positions lie in Sweden once put right): a
world-wide file's point at (15, 60) is in the Arabian Sea, correctly.

A row whose pair holds SWEREF 99 TM metres instead of degrees (a northing of 6–7.8 million
in one column, an easting in the other, in either order: `sweref`) is converted to WGS 84
first and counted as `sweref99tm`; before, it was emptied as impossible.

A position is impossible when it is not finite, outside -180…180 / -90…90, at a pole, or
exactly (0, 0) ("null island", what an empty value becomes in many exports). Impossible
positions are emptied and counted; the report gives the counts of swapped, fixed and impossible
positions, and the first rows of each.
"""

from __future__ import annotations

import math
import re
from typing import Any

import duckdb

from torget.datastore.infer import ColumnType, quote_ident
from torget.datastore.notes import Note
from torget.datastore.sweref import convert_rows

__all__ = ["SWEDEN", "in_sweden", "impossible", "place", "reproject", "Tally"]

SWEDEN = (10.0, 55.0, 25.0, 70.0)  # west, south, east, north, with a margin around the land
_LAT = {"lat", "latitude", "latitud", "breddgrad", "wgs84lat", "latwgs84", "ylat"}
_LON = {"lon", "lng", "long", "longitude", "longitud", "längdgrad", "langdgrad",
        "wgs84lon", "lonwgs84", "xlon"}  # fmt: skip
_NUMERIC = ("DOUBLE",)  # swapped in place, so both of one type
_SHOWN = 10


def in_sweden(lon: float, lat: float) -> bool:
    west, south, east, north = SWEDEN
    return west <= lon <= east and south <= lat <= north


def impossible(lon: float, lat: float) -> bool:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return True
    return (lon == 0 and lat == 0) or abs(lat) >= 90 or abs(lon) > 180


class Tally:
    """Counts of positions by what was found, with the first rows (or features) of each."""

    def __init__(self) -> None:
        self.counts = {"positions": 0, "swapped": 0, "fixed": 0, "impossible": 0}
        self.where: dict[str, list[int]] = {"swapped": [], "impossible": []}

    def add(self, kind: str, where: int, count: int = 1) -> None:
        self.counts[kind] += count
        if kind in self.where and len(self.where[kind]) < _SHOWN:
            self.where[kind].append(where)

    def as_json(self) -> dict[str, Any]:
        return {**self.counts, **{f"{k}_at": v for k, v in self.where.items() if v}}

    def notes(self, unit: str, impossible: bool = True) -> list[Note]:
        """`unit` is "row" or "feature"; the codes name it (`swapped_rows_fixed`, …)."""
        notes = []
        swapped, fixed, bad = (self.counts[k] for k in ("swapped", "fixed", "impossible"))
        if swapped:
            at = _list(self.where["swapped"], swapped)
            done = ("put right" if fixed == swapped else
                    "left as they are: most of the file lies outside Sweden")  # fmt: skip
            code = f"swapped_{unit}s_{'fixed' if fixed == swapped else 'kept'}"
            notes.append(Note(code, {"count": swapped, unit + "s": self.where["swapped"]},
                              f"{swapped} {unit}(s) have latitude and longitude swapped ({at}); "
                              f"they were {done}"))  # fmt: skip
        if bad and impossible:
            at = _list(self.where["impossible"], bad)
            params = {"count": bad, unit + "s": self.where["impossible"]}
            notes.append(
                Note(
                    f"impossible_{unit}s",
                    params,
                    f"{bad} {unit}(s) have impossible coordinates (0,0, a pole, or "
                    f"outside -180…180 / -90…90) and were left empty ({at})",
                )
            )
        return notes


def _list(where: list[int], count: int) -> str:
    return ", ".join(map(str, where)) + (" …" if count > len(where) else "")


def _key(name: str) -> str:
    return re.sub(r"[^a-zåäö0-9]", "", name.lower())


def coordinate_columns(types: list[ColumnType]) -> tuple[str, str] | None:
    """The (longitude, latitude) columns, when the table has exactly one numeric pair."""
    lats = [t.name for t in types if t.type in _NUMERIC and _key(t.name) in _LAT]
    lons = [t.name for t in types if t.type in _NUMERIC and _key(t.name) in _LON]
    return (lons[0], lats[0]) if len(lats) == 1 and len(lons) == 1 else None


def _within(lon: str, lat: str) -> str:
    west, south, east, north = SWEDEN
    return f"{lon} BETWEEN {west} AND {east} AND {lat} BETWEEN {south} AND {north}"


def _count(con: duckdb.DuckDBPyConnection, table: str, where: str, tally: Tally, kind: str
           ) -> int:  # fmt: skip
    found = con.execute(
        f"SELECT count(*), list(_id ORDER BY _id)[1:{_SHOWN}] FROM {table} WHERE {where}"
    ).fetchone()
    count, rows = (int(found[0]), list(found[1] or [])) if found else (0, [])
    tally.counts[kind] = count
    tally.where[kind] = rows
    return count


def place(con: duckdb.DuckDBPyConnection, table: str, types: list[ColumnType],
          warnings: list[Note], source: dict[str, Any]) -> list[ColumnType]:  # fmt: skip
    """Put swapped rows of a latitude/longitude column pair right and empty impossible ones,
    row by row (see the module's rules); the counts go to `source["coordinates"]`."""
    pair = coordinate_columns(types)
    if pair is None:
        return types
    t = quote_ident(table)
    lon, lat = (quote_ident(c) for c in pair)
    converted = reproject(con, t, lon, lat)
    swapped = _within(lat, lon)
    bad = (f"NOT (isfinite({lon}) AND isfinite({lat})) OR ({lon} = 0 AND {lat} = 0) "
           f"OR abs({lat}) >= 90 OR abs({lon}) > 180")  # fmt: skip
    counted = con.execute(
        f"SELECT count(*), count_if({_within(lon, lat)} OR {swapped}) FROM {t} "
        f"WHERE {lon} IS NOT NULL AND {lat} IS NOT NULL"
    ).fetchone() or (0, 0)
    tally = Tally()
    tally.counts["positions"] = positions = int(counted[0])
    if _count(con, t, swapped, tally, "swapped") and int(counted[1]) * 2 >= positions:
        con.execute(f"UPDATE {t} SET {lon} = {lat}, {lat} = {lon} WHERE {swapped}")
        tally.counts["fixed"] = tally.counts["swapped"]
    if _count(con, t, f"({bad})", tally, "impossible"):
        con.execute(f"UPDATE {t} SET {lon} = NULL, {lat} = NULL WHERE {bad}")
    source["coordinates"] = {"columns": list(pair), **tally.as_json(), "sweref99tm": converted}
    warnings.extend(tally.notes("row"))
    if converted:
        warnings.append(Note("sweref99tm_rows_converted", {"count": converted},
                             f"{converted} row(s) give the position in SWEREF 99 TM metres; "
                             "it was converted to WGS 84 degrees"))  # fmt: skip
    return types


def reproject(con: duckdb.DuckDBPyConnection, table: str, lon: str, lat: str) -> int:
    """Convert the rows of `table` whose `lon`/`lat` (quoted DOUBLE columns) hold a SWEREF 99
    TM position, either way round, to WGS 84 in place; return how many there were."""
    count = convert_rows(con, table, lon, lat, "torget_sweref")
    if count:
        con.execute(f"UPDATE {table} SET {lon} = s.lon, {lat} = s.lat FROM torget_sweref s "
                    f"WHERE {table}._id = s._id")  # fmt: skip
        con.execute("DROP TABLE torget_sweref")
    return count
