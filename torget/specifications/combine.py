"""One national table per specification, from every published distribution checked against it.

Issue 16: "all data shared the same way must be downloadable from one place". Each source is
a distribution's current datastore table that was checked against the specification (own or
harvested: a harvested distribution is loaded and checked like any other). Its columns are
matched by name and alias (`columns`), normalised, validated row by row with the same SQL rules
as `sql_validation`, and the rows that pass are appended with four columns of provenance:
`source_organisation`, `municipality_code` (the row's own `source`, `kommun_id` or
`inspecOrg.id`, when it is a municipality code), `source_dataset`, `fetched_at` (when its
table was loaded) and `source_distribution`; `_id` numbers the rows, and a specification with
latitude and longitude fields gets a `geometry` column (a GeoJSON point) for the datastore's
GeoJSON download. Rows that fail are left out and counted per source and rule, never silently;
a source without a required column is left out whole. Rows whose key (the specification's
primary key) another source uses too are kept and reported (`collisions`).

Normalisation, each change counted per source: municipality codes padded to four digits
(`180` → `0180`, a code that lost its leading zero in a spreadsheet), booleans in their
canonical form (`ja`/`nej`, `yes`/`no`, `1`/`0`, any case → `true`/`false`), dates in ISO 8601
and SWEREF 99 TM positions in WGS 84 (`normalise`). The datastore's loader already puts swapped
latitude and longitude right, converts SWEREF 99 TM in a latitude/longitude pair and turns
decimal commas and Swedish dates into their canonical form when it loads each source.

A build writes a new DuckDB file, `<build id>.duckdb`, that nobody has open, and then swaps
in `report.json` (which names the file) in one rename, atomic on POSIX: a reader sees the old
table or the new one, and keeps the file it opened, as with the datastore's own versions
(`datastore.tables`). The report keeps, per source, the key of what its rows were made from
(table version, organisation, dataset, time of the load); a rebuild copies the last file,
deletes the rows of the sources that changed or went and checks only those sources again.
Sources with the same columns are checked in one statement (`_add_sources`). 290
municipalities take about 5 s of CPU, a refresh after one changed 0.3 s
(`bench/specifications.py`, docs/specifications.md). Builds of one specification run one at
a time (a file lock), each reading its sources when it holds the lock, so the last build sees
the last change.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from torget.clock import now
from torget.datastore.geo_columns import coordinate_columns
from torget.datastore.infer import ColumnType, quote_ident
from torget.db.engine import read
from torget.db.schema import (
    datasets,
    datastore_tables,
    distributions,
    organisations,
    specification_conformance,
)
from torget.settings import Settings
from torget.specifications.collisions import key_collisions
from torget.specifications.columns import match_columns
from torget.specifications.normalise import normalised_source
from torget.specifications.registry import Specification
from torget.specifications.report import Report
from torget.specifications.sql_validation import failing, rows_view, text_of

__all__ = ["PROVENANCE", "Source", "build", "combine", "combined_file", "combined_report",
           "coordinate_fields", "folder_of", "report_in"]  # fmt: skip

PROVENANCE = ("source_organisation", "municipality_code", "source_dataset", "fetched_at",
              "source_distribution")  # fmt: skip
_FLUSH = 64  # sources gathered in memory between writes to the file
_CODES = ("source", "kommun_id", "inspecOrg.id")
_TRUE = ("true", "1", "ja", "yes", "sant", "j", "y")
_FALSE = ("false", "0", "nej", "no", "falskt", "n")


@dataclass(frozen=True)
class Source:
    distribution_id: str
    path: Path
    organisation: str
    dataset: str
    fetched_at: str
    version: str  # the table version (its load's job): a source's rows are kept per version


def _folder(settings: Settings, spec: Specification) -> Path:
    return folder_of(settings.datastore_path, spec.name, spec.version)


def folder_of(root: Path, name: str, version: str) -> Path:
    """Where a specification's combined table is kept under the datastore's folder `root`."""
    return root / "specifications" / name / version


def combined_file(settings: Settings, spec: Specification) -> Path | None:
    """The DuckDB file of the current combined table (its table `data`), None before the first
    build."""
    folder = _folder(settings, spec)
    found = report_in(folder)
    path = folder / str(found.get("file", "")) if found else None
    return path if path is not None and path.is_file() else None


def combined_report(settings: Settings, spec: Specification) -> dict[str, Any] | None:
    return report_in(_folder(settings, spec))


def report_in(folder: Path) -> dict[str, Any] | None:
    """The report of the combined table kept in `folder` (`folder_of`), None before a build."""
    path = folder / "report.json"
    try:
        found: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    return found


def coordinate_fields(spec: Specification) -> tuple[str, str] | None:
    """The specification's (longitude, latitude) fields, by the names the datastore's loader
    knows them by (`geo_columns`), when it has exactly one pair."""
    numbers = [ColumnType(f.name, "DOUBLE") for f in spec.fields if f.type == "number"]
    return coordinate_columns(numbers)


def _sources(conn: sa.Connection, settings: Settings, spec: Specification) -> list[Source]:
    c, t, d, ds, o = (specification_conformance, datastore_tables, distributions, datasets,
                      organisations)  # fmt: skip
    rows = conn.execute(
        sa.select(
            c.c.distribution_id,
            t.c.file,
            t.c.loaded_at,
            o.c.name.label("org"),
            ds.c.name,
            t.c.job_id,
        )  # fmt: skip
        .join(t, (t.c.distribution_id == c.c.distribution_id) & (t.c.job_id == c.c.job_id))
        .join(d, d.c.id == c.c.distribution_id)
        .join(ds, ds.c.id == d.c.dataset_id)
        .join(o, o.c.id == ds.c.organisation_id)
        .where(c.c.specification_iri == spec.iri, ds.c.state == "published")
        .order_by(o.c.name, ds.c.name, c.c.distribution_id)
    )
    return [
        Source(
            r.distribution_id,
            settings.datastore_path / r.file,
            r.org,
            r.name,
            r.loaded_at.isoformat(),
            r.job_id,
        )  # fmt: skip
        for r in rows
    ]


def _normalised(name: str, kind: str, text: str) -> str:
    if name in _CODES:
        short = f"regexp_full_match({text}, '[0-9]{{1,3}}')"
        return f"CASE WHEN {short} THEN lpad({text}, 4, '0') ELSE {text} END"
    if kind == "boolean":
        yes, no = (", ".join(f"'{w}'" for w in words) for words in (_TRUE, _FALSE))
        return (f"CASE WHEN lower({text}) IN ({yes}) THEN 'true' "
                f"WHEN lower({text}) IN ({no}) THEN 'false' ELSE {text} END")  # fmt: skip
    return text


def _add_sources(con: duckdb.DuckDBPyConnection, spec: Specification,
                 todo: list[tuple[int, Source]]) -> dict[int, dict[str, Any]]:  # fmt: skip
    """Check and append the rows of the sources (each with its place in the build) to the
    table `data`; each source's counts. Sources with the same columns (files made from one
    template) are checked together, in one statement: planning a statement costs more than
    checking a thousand rows, so 290 municipalities take one statement, not 290."""
    done: dict[int, dict[str, Any]] = {}
    layouts: dict[tuple[tuple[str, str], ...], list[tuple[int, Source]]] = {}
    relations: dict[int, str] = {}  # each source's rows as combined: its table, or a view
    normalised: dict[int, dict[str, int]] = {}  # dates and positions put right (`normalise`)
    attached: list[int] = []
    try:
        for i, source in todo:
            try:
                con.execute(f"ATTACH {_literal(str(source.path))} AS src{i} (READ_ONLY)")
                attached.append(i)
                columns = [str(r[0]) for r in con.execute(f"DESCRIBE src{i}.data").fetchall()
                           if r[0] != "_id"]  # fmt: skip
                relations[i], _, normalised[i] = normalised_source(
                    con, f"src{i}.data", columns, spec, f"torget_placed{i}"
                )
                described = con.execute(f"DESCRIBE {relations[i]}").fetchall()
                layout = tuple((str(r[0]), str(r[1])) for r in described)
            except duckdb.Error as exc:  # a source removed meanwhile: said, the rest kept
                done[i] = _failed(exc)
                continue
            layouts.setdefault(layout, []).append((i, source))
        for layout, group in layouts.items():
            columns = [name for name, _type in layout if name != "_id"]
            try:
                done.update(_add_group(con, spec, columns, group, relations))
            except duckdb.Error:  # one of them cannot be read: each on its own, to say which
                for one in group:
                    try:
                        done.update(_add_group(con, spec, columns, [one], relations))
                    except duckdb.Error as exc:
                        done[one[0]] = _failed(exc)
    finally:
        for i in attached:
            con.execute(f"DROP VIEW IF EXISTS torget_placed{i}")
            con.execute(f"DROP TABLE IF EXISTS torget_placed{i}_sweref")
            con.execute(f"DETACH src{i}")
    for i, counts in normalised.items():
        if counts and i in done and "error" not in done[i]:
            both = Counter(done[i].get("normalised") or {}) + Counter(counts)
            done[i]["normalised"] = dict(both)
    return done


def _failed(exc: duckdb.Error) -> dict[str, Any]:
    return {"rows": 0, "kept": 0, "left_out": 0, "error": str(exc).splitlines()[0]}


_SHIFT = 40  # a row's `_id` in the statement: its source's place << 40, plus its own `_id`


def _add_group(con: duckdb.DuckDBPyConnection, spec: Specification, columns: list[str],
               group: list[tuple[int, Source]],
               relations: dict[int, str]) -> dict[int, dict[str, Any]]:  # fmt: skip
    """`_add_sources` for sources whose rows (`relations`) have the same `columns`."""
    report = Report(spec.iri)
    matched = match_columns(columns, spec.fields, report)
    names = list(matched.present)
    kinds = {f.name: f.type for f in spec.fields}
    raw = [text_of(columns[matched.present[n]]) for n in names]
    values = [_normalised(n, kinds[n], r) for n, r in zip(names, raw, strict=True)]
    union = " UNION ALL ".join(
        f"SELECT (CAST({int(i)} AS BIGINT) << {_SHIFT}) + _id AS _id, * EXCLUDE (_id) "
        f"FROM {relations[i]}" for i, _s in group
    )  # fmt: skip
    rows_view(con, f"({union})", values)
    counts = _changes(con, union, names, raw, values)
    totals = {i: counts.get(i, (0, {})) for i, _s in group}
    if any(f.required for f in matched.missing):
        missing = [f.name for f in matched.missing if f.required]
        return {i: {"rows": n, "kept": 0, "left_out": n, "normalised": changed,
                    "missing_columns": missing} for i, (n, changed) in totals.items()}  # fmt: skip
    present = [f for f in spec.fields if f.name in matched.present]
    raw_fields = [r for r in spec.schema["fields"] if r["name"] in matched.present]
    bad = failing(con, names, present, raw_fields)
    out = [_typed(f"v{names.index(f.name)}", f.type) if f.name in names else "NULL"
           for f in spec.fields]  # fmt: skip
    code = next((f"v{names.index(n)}" for n in _CODES if n in names), "NULL")
    code = f"CASE WHEN regexp_full_match({code}, '[0-9]{{4}}') THEN {code} END"
    sources = ", ".join(
        f"({int(i)}, {_literal(s.organisation)}, {_literal(s.dataset)}, "
        f"{_literal(s.fetched_at)}, {_literal(s.distribution_id)})"
        for i, s in group
    )
    con.execute("CREATE OR REPLACE TEMP TABLE torget_sources (place BIGINT, organisation VARCHAR, "
                f"dataset VARCHAR, fetched_at VARCHAR, distribution VARCHAR); "
                f"INSERT INTO torget_sources VALUES {sources}")  # fmt: skip
    provenance = ["s.organisation", code, "s.dataset", "s.fetched_at", "s.distribution"]
    mask = (1 << _SHIFT) - 1
    con.execute(f"INSERT INTO data SELECT r._id >> {_SHIFT}, r._id & {mask}, {', '.join(out)}"
                f"{_point(spec, names)}, {', '.join(provenance)} FROM torget_rows r JOIN "
                f"torget_sources s ON s.place = r._id >> {_SHIFT} WHERE NOT ({bad})")  # fmt: skip
    places = ", ".join(str(int(i)) for i, _s in group)
    kept = dict(con.execute(f"SELECT _order, count(*) FROM data WHERE _order IN ({places}) "
                            "GROUP BY _order").fetchall())  # fmt: skip
    return {i: {"rows": n, "kept": int(kept.get(i, 0)), "left_out": n - int(kept.get(i, 0)),
                "normalised": changed} for i, (n, changed) in totals.items()}  # fmt: skip


def _point(spec: Specification, names: list[str]) -> str:
    """`, <the geometry column's value>` when the specification has coordinates, else ""."""
    pair = coordinate_fields(spec)
    if pair is None:
        return ""
    lon, lat = (f"TRY_CAST(v{names.index(n)} AS DOUBLE)" if n in names else "CAST(NULL AS DOUBLE)"
                for n in pair)  # fmt: skip
    point = (f"""'{{"type": "Point", "coordinates": [' || CAST({lon} AS VARCHAR) || ', ' """
             f"""|| CAST({lat} AS VARCHAR) || ']}}'""")  # fmt: skip
    return f", CASE WHEN isfinite({lon}) AND isfinite({lat}) THEN {point} END"


def _changes(con: duckdb.DuckDBPyConnection, union: str, names: list[str], raw: list[str],
             values: list[str]) -> dict[int, tuple[int, dict[str, int]]]:  # fmt: skip
    """Per source (its place): its rows (blank ones left out, as `rows_view` does) and how
    many values each normalised column changed, in one scan."""
    changed = [(n, r, v) for n, r, v in zip(names, raw, values, strict=True) if r != v]
    blank = " AND ".join(f"({r}) IS NULL" for r in raw) or "false"
    counts = "".join(
        f", count(*) FILTER (WHERE ({r}) IS DISTINCT FROM ({v}))" for _n, r, v in changed
    )
    found = con.execute(
        f"SELECT _id >> {_SHIFT}, count(*) FILTER (WHERE NOT ({blank})){counts} FROM ({union}) "
        "GROUP BY 1"
    ).fetchall()
    return {
        int(row[0]): (int(row[1]), {n: int(k) for (n, _r, _v), k in
                                    zip(changed, row[2:], strict=True) if k})
        for row in found
    }  # fmt: skip


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    found = con.execute(sql).fetchone()
    return int(found[0]) if found else 0


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def combine(settings: Settings, engine: sa.Engine, spec: Specification) -> dict[str, Any]:
    """Build the specification's combined table anew and swap it in; return its report."""
    folder = _folder(settings, spec)
    with _locked(folder):
        with read(engine) as conn:  # under the lock: the last build reads the last change
            sources = _sources(conn, settings, spec)
        return _build(folder, spec, sources)


def build(folder: Path, spec: Specification, sources: list[Source]) -> dict[str, Any]:
    """Combine `sources` into a new file in `folder`, swapped in with its `report.json`. Only
    the sources that changed since the last build are read and checked again."""
    with _locked(folder):
        return _build(folder, spec, sources)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# Part of every source's key: a change to the normalisation or the table's columns must make
# every source's rows be made again, so change this with them.
_RULES = "4"


def _schema_key(spec: Specification) -> str:
    text = json.dumps([_RULES, spec.schema], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _source_key(source: Source) -> list[str]:
    """What a source's rows are made of: when this is as the last build recorded it, its rows
    in the last file are still right."""
    return [source.version, source.organisation, source.dataset, source.fetched_at]


def _column_names(spec: Specification) -> list[str]:
    """The combined table's columns after `_id`: the fields, `geometry`, the provenance."""
    geometry = ["geometry"] if coordinate_fields(spec) else []
    return [*(f.name for f in spec.fields), *geometry, *PROVENANCE]


# Table Schema's types as the datastore's column types. Every row in the combined table passed
# the specification's type rules, so its values read as these, and the query API then filters
# and sorts numbers as numbers and dates as dates; the other types (string, the codes, and
# datetime, whose time zones the files do not agree on) stay text.
_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}


def _column_types(spec: Specification) -> list[tuple[str, str]]:
    kinds = {f.name: _TYPES.get(f.type, "TEXT") for f in spec.fields}
    return [(c, kinds.get(c, "TEXT")) for c in _column_names(spec)]


def _typed(value: str, kind: str) -> str:
    wanted = _TYPES.get(kind)
    return f"TRY_CAST({value} AS {wanted})" if wanted else value


def _columns(spec: Specification) -> str:
    types = [f"{quote_ident(c)} {'VARCHAR' if t == 'TEXT' else t}" for c, t in _column_types(spec)]
    return ", ".join(["_id BIGINT", *types])


def _build(folder: Path, spec: Specification, sources: list[Source]) -> dict[str, Any]:
    schema = _schema_key(spec)
    previous = report_in(folder) or {}
    base: Path | None = None
    if previous.get("schema") == schema and previous.get("file"):
        base = folder / str(previous["file"])
    if base is not None and not base.is_file():
        base = None
    before = {e["distribution"]: e for e in previous.get("sources", [])
              if base is not None and "error" not in e}  # fmt: skip
    target = folder / f"{uuid.uuid4()}.duckdb"
    try:
        entries, rows = _write(target, base, spec, sources, before)
    except BaseException:
        for leftover in (target, Path(f"{target}.wal")):
            leftover.unlink(missing_ok=True)
        raise
    columns = [{"name": c, "type": t} for c, t in _column_types(spec)]
    report: dict[str, Any] = {"specification": spec.iri, "built_at": now().isoformat(),
                              "schema": schema, "file": target.name, "rows": rows,
                              "columns": columns, "sources": entries}  # fmt: skip
    written = folder / "report.json.tmp"
    written.write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    os.replace(written, folder / "report.json")
    _forget(folder, {target, *([base] if base else [])})
    return report


_COUNTS = ("rows", "kept", "left_out", "normalised", "missing_columns")


def _write(target: Path, base: Path | None, spec: Specification, sources: list[Source],
           before: dict[str, dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    """The combined table at `target`: `base`'s rows of the unchanged sources, and the rows of
    the others checked again. In memory first: each statement on a file commits to its
    write-ahead log, so sources are gathered and written `_FLUSH` at a time."""
    same = {s.distribution_id for s in sources
            if before.get(s.distribution_id, {}).get("key") == _source_key(s)}  # fmt: skip
    entries: list[dict[str, Any]] = []
    con = duckdb.connect(":memory:")
    try:
        if base is not None:
            shutil.copyfile(base, target)
        con.execute("SET threads = 1")  # many small statements: no gain from more
        con.execute(f"ATTACH {_literal(str(target))} AS combined")
        con.execute(f"CREATE TABLE data (_order BIGINT, {_columns(spec)})")
        if base is None:
            con.execute(f"CREATE TABLE combined.data ({_columns(spec)})")
        else:
            con.execute("CREATE TEMP TABLE torget_same (d VARCHAR)")
            if same:
                con.executemany("INSERT INTO torget_same VALUES (?)", [(d,) for d in same])
            con.execute("DELETE FROM combined.data "
                        "WHERE source_distribution NOT IN (SELECT d FROM torget_same)")  # fmt: skip
        next_id = _count(con, "SELECT coalesce(max(_id), 0) FROM combined.data") + 1
        for start in range(0, len(sources), _FLUSH):
            chunk = list(enumerate(sources))[start : start + _FLUSH]
            done = _add_sources(con, spec, [(i, s) for i, s in chunk
                                            if s.distribution_id not in same])  # fmt: skip
            for i, source in chunk:
                entry: dict[str, Any] = {
                    "organisation": source.organisation, "dataset": source.dataset,
                    "distribution": source.distribution_id, "fetched_at": source.fetched_at,
                    "key": _source_key(source),
                }  # fmt: skip
                old = before.get(source.distribution_id, {})
                entry.update(done[i] if i in done else {k: old[k] for k in _COUNTS if k in old})
                entries.append(entry)
            next_id = _flush(con, next_id)
        for entry in entries:
            entry.pop("collisions", None)
        for distribution, found in key_collisions(con, spec, "combined.data", entries).items():
            next(e for e in entries if e["distribution"] == distribution)["collisions"] = found
        rows = _count(con, "SELECT count(*) FROM combined.data")
        con.execute("DETACH combined")
    finally:
        con.close()
    return entries, rows


def _flush(con: duckdb.DuckDBPyConnection, next_id: int) -> int:
    """Write the gathered rows to the file, numbered from `next_id` in the order of their
    sources; the next number."""
    written = _count(con, f"INSERT INTO combined.data SELECT {int(next_id) - 1} + "
                          "row_number() OVER (ORDER BY _order, _id), * EXCLUDE (_order, _id) "
                          "FROM data")  # fmt: skip
    con.execute("DELETE FROM data")
    return next_id + written


def _forget(folder: Path, kept: set[Path]) -> None:
    """Remove the files of earlier builds but the one just before (a reader that looked it up
    a moment ago may still open it)."""
    for old in folder.glob("*.duckdb*"):
        if not any(old.name.startswith(k.name) for k in kept):
            old.unlink(missing_ok=True)
