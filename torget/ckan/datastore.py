"""CKAN's DataStore actions over Torget's datastore: a resource id is a distribution id, and
the resource's DataStore table is the distribution's current loaded table.

Reads call `torget.datastore.query` (filters, free text, sort, pages) and the read-only SQL
sandbox (`torget.datastore.sql`); writes build a whole new table version and load it with the
datastore's synchronous load (`load.load_local`, as `torget datastore load` does), so readers
see either the old version or the new one, never a half-written table. `datastore_upsert`
and `datastore_delete` with filters are old rows merged with (or without) the given ones, as
a new version. The primary key given to `datastore_create` is kept next to the table files
(`<datastore_dir>/<id>/ckan.json`), for later upserts.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb

from torget.catalog.datasets import get_dataset, get_distribution
from torget.ckan.call import Call, Params, as_bool, as_int, as_list, required
from torget.datastore import query as querying
from torget.datastore import tables
from torget.datastore.errors import LoadError
from torget.datastore.infer import quote_ident
from torget.datastore.load import load_local
from torget.datastore.readers import cursor_for
from torget.datastore.sql import SqlRefused, run_sql
from torget.datastore.tables import Table, current_table
from torget.db.engine import read, write
from torget.errors import FieldError, NotFound, ValidationFailed

__all__ = [
    "datastore_search",
    "datastore_info",
    "datastore_search_sql",
    "datastore_create",
    "datastore_upsert",
    "datastore_delete",
    "ckan_type",
    "search_query",
    "find_table",
]

_INTS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
         "UINTEGER", "UBIGINT")  # fmt: skip


def _bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, message)])


def ckan_type(duckdb_type: str) -> str:
    """A DuckDB column type as a DataStore type: text, int, numeric, date, timestamp, …"""
    kind = duckdb_type.upper()
    if kind in _INTS:
        return "int"
    if kind in ("DOUBLE", "FLOAT", "REAL") or kind.startswith("DECIMAL"):
        return "numeric"
    if kind == "BOOLEAN":
        return "bool"
    if kind == "DATE":
        return "date"
    if kind.startswith("TIMESTAMP"):
        return "timestamp"
    if kind.startswith("TIME"):
        return "time"
    return "text"


def _fields(table: Table, names: list[str] | None = None) -> list[dict[str, str]]:
    types = {"_id": "BIGINT", **table.column_types}
    return [{"id": n, "type": ckan_type(types[n])} for n in names or types]


def find_table(call: Call, resource_id: str) -> Table:
    """The resource's current table; NotFound for an unknown (or unreadable) resource or one
    without a DataStore table."""
    with read(call.engine) as conn:
        get_distribution(conn, call.actor, resource_id)
        table = current_table(conn, call.settings.datastore_path, resource_id)
    if table is None:
        raise NotFound(f"resource {resource_id!r} has no DataStore table")
    return table


def _run(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except duckdb.ConversionException as exc:
        message = str(exc).splitlines()[0]
        raise _bad("filters", f"a value does not fit: {message}") from None


def _dict(params: Params, key: str) -> dict[str, Any]:
    value = params.get(key)
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _bad(key, "is not a JSON object") from None
    if not isinstance(value, dict):
        raise _bad(key, "must be an object")
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _filter_pairs(filters: dict[str, Any]) -> list[tuple[str, str]]:
    """CKAN filters as the datastore's query pairs: a list is IN, a `{gte: v}` dict a range,
    null is IS NULL; Torget's own `col__gte` keys pass through."""
    pairs: list[tuple[str, str]] = []
    for key, value in filters.items():
        if isinstance(value, list):
            pairs.append((f"{key}__in", ",".join(_text(v) for v in value)))
        elif isinstance(value, dict):
            for op, operand in value.items():
                if op not in ("gt", "gte", "lt", "lte", "eq"):
                    raise _bad("filters", f"unknown operator {op!r} for {key!r}")
                pairs.append((key if op == "eq" else f"{key}__{op}", _text(operand)))
        elif value is None:
            pairs.append((f"{key}__isnull", "true"))
        else:
            pairs.append((key, _text(value)))
    return pairs


def _sort(value: Any, types: dict[str, str]) -> list[tuple[str, bool]]:
    keys = []
    parts = value if isinstance(value, list) else str(value or "").split(",")
    for part in parts:
        words = str(part).split()
        if not words:
            continue
        name = words[0].strip('"')
        direction = words[1].lower() if len(words) > 1 else "asc"
        if name not in types or direction not in ("asc", "desc"):
            raise _bad("sort", f"cannot sort by {str(part).strip()!r}")
        keys.append((name, direction == "desc"))
    return keys


def _field_list(params: Params) -> list[str]:
    value = params.get("fields")
    if isinstance(value, str) and not value.strip().startswith("["):
        return [f.strip() for f in value.split(",") if f.strip()]
    return [str(f) for f in as_list(params, "fields")]


def search_query(call: Call, params: Params, table: Table) -> querying.RowQuery:
    """The search parameters (filters, q, fields, sort, limit, offset) as a checked query."""
    filters = _dict(params, "filters")
    for key in filters:
        if key in querying.RESERVED or key.startswith("_"):
            raise _bad("filters", f"cannot filter on {key!r}")
    max_limit = call.settings.max_page_size
    query = querying.parse_row_query(_filter_pairs(filters), table, max_limit)
    types = {"_id": "BIGINT", **table.column_types}
    q = params.get("q")
    if isinstance(q, dict):
        raise _bad("q", "searching per field is not supported; give one text")
    query.q = str(q) if q else None
    query.sort = _sort(params.get("sort"), types)
    names = _field_list(params)
    for name in names:
        if name not in types:
            raise _bad("fields", f"no field {name!r}")
    query.fields = names or None
    query.limit = as_int(params, "limit", 100, high=max_limit)
    query.offset = as_int(params, "offset", 0)
    return query


def _link(params: Params, **changes: Any) -> str:
    merged = {**params, **changes}
    pairs = [
        (k, v if isinstance(v, str) else json.dumps(v))
        for k, v in merged.items()
        if v is not None and k != "offset"
    ]
    if merged.get("offset"):
        pairs.append(("offset", str(merged["offset"])))
    return f"/api/3/action/datastore_search?{urlencode(pairs)}"


def _csv_text(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else _text(v) for v in row])
    return out.getvalue()


def datastore_search(call: Call, params: Params) -> dict[str, Any]:
    """Rows of a resource's DataStore table: filters (a list means any of), q, fields, sort
    ("col desc, col2"), limit (100), offset, include_total, records_format (objects, lists,
    csv); `_links` give the start and next page."""
    resource_id = required(params, "resource_id")
    table = find_table(call, resource_id)
    query = search_query(call, params, table)
    records_format = str(params.get("records_format") or "objects")
    if records_format not in ("objects", "lists", "csv"):
        raise _bad("records_format", "use objects, lists or csv")
    exact = call.settings.datastore_exact_count_limit
    with cursor_for(table.path) as con:
        page = _run(querying.fetch_rows, con, table, query, exact)
    names = query.fields or ["_id", *table.column_types]
    rows: list[dict[str, Any]] = page["rows"]
    records: Any = rows
    if records_format == "lists":
        records = [[r[n] for n in names] for r in rows]
    elif records_format == "csv":
        records = _csv_text([r[n] for n in names] for r in rows)
    result: dict[str, Any] = {
        "resource_id": resource_id,
        "fields": _fields(table, names),
        "records": records,
        "limit": query.limit,
        "_links": {
            "start": _link(params, offset=None),
            "next": _link(params, offset=query.offset + query.limit),
        },
    }
    if query.offset:
        result["offset"] = query.offset
    if params.get("filters"):
        result["filters"] = _dict(params, "filters")
    if params.get("q"):
        result["q"] = query.q
    if params.get("sort"):
        result["sort"] = params["sort"]
    if records_format != "objects":
        result["records_format"] = records_format
    if as_bool(params, "include_total", True):
        result["total"] = page["total"]
        result["total_was_estimated"] = page["total_estimated"]
    return result


def datastore_info(call: Call, params: Params) -> dict[str, Any]:
    """A resource's DataStore table: `meta` (count, size, …), its fields and their types."""
    resource_id = required(params, "id") if params.get("id") else required(params, "resource_id")
    table = find_table(call, resource_id)
    size = table.path.stat().st_size if table.path.exists() else 0
    fields = [
        {**f, "schema": {"native_type": table.column_types.get(f["id"], "BIGINT"),
                         "notnull": f["id"] == "_id", "is_index": f["id"] == "_id"}}
        for f in _fields(table)
    ]  # fmt: skip
    return {
        "meta": {
            "id": resource_id,
            "count": table.row_count,
            "table_type": "BASE TABLE",
            "size": size,
            "db_size": size,
            "idx_size": 0,
            "aliases": [],
            "last_loaded": table.loaded_at.isoformat(),
        },
        "fields": fields,
        "schema": {f["id"]: f["type"] for f in fields},
    }


def _value_type(values: Iterable[Any]) -> str:
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int"
        if isinstance(value, float):
            return "numeric"
        return "text"
    return "text"


def datastore_search_sql(call: Call, params: Params) -> dict[str, Any]:
    """One read-only SELECT; tables are resource ids in double quotes."""
    sql = required(params, "sql")

    def resolve(names: set[str]) -> dict[str, Path]:
        files = {}
        for name in names:
            try:
                files[name] = find_table(call, name).path
            except NotFound:
                raise SqlRefused(f"no DataStore table {name!r} that you may read") from None
        return files

    settings = call.settings
    try:
        found = run_sql(sql, resolve, settings.datastore_sql_timeout_ms,
                        settings.datastore_sql_max_rows)  # fmt: skip
    except SqlRefused as exc:
        raise _bad("query", str(exc)) from None
    names, rows = found["columns"], found["rows"]
    result: dict[str, Any] = {
        "sql": sql,
        "fields": [{"id": n, "type": _value_type(r[i] for r in rows)} for i, n in enumerate(names)],
        "records": [dict(zip(names, r, strict=True)) for r in rows],
    }
    if found["truncated"]:
        result["records_truncated"] = True
    return result


# Writes ------------------------------------------------------------------------------------

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
