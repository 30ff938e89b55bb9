"""CKAN's DataStore write actions: create, upsert and delete as new table versions.

Each write builds the whole new version of a resource's table and loads it with the
datastore's synchronous load (`load.load_local`, as `torget datastore load` does), so readers
see either the old version or the new one, never a half-written table. `datastore_upsert` and
`datastore_delete` with filters are the old rows merged with (or without) the given ones. The
primary key given to `datastore_create` is kept next to the table files
(`<datastore_dir>/<id>/ckan.json`), for later upserts.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from torget.catalog.datasets import get_dataset, get_distribution
from torget.ckan.call import Call, Params, as_bool, as_list, required
from torget.ckan.datastore import _bad, _dict, _fields, _run, _text, find_table, search_query
from torget.datastore import query as querying
from torget.datastore import tables
from torget.datastore.errors import LoadError
from torget.datastore.infer import quote_ident
from torget.datastore.load import load_local
from torget.datastore.readers import cursor_for
from torget.datastore.tables import Table
from torget.db.engine import read, write
from torget.errors import NotFound

__all__ = ["datastore_create", "datastore_upsert", "datastore_delete"]

# Writes to one resource in this process run one at a time, so an upsert's "old rows" are the
# version it replaces (another process's concurrent write can still supersede it).
_write_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


def _one_at_a_time(action: Callable[[Call, Params], Any]) -> Callable[[Call, Params], Any]:
    @functools.wraps(action)
    def serialised(call: Call, params: Params) -> Any:
        with _write_locks[required(params, "resource_id")]:
            return action(call, params)

    return serialised


def _require_editor(call: Call, resource_id: str) -> None:
    with read(call.engine) as conn:
        dist = get_distribution(conn, call.actor, resource_id)
        dataset = get_dataset(conn, call.actor, dist.dataset_id)
    call.actor.require(dataset.organisation_id, "editor", "change this resource's DataStore")


def _meta_file(call: Call, resource_id: str) -> Path:
    return call.settings.datastore_path / resource_id / "ckan.json"


def _primary_key(call: Call, params: Params, resource_id: str) -> list[str]:
    given = [str(k) for k in as_list(params, "primary_key")]
    if given:
        return given
    path = _meta_file(call, resource_id)
    if path.is_file():
        return [str(k) for k in json.loads(path.read_text(encoding="utf-8"))["primary_key"]]
    return []


def _records(params: Params) -> list[dict[str, Any]]:
    records = as_list(params, "records")
    if not all(isinstance(r, dict) for r in records):
        raise _bad("records", "records must be a list of objects")
    return records


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return _text(value)


def _load_rows(call: Call, resource_id: str, columns: list[str],
               rows: Iterable[dict[str, Any]]) -> int:  # fmt: skip
    """Write the rows as a CSV file and load it as the resource's new table version."""
    if not columns:
        raise _bad("fields", "a DataStore table needs at least one field")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{resource_id}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(c)) for c in columns])
        try:
            report = load_local(call.settings, call.engine, resource_id, path, "csv")
        except LoadError as exc:
            raise _bad("records", str(exc)) from None
    return report.rows


@_one_at_a_time
def datastore_create(call: Call, params: Params) -> dict[str, Any]:
    """A new table for the resource from `fields` and `records` (replacing its current one);
    column types are inferred from the values. `primary_key` is kept for upserts."""
    resource_id = required(params, "resource_id")
    _require_editor(call, resource_id)
    fields = as_list(params, "fields")
    records = _records(params)
    columns = [str(f["id"]) if isinstance(f, dict) else str(f) for f in fields]
    for record in records:
        columns += [str(k) for k in record if k not in columns and k != "_id"]
    if any(c.startswith("_") for c in columns):
        raise _bad("fields", "field names may not start with an underscore")
    key = [str(k) for k in as_list(params, "primary_key")]
    missing = [k for k in key if k not in columns]
    if missing:
        raise _bad("primary_key", f"not a field: {', '.join(missing)}")
    _load_rows(call, resource_id, columns, records)
    meta = _meta_file(call, resource_id)
    if key:
        meta.write_text(json.dumps({"primary_key": key}), encoding="utf-8")
    else:
        meta.unlink(missing_ok=True)
    table = find_table(call, resource_id)
    result: dict[str, Any] = {
        "resource_id": resource_id,
        "fields": _fields(table),
        "method": "insert",
    }
    if key:
        result["primary_key"] = key
    if as_bool(params, "include_records", True):
        result["records"] = records
    return result


def _old_rows(table: Table) -> Iterable[dict[str, Any]]:
    names = ["_id", *table.column_types]
    with cursor_for(table.path) as con:
        result = con.execute(
            f"SELECT {', '.join(map(quote_ident, names))} FROM {quote_ident(table.name)} "
            "ORDER BY _id"
        )
        while batch := result.fetchmany(10_000):
            for row in batch:
                yield dict(zip(names, row, strict=True))


def _key_of(record: dict[str, Any], key: list[str]) -> tuple[str, ...]:
    return tuple(_cell(record.get(k)) for k in key)


@_one_at_a_time
def datastore_upsert(call: Call, params: Params) -> dict[str, Any]:
    """Add or change records: `method` upsert (default; by the primary key or `_id`), insert
    or update. The result is a new version of the table."""
    resource_id = required(params, "resource_id")
    _require_editor(call, resource_id)
    table = find_table(call, resource_id)
    method = str(params.get("method") or "upsert")
    if method not in ("upsert", "insert", "update"):
        raise _bad("method", "use upsert, insert or update")
    records = _records(params)
    columns = list(table.column_types)
    unknown = sorted({k for r in records for k in r if k not in columns and k != "_id"})
    if unknown:
        raise _bad("records", f"fields not in the table: {', '.join(unknown)}")
    key = _primary_key(call, params, resource_id)
    if method != "insert":
        if not key and all("_id" in r for r in records):
            key = ["_id"]
        if not key:
            raise _bad("primary_key", f"{method} needs a primary key or _id in every record")
        missing = [i for i, r in enumerate(records) if any(k not in r for k in key)]
        if missing:
            raise _bad("records", f"record {missing[0]} lacks a primary key value")
    changes = {_key_of(r, key): r for r in records} if method != "insert" else {}
    seen: set[tuple[str, ...]] = set()

    def rows() -> Iterable[dict[str, Any]]:
        for old in _old_rows(table):
            found = changes.get(_key_of(old, key)) if changes else None
            if found is not None:
                seen.add(_key_of(old, key))
                yield {**old, **found}
            else:
                yield old
        for record in records:
            if method == "insert" or _key_of(record, key) not in seen:
                yield record

    if method == "update":
        existing = {_key_of(old, key) for old in _old_rows(table)}
        absent = [k for k in changes if k not in existing]
        if absent:
            raise NotFound(f"no record with key {', '.join(absent[0])!r} to update")
    _load_rows(call, resource_id, columns, rows())
    return {"resource_id": resource_id, "method": method, "records": records}


@_one_at_a_time
def datastore_delete(call: Call, params: Params) -> dict[str, Any]:
    """Without filters, drop the resource's table; with filters, a new version without the
    matching rows."""
    resource_id = required(params, "resource_id")
    _require_editor(call, resource_id)
    table = find_table(call, resource_id)
    filters = _dict(params, "filters")
    if not filters:
        with write(call.engine) as conn:
            tables.drop_table(conn, resource_id)
        tables.remove_stale(call.settings.datastore_path, resource_id, keep=None)
        _meta_file(call, resource_id).unlink(missing_ok=True)
        return {"resource_id": resource_id}
    query = search_query(call, {"filters": filters}, table)
    where, bound = querying.where_clause(query, table.column_types)
    condition = where.removeprefix(" WHERE ")

    names = list(table.column_types)
    with cursor_for(table.path) as con:
        selected = ", ".join(map(quote_ident, names))
        result = _run(
            con.execute,
            f"SELECT {selected} FROM {quote_ident(table.name)} "
            f"WHERE NOT coalesce(({condition}), false) ORDER BY _id",
            bound,
        )
        remaining = [dict(zip(names, r, strict=True)) for r in result.fetchall()]
    _load_rows(call, resource_id, names, remaining)
    return {"resource_id": resource_id, "filters": filters}
