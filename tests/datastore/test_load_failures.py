"""A failed load says why in the reader's language: the publishing page, the public page, the
API (in the language asked for) and the editors' letter (in theirs, Swedish by default) say
the reason by its code, with the file and where in it; a reason stored before failures had
codes still shows, as the English it is (issue 17)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import dataset_payload
from tests.web.conftest import Browser
from torget.datastore import jobs
from torget.datastore.failures import FAILURE_WORDS, failure_note, failure_words
from torget.datastore.load import run_job
from torget.db.engine import read, write
from torget.db.schema import datastore_jobs, mail_queue
from torget.mail.language import translator
from torget.settings import Settings

# name: (format, content, code, params beyond the file's name, Swedish words, English words)
FILES: dict[str, tuple[str, bytes, str, dict[str, Any], str, str]] = {
    "kassa.csv": ("csv", b"\xef\xbb\xbfNamn;Ort\nA;G\xf6teborg\n", "invalid_utf8",
                  {"line": 2, "byte": 15},
                  "kassa.csv, rad 2: Filen är i UTF-8 men har ett tecken som inte är giltig "
                  "UTF-8 vid byte 15: spara den igen som UTF-8.",
                  "kassa.csv, line 2: The file is in UTF-8 but has a character that is not "
                  "valid UTF-8 at byte 15: save it again as UTF-8."),
    "bild.csv": ("csv", b"\x89PNG\r\n\x1a\n0000", "binary_file", {},
                 "bild.csv: Det här är en binär fil (till exempel ett ZIP-arkiv, en PDF eller "
                 "en bild), inte en tabell i text.",
                 "bild.csv: This is a binary file (such as a ZIP archive, a PDF or an image), "
                 "not a table in text."),
    "tom.csv": ("csv", b"", "file_empty", {},
                "tom.csv: Filen är tom.", "tom.csv: The file is empty."),
    "komma.json": ("json", b'[{"a": 1},\n {"a": 2,}]', "json_invalid",
                   {"line": 2, "column": 9,
                    "detail": "Expecting property name enclosed in double quotes"},
                   "komma.json, rad 2, kolumn 9: Det här är inte giltig JSON: ett medlemsnamn "
                   "inom dubbla citattecken väntades (finns det ett kommatecken för mycket?).",
                   "komma.json, line 2, column 9: This is not valid JSON: a member name in "
                   "double quotes was expected (is there a comma too many?)."),
    "ett.json": ("json", b'{"a": 1, "b": 2}', "json_one_object", {},
                 "ett.json: Filen innehåller ett enda JSON-objekt, inte rader",
                 "ett.json: The file holds one JSON object, not rows"),
    "trasig.xlsx": ("xlsx", b"PK\x03\x04 not a zip", "not_a_spreadsheet", {},
                    "trasig.xlsx: Det här är inte ett kalkylark: filen är inte ett giltigt "
                    "XLSX- eller ODS-arkiv.",
                    "trasig.xlsx: This is not a spreadsheet: the file is not a valid XLSX or "
                    "ODS archive."),
    "cirkel.geojson": ("geojson", b'{"type": "FeatureCollection", "features": [{"type": '
                       b'"Feature", "geometry": {"type": "Circle", "coordinates": [1, 2]}, '
                       b'"properties": {}}]}', "geometry_type_unknown",
                       {"feature": 0, "kind": "Circle"},
                       "cirkel.geojson: Objekt 0 har den okända geometritypen Circle.",
                       "cirkel.geojson: Feature 0 has the unknown geometry type Circle."),
}  # fmt: skip


def _failed_loads(world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
                  ) -> tuple[str, dict[str, str]]:  # fmt: skip
    """A draft with one distribution per file of FILES, each loaded by the worker and failed:
    (the dataset's id, {file name: distribution id})."""
    payload = dataset_payload(distributions=[
        {"title": {"sv": name}, "format": FILES[name][0], "license": "CC0-1.0",
         "download_url": f"https://data.sjostad.example/{name}"} for name in FILES
    ])  # fmt: skip
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    dists = {d["title"]["sv"]: d["id"] for d in created.json()["distributions"]}
    for name, (fmt, content, *_rest) in FILES.items():
        (tmp_path / name).write_bytes(content)
        with write(engine) as conn:
            job = jobs.create_job(conn, dists[name], str(tmp_path / name), fmt)
        run_job(settings, engine, job)
    return str(created.json()["id"]), dists


def test_each_failing_file_says_why_in_the_reader_language(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dataset, dists = _failed_loads(world, settings, engine, tmp_path)
    for name, (_fmt, _content, code, params, swedish, english) in FILES.items():
        for lang, words in (("sv", swedish), ("en", english)):
            answer = world.client.get(f"/api/datastore/{dists[name]}?lang={lang}",
                                      headers=world.auth("editor")).json()["job"]  # fmt: skip
            assert answer["state"] == "failed", answer
            failure = answer["failure"]
            assert (failure["code"], failure["lang"]) == (code, lang), failure
            assert failure["params"] == {"file": name, **params}
            assert failure["message"].startswith(words), failure["message"]
            assert answer["error"].startswith(name)  # the English message, as before
    browser = Browser(world.client)
    browser.login("editor")
    publishing = {lang: html.unescape(browser.get(f"/publish/dataset/{dataset}?lang={lang}").text)
                  for lang in ("sv", "en")}  # fmt: skip
    public = html.unescape(browser.get(f"/dataset/{dataset}?lang=sv").text)
    for name, (*_rest, swedish, english) in FILES.items():
        assert swedish in publishing["sv"] and english in publishing["en"], name
        assert swedish in public, name


def test_the_editors_letter_gives_the_reason_in_swedish(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    _failed_loads(world, settings, engine, tmp_path)
    with read(engine) as conn:
        bodies = conn.execute(sa.select(mail_queue.c.body)).scalars().all()
    assert len(bodies) == len(FILES)
    for name, (*_rest, swedish, english) in FILES.items():
        told = [b for b in bodies if swedish in b]
        assert len(told) == 1, name
        assert "Orsaken:" in told[0] and english not in told[0]


def test_an_old_english_reason_still_shows_as_it_is(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dataset, dists = _failed_loads(world, settings, engine, tmp_path)
    old = "senare.csv, line 3: the rows do not all have 4 fields"
    with write(engine) as conn:
        conn.execute(sa.update(datastore_jobs).values(error=old)
                     .where(datastore_jobs.c.distribution_id == dists["tom.csv"]))  # fmt: skip
    browser = Browser(world.client)
    browser.login("editor")
    for page in (f"/publish/dataset/{dataset}?lang=sv", f"/dataset/{dataset}?lang=sv"):
        assert f'<span lang="en">{old}</span>' in browser.get(page).text or (
            f'<p lang="en">{old}</p>' in browser.get(page).text
        ), page
    job = world.client.get(f"/api/datastore/{dists['tom.csv']}?lang=sv",
                           headers=world.auth("editor")).json()["job"]  # fmt: skip
    assert job["error"] == old
    assert job["failure"] == {"code": "text", "params": {"text": old}, "message": old,
                              "lang": "en"}  # fmt: skip


def test_an_unexpected_error_is_torget_own_and_names_the_file() -> None:
    note = failure_note(ZeroDivisionError("division by zero"), "https://x.example/a/b/data.csv")
    assert (note.code, note.params) == ("internal_error", {"file": "data.csv"})
    assert note.message == "internal error: ZeroDivisionError('division by zero')"
    swedish = failure_words(note, translator("sv"))
    assert swedish is not None and swedish.startswith("data.csv: Torget misslyckades")


def test_every_failure_code_has_words_and_is_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    raised = set()
    for path in (root / "torget" / "datastore").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "LoadError" in text:  # the codes a load's error is raised with (and jsonstream's)
            raised |= set(re.findall(r'code(?:: str)? ?= ?"([a-z0-9_]+)"', text))
    raised |= {"personal_data_refused", "superseded", "worker_stopped", "worker_retrying",
               "internal_error"}  # fmt: skip
    assert raised - set(FAILURE_WORDS) == set()
    docs = (root / "docs" / "datastore.md").read_text(encoding="utf-8")
    assert [c for c in FAILURE_WORDS if f"`{c}`" not in docs] == []
