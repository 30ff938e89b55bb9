"""Does a distribution's table follow the specification it declares?

A distribution declares a specification with `dcterms:conformsTo` (`conforms_to`, its own or
its dataset's; harvested records keep theirs). After every load of its table (the datastore's
`load._swap`, issue 16's one call there) `check_after_load` validates the new table version
and keeps the result in `specification_conformance`, and the search index's `conforms` facet
is rewritten with it: only a table that was checked and has no error counts there; and the
specification's combined national table (`combine`) is built again.

How a table is checked: frictionless, the reference validator, reads every row of a table of
up to `FRICTIONLESS_ROWS` rows. A larger one is checked by `sql_validation` in DuckDB (about
a hundred times as fast), and frictionless reads its first `SAMPLE_ROWS` rows as well; the
report says whether the two found the same problems there (`sample_agrees`), and a
disagreement is logged, since it would be a defect in the SQL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.clock import now
from torget.datastore import tables
from torget.db.engine import read, write
from torget.db.schema import datasets, datastore_tables, distributions, specification_conformance
from torget.errors import NotFound
from torget.search.documents import index_dataset
from torget.settings import Settings
from torget.specifications.columns import match_columns
from torget.specifications.combine import combine
from torget.specifications.registry import Specification, by_iri
from torget.specifications.report import MAX_PROBLEMS, Problem, Report
from torget.specifications.sql_validation import sql_problems, supported
from torget.specifications.validation import frictionless_problems

__all__ = [
    "Conformance",
    "FRICTIONLESS_ROWS",
    "SAMPLE_ROWS",
    "check_after_load",
    "check_table",
    "conformance_of",
    "declared_specification",
    "declared_in",
    "readable_conformance",
]

log = logging.getLogger(__name__)

FRICTIONLESS_ROWS = 10_000
SAMPLE_ROWS = 2_000


@dataclass(frozen=True)
class Conformance:
    """The last check of a distribution's table against its declared specification."""

    distribution_id: str
    specification: str  # IRI
    state: str  # conforms | warnings | fails
    job_id: str
    report: Report

    @property
    def conforms(self) -> bool:
        return self.state in ("conforms", "warnings")


@contextmanager
def _table(path: Path, name: str) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[str]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall() if r[0] != "_id"]
        yield con, columns
    finally:
        con.close()


def _rows(con: duckdb.DuckDBPyConnection, name: str, columns: list[str],
          limit: int | None) -> Iterator[tuple[int, list[str | None]]]:  # fmt: skip
    cells = ", ".join(f'CAST("{c.replace(chr(34), chr(34) * 2)}" AS VARCHAR)' for c in columns)
    cursor = con.execute(
        f'SELECT _id, {cells} FROM "{name}" ORDER BY _id'
        + (f" LIMIT {int(limit)}" if limit is not None else "")
    )
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            yield int(row[0]), list(row[1:])


def _with_frictionless(con: duckdb.DuckDBPyConnection, name: str, columns: list[str],
                       spec: Specification, limit: int | None) -> list[Problem]:  # fmt: skip
    matched = match_columns(columns, spec.fields, Report(spec.iri))
    rows = list(_rows(con, name, columns, limit))
    problems, _n = frictionless_problems(
        spec, matched, [r for _i, r in rows], [i for i, _r in rows]
    )
    return problems


def check_table(path: Path, spec: Specification, name: str = "data",
                small: int = FRICTIONLESS_ROWS, sample: int = SAMPLE_ROWS) -> Report:  # fmt: skip
    """Validate the table `name` of the DuckDB file at `path` against `spec`."""
    report = Report(spec.iri)
    with _table(path, name) as (con, columns):
        matched = match_columns(columns, spec.fields, report)
        count = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
        rows = int(count[0]) if count else 0
        raw = spec.schema["fields"]
        if rows <= small or not supported(spec.fields, raw):
            problems = _with_frictionless(con, name, columns, spec, None)
            report.rows_checked = rows
            for problem in problems:
                report.add(problem)
        else:
            upto = sample
            by_sql = sql_problems(con, name, columns, matched, spec.fields, raw, report, upto)
            reference = _with_frictionless(con, name, columns, spec, sample)
            report.method = "duckdb, frictionless on a sample"
            report.sample_agrees = _key(by_sql) == _key(reference)
            if not report.sample_agrees:
                log.warning("SQL and frictionless disagree on %s: %s", path,
                            _key(by_sql) ^ _key(reference))  # fmt: skip
    report.sort()
    del report.problems[MAX_PROBLEMS:]
    return report


def _key(problems: list[Problem]) -> set[tuple[int | None, str, str]]:
    return {(p.row, p.column, p.rule) for p in problems}


def declared_specification(conn: sa.Connection, distribution_id: str) -> Specification | None:
    """The first specification Torget knows among the distribution's `conforms_to`, then its
    dataset's."""
    row = conn.execute(
        sa.select(distributions.c.data, datasets.c.data.label("dataset"))
        .join(datasets, datasets.c.id == distributions.c.dataset_id)
        .where(distributions.c.id == distribution_id)
    ).first()
    return None if row is None else declared_in(conn, row.data, row.dataset)


def declared_in(conn: sa.Connection, distribution: str, dataset: str) -> Specification | None:
    """`declared_specification` of a distribution's and its dataset's stored `data`."""
    for data in (distribution, dataset):
        if '"conforms_to"' not in data:  # nearly every harvested one: nothing to parse
            continue
        for ref in json.loads(data).get("conforms_to", []):
            spec = by_iri(conn, ref.get("url", ""))
            if spec is not None:
                return spec
    return None


def _record(conn: sa.Connection, distribution_id: str, job_id: str, report: Report) -> None:
    t = specification_conformance
    conn.execute(t.delete().where(t.c.distribution_id == distribution_id))
    conn.execute(
        t.insert().values(
            distribution_id=distribution_id, job_id=job_id,
            specification_iri=report.specification, state=report.state,
            rows_checked=report.rows_checked, error_count=report.errors,
            report=json.dumps(report.as_json(), ensure_ascii=False), checked_at=now(),
        )
    )  # fmt: skip


def _reindex(conn: sa.Connection, distribution_id: str) -> None:
    dataset_id = conn.execute(
        sa.select(distributions.c.dataset_id).where(distributions.c.id == distribution_id)
    ).scalar()
    if dataset_id is not None:
        index_dataset(conn, dataset_id)


def check_after_load(engine: sa.Engine, settings: Settings, distribution_id: str) -> None:
    """Validate the distribution's current table against its declared specification and keep
    the result (the datastore calls this after each swap). Never raises: a check that fails
    is logged and leaves no result, and the load stands."""
    try:
        with read(engine) as conn:
            spec = declared_specification(conn, distribution_id)
            table = tables.current_table(conn, settings.datastore_path, distribution_id)
        report = check_table(table.path, spec, table.name) if spec and table else None
        with write(engine) as conn:
            if report is None or table is None:
                t = specification_conformance
                conn.execute(t.delete().where(t.c.distribution_id == distribution_id))
            else:
                _record(conn, distribution_id, table.job_id, report)
            _reindex(conn, distribution_id)
        if spec is not None:  # the national table follows its sources
            combine(settings, engine, spec)
    except Exception:  # noqa: BLE001 - the table is loaded; only its check is missing
        log.warning("no conformance check for %s", distribution_id, exc_info=True)


def readable_conformance(conn: sa.Connection, actor: Actor, distribution_id: str
                         ) -> Conformance | None:  # fmt: skip
    """`conformance_of` for a reader: NotFound when the actor may not read the dataset."""
    row = conn.execute(
        sa.select(datasets.c.organisation_id, datasets.c.state)
        .join(distributions, distributions.c.dataset_id == datasets.c.id)
        .where(distributions.c.id == distribution_id)
    ).first()
    if row is None or not actor.can_read(row.organisation_id, row.state):
        raise NotFound("no such distribution", code="distribution_not_found")
    return conformance_of(conn, distribution_id)


def conformance_of(conn: sa.Connection, distribution_id: str) -> Conformance | None:
    """The last check of the distribution's current table, or None: nothing declared that
    Torget knows, no table yet, or a check of an older version of the table (the publishing
    checklist refuses a declaration that does not validate with this)."""
    t = specification_conformance
    row = (
        conn.execute(sa.select(t).where(t.c.distribution_id == distribution_id)).mappings().first()
    )
    if row is None:
        return None
    current = conn.execute(
        sa.select(datastore_tables.c.job_id).where(
            datastore_tables.c.distribution_id == distribution_id
        )
    ).scalar()
    if current != row["job_id"]:
        return None
    return Conformance(distribution_id, row["specification_iri"], row["state"], row["job_id"],
                       Report.from_json(json.loads(row["report"])))  # fmt: skip
