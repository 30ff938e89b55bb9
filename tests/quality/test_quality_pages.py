"""The quality score on the publishing pages (issue 14's "done when"): an editor opens a
dataset, sees its score and the hints linked to the fields, fills in two fields, saves, and
sees the score rise; the publisher's and an organisation's reports list the lowest first."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import World, dataset_payload
from tests.publishing.test_one_rule import HTML, _log_in

# tests/quality/test_quality_api.py works the points out: 235 for the draft, + 20 for a
# place and + 20 for a period.
_BEFORE, _AFTER = 235, 275


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_an_editor_fills_two_fields_and_sees_the_score_rise(world: World) -> None:
    made = world.client.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor"))
    dataset: dict[str, Any] = made.json()
    _log_in(world, "editor")
    form = world.client.get(f"/publish/dataset/{dataset['id']}/edit?lang=en", headers=HTML).text
    assert f"{_BEFORE} of 405 points" in form
    # Each hint links to its field: on this page, the dataset's own; else the distribution's.
    assert '<a href="#f-spatial">Say which area the data covers' in form
    assert '<a href="#f-temporal-start">' in form and 'id="f-temporal-start"' in form
    dist = dataset["distributions"][0]["id"]
    assert f'href="/publish/distribution/{dist}/edit#f-download_url"' in form
    saved = world.client.post(
        f"/publish/dataset/{dataset['id']}/edit",
        data={
            "csrf_token": _csrf(form), "organisation": "sjostad",
            "title.sv": "Badplatser", "title.en": "Bathing sites",
            "description.sv": "Kommunens badplatser.", "keywords.sv": "bad",
            "keywords.en": "bathing", "themes": "http://publications.europa.eu/resource/authority/data-theme/ENVI",
            "access_rights": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
            "spatial": "http://sws.geonames.org/2661886/", "temporal.start": "2024-01-01",
        },
        headers=HTML, follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    page = world.client.get(saved.headers["location"] + "?lang=en", headers=HTML).text
    assert f"{_AFTER} of 405 points" in page
    assert "Say which area the data covers" not in page
    report = world.client.get("/publish/quality?lang=en", headers=HTML).text
    assert f'<a href="/publish/dataset/{dataset["id"]}">Badplatser</a> (draft)' in report
    dashboard = world.client.get("/publish", headers=HTML).text
    assert 'href="/publish/quality"' in dashboard
    assert 'href="/organisation/sjostad/quality"' in dashboard
    own = world.client.get("/organisation/sjostad/quality?lang=en", headers=HTML)
    assert own.status_code == 200 and f"{_AFTER} of 405 points" in own.text


def test_an_organisations_report_is_for_its_editors(world: World) -> None:
    _log_in(world, "outsider")
    page = world.client.get("/organisation/sjostad/quality", headers=HTML)
    assert page.status_code == 403
