"""Package actions through the real ckanapi client; what a CKAN client writes must appear
correctly in the DCAT-AP-SE feed."""

from __future__ import annotations

import ckanapi
import httpx
import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS

from tests.ckan.conftest import Live, package

EU = "http://publications.europa.eu/resource/authority/"


def test_create_show_and_the_mapping(live: Live) -> None:
    ckan = live.ckan("editor")
    created = ckan.action.package_create(**package())
    shown = ckan.action.package_show(id="badplatser")
    assert shown == ckan.action.package_show(id=created["id"]) == created
    assert shown["title"] == "Badplatser"
    assert shown["title_translated"] == {"sv": "Badplatser", "en": "Bathing sites"}
    assert shown["notes_translated"]["en"] == "The bathing sites."
    assert shown["license_id"] == "CC-BY-4.0"
    assert shown["license_url"] == "http://creativecommons.org/licenses/by/4.0/"
    assert [t["name"] for t in shown["tags"]] == ["bad", "strand"] and shown["num_tags"] == 2
    assert shown["tags_translated"]["en"] == ["bathing", "beach"]
    assert [g["name"] for g in shown["groups"]] == ["envi"]
    assert shown["groups"][0]["title"] == "Miljö"
    assert shown["organization"]["name"] == "sjostad" and shown["owner_org"]
    assert shown["private"] is False and shown["state"] == "active"
    assert shown["type"] == "dataset" and shown["num_resources"] == 1
    extras = {e["key"]: e["value"] for e in shown["extras"]}
    assert extras["frequency"] == EU + "frequency/ANNUAL"
    assert extras["access_rights"] == EU + "access-right/PUBLIC"
    assert extras["temporal_start"] == "2020-01-01" and "identifier" in extras
    (resource,) = shown["resources"]
    assert resource["format"] == "CSV" and resource["mimetype"] == "text/csv"
    assert resource["name"] == "Badplatser som CSV" and resource["package_id"] == created["id"]
    assert ckan.action.resource_show(id=resource["id"]) == resource
    assert ckan.action.package_list() == ["badplatser"]


def test_written_package_appears_in_the_dcat_feed(live: Live) -> None:
    live.ckan().action.package_create(**package())
    graph = rdflib.Graph().parse(data=httpx.get(live.base + "/datasets/dcat").text, format="xml")
    (dataset,) = graph.subjects(rdflib.RDF.type, DCAT.Dataset)
    titles = {(t.language, str(t)) for t in graph.objects(dataset, DCTERMS.title)}
    assert titles == {("sv", "Badplatser"), ("en", "Bathing sites")}
    keywords = {(k.language, str(k)) for k in graph.objects(dataset, DCAT.keyword)}
    assert ("en", "beach") in keywords and ("sv", "strand") in keywords
    assert rdflib.URIRef(EU + "data-theme/ENVI") in set(graph.objects(dataset, DCAT.theme))
    assert graph.value(dataset, DCTERMS.accrualPeriodicity) == rdflib.URIRef(
        EU + "frequency/ANNUAL"
    )
    (dist,) = graph.objects(dataset, DCAT.distribution)
    assert graph.value(dist, DCTERMS.license) == rdflib.URIRef(
        "http://creativecommons.org/licenses/by/4.0/"
    )
    assert graph.value(dist, DCTERMS.format) == rdflib.URIRef(EU + "file-type/CSV")


def test_private_is_a_draft(live: Live) -> None:
    live.ckan().action.package_create(**package(private=True))
    assert live.ckan().action.package_show(id="badplatser")["private"] is True
    with pytest.raises(ckanapi.NotFound):
        live.ckan(None).action.package_show(id="badplatser")
    assert live.ckan(None).action.package_list() == []
    feed = httpx.get(live.base + "/datasets/dcat").text
    assert "Badplatser" not in feed


def test_publishing_passes_the_publish_guard(live: Live) -> None:
    """A landing page Torget's rules accept but the harvesting rules refuse (a bad %-escape):
    saved as a draft, refused when published, as through the JSON API."""
    ckan, bad = live.ckan(), "https://www.sjostad.example/bad%zz"
    with pytest.raises(ckanapi.ValidationError) as raised:
        ckan.action.package_create(**package(url=bad))
    assert any(key.startswith("dcat:") for key in raised.value.error_dict)
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="badplatser")
    draft = ckan.action.package_create(**package(url=bad, private=True))
    assert draft["private"] is True
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_patch(id="badplatser", private=False)
    assert ckan.action.package_show(id="badplatser")["private"] is True


def test_update_replaces_patch_merges_delete_removes(live: Live) -> None:
    ckan = live.ckan("editor")
    created = ckan.action.package_create(**package())
    first = created["resources"][0]
    second = {"url": "https://data.sjostad.example/bad.json", "format": "JSON", "name": "JSON"}
    updated = ckan.action.package_update(
        **package(
            id=created["id"], title_translated=None, title="Nya badplatser", tags=[],
            tags_translated=None, resources=[{**first, "name": "CSV-filen"}, second],
        )
    )  # fmt: skip
    assert updated["title"] == "Nya badplatser" and updated["title_translated"]["en"] == ""
    assert updated["tags"] == [] and updated["num_resources"] == 2
    assert updated["resources"][0]["id"] == first["id"]
    assert updated["resources"][0]["name"] == "CSV-filen"
    patched = ckan.action.package_patch(id="badplatser", title="Badställen")
    assert patched["title"] == "Badställen" and patched["num_resources"] == 2
    assert patched["notes"] == "Kommunens badplatser."
    dropped = ckan.action.package_update(**{**patched, "resources": [patched["resources"][1]]})
    assert [r["format"] for r in dropped["resources"]] == ["JSON"]
    with pytest.raises(ckanapi.NotAuthorized):
        live.ckan("outsider").action.package_delete(id="badplatser")
    ckan.action.package_delete(id="badplatser")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="badplatser")
