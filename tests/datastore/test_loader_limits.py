"""The loader under hostile files (issue 19): JSON and GeoJSON streamed in bounded memory,
clear errors for deep nesting and 100,000 columns, impossible geometry reported, and what a
killed load leaves on disk removed at the next start."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa
import xlsxwriter
from python_calamine import CalamineWorkbook

from tests.datastore.test_ingest import load, types
from torget.datastore import jobs
from torget.datastore.convert import _cell, to_delimited
from torget.datastore.errors import LoadError
from torget.datastore.ingest import Limits
from torget.datastore.jsonstream import JsonStream
from torget.datastore.load import run_job
from torget.datastore.queue import sweep_now
from torget.datastore.sniff import column_names
from torget.datastore.tables import current_table
from torget.db.engine import read, write
from torget.db.schema import datastore_jobs, datastore_tables
from torget.settings import Settings

# --- memory -------------------------------------------------------------------------------

_MEASURE = """
import json, re, sys
from pathlib import Path
from torget.datastore.convert import to_delimited
from torget.datastore.ingest import Limits

def kb(field):
    return int(re.search(field + r":\\s+(\\d+)", Path("/proc/self/status").read_text())[1])

scratch, growth = Path(sys.argv[1]), {}
for arg in sys.argv[2:]:
    path, fmt = arg.rsplit(":", 1)
    Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to now
    before = kb("VmRSS")
    to_delimited(path, Path(path), fmt, scratch, Limits())
    growth[Path(path).name] = (kb("VmHWM") - before) // 1024
print(json.dumps(growth))
"""


def _rows(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {
            "id": i,
            "namn": f"Föremål {i}",
            "belopp": i * 1.25,
            "kod": f"{i % 1000:04d}",
            "adress": {"gata": "Storgatan 1", "ort": "Sjöstad"},
            "taggar": ["a", "b"],
        }


def _feature(i: int) -> dict[str, Any]:
    x, y = 674032 + i % 1000, 6580821 + i % 777
    geometry = {"type": "Polygon", "coordinates": [[[x, y], [x + 5, y], [x + 5, y + 5], [x, y]]]}
    return {"type": "Feature", "properties": {"namn": f"Plan {i}", "nr": i}, "geometry": geometry}


def test_json_ndjson_and_geojson_are_converted_in_bounded_memory(tmp_path: Path) -> None:
    """Parsed whole, each of these ~10 MB files took 90-150 MB more than the process had
    (84 MB of JSON took the loader to 1.44 GB); read value by value they take a few MB."""
    small = tmp_path / "small.json"
    small.write_text(json.dumps(list(_rows(3))), encoding="utf-8")
    small_geo = tmp_path / "small.geojson"
    small_geo.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "EPSG:3006"}},
                "features": [_feature(0)],
            }
        )
    )
    array, lines, geo = (
        tmp_path / "rader.json",
        tmp_path / "rader.ndjson",
        tmp_path / "plan.geojson",
    )
    with array.open("w", encoding="utf-8") as out:
        out.write("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in _rows(90_000)))
        out.write("\n]\n")
    with lines.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in _rows(90_000))
    with geo.open("w", encoding="utf-8") as out:  # the crs member after the features
        features = ",".join(json.dumps(_feature(i)) for i in range(60_000))
        out.write(
            '{"type": "FeatureCollection", "features": [' + features + "], "
            '"crs": {"type": "name", "properties": {"name": "EPSG:3006"}}}'
        )
    assert all(p.stat().st_size > 9_000_000 for p in (array, lines, geo))
    growth = _growth(tmp_path, [f"{small}:json", f"{small_geo}:geojson", f"{array}:json",
                                f"{lines}:json", f"{geo}:geojson"])  # fmt: skip
    assert max(growth["rader.json"], growth["rader.ndjson"], growth["plan.geojson"]) < 30, growth


def _growth(tmp_path: Path, files: list[str]) -> dict[str, int]:
    """How many MB each `path:format` took to convert, in a fresh process, one after another
    (the first ones warm the imports up)."""
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(scratch), *files],
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    growth: dict[str, int] = json.loads(done.stdout)
    return growth


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">'
    "<office:body><office:spreadsheet>"
)


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type='
    '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
    'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def _ods(path: Path, tables: Iterator[str]) -> None:
    """A minimal ODS file whose content is `tables` (XML text), written as it comes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)  # fmt: skip
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        with archive.open("content.xml", "w") as out:
            out.write(_ODS_HEAD.encode())
            for part in tables:
                out.write(part.encode())
            out.write(b"</office:spreadsheet></office:body></office:document-content>")


def _ods_cell(value: Any) -> str:
    if isinstance(value, str):
        return (f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
                "</table:table-cell>")  # fmt: skip
    return f'<table:table-cell office:value-type="float" office:value="{value}"/>'


def _ods_empty_rows(count: int) -> str:
    return (f'<table:table-row table:number-rows-repeated="{count}"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row>')  # fmt: skip


def _ods_rows(rows: Iterator[list[Any]]) -> Iterator[str]:
    yield '<table:table table:name="Blad1">'
    for row in rows:
        yield "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
    yield "</table:table>"


def test_xlsx_and_ods_are_converted_in_bounded_memory(tmp_path: Path) -> None:
    """calamine held a whole sheet: these 1 M-cell sheets took it 80-110 MB more than the
    process had (a sheet the unpack limit lets through, gigabytes); streamed, a few MB."""
    cells = [["Namn", "Antal", "Belopp", "Kod", "Ort", "A", "B", "C", "D", "E"]] + [
        [f"Namn {i}", i, i * 1.25, f"{i % 1000:04d}", "Sjöstad", i, i, i, "x", "y"]
        for i in range(100_000)
    ]
    book = xlsxwriter.Workbook(str(tmp_path / "stor.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet("Blad1")
    for number, row in enumerate(cells):
        sheet.write_row(number, 0, row)
    book.close()
    _ods(tmp_path / "stor.ods", _ods_rows(iter(cells)))
    _ods(tmp_path / "liten.ods", _ods_rows(iter(cells[:3])))
    files = [f"{tmp_path / 'liten.ods'}:ods", f"{tmp_path / 'stor.xlsx'}:xlsx",
             f"{tmp_path / 'stor.ods'}:ods"]  # fmt: skip
    growth = _growth(tmp_path, files)
    assert max(growth["stor.xlsx"], growth["stor.ods"]) < 30, growth


def _workbook(path: Path, constant_memory: bool) -> None:
    """Every kind of cell value, a gap, a value right of the header, an empty sheet."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    first = book.add_worksheet("Första")
    codes = {"date": "yyyy-mm-dd", "stamp": "yyyy-mm-dd hh:mm", "time": "hh:mm:ss",
             "percent": "0.0%", "swedish": "[$-41D]d mmmm yyyy;@", "kronor": '"kr" 0'}  # fmt: skip
    formats = {name: book.add_format({"num_format": code}) for name, code in codes.items()}
    first.write_row(1, 1, ["Namn", "Antal", "Datum", "Tid", "Andel", "Aktiv", "Formel",
                           "Stämpel", "Lång", "Kr"])  # fmt: skip
    first.write_row(2, 1, ["Å & <ö>", 1200, None, None, None, True])
    first.write_datetime(2, 3, dt.datetime(2024, 3, 1), formats["date"])
    first.write_datetime(2, 4, dt.datetime(1900, 1, 1, 10, 30, 15), formats["time"])
    first.write_number(2, 5, 0.125, formats["percent"])
    first.write_formula(2, 7, "=C3*2", None, 2400)
    first.write_datetime(2, 8, dt.datetime(2024, 3, 1, 12, 5), formats["stamp"])
    first.write_datetime(2, 9, dt.datetime(2023, 12, 24), formats["swedish"])
    first.write_number(2, 10, 1234.5, formats["kronor"])
    first.write_rich_string(3, 1, "rik ", book.add_format({"bold": True}), "text")
    first.write_number(3, 2, -0.5)
    first.write_boolean(3, 6, False)
    first.write_string(3, 7, "=inte formel")
    first.write_formula(3, 8, '="a"&"b"', None, "ab")
    first.write_number(6, 2, 1e20)
    first.write_number(6, 12, 7)
    first.write_datetime(7, 3, dt.datetime(1900, 2, 27), formats["date"])
    book.add_worksheet("Tom")
    other = book.add_worksheet("Andra")
    other.write_row(0, 0, ["x", "y"])
    other.write_row(1, 0, [1, "två"])
    book.close()


def _as_calamine_reads(path: Path, sheet: str) -> str:
    """The CSV the loader wrote from calamine's rows before it streamed spreadsheets."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(column_names([_cell(v) for v in rows[0]]))
    writer.writerows([_cell(v) for v in row] for row in rows[1:])
    return out.getvalue()


@pytest.mark.parametrize("constant_memory", [False, True], ids=["shared", "inline-strings"])
def test_xlsx_is_streamed_as_calamine_read_it(tmp_path: Path, constant_memory: bool) -> None:
    path = tmp_path / "bok.xlsx"
    _workbook(path, constant_memory)
    parts = to_delimited("bok.xlsx", path, "xlsx", tmp_path, Limits())
    assert [p.source["sheet"] for p in parts] == ["Första", "Andra"]  # "Tom" is empty
    for part in parts:
        with part.path.open(encoding="utf-8", newline="") as written:
            assert written.read() == _as_calamine_reads(path, part.source["sheet"])
    with parts[0].path.open(encoding="utf-8", newline="") as written:
        lines = written.read().splitlines()
    assert lines[1].split(",")[1:4] == ["1200", "2024-03-01", "10:30:15"]
    assert lines[4:6] == [",,,,,,,,,,,", ",1e+20,,,,,,,,,,7"]  # the gap stays, column 12 too


_ODS_FIRST = (
    '<table:table table:name="Första">'
    + _ods_empty_rows(2)
    + "<table:table-row><table:table-cell/>"
    + "".join(_ods_cell(v) for v in ["Namn", "Antal", "Datum", "Tid", "Andel", "Aktiv"])
    + "</table:table-row>"
    "<table:table-row><table:table-cell/>"
    '<table:table-cell office:value-type="string"><office:annotation><dc:creator>x</dc:creator>'
    "<text:p>en kommentar</text:p></office:annotation><text:p>Å &amp; <text:span>ö</text:span>"
    '</text:p><text:p>rad<text:s text:c="2"/>två</text:p></table:table-cell>'
    '<table:table-cell office:value-type="float" office:value="1200"><text:p>1 200</text:p>'
    "</table:table-cell>"
    '<table:table-cell office:value-type="date" office:date-value="2024-03-01"/>'
    '<table:table-cell office:value-type="time" office:time-value="PT10H30M15S"/>'
    '<table:table-cell office:value-type="percentage" office:value="0.125"/>'
    '<table:table-cell office:value-type="boolean" office:boolean-value="true"/>'
    "</table:table-row>"
    '<table:table-row table:number-rows-repeated="2"><table:table-cell/>'
    + _ods_cell("samma")
    + '<table:table-cell office:value-type="float" office:value="-0.5" '
    'table:number-columns-repeated="2"/></table:table-row>'
    + _ods_empty_rows(3)
    + '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
    + _ods_cell(1e20)
    + '<table:table-cell table:number-columns-repeated="7"/>'
    + _ods_cell(7)
    + "</table:table-row>"
    + _ods_empty_rows(1_048_560)
    + "</table:table>"
)


def test_ods_is_streamed_as_calamine_read_it(tmp_path: Path) -> None:
    empty = '<table:table table:name="Tom">' + _ods_empty_rows(1_048_576) + "</table:table>"
    path = tmp_path / "bok.ods"
    _ods(path, iter([_ODS_FIRST, empty, *_ods_rows(iter([["x", "y"], [1, "två"]]))]))
    parts = to_delimited("bok.ods", path, "ods", tmp_path, Limits())
    assert [p.source["sheet"] for p in parts] == ["Första", "Blad1"]
    for part in parts:
        with part.path.open(encoding="utf-8", newline="") as written:
            assert written.read() == _as_calamine_reads(path, part.source["sheet"])
    with parts[0].path.open(encoding="utf-8", newline="") as written:
        rows = list(csv.reader(written))
    assert rows[1][:6] == ["Å & ö\nrad  två", "1200", "2024-03-01", "10:30:15", "0.125", "true"]
    assert rows[2] == rows[3] == ["samma", "-0.5", "-0.5"] + [""] * 7
    assert len(rows) == 8 and rows[7][1] == "1e+20" and rows[7][9] == "7"


def test_an_archive_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "brev.xlsx", "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(LoadError, match="brev.xlsx: the spreadsheet cannot be read: the "
                                        "archive holds no XLSX workbook"):  # fmt: skip
        to_delimited("brev.xlsx", tmp_path / "brev.xlsx", "xlsx", tmp_path, Limits())


def test_a_sheet_whose_xml_is_broken_is_named_in_the_refusal(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "made.xlsx"))
    book.add_worksheet("Blad1").write_row(0, 0, ["a", "b"])
    book.close()
    with (
        zipfile.ZipFile(tmp_path / "made.xlsx") as made,
        zipfile.ZipFile(tmp_path / "bruten.xlsx", "w") as broken,
    ):
        for member in made.namelist():
            content = made.read(member)
            if member == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]  # cut off mid-way, as a failed copy
            broken.writestr(member, content)
    with pytest.raises(LoadError, match=r"bruten.xlsx \[Blad1\]: the sheet cannot be read") as xlsx:
        to_delimited("bruten.xlsx", tmp_path / "bruten.xlsx", "xlsx", tmp_path, Limits())
    _ods(tmp_path / "bruten.ods", iter(['<table:table table:name="Blad1"><table:table-row>'
                                         '<table:table-cell office:value-type="float"/>'
                                         "</table:table>"]))  # fmt: skip
    with pytest.raises(LoadError, match=r"bruten.ods \[Blad1\]: the sheet cannot be read") as ods:
        to_delimited("bruten.ods", tmp_path / "bruten.ods", "ods", tmp_path, Limits())
    assert xlsx.value.code == ods.value.code == "sheet_unreadable"


def test_a_sheet_wider_than_the_limit_is_refused(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "bred.xlsx"))
    book.add_worksheet("Blad1").write_row(0, 0, [f"k{i}" for i in range(1001)])
    book.close()
    with pytest.raises(LoadError, match=r"\[Blad1\]: at least 1001 columns; the limit is 1000 "
                                        r"\(datastore_max_columns\)"):  # fmt: skip
        to_delimited("bred.xlsx", tmp_path / "bred.xlsx", "xlsx", tmp_path, Limits())
    _ods(tmp_path / "bred.ods", _ods_rows(iter([[f"k{i}" for i in range(1001)]])))
    with pytest.raises(LoadError, match="at least 1001 columns; the limit is 1000"):
        to_delimited("bred.ods", tmp_path / "bred.ods", "ods", tmp_path, Limits())


# --- JSON and wide files --------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1000, 1024 * 1024])
def test_values_across_chunk_boundaries_read_exactly(tmp_path: Path, chunk: int) -> None:
    """Values of every kind, read `chunk` bytes at a time so that chunks end inside strings,
    escapes, surrogate pairs, multi-byte characters, numbers and literals, come out as
    `json.loads` reads the whole file."""
    values = [
        {
            "text": "å" * (i * 7 % 50) + '\\"\u00e9\U0001f600',
            "n": -(10**18) + i,
            "x": 1.5e-7 * i,
            "flags": [True, False, None],
            "deep": {"a": [{"b": i}]},
        }
        for i in range(60)
    ]
    path = tmp_path / "v.json"
    escaped = json.dumps(values, indent=1)[1:-1]  # "\\u00e5" and surrogate pairs
    plain = json.dumps(values, ensure_ascii=False)[1:-1]  # "å" as two bytes, 😀 as four
    path.write_text(f"[{escaped},{plain}]", encoding="utf-8")
    with JsonStream.open("v.json", path, chunk) as stream:
        read = list(stream.items())
        stream.end()
    assert read == json.loads(path.read_text(encoding="utf-8"))
    assert len(read) == 120


def test_nested_objects_become_columns_and_lists_json_text(tmp_path: Path) -> None:
    rows = [
        {
            "namn": "A",
            "adress": {"gata": "Storgatan 1", "ort": {"kod": "0180"}},
            "taggar": ["x", "y"],
        },
        {"namn": "B", "adress": {"gata": "Ån 2"}},
    ]
    report, loaded = load(tmp_path, "n.json", json.dumps(rows), "json")
    assert types(report) == {
        "namn": "TEXT",
        "adress.gata": "TEXT",
        "adress.ort.kod": "TEXT",
        "taggar": "TEXT",
    }
    assert loaded[0][1:] == ("A", "Storgatan 1", "0180", '["x", "y"]')
    assert loaded[1][1:] == ("B", "Ån 2", None, None)
    assert any("'a.b'" in w.message for w in report.warnings)
    assert any("JSON text: 'taggar'" in w.message for w in report.warnings)


def test_ndjson_loads_one_row_per_line(tmp_path: Path) -> None:
    report, rows = load(tmp_path, "r.json", '{"a": 1}\n{"a": 2, "b": "x"}\n', "json")
    assert types(report) == {"a": "BIGINT", "b": "TEXT"} and report.source["json"] == "lines"
    assert [r[1:] for r in rows] == [(1, None), (2, "x")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "line 1: JSON nested too deep"),
        ('[{"a": ' + '{"b": ' * 50_000 + "1" + "}" * 50_001 + "]", "JSON nested too deep"),
        ('{"resultCount": 1, "results": [1, 2]}', "one JSON object, not rows"),
        ('[{"a": 1},\n 7]', "line 2: item 1 is not an object"),
        ('[{"a": 1}, {"a": tru}]', "line 1: invalid JSON: Expecting value"),
        ('"text"', "expected a JSON array of objects, or one object per line"),
    ],
    ids=["deep-arrays", "deep-objects", "wrapped-no-objects", "scalar-item", "bad", "string"],
)
def test_bad_json_gets_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(LoadError, match=message):
        load(tmp_path, "bad.json", content, "json")


def test_a_hundred_thousand_columns_are_refused_by_count(tmp_path: Path) -> None:
    header = ",".join(f"kolumn_{i}" for i in range(100_000))
    with pytest.raises(
        LoadError,
        match=r"line 1: 100000 columns; the limit is 1000 "
        r"\(datastore_max_columns\)",
    ):
        load(tmp_path, "wide.csv", header + "\n" + ",".join("1" * 100_000) + "\n", "csv")
    quoted = ",".join(f'"a,{i}"' for i in range(60_000))  # commas inside quotes do not count
    with pytest.raises(LoadError, match="60000 columns; the limit is 1000"):
        load(tmp_path, "quoted.csv", quoted + "\n", "csv")
    keys = {f"k{i}": i for i in range(1001)}
    with pytest.raises(LoadError, match=r"item 0 .*the limit is 1000 \(datastore_max_columns"):
        load(tmp_path, "wide.json", json.dumps([keys]), "json")


def test_a_field_longer_than_the_csv_modules_limit_loads(tmp_path: Path) -> None:
    # 150,000 characters: inside the sniffer's sample, over the csv module's 131,072 limit.
    report, rows = load(tmp_path, "long.csv", "id;text\n1;" + "x" * 150_000 + "\n2;b\n", "csv")
    assert report.rows == 2 and len(rows[0][2]) == 150_000 and rows[1][2] == "b"


# --- geometry -------------------------------------------------------------------------------


def _collection(geometries: list[Any]) -> str:
    features = [
        {"type": "Feature", "properties": {"nr": i}, "geometry": g}
        for i, g in enumerate(geometries)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


def _polygon(ring: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [ring]}


def test_impossible_geometry_is_reported_and_left_empty(tmp_path: Path) -> None:
    square = [[18.0, 59.0], [18.1, 59.0], [18.1, 59.1], [18.0, 59.0]]
    geometries = [
        {"type": "Point", "coordinates": [18.07, 59.33]},
        {"type": "Point", "coordinates": [1e308, 59.0]},
        {"type": "Point", "coordinates": [18.0, 1e400]},  # parses as infinity
        _polygon(square[:3]),  # not closed
        _polygon(square),
        {"type": "MultiPolygon", "coordinates": [[square], [square[:2] + square[:1]]]},
        {"type": "LineString", "coordinates": [[18.0, 59.0]]},
        {"type": "Point", "coordinates": [181.0, 59.0]},
        _polygon([[18.0, 59.0], [18.1, 59.1], [18.1, 59.0], [18.0, 59.1], [18.0, 59.0]]),  # bow
    ]
    report, rows = load(tmp_path, "g.geojson", _collection(geometries), "geojson")
    assert report.rows == 9 and [r[1] for r in rows] == list(range(9))  # every row is kept
    geometry = {r[1]: r[4] for r in rows}
    assert [i for i, g in geometry.items() if g is not None] == [0, 4]
    assert rows[1][2:4] == (None, None)  # no lon/lat for an impossible point
    assert report.source["geometry_problems"] == {
        "impossible": 3, "unclosed": 2, "short": 1, "invalid": 1,
    }  # fmt: skip
    notes = "\n".join(w.message for w in report.warnings)
    assert "3 features have coordinates that are not finite or lie outside WGS 84" in notes
    assert "1 feature has a line of fewer than two positions; its geometry" in notes
    assert "their geometry is left empty and the row kept: features 1, 2, 7" in notes
    assert "features 3, 5" in notes
    assert "1 feature has a polygon that crosses itself or whose rings cross" in notes
    assert "feature 8" in notes


def test_coordinates_impossible_after_reprojection_are_reported(tmp_path: Path) -> None:
    doc = json.loads(
        _collection(
            [
                {"type": "Point", "coordinates": [674032, 6580821]},
                {"type": "Point", "coordinates": [674032, 9e15]},
            ]
        )
    )
    doc["crs"] = {"type": "name", "properties": {"name": "EPSG:3006"}}
    report, rows = load(tmp_path, "s.geojson", json.dumps(doc), "geojson")
    assert rows[0][4] is not None and rows[1][4] is None
    assert report.source["geometry_problems"] == {"impossible": 1}


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Polygon", "coordinates": [[18.0, 59.0], [18.1, 59.0]]}, "feature 0: broken"),
        ({"type": "Point", "coordinates": [True, False]}, "feature 0: broken Point"),
        ({"type": "Circle", "coordinates": [18.0, 59.0]}, "unknown geometry type 'Circle'"),
    ],
    ids=["wrong-nesting", "booleans", "unknown-type"],
)
def test_malformed_geometry_refuses_the_load(tmp_path: Path, geometry: Any, message: str) -> None:
    with pytest.raises(LoadError, match=message):
        load(tmp_path, "m.geojson", _collection([geometry]), "geojson")


# --- leftovers of killed loads --------------------------------------------------------------


def _age(*paths: Path, hours: float = 1) -> None:
    """Make files and folders (and all in them) look `hours` old."""
    old = time.time() - hours * 3600
    for path in paths:
        inside = [Path(top) / name for top, dirs, files in os.walk(path) for name in dirs + files]
        for each in [*inside, path]:
            os.utime(each, (old, old))


def _job(engine: sa.Engine, dist: str, state: str, heartbeat_age: float = 0) -> str:
    with write(engine) as conn:
        job_id = jobs.create_job(conn, dist, "https://example.se/x.csv", "csv")
        beat = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=heartbeat_age)
        conn.execute(
            datastore_jobs.update()
            .where(datastore_jobs.c.id == job_id)
            .values(state=state, heartbeat_at=beat, attempts=1)
        )
    return job_id


def test_the_sweep_removes_only_files_no_live_job_or_current_table_owns(
    settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    csv_file = tmp_path / "v1.csv"
    csv_file.write_text("a;b\n1;x\n2;y\n", encoding="utf-8")
    from torget.datastore.load import load_local

    load_local(settings, engine, "d1", csv_file, "csv")
    with read(engine) as conn:
        loaded = current_table(conn, settings.datastore_path, "d1")
    assert loaded is not None
    folder = loaded.path.parent
    # A DataStore write's version: a file named before the job that points at it (writes.py).
    written = folder / "7c1d2e3f-written-version.duckdb"
    written.write_bytes(loaded.path.read_bytes())
    done = _job(engine, "d1", "done")
    with write(engine) as conn:
        conn.execute(datastore_tables.update().values(job_id=done, file=f"d1/{written.name}"))
    failed, failed_now = _job(engine, "d1", "failed"), _job(engine, "d1", "failed")
    running = _job(engine, "d1", "running")  # another worker is loading it right now
    files = {
        "failed table": folder / f"{failed}.duckdb",
        "failed wal": folder / f"{failed}.duckdb.wal",
        "failed copy": folder / f"{failed}.k2j4h5.tmp" / "source",
        "unnamed copy": folder / "tmpab12cd34" / "source",
        "current keys part": folder / f"{written.name}.keys.part",
        "running table": folder / f"{running}.duckdb",
        "running copy": folder / f"{running}.x9y8z7.tmp" / "source",
        "ckan meta": folder / "ckan.json",
        "unnamed table, an hour old": settings.datastore_path / "gone" / "0a1b.duckdb",
        "unnamed table, two days old": settings.datastore_path / "gone" / "2c3d.duckdb",
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)
    _age(folder, settings.datastore_path / "gone")
    _age(files["unnamed table, two days old"], hours=48)
    fresh = folder / f"{failed_now}.fresh1.tmp"  # changed just now: maybe still being written
    fresh.mkdir()

    sweep_now(settings, engine)

    gone = {k for k, p in files.items() if not p.exists()}
    # The written version's sort keys in the making have no job: they are given a day.
    assert gone == {"failed table", "failed wal", "failed copy", "unnamed copy",
                    "unnamed table, two days old"}  # fmt: skip
    assert not (folder / f"{failed}.k2j4h5.tmp").exists() and fresh.exists()
    assert not loaded.path.exists()  # the version the write replaced, its job done
    with read(engine) as conn:
        table = current_table(conn, settings.datastore_path, "d1")
    assert table is not None and table.path == written
    with duckdb.connect(str(table.path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM data").fetchone() == (2,)


class _Stalling(BaseHTTPRequestHandler):
    """`/v1.csv` whole; `/big.csv` half, then nothing until the test ends."""

    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = b"nr;namn\n" + b"".join(b"%d;rad %d\n" % (i, i) for i in range(400_000))
        if self.path == "/v1.csv":
            body = b"nr;namn\n1;ett\n2;tva\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            if self.path == "/v1.csv":
                self.wfile.write(body)
                return
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.release.wait(120)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def stalling_server() -> Iterator[str]:
    handler = type("Handler", (_Stalling,), {"release": threading.Event()})  # one per test
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    handler.release.set()
    server.shutdown()
    server.server_close()


def _wait_for(found: Any, what: str) -> Any:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"never saw {what}")


def test_a_killed_workers_copy_is_removed_at_the_next_start(
    settings: Settings, engine: sa.Engine, tmp_path: Path, stalling_server: str
) -> None:
    settings = dataclasses.replace(settings, allow_private_addresses=True)
    with write(engine) as conn:
        first = jobs.create_job(conn, "d1", f"{stalling_server}/v1.csv", "csv")
    run_job(settings, engine, first)
    with write(engine) as conn:
        killed = jobs.create_job(conn, "d1", f"{stalling_server}/big.csv", "csv")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(
        TORGET_DATA_DIR=str(settings.data_dir),
        TORGET_DATABASE_URL=settings.database_url,
        TORGET_CONFIG=str(tmp_path / "none.toml"),
        TORGET_ALLOW_PRIVATE_ADDRESSES="true",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "torget.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    folder = settings.datastore_path / "d1"
    try:
        copy = _wait_for(
            lambda: next(
                (p for p in folder.glob(f"{killed}.*.tmp/source") if p.stat().st_size > 1_000_000),
                None,
            ),
            "the copy",
        )
    finally:
        worker.kill()  # as the out-of-memory killer would
        worker.wait(timeout=30)
    assert copy.exists()
    # Time passes: the dead worker's heartbeat and its files grow old.
    with write(engine) as conn:
        old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        conn.execute(
            datastore_jobs.update().where(datastore_jobs.c.id == killed).values(heartbeat_at=old)
        )
    _age(copy.parent)

    sweep_now(dataclasses.replace(settings, datastore_max_attempts=1), engine)  # a start

    assert not copy.parent.exists() and not list(folder.glob(f"{killed}*"))
    with read(engine) as conn:
        job = jobs.get_job(conn, killed)
        table = current_table(conn, settings.datastore_path, "d1")
    assert job is not None and job.state == "failed"
    assert table is not None and table.job_id == first and table.path.exists()
    with duckdb.connect(str(table.path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM data").fetchone() == (2,)


def test_a_retried_job_clears_its_earlier_attempt_first(
    settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    source = tmp_path / "v.csv"
    source.write_text("a;b\n1;x\n", encoding="utf-8")
    with write(engine) as conn:
        job_id = jobs.create_job(conn, "d1", str(source), "csv")
    folder = settings.datastore_path / "d1"
    folder.mkdir(parents=True)
    earlier = [folder / f"{job_id}.duckdb.wal", folder / f"{job_id}.ab12cd.tmp"]
    earlier[0].write_bytes(b"not a wal")  # DuckDB would try to replay it into the new table
    earlier[1].mkdir()
    run_job(settings, engine, job_id)
    with read(engine) as conn:
        job = jobs.get_job(conn, job_id)
    assert job is not None and job.state == "done", job
    assert not earlier[1].exists() and sorted(p.name for p in folder.iterdir()) == [
        f"{job_id}.duckdb",
        "versions",  # the load kept as a version (datastore/version_store.py), not a leftover
    ]
