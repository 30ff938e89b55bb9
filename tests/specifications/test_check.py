"""The templates and "check my file": a department downloads the template, fills it in and
checks it; nothing is published or kept. Real files written after the field tables."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from torget.db.engine import read
from torget.db.schema import datasets, datastore_jobs

FILES = Path(__file__).parent / "files"
TOILETS = "/api/specifications/public-toilets/1.0"


def _check(client: TestClient, name: str, content: bytes | None = None, api: str = TOILETS) -> Any:
    body = content if content is not None else (FILES / name).read_bytes()
    return client.post(f"{api}/check", files={"file": (name, body)})


def test_good_files_conform_in_csv_and_xlsx(client: TestClient, engine: sa.Engine) -> None:
    for name in ("toaletter_good.csv", "toaletter_good.xlsx"):
        answer = _check(client, name)
        assert answer.status_code == 200, answer.text
        assert answer.json()["state"] == "conforms" and answer.json()["rows_checked"] == 2
    with read(engine) as conn:  # nothing published, nothing queued
        assert conn.execute(sa.select(sa.func.count()).select_from(datasets)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(datastore_jobs)).scalar() == 0


def test_a_bad_file_gets_each_problem_with_row_column_and_rule(client: TestClient) -> None:
    answer = _check(client, "badplatser_bad.csv", api="/api/specifications/badplatser/1.0")
    report = answer.json()
    assert report["state"] == "fails"
    counts = {c["rule"]: c["count"] for c in report["counts"]}
    assert counts == {"required": 2, "unique": 1, "type": 1, "pattern": 1, "alias": 1,
                      "unknown_column": 1}  # fmt: skip
    words = {c["rule"]: (c["sv"], c["en"]) for c in report["counts"]}
    assert words["required"] == ("Obligatoriskt värde saknas", "A required value is empty")
    assert {"row": 2, "column": "wikidata", "rule": "pattern", "value": "106636433",
            "detail": "Q[0-9]+"} in report["problems"]  # fmt: skip
    # What the loader put right is said, not hidden: the swapped coordinates of row 2.
    assert [w["code"] for w in report["load_warnings"]] == ["swapped_rows_fixed"]
    assert report["load_warnings"][0]["params"] == {"count": 1, "rows": [2]}


def test_a_file_in_the_wrong_encoding_is_read_and_warned_about(client: TestClient) -> None:
    report = _check(client, "toaletter_latin1.csv").json()
    assert report["state"] == "warnings"
    assert report["problems"][0] == {"row": None, "column": "", "rule": "encoding",
                                     "value": None, "detail": "cp1252"}  # fmt: skip


def test_unreadable_and_unknown_files_are_refused_clearly(client: TestClient) -> None:
    wrong = _check(client, "notes.docx", b"PK\x03\x04 not really")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["code"] == "check_format"
    broken = _check(client, "broken.xlsx", b"PK\x03\x04 not really a workbook")
    assert broken.status_code == 422 and broken.json()["errors"][0]["code"] == "check_unreadable"
    empty = _check(client, "empty.csv", b"")
    assert empty.status_code == 422 and "empty" in empty.json()["errors"][0]["message"]
    assert client.post(f"{TOILETS}/check").status_code == 422  # no file at all
    assert _check(client, "x.csv", b"a\n1\n", api="/api/specifications/nope/1").status_code == 404


def test_templates_have_the_columns_and_a_filled_template_conforms(client: TestClient) -> None:
    spec = client.get(TOILETS).json()
    names = [f["name"] for f in spec["schema"]["fields"]]
    csv_template = client.get(f"{TOILETS}/template.csv")
    assert csv_template.headers["content-disposition"].endswith('public-toilets-1.0-template.csv"')
    assert next(csv.reader(io.StringIO(csv_template.text))) == names
    xlsx = client.get(f"{TOILETS}/template.xlsx?lang=en").content
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx))
    assert book.sheet_names == ["data", "columns"]
    assert book.get_sheet_by_name("data").to_python()[0] == names
    columns = book.get_sheet_by_name("columns").to_python()
    assert columns[1][:3] == ["source", "yes", "string"]
    filled = csv_template.text + "0180,T9,Toalett,59.3,18.07,wc@stockholm.se,,,,\r\n"
    assert _check(client, "filled.csv", filled.encode()).json()["state"] == "conforms"
    empty = _check(client, "template.csv", csv_template.content).json()
    assert empty["state"] == "conforms" and empty["rows_checked"] == 0


def test_the_check_page_works_without_javascript(client: TestClient) -> None:
    page = client.get("/specifications/badplatser/1.0?lang=en")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post(
        "/specifications/badplatser/1.0/check?lang=en",
        data={"csrf_token": token.group(1)},
        files={"file": ("badplatser_bad.csv", (FILES / "badplatser_bad.csv").read_bytes())},
    )
    assert answer.status_code == 200
    assert 'class="tag tag-failed">Does not conform</span>' in answer.text
    assert "A required value is empty" in answer.text and "<code>106636433</code>" in answer.text
    swapped = "<li>1 row has latitude and longitude swapped (row 2); it was put right.</li>"
    assert swapped in answer.text  # the loader's note in the page's language
    missing = client.post("/specifications/badplatser/1.0/check?lang=en",
                          data={"csrf_token": token.group(1)})  # fmt: skip
    assert missing.status_code == 422 and "Choose a file to check." in missing.text
