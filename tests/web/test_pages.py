"""Public pages work without JavaScript: fetched as a browser would, read as text."""

from __future__ import annotations

import re

from tests.web.conftest import Browser
from tests.web.sample import Sample


def _alternates(html: str) -> set[tuple[str, str]]:
    return set(re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', html))


def test_home_has_search_themes_newest_and_organisations(browser: Browser) -> None:
    page = browser.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="sv">' in html
    assert 'action="/search"' in html and 'name="q"' in html
    assert "Miljö" in html and "Badplatser" in html and "Sjöstads kommun" in html
    assert "Luftkvalitet" not in html  # drafts are not shown to the public
    assert ("application/rdf+xml", "/datasets/dcat") in _alternates(html)
    assert ("application/json", "/api/datasets") in _alternates(html)
    assert "set-cookie" not in page.headers  # reading sets no cookie; forms do (CSRF)
    assert "torget_session=" in browser.get("/login").headers["set-cookie"]


def test_dataset_page_tells_everything_in_plain_words(browser: Browser, sample: Sample) -> None:
    html = browser.get(f"/dataset/{sample.bathing.name}").text
    assert "<h1>Badplatser</h1>" in html
    assert "Ladda ner" in html and "https://data.sjostad.example/badplatser.csv" in html
    assert "2,4\u00a0MB" in html and "CSV" in html and "GEOJSON" in html
    assert "om du anger källan" in html  # the licence in plain words
    assert "https://creativecommons.org/licenses/by/4.0/deed.sv" in html
    assert "Kontaktcenter" in html and "kontakt@sjostad.example" in html  # inherited contact
    assert "Senast uppdaterad" in html and "Miljö" in html
    for ext in ("json", "rdf", "ttl", "jsonld"):
        assert f'href="/dataset/{sample.bathing.name}.{ext}"' in html
    assert "curl -H" in html and "urllib.request" in html and "library(jsonlite)" in html
    assert "pd.read_csv" in html and "read.csv" in html
    assert "Bad-API" in html  # the data service that serves it
    assert {t for t, _ in _alternates(html)} == {
        "application/json", "application/rdf+xml", "text/turtle", "application/ld+json",
    }  # fmt: skip


def test_dataservice_organisation_and_lists(browser: Browser, sample: Sample) -> None:
    service = browser.get(f"/dataservice/{sample.service_name}").text
    assert "https://api.sjostad.example/bad" in service and "Badplatser" in service
    assert f'href="/dataservice/{sample.service_name}.ttl"' in service
    org = browser.get("/organisation/miljo")
    assert org.status_code == 200 and "Badplatser" in org.text and "Bad-API" in org.text
    assert ("application/rdf+xml", "/organisation/miljo/datasets/dcat") in _alternates(org.text)
    orgs = browser.get("/organisations").text
    assert "Trafikkontoret" in orgs and "/organisation/sjostad" in orgs


def test_about_and_accessibility_statement(browser: Browser) -> None:
    about = browser.get("/about").text
    assert "/api/datasets" in about and "Authorization: Bearer" in about
    assert "/datasets/dcat" in about and "/api/openapi.json" in about
    statement = browser.get("/accessibility").text
    sections = (
        "Tillgänglighetsredogörelse", "delvis förenlig", "Tillsyn", "DIGG", "Rapportera brister",
        "Innehåll som inte är tillgängligt", "WCAG 2.1",
    )  # fmt: skip
    for words in sections:
        assert words in statement


def test_unknown_pages_are_html_404_for_browsers_json_for_programs(browser: Browser) -> None:
    page = browser.get("/no/such/page")
    assert page.status_code == 404 and "Sidan hittades inte" in page.text
    assert browser.get("/dataset/no-such-dataset").status_code == 404
    api = browser.client.get("/no/such/page")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_drafts_are_hidden_from_the_public(browser: Browser, sample: Sample) -> None:
    assert browser.get(f"/dataset/{sample.draft.name}").status_code == 404
    browser.login("anna")
    page = browser.get(f"/dataset/{sample.draft.name}")
    assert page.status_code == 200 and "Utkast" in page.text


def test_dataset_urls_negotiate_between_page_json_and_rdf(browser: Browser, sample: Sample) -> None:
    c, name = browser.client, sample.bathing.name
    assert c.get(f"/dataset/{name}").headers["content-type"] == "application/json"
    assert c.get(f"/dataset/{name}", headers={"Accept": "*/*"}).json()["name"] == name
    page = browser.get(f"/dataset/{name}")
    assert page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    assert c.get(f"/dataset/{name}.json", headers=HTML_ACCEPT).json()["name"] == name
    turtle = c.get(f"/dataset/{name}.ttl", headers=HTML_ACCEPT)
    assert turtle.headers["content-type"].startswith("text/turtle")
    service = c.get(f"/dataservice/{sample.service_name}", headers=HTML_ACCEPT)
    assert service.headers["content-type"].startswith("text/html")
    assert c.get(f"/dataservice/{sample.service_name}").json()["name"] == sample.service_name


HTML_ACCEPT = {"Accept": "text/html"}


def test_html_in_metadata_is_shown_as_text(browser: Browser, sample: Sample) -> None:
    browser.login("anna")
    evil = '<script>alert("x")</script><b onmouseover="x()">fet</b>'
    response = browser.post(
        f"/publish/dataset/{sample.bathing.id}/edit",
        {**_bathing_form(), "title.sv": evil, "description.sv": evil},
    )
    assert response.status_code == 303, response.text
    for path in (f"/dataset/{sample.bathing.name}", "/", "/organisation/miljo", "/publish"):
        html = browser.get(path).text
        assert "<script>alert" not in html and "<b onmouseover" not in html, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, path


def _bathing_form() -> dict[str, str | list[str]]:
    return {
        "organisation": "miljo",
        "title.sv": "Badplatser",
        "description.sv": "Kommunens badplatser.",
        "themes": ["http://publications.europa.eu/resource/authority/data-theme/ENVI"],
        "access_rights": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
    }
