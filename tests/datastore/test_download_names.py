"""Downloads are named after the dataset and the distribution, never an internal id, and CSV
comes also as Excel opens it on a Swedish computer (UTF-8 with BOM, `;`, decimal comma)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import published_payload
from torget.datastore.load import load_local
from torget.settings import Settings

HTML = {"Accept": "text/html"}
CSV = "Plats;Temperatur;Antal\nÅsjön;18,5;3\nÄngen;21;12\n"


def _published(world: Any, distributions: list[dict[str, Any]]) -> list[str]:
    licensed = [{**d, "license": "CC0-1.0"} for d in distributions]
    payload = published_payload(title={"sv": "Badplatser i Sjöstad"}, distributions=licensed)
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    return [str(d["id"]) for d in created.json()["distributions"]]


def test_downloads_are_named_by_the_titles(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    titled, untitled = _published(world, [
        {"title": {"sv": "Mätningar 2024"}, "format": "text/csv",
         "download_url": "https://data.sjostad.example/a.csv"},
        {"format": "text/csv", "download_url": "https://data.sjostad.example/vattentemp%C3%A4r.csv"},
    ])  # fmt: skip
    source = tmp_path / "m.csv"
    source.write_text(CSV, encoding="utf-8")
    for dist in (titled, untitled):
        load_local(settings, engine, dist, source, "csv")
    named = world.client.get(f"/api/datastore/{titled}/rows.csv")
    assert named.headers["content-disposition"] == (
        'attachment; filename="badplatser-i-sjostad-matningar-2024.csv"'
    )
    bare = world.client.get(f"/api/datastore/{untitled}/rows.xlsx")
    disposition = bare.headers["content-disposition"]
    assert 'filename="badplatser-i-sjostad-vattentempar.xlsx"' in disposition
    page = world.client.get("/dataset/badplatser-i-sjostad", headers=HTML).text
    assert "vattentempär.csv" in page  # the untitled file is called by its name, not "CSV file"


def test_csv_for_excel_has_a_bom_semicolons_and_decimal_commas(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    url = "https://data.sjostad.example/m.csv"
    (dist,) = _published(world, [{"title": {"sv": "Mätningar"}, "format": "text/csv",
                                  "download_url": url}])  # fmt: skip
    source = tmp_path / "m.csv"
    source.write_text(CSV, encoding="utf-8")
    load_local(settings, engine, dist, source, "csv")
    excel = world.client.get(f"/api/datastore/{dist}/rows.excel.csv", params={"sort": "_id"})
    assert excel.status_code == 200
    assert excel.content.startswith(b"\xef\xbb\xbf")
    assert excel.content.decode("utf-8-sig").splitlines() == [
        "_id;Plats;Temperatur;Antal", "1;Åsjön;18,5;3", "2;Ängen;21,0;12",
    ]  # fmt: skip
    assert (
        'filename="badplatser-i-sjostad-matningar.excel.csv"'
        in excel.headers["content-disposition"]
    )
    plain = world.client.get(f"/api/datastore/{dist}/rows.csv").content
    assert plain.splitlines()[1] == "1,Åsjön,18.5,3".encode()
    described = world.client.get(f"/api/datastore/{dist}").json()
    assert described["downloads"]["excel.csv"].endswith("/rows.excel.csv")
    page = world.client.get(f"/dataset/badplatser-i-sjostad?preview={dist}", headers=HTML).text
    assert "rows.excel.csv" in page
