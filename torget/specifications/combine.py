"""One national table per specification, from every published distribution checked against it.

Issue 16: "all data shared the same way must be downloadable from one place". Each source is
a distribution's current datastore table that was checked against the specification (own or
harvested: a harvested distribution is loaded and checked like any other). Its columns are
matched by name and alias (`columns`), normalised, validated row by row with the same SQL rules
as `sql_validation`, and the rows that pass are appended with four columns of provenance:
`source_organisation`, `municipality_code` (the row's own `source`, `kommun_id` or
`inspecOrg.id`, when it is a municipality code), `source_dataset` and `fetched_at` (when its
table was loaded). Rows that fail are left out and counted per source and rule, never silently;
a source without a required column is left out whole.

Normalisation, each change counted per source: municipality codes padded to four digits
(`180` → `0180`, a code that lost its leading zero in a spreadsheet), booleans in their
canonical form (`ja`/`nej`, `yes`/`no`, `1`/`0`, any case → `true`/`false`), dates in ISO 8601
and SWEREF 99 TM positions in WGS 84 (`normalise`). The datastore's loader already puts swapped
latitude and longitude right, converts SWEREF 99 TM in a latitude/longitude pair and turns
decimal commas and Swedish dates into their canonical form when it loads each source.

Each source's combined rows are kept as a Parquet file per table version (and schema), so a
rebuild after one source changed checks only that source and reads the others' rows. The table
is written to a new DuckDB file and moved over `current.duckdb` in one rename (atomic on
POSIX): a reader keeps the file it opened; the report sits beside it as JSON.
`bench/specifications.py` times it.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from torget.clock import now
from torget.datastore.infer import quote_ident
from torget.db.engine import read
from torget.db.schema import (
    datasets,
    datastore_tables,
    distributions,
    organisations,
    specification_conformance,
)
from torget.settings import Settings
from torget.specifications.columns import match_columns
from torget.specifications.normalise import normalised_source
from torget.specifications.registry import Specification
from torget.specifications.report import Report
from torget.specifications.sql_validation import failing, rows_view, text_of

__all__ = [
    "PROVENANCE", "Source", "build", "combine", "combined_file", "combined_report",
    "export_combined", "EXPORT_FORMATS",
]  # fmt: skip

EXPORT_FORMATS = ("csv", "parquet")

PROVENANCE = ("source_organisation", "municipality_code", "source_dataset", "fetched_at")
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
    return settings.datastore_path / "specifications" / spec.name / spec.version


def combined_file(settings: Settings, spec: Specification) -> Path | None:
    path = _folder(settings, spec) / "current.duckdb"
    return path if path.is_file() else None


def export_combined(settings: Settings, spec: Specification, fmt: str, folder: Path) -> Path | None:
    """The combined table written as `fmt` (one of `EXPORT_FORMATS`) into `folder`; None when
    there is no combined table yet or no such format."""
    path = combined_file(settings, spec)
    if path is None or fmt not in EXPORT_FORMATS:
        return None
    out = folder / f"{spec.name}-{spec.version}.{fmt}"
    con = duckdb.connect(str(path), read_only=True)
    try:
        options = "FORMAT parquet" if fmt == "parquet" else "HEADER, DELIMITER ','"
        con.execute(f"COPY data TO {_literal(str(out))} ({options})")
    finally:
        con.close()
    return out


def combined_report(settings: Settings, spec: Specification) -> dict[str, Any] | None:
    path = _folder(settings, spec) / "report.json"
    return json.loads(path.read_text("utf-8")) if path.is_file() else None


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


def _add_source(con: duckdb.DuckDBPyConnection, spec: Specification, source: Source,
                alias: str) -> dict[str, Any]:  # fmt: skip
    con.execute(f"ATTACH {_literal(str(source.path))} AS {alias} (READ_ONLY)")
    try:
        columns = [r[0] for r in con.execute(f"DESCRIBE {alias}.data").fetchall()
                   if r[0] != "_id"]  # fmt: skip
        table, columns, normalised = normalised_source(con, f"{alias}.data", columns, spec)
        report = Report(spec.iri)
        matched = match_columns(columns, spec.fields, report)
        names = list(matched.present)
        kinds = {f.name: f.type for f in spec.fields}
        raw = [text_of(columns[matched.present[n]]) for n in names]
        values = [_normalised(n, kinds[n], r) for n, r in zip(names, raw, strict=True)]
        rows_view(con, table, values)
        changed = _changes(con, table, names, raw, values) | normalised
        total = _count(con, "SELECT count(*) FROM torget_rows")
        if any(f.required for f in matched.missing):
            return {"rows": total, "kept": 0, "left_out": total, "normalised": changed,
                    "missing_columns": [f.name for f in matched.missing if f.required]}  # fmt: skip
        present = [f for f in spec.fields if f.name in matched.present]
        raw_fields = [r for r in spec.schema["fields"] if r["name"] in matched.present]
        bad = failing(con, names, present, raw_fields)
        out = [f"v{names.index(f.name)}" if f.name in names else "NULL" for f in spec.fields]
        code = next((f"v{names.index(n)}" for n in _CODES if n in names), "NULL")
        code = f"CASE WHEN regexp_full_match({code}, '[0-9]{{4}}') THEN {code} END"
        provenance = [_literal(source.organisation), code, _literal(source.dataset),
                      _literal(source.fetched_at)]  # fmt: skip
        kept = _count(con, f"INSERT INTO data SELECT {', '.join(out + provenance)} "
                           f"FROM torget_rows WHERE NOT ({bad}) ORDER BY _id")  # fmt: skip
        return {"rows": total, "kept": kept, "left_out": total - kept, "normalised": changed}
    finally:
        con.execute("DROP VIEW IF EXISTS torget_rows")
        con.execute("DROP VIEW IF EXISTS torget_placed")
        con.execute(f"DETACH {alias}")


def _changes(con: duckdb.DuckDBPyConnection, table: str, names: list[str], raw: list[str],
             values: list[str]) -> dict[str, int]:  # fmt: skip
    changed = [(n, r, v) for n, r, v in zip(names, raw, values, strict=True) if r != v]
    if not changed:
        return {}
    counts = ", ".join(
        f"count(*) FILTER (WHERE ({r}) IS DISTINCT FROM ({v}))" for _n, r, v in changed
    )
    found = con.execute(f"SELECT {counts} FROM {table}").fetchone() or ()
    return {n: int(k) for (n, _r, _v), k in zip(changed, found, strict=True) if k}


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    found = con.execute(sql).fetchone()
    return int(found[0]) if found else 0


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def combine(settings: Settings, engine: sa.Engine, spec: Specification) -> dict[str, Any]:
    """Build the specification's combined table anew and swap it in; return its report."""
    with read(engine) as conn:
        sources = _sources(conn, settings, spec)
    return build(_folder(settings, spec), spec, sources)


def _part(folder: Path, spec: Specification, source: Source) -> Path:
    """Where a source's combined rows are kept: one Parquet file per table version and
    schema, so a rebuild reads every unchanged source's rows instead of checking them again."""
    schema = hashlib.sha256(json.dumps(spec.schema, sort_keys=True).encode()).hexdigest()[:16]
    return folder / "sources" / f"{source.distribution_id}-{source.version}-{schema}.parquet"


def _combined_rows(con: duckdb.DuckDBPyConnection, spec: Specification, source: Source,
                   part: Path, alias: str) -> dict[str, Any]:  # fmt: skip
    """The source's rows into `part` (and its report beside it), unless they are there."""
    kept = part.with_suffix(".json")
    if part.is_file() and kept.is_file():
        found: dict[str, Any] = json.loads(kept.read_text("utf-8"))
        return found
    types = ", ".join(f"{quote_ident(f.name)} VARCHAR" for f in spec.fields)
    extra = ", ".join(f"{c} VARCHAR" for c in PROVENANCE)
    con.execute(f"CREATE OR REPLACE TABLE data ({types}, {extra})")
    entry = _add_source(con, spec, source, alias)
    part.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY data TO {_literal(str(part))} (FORMAT parquet)")
    kept.write_text(json.dumps(entry), "utf-8")
    return entry


def build(folder: Path, spec: Specification, sources: list[Source]) -> dict[str, Any]:
    """Combine `sources` into `folder/current.duckdb` (and its `report.json`). Only sources
    whose table changed since the last build are read and checked again."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4()}.duckdb.tmp"
    report: dict[str, Any] = {"specification": spec.iri, "built_at": now().isoformat(),
                              "sources": []}  # fmt: skip
    parts: list[Path] = []
    # In memory: a statement per source on a file would each commit to its write-ahead log.
    con = duckdb.connect(":memory:")
    try:
        for i, source in enumerate(sources):
            entry: dict[str, Any] = {
                "organisation": source.organisation, "dataset": source.dataset,
                "distribution": source.distribution_id, "fetched_at": source.fetched_at,
            }  # fmt: skip
            part = _part(folder, spec, source)
            try:
                entry.update(_combined_rows(con, spec, source, part, f"src{i}"))
                parts.append(part)
            except duckdb.Error as exc:  # a source removed meanwhile: said, the rest kept
                entry.update({"rows": 0, "kept": 0, "left_out": 0, "error": str(exc)})
            report["sources"].append(entry)
        types = ", ".join(f"{quote_ident(f.name)} VARCHAR" for f in spec.fields)
        extra = ", ".join(f"{c} VARCHAR" for c in PROVENANCE)
        con.execute(f"ATTACH {_literal(str(target))} AS combined")
        con.execute(f"CREATE TABLE combined.data ({types}, {extra})")
        if parts:
            files = ", ".join(_literal(str(p)) for p in parts)
            con.execute(f"INSERT INTO combined.data SELECT * FROM read_parquet([{files}])")
        report["rows"] = _count(con, "SELECT count(*) FROM combined.data")
        con.execute("DETACH combined")
    finally:
        con.close()
    os.replace(target, folder / "current.duckdb")
    written = folder / "report.json.tmp"
    written.write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    os.replace(written, folder / "report.json")
    _forget(folder, set(parts))
    return report


def _forget(folder: Path, kept: set[Path]) -> None:
    """Remove the kept rows of table versions and schemas no longer combined."""
    for old in (folder / "sources").glob("*.parquet"):
        if old not in kept:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
