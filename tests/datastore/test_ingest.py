"""Loading messy real-world files into DuckDB: encodings, delimiters, Swedish numbers, types."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
import xlsxwriter

from torget.datastore.errors import LoadError
from torget.datastore.ingest import Limits, LoadReport, ingest

SWEDISH = (
    "Kommunkod;Kommun;Invånare;Andel;Datum;Aktiv\r\n"
    "0180;Stockholm;984 748;12,5;1/3 2024;ja\r\n"
    "1480;Göteborg;\xa0604 616;7,25;2024-03-02;nej\r\n"
    "0580;Linköping;167 000;-0,5;15/12 2023;ja\r\n"
)


def load(tmp_path: Path, name: str, content: bytes | str, fmt: str = "csv",
         limits: Limits | None = None) -> tuple[LoadReport, list[tuple[Any, ...]]]:  # fmt: skip
    source = tmp_path / name
    source.write_bytes(content.encode() if isinstance(content, str) else content)
    target = tmp_path / "out" / f"{name}.duckdb"
    report = ingest(name, source, fmt, target, limits or Limits())
    with duckdb.connect(str(target), read_only=True) as con:
        rows = con.execute("SELECT * FROM data ORDER BY _id").fetchall()
    return report, rows


def types(report: LoadReport) -> dict[str, str]:
    return {c["name"]: c["type"] for c in report.columns}


@pytest.mark.parametrize(
    "encoding", ["cp1252", "utf-8", "utf-8-sig"], ids=["windows-1252", "utf8", "utf8-bom"]
)
def test_swedish_semicolon_file_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    report, rows = load(tmp_path, "kommuner.csv", SWEDISH.encode(encoding))
    assert types(report) == {
        "Kommunkod": "TEXT", "Kommun": "TEXT", "Invånare": "BIGINT", "Andel": "DOUBLE",
        "Datum": "DATE", "Aktiv": "BOOLEAN",
    }  # fmt: skip
    assert rows[0] == (1, "0180", "Stockholm", 984748, 12.5, dt.date(2024, 3, 1), True)
    assert rows[1][2:4] == ("Göteborg", 604616)
    assert rows[2][4:6] == (-0.5, dt.date(2023, 12, 15))
    assert report.source["delimiter"] == ";" and report.rows == 3
    assert report.source["encoding"] == {"utf-8": "utf-8"}.get(encoding, encoding)


@pytest.mark.parametrize("delimiter", [",", "\t", "|"])
def test_delimiters_quotes_and_timestamps(tmp_path: Path, delimiter: str) -> None:
    lines = [["id", "namn", "tid", "flagga"], ["1", '"Ett, två"', "2024-01-02 03:04:05", "true"],
             ["2", '"Säg ""hej"""', "2024-01-02T10:00", "false"]]  # fmt: skip
    report, rows = load(tmp_path, "t.csv", "\n".join(delimiter.join(r) for r in lines) + "\n")
    assert types(report) == {"id": "BIGINT", "namn": "TEXT", "tid": "TIMESTAMP",
                             "flagga": "BOOLEAN"}  # fmt: skip
    assert rows[0][2] == "Ett, två" and rows[1][2] == 'Säg "hej"'
    assert rows[1][3] == dt.datetime(2024, 1, 2, 10, 0)


def test_type_decided_over_the_whole_file_and_breakers_reported(tmp_path: Path) -> None:
    body = "a,b\n" + "".join(f"{i},{i}.5\n" for i in range(5000)) + "okänd,1.5\n"
    report, rows = load(tmp_path, "late.csv", body)
    assert types(report) == {"a": "TEXT", "b": "DOUBLE"}
    assert report.columns[0]["not_bigint"]["rows"] == [{"row": 5001, "value": "okänd"}]
    assert rows[0][1] == "0" and len(rows) == 5001


def test_values_after_the_sample_still_decide_the_type(tmp_path: Path) -> None:
    rows = "".join(f"{i};{i},5;{1 + i % 28}/3 2024;0{100 + i % 900}\n" for i in range(12_000))
    body = "a;b;c;d\n" + rows + "okänd;1,5;31/2 2024;12345\n"
    report, loaded = load(tmp_path, "late.csv", body)
    # d: digits with a leading zero are codes, of one length or not (phone numbers)
    assert types(report) == {"a": "TEXT", "b": "DOUBLE", "c": "TEXT", "d": "TEXT"}
    assert report.columns[0]["not_bigint"]["rows"] == [{"row": 12_001, "value": "okänd"}]
    assert report.columns[2]["not_date"]["rows"] == [{"row": 12_001, "value": "31/2 2024"}]
    assert loaded[0] == (1, "0", 0.5, "1/3 2024", "0100") and len(loaded) == 12_001
    assert loaded[-1][4] == "12345"


def test_text_in_the_sample_numbers_after_it_is_reported(tmp_path: Path) -> None:
    body = "n\n" + "x\n" * 10_000 + "".join(f"{i}\n" for i in range(20_000))
    report, loaded = load(tmp_path, "mostly.csv", body)
    assert types(report) == {"n": "TEXT"}
    assert report.columns[0]["not_bigint"]["rows"][0] == {"row": 1, "value": "x"}
    assert loaded[-1] == (30_000, "19999")


def test_windows_1252_only_characters(tmp_path: Path) -> None:
    report, rows = load(tmp_path, "euro.csv", "namn;pris\n€ – ”citat”;12,5\n".encode("cp1252"))
    assert report.source["encoding"] == "cp1252"
    assert rows[0] == (1, "€ – ”citat”", 12.5)


def test_leading_zero_codes_stay_text_but_plain_numbers_do_not(tmp_path: Path) -> None:
    report, rows = load(tmp_path, "codes.csv", "kod,tal\n0114,0\n1280,10\n2580,7\n")
    assert types(report) == {"kod": "TEXT", "tal": "BIGINT"}
    assert rows[0][1] == "0114"


def test_no_header_row_gets_column_names(tmp_path: Path) -> None:
    report, rows = load(tmp_path, "raw.csv", "1;2,5\n2;3,5\n")
    assert types(report) == {"column_1": "BIGINT", "column_2": "DOUBLE"}
    assert rows[0] == (1, 1, 2.5)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\x01\x02binary\x00" * 100, "binary"),
        (b"PK\x03\x04" + b"x" * 100, "binary"),
        (b"<!DOCTYPE html><html><body>Logga in</body></html>", "HTML"),
        ("a,b\nå,1\n".encode() + b"\xff\xfe,2\n", "invalid UTF-8"),
    ],
    ids=["empty", "blank", "binary", "zip-named-csv", "html", "bad-utf8"],
)
def test_bad_files_get_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(LoadError, match=message) as caught:
        load(tmp_path, "bad.csv", content)
    assert "bad.csv" in str(caught.value)


def test_too_many_columns_is_refused(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(10_000))
    with pytest.raises(LoadError, match="10000 columns; the limit is 1000"):
        load(tmp_path, "wide.csv", header + "\n" + ",".join("1" * 10_000) + "\n")


def _xlsx(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    first = book.add_worksheet("Befolkning")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate([["Kommun", "Antal", "Datum"], ["Sjöstad", 1200, dt.date(2024, 1, 1)],
                             ["Grannby", 13.5, dt.date(2024, 2, 1)]]):  # fmt: skip
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                first.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            else:
                first.write(r, c, value)
    second = book.add_worksheet("Andra")
    second.write_row(0, 0, ["x", "y"])
    second.write_row(1, 0, [1, 2])
    book.close()


def test_xlsx_each_sheet_a_table(tmp_path: Path) -> None:
    _xlsx(tmp_path / "bok.xlsx")
    report, rows = load(tmp_path, "bok2.xlsx", (tmp_path / "bok.xlsx").read_bytes(), "xlsx")
    assert types(report) == {"Kommun": "TEXT", "Antal": "DOUBLE", "Datum": "DATE"}
    assert rows[0][1:3] == ("Sjöstad", 1200.0) and report.tables == ["data", "sheet_2"]


def test_zip_bomb_spreadsheet_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 20_000_000)
    with pytest.raises(LoadError, match="zip bomb"):
        load(tmp_path, "b.xlsx", bomb.read_bytes(), "xlsx", Limits(max_uncompressed_bytes=10**6))


def test_json_array_of_objects(tmp_path: Path) -> None:
    data = [{"namn": "A", "antal": 1, "extra": {"x": 1}}, {"namn": "B", "antal": 2.5}]
    report, rows = load(tmp_path, "d.json", json.dumps(data), "json")
    assert types(report) == {"namn": "TEXT", "antal": "DOUBLE", "extra.x": "BIGINT"}
    assert rows[0][3] == 1 and rows[1][3] is None
    with pytest.raises(LoadError, match="item 0 is not an object"):
        load(tmp_path, "e.json", "[1, 2]", "json")
    with pytest.raises(LoadError, match="line 1"):
        load(tmp_path, "f.json", "[{", "json")


def _collection(coords: list[Any], crs: str | None = None) -> str:
    features = [
        {"type": "Feature", "properties": {"namn": f"p{i}"},
         "geometry": {"type": "Point", "coordinates": c}}
        for i, c in enumerate(coords)
    ]  # fmt: skip
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc)


def test_geojson_in_sweref99tm_is_reprojected(tmp_path: Path) -> None:
    doc = _collection([[674032, 6580821]], "urn:ogc:def:crs:EPSG::3006")
    report, rows = load(tmp_path, "p.geojson", doc, "geojson")
    lon, lat = rows[0][2], rows[0][3]
    assert abs(lon - 18.0686) < 0.01 and abs(lat - 59.3293) < 0.01  # Stockholm
    assert report.source["crs"] == "EPSG:3006" and json.loads(rows[0][4])["type"] == "Point"


def test_sweref99tm_in_latitude_longitude_columns_is_converted_not_emptied(tmp_path: Path) -> None:
    # Stockholm Central Station (Lantmäteriet): N 6 580 822, E 674 032 = 59.330231, 18.059196;
    # the second row has them the other way round, the third is in degrees already.
    content = ("namn;latitud;longitud\nCentralen;6580822,0;674032,0\n"
               "Omvänd;674032,0;6580822,0\nMalmö;55,605;13,0038\n")  # fmt: skip
    report, rows = load(tmp_path, "p.csv", content)
    for row in rows[:2]:
        assert abs(row[2] - 59.330231) < 5e-6 and abs(row[3] - 18.059196) < 1e-5  # < 1 m
    assert rows[2][2:4] == (55.605, 13.0038)
    assert report.source["coordinates"]["sweref99tm"] == 2
    assert {"code": "sweref99tm_rows_converted", "params": {"count": 2}} in [
        {"code": w.code, "params": w.params} for w in report.warnings
    ]


def test_geojson_with_swapped_lat_lon_is_put_right(tmp_path: Path) -> None:
    report, rows = load(tmp_path, "s.geojson", _collection([[59.33, 18.07]]), "geojson")
    assert rows[0][2:4] == (18.07, 59.33) and report.source["swapped_lat_lon"]


def test_broken_geometry_names_the_feature(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="feature 1: broken Point geometry"):
        load(tmp_path, "g.geojson", _collection([[18, 59], ["x"]]), "geojson")


def test_row_numbers_follow_the_file_when_it_is_read_in_parallel(tmp_path: Path) -> None:
    # ~40 MB: DuckDB reads it in several parts at once, and `_id` must still be the line order.
    rows = 3_000_000
    source = tmp_path / "long.csv"
    with source.open("w", encoding="utf-8") as out:
        out.write("nr;kod\n")
        out.writelines(f"{i};{i % 97:04d}\n" for i in range(rows))
    target = tmp_path / "long.duckdb"
    report = ingest("long.csv", source, "csv", target, Limits(sort_keys_min_rows=10**9))
    assert report.rows == rows
    with duckdb.connect(str(target), read_only=True) as con:
        out_of_order = con.execute("SELECT count(*) FROM data WHERE _id <> nr + 1").fetchone()
        first = con.execute("SELECT column_name FROM duckdb_columns() LIMIT 1").fetchone()
    assert out_of_order == (0,) and first == ("_id",)
