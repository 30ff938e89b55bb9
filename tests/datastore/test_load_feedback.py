"""A publisher sees each load where they work: the publishing page shows its state, rows,
columns with their types and why, the load's notes and failures, and a "load again" button;
a load that fails in the worker is told to the editors by e-mail, in their language; the public
page says in plain words why there is no preview (issue 17)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import dataset_payload
from tests.web.conftest import Browser
from torget.datastore import jobs
from torget.datastore.load import load_local, run_job
from torget.db.engine import read, write
from torget.db.schema import datastore_jobs, mail_queue
from torget.settings import Settings

CSV = "Namn;Postnummer;Antal;Öppen;;\nA;43896;3;ja;;\nB;435 35;4;nej;;\nC;41101;5;j;;\n"


def _draft(world: Any) -> tuple[str, str]:
    payload = dataset_payload(distributions=[
        {"title": {"sv": "Platser"}, "format": "text/csv", "license": "CC0-1.0",
         "download_url": "https://data.sjostad.example/platser.csv"},
    ])  # fmt: skip
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    body = created.json()
    return str(body["id"]), str(body["distributions"][0]["id"])


def _loaded(world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
            ) -> tuple[str, str, Path, Browser]:  # fmt: skip
    """A draft with its file loaded, and the editor's browser."""
    dataset, dist = _draft(world)
    source = tmp_path / "platser.csv"
    source.write_text(CSV, encoding="utf-8")
    load_local(settings, engine, dist, source, "csv")
    browser = Browser(world.client)
    browser.login("editor")
    return dataset, dist, source, browser


def test_the_publishing_page_shows_the_load_and_loads_again(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dataset, dist, source, browser = _loaded(world, settings, engine, tmp_path)
    page = browser.get(f"/publish/dataset/{dataset}?lang=sv").text
    assert "I datalagret" in page and "3 rader" in page and "4 kolumner" in page
    assert _types(page) == {"Namn": "Text", "Postnummer": "Text", "Antal": "Heltal",
                            "Öppen": "Ja eller nej"}  # fmt: skip
    assert "Text på grund av sitt namn" in page  # the postcode, whatever its values
    assert (
        "<li>2 kolumner saknar namn i rubrikraden och heter column_N efter sina platser: 5, 6."
        in page
    )
    assert "Läs in igen" in page
    with read(engine) as conn:
        before = jobs.latest_job(conn, dist)
    again = browser.post(
        f"/publish/distribution/{dist}/load", token_from=f"/publish/dataset/{dataset}"
    )
    assert again.status_code == 303 and again.headers["location"].endswith("#loads")
    with read(engine) as conn:
        after = jobs.latest_job(conn, dist)
    assert before is not None and after is not None and after.id != before.id
    assert after.state == "queued" and after.source == "https://data.sjostad.example/platser.csv"
    outsider = Browser(world.client)
    outsider.login("outsider")
    refused = outsider.post(f"/publish/distribution/{dist}/load", token_from="/publish")
    assert refused.status_code in (403, 404)


def _types(page: str) -> dict[str, str]:
    """Each column's automatic type as the type form offers it."""
    found = re.findall(r'name="type:([^"]+)"[^>]*>\s*<option value="">Automatiskt: ([^<]+)<', page)
    return dict(found)


def test_a_chosen_type_is_kept_and_used_by_the_next_load(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dataset, dist, source, browser = _loaded(world, settings, engine, tmp_path)
    form = {"type:Antal": "TEXT", "type:Namn": "BIGINT", "type:Postnummer": ""}
    saved = browser.post(f"/publish/distribution/{dist}/types", form,
                         token_from=f"/publish/dataset/{dataset}")  # fmt: skip
    assert saved.status_code == 303
    with read(engine) as conn:
        assert jobs.latest_job(conn, dist).state == "queued"  # type: ignore[union-attr]
    report = load_local(settings, engine, dist, source, "csv")  # as the worker would
    columns = {c["name"]: c for c in report.columns}
    assert columns["Antal"] == {"name": "Antal", "type": "TEXT", "chosen": True}
    assert columns["Namn"]["type"] == "BIGINT"  # "A", "B", "C" do not fit: left empty
    assert columns["Postnummer"] == {"name": "Postnummer", "type": "TEXT", "text_by_name": True}
    page = browser.get(f"/publish/dataset/{dataset}?lang=sv").text
    assert '<option value="TEXT" selected>Text</option>' in page and "Vald av en redaktör." in page
    wrong = browser.post(f"/publish/distribution/{dist}/types", {"type:Antal": "MONEY"},
                         token_from=f"/publish/dataset/{dataset}")  # fmt: skip
    assert wrong.status_code == 422 and "Antal" in wrong.text


def test_a_failed_load_is_told_to_the_editors_and_explained_to_the_public(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dataset, dist = _draft(world)
    broken = tmp_path / "trasig.json"
    broken.write_text('{"a": 1, "b": 2}', encoding="utf-8")
    with write(engine) as conn:
        job = jobs.create_job(conn, dist, str(broken), "json")
    run_job(settings, engine, job)
    with read(engine) as conn:
        failed = jobs.get_job(conn, job)
        letters = conn.execute(sa.select(mail_queue.c.recipient, mail_queue.c.subject,
                                          mail_queue.c.body)).all()  # fmt: skip
    assert failed is not None and failed.state == "failed"
    assert [r.recipient for r in letters] == ["editor@example.se"]
    assert letters[0].subject == "Datan i ”Badplatser” kunde inte läsas in"
    assert "innehåller ett enda JSON-objekt, inte rader" in letters[0].body  # by its code
    assert f"/publish/dataset/{dataset}" in letters[0].body
    browser = Browser(world.client)
    browser.login("editor")
    page = browser.get(f"/dataset/{dataset}?lang=sv").text
    assert "Filen kunde inte läsas som en tabell" in page
    assert "Publiceraren har fått veta det." in page
    publishing = browser.get(f"/publish/dataset/{dataset}?lang=en").text
    assert "The last load failed, so the data people see has not changed." in publishing
    assert "holds one JSON object, not rows" in publishing


def test_the_load_notes_are_in_the_reader_language_and_old_ones_still_show(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dataset, dist, _source, browser = _loaded(world, settings, engine, tmp_path)
    english = browser.get(f"/publish/dataset/{dataset}?lang=en").text
    assert (
        "<li>2 columns have no name in the header and are called column_N after their " in english
    )
    assert "<li>2 columns without a name and without any value were left out.</li>" in english
    api = f"/api/datastore/{dist}"
    notes = {}
    for lang in ("sv", "en"):
        answer = world.client.get(f"{api}?lang={lang}", headers=world.auth("editor"))
        notes[lang] = answer.json()["job"]["report"]["warnings"]
    assert [n["code"] for n in notes["sv"]] == ["unnamed_columns", "empty_unnamed_dropped"]
    assert notes["sv"][0]["params"] == {"count": 2, "positions": [5, 6]}
    assert notes["sv"][1]["message"] == "2 kolumner utan namn och utan värden togs inte med."
    assert (
        notes["en"][1]["message"] == "2 columns without a name and without any value were left out."
    )
    assert notes["sv"][1]["lang"] == "sv" and notes["en"][1]["lang"] == "en"
    # A load from before the notes had codes kept English sentences: shown as they are, marked.
    with write(engine) as conn:
        job = jobs.latest_job(conn, dist)
        assert job is not None and job.report is not None
        old = {**job.report, "warnings": ["the header repeats the name(s) 'Namn'"]}
        conn.execute(sa.update(datastore_jobs).where(datastore_jobs.c.id == job.id)
                     .values(report=json.dumps(old)))  # fmt: skip
    page = browser.get(f"/publish/dataset/{dataset}?lang=sv").text
    assert '<li lang="en">the header repeats the name(s) &#39;Namn&#39;</li>' in page
    answer = world.client.get(api, headers=world.auth("editor")).json()["job"]["report"]
    assert answer["warnings"] == [{"code": "text", "lang": "en",
                                   "params": {"text": "the header repeats the name(s) 'Namn'"},
                                   "message": "the header repeats the name(s) 'Namn'"}]  # fmt: skip
