"""The DCAT feed: every format says the same thing, and what it says passes every check."""

from __future__ import annotations

import rdflib
import sqlalchemy as sa
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF

from tests.conftest import World, dataset_payload, published_payload
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import get_dataset
from torget.db.schema import datasets
from torget.dcat.feed import datasets_document, datasets_graph
from torget.dcat.validation import validate_graph
from torget.site_lookup import settings_of

VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")


def _publish_sample(world: World) -> dict[str, object]:
    payload = published_payload(
        title={"sv": 'Badplatser <script>alert("x")</script> & "citat"', "en": "Beaches"},
        keywords={"sv": ["bad", "strand"], "en": ["bathing"]},
        temporal={"start": "2020-01-01"},
        spatial=["http://sws.geonames.org/2661886/"],
        spatial_bbox="POLYGON((11.8 57.6, 12.1 57.6, 12.1 57.8, 11.8 57.8, 11.8 57.6))",
        conforms_to=[{"url": "https://www.dataportal.se/specifications/badplatser/1.0",
                      "title": {"sv": "Badplatser"}}],
        pages=[{"url": "https://www.sjostad.example/bad", "title": {"sv": "Om badplatserna"}}],
        applicable_legislation=["HVD"],
        hvd_categories=["c_ac64a52d"],
    )  # fmt: skip
    payload["distributions"][0].update(
        byte_size=2048, checksum_sha1="a9993e364706816aba3e25717850c26c9cd0d89d",
        applicable_legislation=["HVD"],
    )  # fmt: skip
    response = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert response.status_code == 201, response.text
    service = {
        "organisation": "trafik", "state": "published", "title": {"sv": "Bad-API"},
        "endpoint_urls": ["https://api.sjostad.example/bad"], "format": "JSON",
        "service_type": "REST", "serves_datasets": [response.json()["name"]],
        "license": "CC0-1.0",
    }  # fmt: skip
    created = world.client.post("/api/dataservices", json=service, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    return dict(response.json())


def _graph(body: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=fmt)


def test_three_formats_are_the_same_graph(world: World) -> None:
    _publish_sample(world)
    c = world.client
    rdf = _graph(c.get("/datasets/dcat").content, "xml")
    ttl = _graph(c.get("/catalog.ttl").content, "turtle")
    jsonld = _graph(c.get("/catalog.jsonld").content, "json-ld")
    assert len(rdf) > 60
    assert isomorphic(rdf, ttl) and isomorphic(rdf, jsonld)


def test_content_negotiation(world: World) -> None:
    c = world.client
    assert c.get("/datasets/dcat").headers["content-type"].startswith("application/rdf+xml")
    turtle = c.get("/datasets/dcat", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    jsonld = c.get("/datasets/dcat", headers={"Accept": "text/html;q=0.9, application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert c.get("/datasets/dcat?format=ttl").headers["content-type"].startswith("text/turtle")
    weighted = c.get("/catalog", headers={"Accept": "application/rdf+xml;q=0.5, text/turtle"})
    assert weighted.headers["content-type"].startswith("text/turtle")


def test_feed_follows_the_harvesting_rules(world: World) -> None:
    dataset = _publish_sample(world)
    g = _graph(world.client.get("/datasets/dcat").content, "xml")
    catalogs = list(g.subjects(RDF.type, DCAT.Catalog))
    assert catalogs == [rdflib.URIRef("http://testserver/catalog")]
    assert (
        catalogs[0],
        DCTERMS.license,
        rdflib.URIRef("http://creativecommons.org/publicdomain/zero/1.0/"),
    ) in g
    ds = rdflib.URIRef(str(dataset["iri"]))
    assert (catalogs[0], DCAT.dataset, ds) in g
    assert str(g.value(ds, DCTERMS.identifier)) == dataset["identifier"]
    publisher = g.value(ds, DCTERMS.publisher)
    # The department publishes as its municipality, described once, with its type.
    assert publisher == rdflib.URIRef("http://dataportal.se/organisation/SE2120000142")
    assert len(list(g.objects(publisher, DCTERMS.type))) == 1
    contact = g.value(ds, DCAT.contactPoint)
    assert contact != publisher and (contact, RDF.type, VCARD.Organization) in g
    for node in (ds, publisher, contact, *g.objects(ds, DCAT.distribution)):
        assert isinstance(node, rdflib.URIRef) and str(node).startswith("http")
    dist = g.value(ds, DCAT.distribution)
    assert g.value(dist, DCTERMS.format) == rdflib.URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    )
    assert g.value(dist, DCAT.mediaType) == rdflib.URIRef(
        "http://www.iana.org/assignments/media-types/text/csv"
    )
    for literal in g.objects(None, DCTERMS.title):
        assert literal.language in ("sv", "en")
    title = next(t for t in g.objects(ds, DCTERMS.title) if t.language == "sv")
    assert str(title) == 'Badplatser <script>alert("x")</script> & "citat"'


def test_feed_has_no_violations(world: World) -> None:
    _publish_sample(world)
    g = _graph(world.client.get("/datasets/dcat").content, "xml")
    violations = [f.format() for f in validate_graph(g) if f.severity == "violation"]
    assert violations == []


def test_dataset_twins(world: World) -> None:
    dataset = _publish_sample(world)
    c = world.client
    for ext, fmt in (("rdf", "xml"), ("ttl", "turtle"), ("jsonld", "json-ld")):
        response = c.get(f"/dataset/{dataset['name']}.{ext}")
        assert response.status_code == 200
        g = _graph(response.content, fmt)
        assert (rdflib.URIRef(str(dataset["iri"])), RDF.type, DCAT.Dataset) in g
    assert c.get(f"/dataset/{dataset['id']}.json").json()["identifier"] == dataset["identifier"]
    assert (
        c.get(f"/dataset/{dataset['id']}", headers={"Accept": "text/turtle"})
        .headers["content-type"]
        .startswith("text/turtle")
    )
    assert c.get("/dataset/no-such-thing.ttl").status_code == 404


def test_organisation_feed_has_only_its_units(world: World) -> None:
    _publish_sample(world)
    other = published_payload(organisation="grannby", title={"sv": "Grannbys bad"})
    assert (
        world.client.post("/api/datasets", json=other, headers=world.auth("root")).status_code
        == 201
    )
    whole = _graph(world.client.get("/datasets/dcat").content, "xml")
    own = _graph(world.client.get("/organisation/sjostad/datasets/dcat").content, "xml")
    assert len(list(whole.subjects(RDF.type, DCAT.Dataset))) == 2
    assert len(list(own.subjects(RDF.type, DCAT.Dataset))) == 1
    assert world.client.get("/organisation/nowhere/datasets/dcat").status_code == 404


def test_publishing_what_would_break_the_feed_is_refused(world: World, engine: sa.Engine) -> None:
    draft = world.client.post(
        "/api/datasets", json=dataset_payload(), headers=world.auth("editor")
    ).json()
    # Damage the stored record behind the API's back, as an old import or a bug might.
    with engine.begin() as conn:
        raw = conn.execute(
            sa.select(datasets.c.data).where(datasets.c.id == draft["id"])
        ).scalar_one()
        broken = raw.replace(
            "http://publications.europa.eu/resource/authority/data-theme/ENVI",
            "http://example.org/not-a-theme",
        )
        conn.execute(datasets.update().where(datasets.c.id == draft["id"]).values(data=broken))
    response = world.client.patch(
        f"/api/datasets/{draft['id']}", json={"state": "published"}, headers=world.auth("editor")
    )
    assert response.status_code == 422
    assert "themes.0" in {e["field"] for e in response.json()["errors"]}
    assert (
        world.client.get(f"/api/datasets/{draft['id']}", headers=world.auth("editor")).json()[
            "state"
        ]
        == "draft"
    )


def test_the_guard_checks_the_graph_the_turtle_document_parses_into(
    world: World, engine: sa.Engine
) -> None:
    """The DCAT guard builds the datasets' graph without writing Turtle and parsing it back;
    it must be the very graph the Turtle document gives (escapes, languages, datatypes,
    blank nodes, nested distributions)."""
    _publish_sample(world)
    world.client.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor"))
    with engine.begin() as conn:
        ids = conn.execute(sa.select(datasets.c.id)).scalars().all()
        records = [get_dataset(conn, SYSTEM, i) for i in ids]
        settings = settings_of(conn)
        built = datasets_graph(conn, settings, records, rdflib.Graph())
        parsed = _graph(datasets_document(conn, settings, records, "ttl"), "turtle")
    assert len(records) == 2 and len(built) > 60
    assert isomorphic(built, parsed)
