"""Publishing datasets through the pages: the API's rules, errors on the fields, the guard."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.web.conftest import Browser
from tests.web.feed_follows import current_feed
from tests.web.sample import Sample
from torget.db.schema import datasets

THEME = "http://publications.europa.eu/resource/authority/data-theme/"
LICENCE = "http://creativecommons.org/licenses/by/4.0/"

PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"


def _new_dataset(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "organisation": "miljo",
        "title.sv": "Återvinningsstationer",
        "title.en": "Recycling stations",
        "description.sv": "Var du lämnar förpackningar och tidningar.",
        "keywords.sv": "återvinning, förpackningar",
        "themes": [THEME + "ENVI"],
        "license": LICENCE,
        "access_rights": PUBLIC,
    }
    form.update(changes)
    return form


def _dataset_id(location: str) -> str:
    found = re.fullmatch(r"/publish/dataset/([0-9a-f-]{36})", location)
    assert found, location
    return found.group(1)


def test_a_form_with_errors_keeps_what_was_typed_and_points_at_each_field(
    browser: Browser,
) -> None:
    browser.login("anna")
    response = browser.post(
        "/publish/datasets/new",
        _new_dataset(**{
            "title.sv": "",
            "contact_point.name": "Avfallsenheten",
            "contact_point.email": "inte-en-adress",
            "landing_page": "www.sjostad.example/atervinning",
            "temporal.start": "2024-06-01",
            "temporal.end": "2024-01-01",
        }),
    )  # fmt: skip
    assert response.status_code == 422
    html = response.text
    assert "<title>Fel: Ny datamängd" in html
    summary = html[
        html.index('class="error-summary"') : html.index(
            "</div>", html.index('class="error-summary"')
        )
    ]
    for field in ("f-title-sv", "f-contact_point-email", "f-landing_page", "f-temporal-end"):
        assert f'href="#{field}"' in summary, field
        tag = re.search(rf'<(input|textarea)[^>]*id="{field}"[^>]*>', html)
        assert tag is not None, field
        assert 'aria-invalid="true"' in tag.group(0), field
        assert f"{field}-error" in tag.group(0), field  # aria-describedby names the message
        assert f'id="{field}-error"' in html
    assert "Skriv texten på svenska" in html
    assert "är inte en e-postadress" in html and "Slutdatumet är före startdatumet" in html
    # Everything typed is still there.
    assert 'value="Recycling stations"' in html
    assert ">Var du lämnar förpackningar och tidningar.</textarea>" in html
    assert 'value="återvinning, förpackningar"' in html
    assert 'value="inte-en-adress"' in html and 'value="Avfallsenheten"' in html
    assert re.search(rf'value="{THEME}ENVI" checked', html)
    assert re.search(rf'<option value="{LICENCE}" selected>', html)
    assert re.search(r'<option value="miljo" selected>', html)


def test_create_add_data_publish_and_find_it_in_the_feed(browser: Browser) -> None:
    browser.login("anna")
    created = browser.post("/publish/datasets/new", _new_dataset())
    assert created.status_code == 303
    dataset_id = _dataset_id(created.headers["location"])
    overview = browser.get(f"/publish/dataset/{dataset_id}")
    assert "Utkast" in overview.text and "Datamängden är sparad som utkast" in overview.text
    bad = browser.post(
        f"/publish/dataset/{dataset_id}/distributions/new",
        {"download_url": "stationer.csv", "format": "CSV"},
    )
    assert bad.status_code == 422
    assert 'href="#f-download_url"' in bad.text and 'value="stationer.csv"' in bad.text
    good = browser.post(
        f"/publish/dataset/{dataset_id}/distributions/new",
        {"download_url": "https://data.sjostad.example/stationer.csv", "format": "text/csv",
         "license": "CC0-1.0"},
    )  # fmt: skip
    assert good.status_code == 303
    checklist = f"/publish/dataset/{dataset_id}/checklist"
    classified = browser.post(
        f"/publish/dataset/{dataset_id}/classification",
        {"classification.confidentiality": "0", "classification.integrity": "1",
         "classification.availability": "1", "classification.reason": "Offentliga platser."},
        token_from=checklist,
    )  # fmt: skip
    assert classified.status_code == 303
    published = browser.post(
        f"/publish/dataset/{dataset_id}/publish", token_from=f"/publish/dataset/{dataset_id}"
    )
    assert published.status_code == 303
    assert "Publicerad" in browser.get(f"/publish/dataset/{dataset_id}").text
    feed = browser.client.get("/datasets/dcat")  # the first feed of all: built for it
    assert "Återvinningsstationer" in feed.text and "stationer.csv" in feed.text
    unpublished = browser.post(
        f"/publish/dataset/{dataset_id}/unpublish", token_from=f"/publish/dataset/{dataset_id}"
    )
    assert unpublished.status_code == 303
    # The change shows within the pace of the feed's builds (dcat/feed_builds.py).
    assert "Återvinningsstationer" not in current_feed(browser.client, feed.headers["etag"]).text


def test_publishing_runs_the_guard_and_shows_its_findings(
    browser: Browser, sample: Sample, engine: sa.Engine
) -> None:
    with engine.begin() as conn:  # damage the stored draft behind the domain's back
        raw = conn.execute(
            sa.select(datasets.c.data).where(datasets.c.id == sample.draft.id)
        ).scalar_one()
        conn.execute(
            datasets.update()
            .where(datasets.c.id == sample.draft.id)
            .values(data=raw.replace(THEME + "ENVI", "http://example.org/not-a-theme"))
        )
    browser.login("anna")
    refused = browser.post(
        f"/publish/dataset/{sample.draft.id}/publish",
        token_from=f"/publish/dataset/{sample.draft.id}",
    )
    assert refused.status_code == 422
    assert "Datamängden kunde inte publiceras" in refused.text
    assert "not-a-theme" in refused.text
    assert "Utkast" in browser.get(f"/publish/dataset/{sample.draft.id}").text


def test_edit_shows_the_stored_values_and_saves_changes(browser: Browser, sample: Sample) -> None:
    browser.login("anna")
    form = browser.get(f"/publish/dataset/{sample.bathing.id}/edit").text
    assert 'value="Badplatser"' in form and 'value="Bathing sites"' in form
    assert 'value="bad, strand"' in form and 'value="2020-01-01"' in form
    saved = browser.post(
        f"/publish/dataset/{sample.bathing.id}/edit",
        {
            "organisation": "miljo",
            "title.sv": "Badplatser och badvatten",
            "description.sv": "Ny beskrivning.",
            "frequency": "http://publications.europa.eu/resource/authority/frequency/WEEKLY",
            "access_rights": PUBLIC,  # as the form posts it; a published dataset's must be
        },
    )
    assert saved.status_code == 303
    page = browser.get(f"/dataset/{sample.bathing.name}").text
    assert "Badplatser och badvatten" in page and "veckovis" in page
    assert "Badplatser som CSV" in page  # the distributions stay


def test_distributions_are_edited_and_deleted(browser: Browser, sample: Sample) -> None:
    browser.login("anna")
    dist = sample.bathing.distributions[0]
    form = browser.get(f"/publish/distribution/{dist.id}/edit").text
    assert 'value="https://data.sjostad.example/badplatser.csv"' in form
    changed = browser.post(
        f"/publish/distribution/{dist.id}/edit",
        {
            "download_url": "https://data.sjostad.example/bad-2024.csv",
            "format": "CSV",
            "license": "CC-BY-4.0",
        },  # fmt: skip
    )
    assert changed.status_code == 303
    assert "bad-2024.csv" in browser.get(f"/dataset/{sample.bathing.name}").text
    gone = browser.post(
        f"/publish/distribution/{dist.id}/delete",
        token_from=f"/publish/dataset/{sample.bathing.id}",
    )
    assert gone.status_code == 303
    assert "bad-2024.csv" not in browser.get(f"/dataset/{sample.bathing.name}").text


def test_roles_decide_who_may_publish(browser: Browser, sample: Sample) -> None:
    browser.login("outsider")
    assert browser.get(f"/publish/dataset/{sample.draft.id}").status_code == 404
    new = browser.get("/publish/datasets/new").text
    assert '<option value="miljo"' not in new  # only organisations where one is an editor
    refused = browser.post("/publish/datasets/new", _new_dataset())
    assert refused.status_code == 403 and "Du får inte göra detta" in refused.text
    assert browser.get(f"/publish/dataset/{sample.bathing.id}/edit").status_code == 403


def test_delete_a_dataset(browser: Browser, sample: Sample) -> None:
    browser.login("anna")
    deleted = browser.post(
        f"/publish/dataset/{sample.draft.id}/delete",
        token_from=f"/publish/dataset/{sample.draft.id}",
    )
    assert deleted.status_code == 303 and deleted.headers["location"] == "/publish"
    assert browser.get(f"/publish/dataset/{sample.draft.id}").status_code == 404


def test_every_problem_is_named_at_once(browser: Browser) -> None:
    browser.login("anna")
    response = browser.post(
        "/publish/datasets/new", {"organisation": "miljo", "contact_point.email": "x@example.se"}
    )
    assert response.status_code == 422
    for field in ("f-title-sv", "f-description-sv", "f-contact_point-name"):
        assert f'href="#{field}"' in response.text, field
