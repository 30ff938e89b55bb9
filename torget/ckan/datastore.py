"""CKAN's DataStore actions over Torget's datastore: a resource id is a distribution id, and
the resource's DataStore table is the distribution's current loaded table.

This module holds the reads, over the datastore's one door for reads (`torget.datastore.access`:
the permission check, pages, the SQL sandbox); the writes are in `datastore_writes`. Here are
only CKAN's parameter shapes and answers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from torget.ckan.call import Call, Params, as_bool, as_int, as_list, required
from torget.datastore import access
from torget.datastore import query as querying
from torget.datastore.dictionary import descriptions
from torget.datastore.refusals import UnknownColumn
from torget.datastore.sql import SqlRefused
from torget.datastore.tables import Table
from torget.db.engine import read
from torget.errors import FieldError, ValidationFailed

__all__ = [
    "datastore_search",
    "datastore_info",
    "datastore_search_sql",
    "ckan_type",
    "search_query",
    "find_table",
]

_INTS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
         "UINTEGER", "UBIGINT")  # fmt: skip
_MAX_OFFSET = 10**12  # as the JSON API's: beyond every table, so the page is empty


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


def _described_fields(call: Call, table: Table, names: list[str] | None = None) -> list[Any]:
    """The fields with Torget's data dictionary as CKAN's `info` (`notes`, the Swedish text or
    else the English; `notes_translated` both, as ckanext-fluent spells translations)."""
    with read(call.engine) as conn:
        described = descriptions(conn, table.distribution_id)
    fields: list[Any] = _fields(table, names)
    for f in fields:
        found = described.get(f["id"])
        if found is not None:
            notes = found.sv or found.en or ""
            f["info"] = {"label": "", "notes": notes, "type_override": "",
                         "notes_translated": found.as_json()}  # fmt: skip
    return fields


def find_table(call: Call, resource_id: str) -> Table:
    """The resource's current table; NotFound for an unknown (or unreadable) resource or one
    without a DataStore table."""
    with read(call.engine) as conn:
        return access.open_table(conn, call.actor, call.settings.datastore_path, resource_id)


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
        if name not in types:
            raise UnknownColumn("sort", name, list(types))
        if len(words) > 2 or direction not in ("asc", "desc"):
            raise _bad("sort", f"cannot sort by {str(part).strip()!r}: use asc or desc")
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
            raise UnknownColumn("fields", name, list(types))
    query.fields = list(dict.fromkeys(names)) or None
    query.limit = as_int(params, "limit", 100, high=max_limit)
    query.offset = as_int(params, "offset", 0, high=_MAX_OFFSET)
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
    page = access.fetch_page(table, query, call.settings.datastore_exact_count_limit)
    names = query.fields or ["_id", *table.column_types]
    rows = page.rows
    records: Any = rows
    if records_format == "lists":
        records = [[r[n] for n in names] for r in rows]
    elif records_format == "csv":
        records = _csv_text([r[n] for n in names] for r in rows)
    result: dict[str, Any] = {
        "resource_id": resource_id,
        "fields": _described_fields(call, table, names),
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
        result["total"] = page.total
        result["total_was_estimated"] = page.estimated
    return result


def datastore_info(call: Call, params: Params) -> dict[str, Any]:
    """A resource's DataStore table: `meta` (count, size, …), its fields and their types."""
    resource_id = required(params, "id") if params.get("id") else required(params, "resource_id")
    table = find_table(call, resource_id)
    size = table.path.stat().st_size if table.path.exists() else 0
    fields = [
        {**f, "schema": {"native_type": table.column_types.get(f["id"], "BIGINT"),
                         "notnull": f["id"] == "_id", "is_index": f["id"] == "_id"}}
        for f in _described_fields(call, table)
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
    assert call.sql is not None, "the CKAN transport passes the SQL sandbox"
    root = call.settings.datastore_path
    try:
        found = access.run_select(call.engine, call.actor, root, sql, call.sql)
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
