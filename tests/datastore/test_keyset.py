"""Keyset pages over awkward sort keys: NULLs, ties, doubles that must round-trip exactly,
dates and booleans; every row once, in the same order as one sorted query. Each test runs on
a table loaded without and with sort-key copies (`sort_keys`), and with row copies
(`row_copies`) as well, which must page alike. Pages are read through the readers' cursors,
as the API reads them (they attach the copies)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from torget.datastore import row_copies, sort_keys
from torget.datastore.ingest import Limits, columns_by_table, ingest
from torget.datastore.query import fetch_rows, parse_row_query
from torget.datastore.readers import cursor_for
from torget.datastore.tables import Table, sheets
from torget.errors import ValidationFailed


@pytest.fixture(params=["sorted by query", "sort-key copies", "row copies"])
def table(tmp_path: Path, request: pytest.FixtureRequest) -> Table:
    lines = ["nr;belopp;datum;aktiv;namn"]
    for i in range(157):
        belopp = "" if i % 11 == 0 else f"{(i * 7919) % 23},{(i * 31) % 7}"  # ties and NULLs
        thirds = f"{i // 3},{3 * (i % 3) + 1}" if i % 13 == 0 else belopp  # 0,1 0,4 0,7 …
        datum = "" if i % 17 == 0 else f"{1 + i % 28}/{1 + i % 12} 2024"
        lines.append(f"{i};{thirds};{datum};{'ja' if i % 4 else 'nej'};namn {i % 9}")
    source = tmp_path / "t.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "t.duckdb"
    least = 10**9 if request.param == "sorted by query" else 0
    report = ingest("t.csv", source, "csv", target, Limits(sort_keys_min_rows=least))
    columns = columns_by_table(report.as_json())
    sort_keys.write_beside(target, columns, least)  # as a load does after the swap
    if request.param == "row copies":
        assert row_copies.write_beside(target, columns, least, "1GB") == 1
    return Table("d", "j", target, report.rows, report.columns, dt.datetime.now(dt.UTC))


def _all_pages(table: Table, sort: str, limit: int) -> list[int]:
    seen: list[int] = []
    after: list[tuple[str, str]] = []
    with cursor_for(table.path) as con:
        while True:
            query = parse_row_query([("sort", sort), ("limit", str(limit)), *after], table, 1000)
            page = fetch_rows(con, table, query, 10**9)
            seen += [r["_id"] for r in page["rows"]]
            if page["cursor"] is None:
                return seen
            after = [("after", page["cursor"])]


def _one_query(table: Table, sort: str) -> list[int]:
    order = []
    for part in sort.split(","):
        name = part.lstrip("-")
        order.append(f'"{name}" {"DESC" if part.startswith("-") else "ASC"} NULLS LAST')
    with duckdb.connect(str(table.path), read_only=True) as con:
        found = con.execute(f"SELECT _id FROM data ORDER BY {', '.join(order)}, _id").fetchall()
    return [r[0] for r in found]


@pytest.mark.parametrize(
    "sort", ["belopp", "-belopp", "datum,-belopp", "-aktiv,namn", "-datum", "_id", "-_id"]
)
@pytest.mark.parametrize("limit", [1, 7, 50])
def test_keyset_pages_match_one_sorted_query(table: Table, sort: str, limit: int) -> None:
    assert table.column_types["belopp"] == "DOUBLE" and table.column_types["datum"] == "DATE"
    assert _all_pages(table, sort, limit) == _one_query(table, sort)


@pytest.mark.parametrize("cursor", ["WyJ4Il0", "W3siYSI6IDF9LCAxXQ", "bm90IGpzb24"])
def test_foreign_cursors_are_refused(table: Table, cursor: str) -> None:
    # ["x"] (wrong length), [{"a": 1}, 1] (not a value), "not json"
    with pytest.raises(ValidationFailed) as refused:
        query = parse_row_query([("sort", "belopp"), ("after", cursor)], table, 100)
        with cursor_for(table.path) as con:
            fetch_rows(con, table, query, 10**9)
    assert refused.value.errors[0].field == "after"


def test_a_cursor_value_that_does_not_fit_the_column_is_an_error(table: Table) -> None:
    import base64
    import json

    raw: Any = ["not a number", 5]
    cursor = base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")
    query = parse_row_query([("sort", "belopp"), ("after", cursor)], table, 100)
    with (
        cursor_for(table.path) as con,
        pytest.raises(duckdb.ConversionException),
    ):
        fetch_rows(con, table, query, 10**9)


def _offset_pages(table: Table, sort: str, limit: int) -> list[int]:
    seen: list[int] = []
    with cursor_for(table.path) as con:
        for offset in range(0, table.row_count, limit):
            params = [("sort", sort), ("limit", str(limit)), ("offset", str(offset))]
            page = fetch_rows(con, table, parse_row_query(params, table, 1000), 10**9)
            seen += [r["_id"] for r in page["rows"]]
    return seen


@pytest.mark.parametrize("sort", ["belopp", "-belopp", "-datum", "nr"])
def test_offset_pages_match_one_sorted_query(table: Table, sort: str) -> None:
    assert _offset_pages(table, sort, 20) == _one_query(table, sort)


def test_copies_exist_for_number_and_date_columns_only_and_stay_out_of_sight(
    table: Table, request: pytest.FixtureRequest
) -> None:
    with cursor_for(table.path) as con:
        found = {
            (column, desc): sort_keys.key_table(con, table.path, "data", column, desc)
            for column in ("nr", "belopp", "datum", "aktiv", "namn")
            for desc in (False, True)
        }
        assert sheets(con) == []  # the copies are not a spreadsheet's further sheets
        indexes = con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()
    keyed = {key for key, name in found.items() if name is not None}
    if request.node.callspec.params["table"] != "sorted by query":
        assert keyed == {(c, d) for c in ("nr", "belopp", "datum") for d in (False, True)}
        assert indexes == [("data/_id",)]
    else:
        assert keyed == set() and indexes == []
        assert not sort_keys.keys_file(table.path).exists()


def _every_kind(tmp_path: Path, name: str, copies: bool) -> Table:
    """A table with a column of every type a load gives, awkward values included."""
    lines = ["nr;belopp;stor;datum;tid;aktiv;kryss;namn"]
    for i in range(60):
        belopp = "" if i % 7 == 0 else f"{(i * 7919) % 23},{(i * 31) % 1000}"
        stor = f"{i * 1234567891}"
        tid = (
            ""
            if i % 5 == 0
            else f"2024-03-{1 + i % 28:02d} 12:{i:02d}:0{i % 10}"
            + (f".{i % 7}" if i % 3 == 0 else "")
        )
        namn = ['Åsa ""A""; \\b', "", "ny\\nrad", "€ ⁂", "x"][i % 5]  # quoted below
        aktiv, kryss = "ja" if i % 4 else "nej", "x" if i % 3 else ""
        lines.append(
            f'{i};{belopp};{stor};{1 + i % 28}/{1 + i % 12} 2024;{tid};{aktiv};{kryss};"{namn}"'
        )
    source = tmp_path / f"{name}.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / f"{name}.duckdb"
    report = ingest(source.name, source, "csv", target, Limits(sort_keys_min_rows=0))
    columns = columns_by_table(report.as_json())
    sort_keys.write_beside(target, columns, 0)
    if copies:
        row_copies.write_beside(target, columns, 0, "1GB")
    return Table("d", "j", target, report.rows, report.columns, dt.datetime.now(dt.UTC))


def _pages(table: Table, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
    pages, after = [], []
    with cursor_for(table.path) as con:
        while True:
            query = parse_row_query([*params, ("limit", "9"), *after], table, 1000)
            page = fetch_rows(con, table, query, 10**9)
            pages.append(page)
            if page["cursor"] is None:
                return pages
            after = [("after", page["cursor"])]


@pytest.mark.parametrize(
    "params",
    [[("sort", "belopp")], [("sort", "-datum"), ("fields", "namn,tid,_id")], [("sort", "-_id")],
     [("fields", "kryss,stor")], [("sort", "-stor"), ("fields", "belopp")]],
)  # fmt: skip
def test_pages_from_row_copies_are_the_tables_own_values(tmp_path: Path, params: Any) -> None:
    copied, plain = _every_kind(tmp_path, "copied", True), _every_kind(tmp_path, "plain", False)
    expected = {"nr": "BIGINT", "belopp": "DOUBLE", "stor": "BIGINT", "datum": "DATE",
                "tid": "TIMESTAMP", "aktiv": "BOOLEAN", "kryss": "BOOLEAN",
                "namn": "TEXT"}  # fmt: skip
    assert copied.column_types == expected
    assert row_copies.rows_file(copied.path).exists()
    assert not row_copies.rows_file(plain.path).exists()
    query = parse_row_query(params, copied, 1000)  # the rows do come from the copy
    names = query.fields or ["_id", *copied.column_types]
    assert row_copies.fetch(copied.path, "data", [3, 1], names) is not None
    assert _pages(copied, params) == _pages(plain, params)
