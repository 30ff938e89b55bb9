"""Describing an API through the pages, with the same rules and guard as the JSON API."""

from __future__ import annotations

from tests.web.conftest import Browser
from tests.web.sample import Sample


def test_create_with_errors_then_publish(browser: Browser, sample: Sample) -> None:
    browser.login("anna")
    form = browser.get("/publish/dataservices/new").text
    assert f'value="{sample.bathing.id}"' in form  # the datasets it may serve
    bad = browser.post(
        "/publish/dataservices/new",
        {"organisation": "miljo", "title.sv": "Vatten-API", "endpoint_urls": ""},
    )
    assert bad.status_code == 422 and 'href="#f-endpoint_urls"' in bad.text
    assert "Ange minst en adress till API:et" in bad.text and 'value="Vatten-API"' in bad.text
    created = browser.post(
        "/publish/dataservices/new",
        {
            "organisation": "miljo",
            "title.sv": "Vatten-API",
            "endpoint_urls": "https://api.sjostad.example/vatten",
            "service_type": "http://www.wikidata.org/entity/Q749568",
            "serves_datasets": [sample.bathing.id],
            "license": "http://creativecommons.org/publicdomain/zero/1.0/",
        },
    )
    assert created.status_code == 303
    overview = created.headers["location"]
    published = browser.post(overview + "/publish", token_from=overview)
    assert published.status_code == 303
    page = browser.get("/dataservice/vatten-api").text
    assert "https://api.sjostad.example/vatten" in page and "Badplatser" in page
    assert "Vatten-API" in browser.client.get("/datasets/dcat").text
    edit = browser.get(overview + "/edit").text
    assert "https://api.sjostad.example/vatten</textarea>" in edit
