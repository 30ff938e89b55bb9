"""Sveriges dataportal's own rules beside the MQA (`torget/quality/dataportal.py`), checked on
DIGG's official DCAT-AP-SE examples, on a description that breaks each rule, on Torget's demo
catalogue and through the API and pages.

The expected results are worked out by hand from the documents and the rules of
`shared/specs/dcat/NOTES.md` §5 and §6 (the reasoning is in the comments)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rdflib
from rdflib import RDF, BNode, Literal, Namespace, URIRef

from tests.conftest import World, dataset_payload
from tests.publishing.test_one_rule import HTML, _log_in
from torget.accounts.permissions import SYSTEM
from torget.db.engine import read, write
from torget.publishing.demo import load_demo
from torget.quality.dataportal import RULES, check_portal, facts_from_graph, portal_hints
from torget.quality.report import quality_report
from torget.site import Site

FIXTURES = Path(__file__).parent / "fixtures"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
DATASET = URIRef("https://example.com/dataset1")


def _graph(name: str) -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURES / f"{name}.ttl", format="turtle")


def _results(graph: rdflib.Graph) -> dict[str, tuple[bool, tuple[str, ...]]]:
    [facts] = facts_from_graph(graph)
    return {c.rule: (c.passed, c.details) for c in check_portal(facts).checks}


def test_the_official_examples_rule_by_rule() -> None:
    for name in ("obligatoriskt", "rekommenderat"):
        results = _results(_graph(name))
        # Every main node has an https IRI on example.com, and every licence given is the
        # canonical CC0 IRI (rekommenderat's two distributions; obligatoriskt gives none).
        assert results["no_blank_nodes"] == (True, ())
        assert results["absolute_iris"] == (True, ())
        assert results["canonical_licences"] == (True, ())
        # The publisher is <https://example.com/publisher1>, not dataportal.se/organisation/SE…
        assert results["publisher_iri"] == (False, ("https://example.com/publisher1",))
        # Neither gives the dataset a dcterms:identifier.
        assert results["uuid_identifier"] == (False, ("none",))
        # NOTES.md §10 item 1: neither example tags foaf:name; the titles and descriptions are
        # @sv, so that is the only text problem.
        passed, details = results["language_tags"]
        assert not passed and len(details) == 1 and details[0].startswith('foaf:name "Ex')


def test_a_description_that_breaks_every_rule() -> None:
    graph = _graph("rekommenderat")
    # A blank-node distribution with a relative download address and a deed-page licence.
    dist = BNode()
    graph.add((DATASET, DCAT.distribution, dist))
    graph.add((dist, RDF.type, DCAT.Distribution))
    graph.add((dist, DCAT.downloadURL, URIRef("data/skolor.csv")))
    graph.add((dist, DCT.license, URIRef("https://creativecommons.org/licenses/by/4.0/deed.sv")))
    graph.add((DATASET, DCT.identifier, Literal("skolor-2024")))
    graph.remove((DATASET, DCT.title, None))
    graph.add((DATASET, DCT.title, Literal("Schools", lang="en")))
    results = _results(graph)
    assert results["no_blank_nodes"] == (False, ("Distribution",))
    assert results["absolute_iris"] == (False, ("data/skolor.csv",))
    assert results["canonical_licences"] == (
        False, ("https://creativecommons.org/licenses/by/4.0/deed.sv",),
    )  # fmt: skip
    assert results["uuid_identifier"] == (False, ("skolor-2024",))
    assert "dcterms:title has no Swedish (@sv) value" in results["language_tags"][1]
    # Fixed the way the hints say, the publisher and identifier rules pass.
    publisher = URIRef("http://dataportal.se/organisation/SE2120000142")
    graph.remove((DATASET, DCT.publisher, None))
    graph.add((DATASET, DCT.publisher, publisher))
    graph.remove((DATASET, DCT.identifier, None))
    graph.add((DATASET, DCT.identifier, Literal("0b5a3a1e-8f7c-4e55-9a41-3c1f0d2e6b77")))
    fixed = _results(graph)
    assert fixed["publisher_iri"] == (True, ()) and fixed["uuid_identifier"] == (True, ())


def test_every_broken_rule_has_a_hint_in_both_languages() -> None:
    [facts] = facts_from_graph(_graph("obligatoriskt"))
    hints = portal_hints(check_portal(facts))
    assert [h.metric for h in hints] == ["publisher_iri", "uuid_identifier", "language_tags"]
    for hint in hints:
        assert hint.sv and hint.en and hint.sv != hint.en


def test_the_demo_catalogue_meets_every_rule(site: Site) -> None:
    # Torget mints the IRIs under its address, keeps licences canonical, gives every dataset a
    # UUID and tags every text; the demo's organisations and units publish under
    # Sjöstad's (or a company's) organisation number, so all 32 datasets pass all six.
    with write(site.engine) as conn:
        load_demo(conn, site.settings, site.files)
    with read(site.engine) as conn:
        report = quality_report(conn, site.settings, SYSTEM)
    assert report.portal.datasets == 32
    assert report.portal.passed == dict.fromkeys(RULES, 32)
    assert report.portal.complete == 32


def test_the_score_shows_the_rules_beside_the_mqa(world: World) -> None:
    # Grannby has no organisation number: its publisher IRI is Torget's own, not dataportal.se's.
    made = world.client.post(
        "/api/datasets", json=dataset_payload(organisation="grannby"), headers=world.auth("root")
    )
    assert made.status_code == 201, made.text
    dataset: dict[str, Any] = made.json()
    body = world.client.get(f"/api/datasets/{dataset['id']}/quality", headers=world.auth("root"))
    portal = body.json()["dataportal"]
    assert (portal["passed"], portal["total"]) == (5, 6)
    failing = [r for r in portal["rules"] if not r["passed"]]
    assert [r["rule"] for r in failing] == ["publisher_iri"]
    assert failing[0]["details"][0].endswith("/organisation/grannby")
    assert [h["metric"] for h in portal["hints"]] == ["publisher_iri"]
    report = world.client.get("/api/organisations/grannby/quality", headers=world.auth("root"))
    assert report.json()["dataportal"]["passing_every_rule"] == 0
    _log_in(world, "root")
    page = world.client.get(f"/publish/dataset/{dataset['id']}/edit?lang=en", headers=HTML).text
    assert "<h3>Sveriges dataportal's rules</h3>" in page and "5 of 6 rules met" in page
    assert "Give the organisation (or the one it belongs to) its organisation number" in page
    swedish = world.client.get("/organisation/grannby/quality?lang=sv", headers=HTML).text
    assert "0 av 1 datamängder uppfyller alla regler" in swedish
