"""The read-only SQL endpoint: one SELECT over datastore tables, nothing else.

Defence in depth: (1) DuckDB parses the text and serialises it (`json_serialize_sql`), which
only works for SELECT statements; exactly one statement is allowed, and every table it reads
must be a plain name of an allowed table (a distribution id) or a CTE, never a table function
(`read_csv`, …) or a qualified name. (2) It runs in a fresh in-memory DuckDB that has attached
only those tables' files read-only and then switched off external access and locked its
configuration, so even a function the check missed cannot reach files or the network.
(3) That DuckDB lives in a sandbox process (`sandbox.py`) with a hard memory cap, one thread, a
time limit enforced by killing the process, and a cap on the answer's rows and bytes.

Table names: a distribution id in double quotes, `"3f2c…"`, is its main table (`data`, the
first sheet of a spreadsheet); `"3f2c…/sheet_2"`, `"3f2c…/sheet_3"`, … are a spreadsheet's
further sheets, named as in the table's description (`sheets`); `"3f2c…/data"` is the main
table again. `resolve` is asked only about distribution ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from torget.datastore.sandbox import SqlRefused, SqlSandbox

__all__ = ["SqlRefused", "referenced_tables", "split_name", "run_sql"]

MAIN_TABLE = "data"
_TABLE = re.compile(r"data|sheet_[1-9]\d*")


def _walk(node: Any, tables: set[str], ctes: set[str]) -> None:
    if isinstance(node, dict):
        for entry in (node.get("cte_map") or {}).get("map", []) or []:
            ctes.add(str(entry.get("key", "")).lower())
        kind = node.get("type")
        if kind == "TABLE_FUNCTION":
            raise SqlRefused("table functions (read_csv, …) are not allowed; query tables only")
        if kind == "BASE_TABLE":
            if node.get("schema_name") or node.get("catalog_name"):
                raise SqlRefused("use a table's distribution id alone, without a schema")
            tables.add(str(node["table_name"]))
        for value in node.values():
            _walk(value, tables, ctes)
    elif isinstance(node, list):
        for item in node:
            _walk(item, tables, ctes)


def referenced_tables(sql: str) -> set[str]:
    """The tables a single SELECT reads; SqlRefused for anything else."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise SqlRefused(f"the SQL does not parse: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise SqlRefused("send exactly one SELECT statement")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise SqlRefused(f"only SELECT is allowed, not {statements[0].type.name}")
    with duckdb.connect(":memory:") as con:
        found = con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()
    tree = json.loads(found[0]) if found else {"error": True}
    if tree.get("error"):
        raise SqlRefused(f"only SELECT is allowed: {tree.get('error_message', '')}")
    tables: set[str] = set()
    ctes: set[str] = set()
    _walk(tree["statements"], tables, ctes)
    return {t for t in tables if t.lower() not in ctes}


def split_name(name: str) -> tuple[str, str]:
    """(distribution id, table in its file) of a table name of the SQL endpoint; a name that
    is not `<id>/data` or `<id>/sheet_<n>` is a distribution id as a whole."""
    distribution, _, table = name.rpartition("/")
    if distribution and _TABLE.fullmatch(table):
        return distribution, table
    return name, MAIN_TABLE


def run_sql(
    sql: str,
    resolve: Callable[[set[str]], dict[str, Path]],
    sandbox: SqlSandbox,
    *,
    anonymous: bool,
) -> dict[str, Any]:
    """Run a checked SELECT in the sandbox; `resolve` maps the referenced distribution ids to
    their files (or refuses them). `anonymous` callers share the sandbox's anonymous slots."""
    tables = referenced_tables(sql)
    files = resolve({split_name(n)[0] for n in tables})
    views = {}
    for name in tables:
        distribution, table = split_name(name)
        views[name] = (files[distribution], table)
    return sandbox.run(sql, views, anonymous=anonymous)
