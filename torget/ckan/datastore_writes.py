"""CKAN's DataStore write actions over the datastore's writes (`torget.datastore.writes`):
create, upsert and delete, each a new atomic version of the resource's table, the primary key
kept in the catalogue database. Here are only CKAN's parameter shapes: `fields` as a list of
`{"id", "type"}` with CKAN's type names, `records`, `primary_key`, `method` and `filters`.
"""

from __future__ import annotations

from typing import Any

from torget.ckan.call import Call, Params, as_bool, as_list, required
from torget.ckan.datastore import _bad, _dict, _fields, find_table, search_query
from torget.datastore import writes

__all__ = ["datastore_create", "datastore_upsert", "datastore_delete"]

# CKAN's field types (PostgreSQL's names, as ckanext-datastore accepts them) → DuckDB's.
_TYPES = {
    "text": "TEXT", "varchar": "TEXT", "name": "TEXT", "json": "TEXT",
    "int": "BIGINT", "int4": "BIGINT", "int8": "BIGINT", "integer": "BIGINT", "bigint": "BIGINT",
    "numeric": "DOUBLE", "float": "DOUBLE", "float8": "DOUBLE", "double precision": "DOUBLE",
    "bool": "BOOLEAN", "boolean": "BOOLEAN", "date": "DATE", "time": "TIME",
    "timestamp": "TIMESTAMP",
}  # fmt: skip


def _columns(params: Params) -> dict[str, str | None]:
    """The `fields` as column names and types (None: from the records' values)."""
    columns: dict[str, str | None] = {}
    for i, field in enumerate(as_list(params, "fields")):
        if isinstance(field, str):
            field = {"id": field}
        name = field.get("id") if isinstance(field, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise _bad("fields", f"field {i} ({field!r}) has no id: give each field its name")
        kind = str(field.get("type") or "").strip().lower()
        if kind and kind not in _TYPES:
            raise _bad("fields", f"field {name!r}: unknown type {kind!r}; use {', '.join(_TYPES)}")
        if name in columns:
            raise _bad("fields", f"field {name!r} is given twice")
        columns[name] = _TYPES.get(kind)
    return columns


def _key(params: Params) -> list[str]:
    return [str(k) for k in as_list(params, "primary_key")]


def datastore_create(call: Call, params: Params) -> dict[str, Any]:
    """A new table for the resource from `fields` and `records` (replacing its current one);
    a field's type is its `type`, else that of its values. `primary_key` is kept for upserts."""
    resource_id = required(params, "resource_id")
    records = as_list(params, "records")
    key = _key(params)
    table = writes.create_table(call.engine, call.settings, call.actor, resource_id,
                                _columns(params), records, key)  # fmt: skip
    result: dict[str, Any] = {"resource_id": resource_id, "fields": _fields(table),
                              "method": "insert"}  # fmt: skip
    if key:
        result["primary_key"] = key
    if as_bool(params, "include_records", True):
        result["records"] = records
    return result


def datastore_upsert(call: Call, params: Params) -> dict[str, Any]:
    """Add or change records: `method` upsert (default; by the primary key or `_id`), insert
    or update. The result is a new version of the table."""
    resource_id = required(params, "resource_id")
    method = str(params.get("method") or "upsert")
    records = as_list(params, "records")
    writes.write_records(call.engine, call.settings, call.actor, resource_id, records, method,
                         _key(params))  # fmt: skip
    return {"resource_id": resource_id, "method": method, "records": records}


def datastore_delete(call: Call, params: Params) -> dict[str, Any]:
    """Without filters, drop the resource's table; with filters, a new version without the
    matching rows."""
    resource_id = required(params, "resource_id")
    filters = _dict(params, "filters")
    if not filters:
        writes.remove_table(call.engine, call.settings, call.actor, resource_id)
        return {"resource_id": resource_id}
    query = search_query(call, {"filters": filters}, find_table(call, resource_id))
    writes.delete_rows(call.engine, call.settings, call.actor, resource_id, query)
    return {"resource_id": resource_id, "filters": filters}
