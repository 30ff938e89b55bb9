"""Files shaped like the ones Swedish municipal portals publish, each with what a load must give.

The files in `corpus/` were written after real downloads (EntryScape row stores, GIS exports,
Excel invoices, registers typed by hand); each case names the rows, the columns with their
types, facts of the report's `source` and words its warnings must hold. The rules they check
are listed in docs/datastore.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from torget.datastore.ingest import Limits, LoadReport, ingest
from torget.datastore.notes import Note
from torget.web.load_notes import WORDS, note_text

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Case:
    file: str
    rows: int
    columns: dict[str, str]
    source: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # regular expressions, each must match one warning
    values: dict[int, dict[str, Any]] = field(default_factory=dict)  # _id → column → value

    @property
    def format(self) -> str:
        suffix = self.file.rsplit(".", 1)[-1]
        return {"ndjson": "json", "tsv": "csv"}.get(suffix, suffix)


CASES = [
    Case(
        "offentlig_konst.geojson",
        25,
        {
            "Titel": "TEXT",
            "Konstnär": "TEXT",
            "Årtal": "BIGINT",
            "Material.typ": "TEXT",
            "Material.vikt_kg": "BIGINT",
            "lon": "DOUBLE",
            "lat": "DOUBLE",
            "geometry": "TEXT",
        },
        {
            "crs": "EPSG:4326",
            "coordinates": {
                "positions": 25,
                "swapped": 3,
                "fixed": 3,
                "impossible": 2,
                "swapped_at": [4, 11, 19],
                "impossible_at": [7, 22],
            },
        },
        (
            r"3 feature\(s\) have latitude and longitude swapped \(4, 11, 19\); "
            r"they were put right",
            r"at a pole or at \(0, 0\).*features 7, 22",
        ),
        # the 22 right points stay where they are; the three swapped ones come back to Göteborg
        {
            1: {"lon": pytest.approx(11.95, abs=0.06)},
            5: {"lon": pytest.approx(11.95, abs=0.06)},
            8: {"lon": None, "geometry": None},
        },
    ),  # fmt: skip
    Case(
        "badplatser_sweref99tm.geojson",
        13,
        {
            "namn": "TEXT",
            "brygga": "BOOLEAN",
            "hundbad": "BOOLEAN",
            "lon": "DOUBLE",
            "lat": "DOUBLE",
            "geometry": "TEXT",
        },
        {
            "crs": "EPSG:3006",
            "reprojected": True,
            "coordinates": {"swapped": 1, "fixed": 1, "impossible": 0, "swapped_at": [5]},
        },
        (r"1 feature\(s\) have latitude and longitude swapped \(5\)",),
        {6: {"lat": pytest.approx(57.72, abs=0.05)}, 1: {"hundbad": True}, 2: {"hundbad": False}},
    ),  # fmt: skip
    Case(
        "leverantorsfakturor.csv",
        30,
        {
            "Fakturanummer": "BIGINT",
            "Leverantör": "TEXT",
            "Organisationsnummer": "TEXT",
            "Belopp": "DOUBLE",
            "Fakturadatum": "DATE",
            "Konto": "BIGINT",
        },
        {"encoding": "cp1252", "delimiter": ";", "header": True},
        (
            r"4 column\(s\) have no name in the header .*: 7, 8, 9, 10",
            r"4 column\(s\) without a name and without any value were left out",
        ),
        {1: {"Organisationsnummer": "556000000", "Belopp": 1000.0}},
    ),  # fmt: skip
    Case(
        "forskolor.csv",
        16,
        {
            "Namn": "TEXT",
            "Adress": "TEXT",
            "Postnummer": "TEXT",
            "Telefon": "TEXT",
            "Namn_2": "TEXT",
            "column_6": "TEXT",
            "Latitud": "DOUBLE",
            "Longitud": "DOUBLE",
            "Öppen": "BOOLEAN",
            "Antal platser": "BIGINT",
        },
        {
            "encoding": "utf-8-sig",
            "delimiter": ",",
            "coordinates": {
                "columns": ["Longitud", "Latitud"],
                "swapped": 2,
                "fixed": 2,
                "impossible": 1,
                "swapped_at": [4, 10],
                "impossible_at": [13],
            },
        },
        (
            r"no name in the header and are called column_N by their position: 6",
            r"repeats the name\(s\) 'Namn'",
            r"2 row\(s\) have latitude and longitude swapped \(4, 10\); they were put right",
            r"1 row\(s\) have impossible coordinates .* \(13\)",
        ),
        {
            1: {"Postnummer": "11400", "Namn": "Förskola 0"},
            2: {"Postnummer": "115 01"},
            4: {"Latitud": 59.33, "Longitud": 18.03},
            13: {"Latitud": None},
        },
    ),  # fmt: skip
    Case(
        "platser_ojamna.csv",
        20,
        {
            "id": "BIGINT",
            "Namn": "TEXT",
            "Beskrivning": "TEXT",
            "Kategori": "TEXT",
            "Datum": "DATE",
        },
        {
            "ragged": {
                "joined_rows": 2,
                "joined_lines": [7, 15],
                "short_rows": 1,
                "short_lines": [18],
                "long_rows": 0,
                "long_lines": [],
                "joined_columns": ["Beskrivning"],
            }
        },
        (
            r"at line\(s\) 7, 15, because a value in 'Beskrivning' holds the delimiter",
            r"1 row\(s\) have fewer fields than the header, at line\(s\) 18",
        ),
        {
            6: {"Beskrivning": "Lek; bad; grill 6", "Kategori": "Park"},
            17: {"Namn": "Plats 17", "Beskrivning": None},
        },
    ),  # fmt: skip
    Case(
        "matvarden_extra.csv",
        3,
        {"station": "BIGINT", "nivå": "DOUBLE", "flöde": "BIGINT", "_extra": "TEXT"},
        {
            "ragged": {
                "long_rows": 1,
                "long_lines": [3],
                "joined_rows": 0,
                "joined_lines": [],
                "short_rows": 0,
                "short_lines": [],
                "joined_columns": [],
            }
        },
        (r"1 row\(s\) have more fields than the header, at line\(s\) 3: .* '_extra'",),
        {2: {"flöde": 31, "_extra": "99"}, 1: {"_extra": None}},
    ),  # fmt: skip
    Case(
        "anlaggningar_janej.csv",
        12,
        {
            "Anläggning": "TEXT",
            "Tillgänglig": "BOOLEAN",
            "Ramp": "BOOLEAN",
            "Hiss": "BOOLEAN",
            "Wifi": "BOOLEAN",
            "Parkering": "BOOLEAN",
            "Aktiv (1/0)": "BOOLEAN",
            "Antal": "BIGINT",
            "Hundvänlig": "BOOLEAN",
        },
        values={
            1: {
                "Tillgänglig": False,
                "Ramp": False,
                "Hiss": False,
                "Wifi": False,
                "Parkering": True,
                "Aktiv (1/0)": False,
                "Antal": 0,
                "Hundvänlig": False,
            },
            2: {
                "Tillgänglig": True,
                "Ramp": True,
                "Hiss": True,
                "Wifi": True,
                "Parkering": False,
                "Aktiv (1/0)": True,
                "Antal": 1,
                "Hundvänlig": True,
            },
        },
    ),  # fmt: skip
    Case(
        "foreningar.tsv",
        10,
        {
            "Förening": "TEXT",
            "Orgnr": "TEXT",
            "Personnummer kontakt": "TEXT",
            "Postnr": "TEXT",
            "Telefonnummer": "TEXT",
            "Medlemmar": "BIGINT",
        },
        {"delimiter": "\t"},
        values={1: {"Postnr": "43890", "Telefonnummer": "031123400", "Orgnr": "8024000000"}},
    ),  # fmt: skip
    Case(
        "befolkning_ar.csv",
        3,
        {"Kommun": "TEXT", "2019": "BIGINT", "2020": "BIGINT", "2021": "BIGINT"},
        {"header": True},
        values={1: {"Kommun": "Ale", "2019": 31868}},
    ),
    Case(
        "matningar_utan_rubrik.csv",
        8,
        {"column_1": "BIGINT", "column_2": "DOUBLE", "column_3": "DATE"},
        {"header": False},
        (r"the first row holds data, not column names",),
    ),
    Case(
        "fakturor_med_rubrik.csv",
        3,
        {
            "Fakturanummer": "BIGINT",
            "Leverantör": "TEXT",
            "Belopp": "DOUBLE",
            "Förfallodatum": "DATE",
        },
        {"encoding": "cp1252", "delimiter": ";", "header": True},
        (r"the first 3 line\(s\) hold a title or notes, not the table",),
        {1: {"Fakturanummer": 800101, "Belopp": 12500.0}, 3: {"Belopp": -450.0}},
    ),  # fmt: skip
    Case(
        "badplatser_med_rubrik.csv",
        3,
        {"Namn": "TEXT", "Lat": "DOUBLE", "Lon": "DOUBLE", "Hundbad": "BOOLEAN"},
        {"delimiter": ",", "coordinates": {"columns": ["Lon", "Lat"], "swapped": 0}},
        (r"the first 2 line\(s\) hold a title or notes",),
        {1: {"Namn": "Åsjön", "Hundbad": True}, 2: {"Hundbad": False}},
    ),  # fmt: skip
    Case(
        "entryscape_rowstore.json",
        9,
        {
            "namn": "TEXT",
            "adress": "TEXT",
            "lat": "DOUBLE",
            "long": "DOUBLE",
            "tillganglig": "BOOLEAN",
        },
        {
            "json": "wrapped",
            "json_path": "results",
            "coordinates": {"columns": ["long", "lat"], "swapped": 0, "impossible": 0},
        },
        (r"the rows are the 9 object\(s\) in the member 'results'",),
    ),  # fmt: skip
    Case(
        "skolor_data.json",
        7,
        {
            "id": "BIGINT",
            "namn": "TEXT",
            "adress.gata": "TEXT",
            "adress.postnummer": "TEXT",
            "adress.ort": "TEXT",
            "elever.antal": "BIGINT",
            "elever.andel_flickor": "DOUBLE",
            "taggar": "TEXT",
        },
        {"json": "wrapped", "json_path": "data"},
        (r"member 'data'", r"like 'a.b'", r"JSON text: 'taggar'"),
        {1: {"adress.postnummer": "43000", "taggar": '["f-6", "fritids"]'}},
    ),  # fmt: skip
    Case(
        "evenemang_items.json",
        5,
        {"id": "BIGINT", "rubrik": "TEXT", "datum": "DATE"},
        {"json": "wrapped", "json_path": "items"},
        (
            r"text after the end of the JSON document, from line 2, column 1, was ignored: "
            r"'<!-- cache",
        ),
    ),  # fmt: skip
    Case(
        "sensorer.ndjson",
        6,
        {"sensor": "TEXT", "temp": "DOUBLE", "tid": "TIMESTAMP"},
        {"json": "lines"},
    ),
]


def _load(case: Case, tmp_path: Path) -> tuple[LoadReport, dict[int, dict[str, Any]]]:
    target = tmp_path / "table.duckdb"
    report = ingest(case.file, CORPUS / case.file, case.format, target, Limits())
    with duckdb.connect(str(target), read_only=True) as con:
        cursor = con.execute("SELECT * FROM data ORDER BY _id")
        names = [d[0] for d in cursor.description or []]
        rows = {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
    return report, rows


def _contains(actual: dict[str, Any], expected: dict[str, Any]) -> bool:
    return all(
        _contains(actual.get(k) or {}, v) if isinstance(v, dict) else actual.get(k) == v
        for k, v in expected.items()
    )


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_corpus_file_loads_as_expected(case: Case, tmp_path: Path) -> None:
    report, rows = _load(case, tmp_path)
    assert report.rows == case.rows == len(rows)
    assert {c["name"]: c["type"] for c in report.columns} == case.columns
    assert list(rows[1])[1:] == list(case.columns)  # the table's columns, in the file's order
    assert _contains(report.source, case.source), report.source
    for pattern in case.warnings:
        assert any(re.search(pattern, w.message) for w in report.warnings), (
            pattern,
            report.warnings,
        )
    if not case.warnings:
        assert report.warnings == []
    for note in report.warnings:  # each in the publisher's words, not the English fallback
        assert (note_text(note, "sv").lang, note_text(note, "en").lang) == ("sv", "en"), note
    for row, values in case.values.items():
        assert {k: rows[row][k] for k in values} == values


# Params of the shapes the loader gives, for the notes no corpus file brings about.
NOTE_PARAMS: dict[str, dict[str, Any]] = {
    "lines_above_table": {"count": 2},
    "no_header": {},
    "unnamed_columns": {"count": 12, "positions": list(range(1, 11))},
    "repeated_names": {"names": ["Namn", "Datum"]},
    "empty_unnamed_dropped": {"count": 1},
    "rows_joined": {"count": 2, "lines": [4, 9], "columns": ["Beskrivning"]},
    "rows_long": {"count": 1, "lines": [3], "column": "_extra"},
    "rows_short": {"count": 11, "lines": list(range(2, 12))},
    "swapped_rows_fixed": {"count": 1, "rows": [5]},
    "swapped_rows_kept": {"count": 2, "rows": [5, 6]},
    "swapped_features_fixed": {"count": 3, "features": [4, 11, 19]},
    "swapped_features_kept": {"count": 1, "features": [4]},
    "impossible_rows": {"count": 1, "rows": [7]},
    "sweref99tm_rows_converted": {"count": 4},
    "geometry_impossible": {"count": 1, "features": [2]},
    "geometry_unclosed": {"count": 2, "features": [3, 5]},
    "geometry_short": {"count": 1, "features": [6]},
    "geometry_invalid": {"count": 1, "features": [8]},
    "nested_flattened": {},
    "json_text_columns": {"columns": ["taggar"]},
    "rows_in_member": {"count": 9, "member": "results"},
    "other_arrays_left_out": {"members": ["meta.links"]},
    "text_after_json": {"line": 3, "column": 2, "text": "<!-- cache -->"},
    "sheet_loaded": {"sheet": "Blad2", "table": "sheet_2"},
}


def test_every_note_has_words_in_swedish_and_english() -> None:
    assert set(NOTE_PARAMS) == set(WORDS)
    for code, params in NOTE_PARAMS.items():
        note = Note(code, params, "English")
        sv, en = note_text(note, "sv"), note_text(note, "en")
        assert (sv.lang, en.lang) == ("sv", "en") and sv.text != en.text, code
    many = note_text(Note("rows_short", NOTE_PARAMS["rows_short"], ""), "sv").text
    assert many == ("11 rader har färre fält än rubrikraden, på raderna 2, 3, 4, 5, 6, 7, 8, 9, "
                    "10, 11 …: de fält som saknas lämnas tomma.")  # fmt: skip
    one = note_text(Note("rows_short", {"count": 1, "lines": [4]}, ""), "en").text
    assert one.startswith("1 row has fewer fields than the header, at line 4:")
