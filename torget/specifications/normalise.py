"""Normalisation of a source's dates and positions while it is combined (issue 16, part 5).

Dates: the national specifications write dates as ISO 8601 (`2024-03-01`, shared/specs/sweden/
NOTES.md §1.2); municipal files also write `2024-3-1`, `20240301`, `2024/03/01`, `1/3 2024`
(Swedish day/month), `1.3.2024` and timestamps (`2024-03-01T10:00:00Z`, whose date part is the
value). Each becomes `YYYY-MM-DD`; a value that is not a real date (`2024-02-30`) or is
ambiguous (`1/3/2024` is day/month in Sweden, month/day in a US export) is left as it was, so
validation counts it. A column the loader typed DATE is ISO already and is left alone (the
rewriting costs a tenth of a combine's time per source otherwise). The combine counts every
value changed, per field.

Positions: a specification with `latitude` and `longitude` fields wants WGS 84 degrees. The
datastore's loader already converts SWEREF 99 TM metres in a latitude/longitude pair of number
columns (`torget.datastore.geo_columns`). Here the rest is put right, row by row, with the same
conversion (`torget.datastore.sweref`):
- a source without latitude/longitude columns but with a northing/easting pair (`N`/`E`,
  `northing`/`easting`, `nord`/`ost`, `x`/`y`, each possibly with `sweref99tm`, `koordinat`
  around it): its rows in SWEREF 99 TM, in either order, give the latitude and longitude; the
  x/y pair is decided by the values, since Swedish surveying calls the northing x and GIS
  exports call it y;
- metres left in latitude/longitude columns the loader did not type as decimals (whole metres
  are integers; a column with a stray word is text).
Each converted row is counted (`sweref99tm`); rows whose values are not a SWEREF 99 TM
position in Sweden are left as they are for validation to judge.
"""

from __future__ import annotations

import re

import duckdb

from torget.datastore.infer import quote_ident
from torget.datastore.sweref import convert_rows
from torget.specifications.columns import match_columns
from torget.specifications.registry import Specification
from torget.specifications.report import Report

__all__ = ["CONVERTED", "canonical_date", "normalised_source"]

CONVERTED = "sweref99tm"  # the report's count of positions converted from SWEREF 99 TM
_LAT, _LON = "latitude", "longitude"
_DATES = (  # (the text's shape, how strptime reads it)
    (r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"),
    (r"\d{8}", "%Y%m%d"),
    (r"\d{4}/\d{1,2}/\d{1,2}", "%Y/%m/%d"),
    (r"\d{1,2}/\d{1,2} \d{4}", "%d/%m %Y"),
    (r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"),
)
_TIMESTAMP = r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?"
# What is left of a column's name once the words for the grid and "coordinate" are taken away.
_NOISE = re.compile(r"sweref\s*99\s*(tm)?|sweref|koordinat(er)?|coord(inate)?s?|[^a-zåäö]")
_NORTH = {"n", "north", "northing", "nord", "nordlig"}
_EAST = {"e", "east", "easting", "ost", "öst", "ostlig", "östlig", "o", "ö"}


def canonical_date(text: str) -> str:
    """SQL for the ISO 8601 form of the date in the SQL text `text`, or `text` unchanged."""
    # Most values are ISO already: known by their length and dashes, without a regular
    # expression (a wrong one such as `2024-13-45` stays as it is either way, for validation).
    iso = f"length({text}) = 10 AND substr({text}, 5, 1) = '-' AND substr({text}, 8, 1) = '-'"
    day = f"left({text}, 10)"
    cases = [
        f"WHEN {iso} THEN {text}",
        f"WHEN regexp_full_match({text}, '{_TIMESTAMP}') AND "
        f"try_strptime({day}, '%Y-%m-%d') IS NOT NULL THEN {day}",
    ]
    for shape, reading in _DATES:
        read = f"strftime(try_strptime({text}, '{reading}'), '%Y-%m-%d')"
        cases.append(f"WHEN regexp_full_match({text}, '{shape}') THEN coalesce({read}, {text})")
    return f"CASE {' '.join(cases)} ELSE {text} END"


def _axis(name: str) -> str | None:
    key = _NOISE.sub("", name.lower())
    if key in _NORTH:
        return "n"
    if key in _EAST:
        return "e"
    return key if key in ("x", "y") else None


def _grid_pair(columns: list[str]) -> tuple[str, str] | None:
    """Two columns that name a northing and an easting (or x and y), the only such pair."""
    axes: dict[str, list[str]] = {}
    for c in columns:
        if (axis := _axis(c)) is not None:
            axes.setdefault(axis, []).append(c)
    for one, other in (("n", "e"), ("x", "y")):
        if len(axes.get(one, [])) == 1 and len(axes.get(other, [])) == 1:
            return axes[one][0], axes[other][0]
    return None


def _number(column: str) -> str:
    text = f"trim(CAST({quote_ident(column)} AS VARCHAR))"
    return f"TRY_CAST(replace(replace({text}, ' ', ''), ',', '.') AS DOUBLE)"


def _positions(con: duckdb.DuckDBPyConnection, table: str, columns: list[str],
               spec: Specification,
               sweref: str) -> tuple[dict[str, str], list[str], int]:  # fmt: skip
    """The latitude/longitude columns' SQL over `d` (the table) and `s` (the temporary table
    `sweref`), the columns added, and how many positions were converted (see the module)."""
    if not {_LAT, _LON} <= {f.name for f in spec.fields if f.type == "number"}:
        return {}, [], 0
    wanted = [f for f in spec.fields if f.name in (_LAT, _LON)]
    present = match_columns(columns, wanted, Report(spec.iri)).present
    if len(present) == 2:
        lat, lon = columns[present[_LAT]], columns[present[_LON]]
        count = convert_rows(con, table, _number(lat), _number(lon), sweref)
        pairs = ((lat, "lat"), (lon, "lon"))
        found = {c: f"CASE WHEN s._id IS NULL THEN CAST(d.{quote_ident(c)} AS VARCHAR) "
                    f"ELSE CAST(s.{axis} AS VARCHAR) END" for c, axis in pairs}  # fmt: skip
        return (found, [], count) if count else ({}, [], 0)
    if not present and (pair := _grid_pair(columns)) is not None:
        count = convert_rows(con, table, _number(pair[0]), _number(pair[1]), sweref)
        if count:
            added = {_LAT: "CAST(s.lat AS VARCHAR)", _LON: "CAST(s.lon AS VARCHAR)"}
            return added, [_LAT, _LON], count
    return {}, [], 0


def _dates(types: dict[str, str], columns: list[str], spec: Specification,
           report: Report) -> dict[str, tuple[str, str]]:  # fmt: skip
    """Column → (field, its ISO 8601 SQL) for the date fields in columns that are not DATE
    already (the loader typed a column of ISO or Swedish dates as DATE)."""
    dates = [f for f in spec.fields if f.type == "date"]
    present = match_columns(columns, dates, report).present
    return {columns[i]: (name, canonical_date(f"NULLIF(CAST(d.{quote_ident(columns[i])} "
                                              "AS VARCHAR), '')"))
            for name, i in present.items() if types.get(columns[i]) != "DATE"}  # fmt: skip


def normalised_source(con: duckdb.DuckDBPyConnection, table: str, columns: list[str],
                      spec: Specification, name: str = "torget_placed",
                      ) -> tuple[str, list[str], dict[str, int]]:  # fmt: skip
    """The relation to combine instead of `table` (whose columns are `columns`), its columns,
    and what was changed: dates per field, positions converted as `sweref99tm`. The relation,
    when there is anything to change, is the temporary view `name` (over the temporary table
    `name`_sweref when positions were converted): one name per source of a build."""
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    positions, added, converted = _positions(con, table, columns, spec, f"{name}_sweref")
    dates = _dates(types, columns, spec, Report(spec.iri))
    if not positions and not dates:
        return table, columns, {}
    exprs = {c: v for c, (_f, v) in dates.items()} | positions
    kept = [f"{exprs.get(c, f'd.{quote_ident(c)}')} AS {quote_ident(c)}" for c in columns]
    kept += [f"{positions[c]} AS {quote_ident(c)}" for c in added]
    join = f" LEFT JOIN {name}_sweref s ON s._id = d._id" if positions else ""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT d._id, {', '.join(kept)} "
                f"FROM {table} d{join}")  # fmt: skip
    changed = {CONVERTED: converted} if converted else {}
    if dates:
        raw = {c: f"NULLIF(CAST(d.{quote_ident(c)} AS VARCHAR), '')" for c in dates}
        counts = ", ".join(f"count(*) FILTER (WHERE {raw[c]} IS DISTINCT FROM {v})"
                           for c, (_f, v) in dates.items())  # fmt: skip
        found = con.execute(f"SELECT {counts} FROM {table} d").fetchone() or ()
        changed |= {f: int(n) for (_c, (f, _v)), n in zip(dates.items(), found, strict=True) if n}
    return name, columns + added, changed
