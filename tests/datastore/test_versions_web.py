"""What changed in the last load, in the JSON API and on the dataset page, in Swedish and
English (issue 20, item 5): counts and changed values before and after, the previous version
as CSV, the key chosen in a form (refused with a reason when it has duplicates), the refresh's
status line for editors only, and the organisation's retention period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import dataset_payload
from tests.web.conftest import Browser
from torget.datastore import refresh
from torget.datastore.load import load_local
from torget.settings import Settings

V1 = "Kod;Namn;Invånare\n0180;Stockholm;984000\n1480;Göteborg;600000\n0380;Uppsala;240000\n"
V2 = "Kod;Namn;Invånare\n0180;Stockholm;990000\n1480;Göteborg;600000\n2580;Luleå;80000\n"


def _two_loads(world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
               ) -> tuple[str, str]:  # fmt: skip
    """A draft whose table was loaded twice, compared by Kod; (dataset, distribution)."""
    payload = dataset_payload(frequency="DAILY", distributions=[
        {"title": {"sv": "Kommuner", "en": "Municipalities"}, "format": "text/csv",
         "license": "CC0-1.0", "download_url": "http://127.0.0.1:9/kommuner.csv"},
    ])  # fmt: skip
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    dataset, dist = created.json()["id"], created.json()["distributions"][0]["id"]
    for n, text in enumerate((V1, V2)):
        source = tmp_path / f"v{n}.csv"
        source.write_text(text, encoding="utf-8")
        load_local(settings, engine, dist, source, "csv")
        if n == 0:
            key = world.client.put(f"/api/datastore/{dist}/diff-key", json={"columns": ["Kod"]},
                                   headers=world.auth("editor"))  # fmt: skip
            assert key.status_code == 200, key.text
    return dataset, dist


def test_the_api_gives_what_changed_and_the_previous_version(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    _, dist = _two_loads(world, settings, engine, tmp_path)
    editor = world.auth("editor")
    assert world.client.get(f"/api/datastore/{dist}/versions").status_code == 404  # a draft
    body = world.client.get(f"/api/datastore/{dist}/versions", headers=editor).json()
    assert body["key"] == ["Kod"] and body["refresh"] is None
    last, first = body["versions"]
    assert (last["rows_added"], last["rows_removed"], last["rows_changed"]) == (1, 1, 1)
    assert last["sample"]["changed"][0]["changes"] == {
        "Invånare": {"before": 984000, "after": 990000}
    }
    csv = world.client.get(first["download"].removeprefix("http://testserver"), headers=editor)
    assert csv.status_code == 200 and "Uppsala" in csv.text and "Luleå" not in csv.text
    assert 'filename="' in csv.headers["content-disposition"]
    refused = world.client.put(f"/api/datastore/{dist}/diff-key", json={"columns": ["Nej"]},
                               headers=editor)  # fmt: skip
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "diff_key_unknown"
    outsider = world.client.put(f"/api/datastore/{dist}/diff-key", json={"columns": []},
                                headers=world.auth("outsider"))  # fmt: skip
    assert outsider.status_code == 404


def test_the_retention_period_is_set_by_the_organisations_administrators(world: Any) -> None:
    url = "/api/organisations/sjostad/version-retention"
    assert world.client.get(url).json() == {"days": 30}
    denied = world.client.put(url, json={"days": 7}, headers=world.auth("editor"))
    assert denied.status_code == 403
    wrong = world.client.put(url, json={"days": -1}, headers=world.auth("root"))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["code"] == "retention_range"
    assert world.client.put(url, json={"days": 7}, headers=world.auth("root")).status_code == 200
    assert world.client.get(url).json() == {"days": 7}


def test_the_dataset_page_shows_what_changed_and_the_refresh_to_editors(
    world: Any, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dataset, dist = _two_loads(world, settings, engine, tmp_path)
    failed = refresh.refresh(settings, engine, dist)  # loopback: refused by the SSRF guard
    assert failed.state == "failed"
    browser = Browser(world.client)
    browser.login("editor")
    sv = browser.get(f"/dataset/{dataset}?lang=sv").text
    assert "Vad ändrades i den senaste inläsningen" in sv
    assert "1 rad tillagd" in sv and "1 rad borttagen" in sv and "1 rad ändrad" in sv
    assert "<td>984000</td><td>990000</td>" in sv
    assert "Uppdateringen misslyckades" in sv and "Ladda ner den förra versionen (CSV)" in sv
    en = browser.get(f"/dataset/{dataset}?lang=en").text
    assert "What changed in the last load" in en and "1 row changed" in en
    assert "Rows are matched by Kod." in en
    page = f"/dataset/{dataset}"
    refused = browser.post(f"/publish/distribution/{dist}/diff-key", {"key": "Invånare"},
                           token_from=page)  # fmt: skip
    assert refused.status_code == 303
    saved = browser.post(f"/publish/distribution/{dist}/diff-key", {"key": ""}, token_from=page)
    assert saved.status_code == 303 and saved.headers["location"].endswith(f"#changes-{dist}")
    after = browser.get(f"{page}?lang=en").text
    assert "From the next load on, loads are compared by whole row." in after
