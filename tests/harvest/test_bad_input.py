"""Bad sources: each is one clear line in the run's report, the run ends, and nothing already
harvested is lost. Then atomicity: a failure while applying leaves the old state."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.harvest.catalogues import PREFIXES, catalogue, dataset, simple
from tests.harvest.conftest import Served, add, count, run
from torget.db.schema import datasets, harvest_origins
from torget.site import Site

RDF_XML_TRUNCATED = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#">
  <dcat:Catalog rdf:about="https://data.example/catalog">
    <dcat:dataset>
"""

BAD = {
    "not RDF": (b"just some words", "text/plain", "not_parseable"),
    "truncated XML": (RDF_XML_TRUNCATED, "application/rdf+xml", "not_parseable"),
    "HTML page": (b"<!DOCTYPE html><html><body>Inloggning</body></html>", "text/html", "not_rdf"),
    "data.json": (b'{"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", '
                  b'"dataset": []}', "application/json", "data_json"),
    "CSW": (b'<?xml version="1.0"?><csw:GetRecordsResponse '
            b'xmlns:csw="http://www.opengis.net/cat/csw/2.0.2"/>', "application/xml", "csw"),
    "no datasets": (PREFIXES.encode() + b"<https://x.example/c> a dcat:Catalog .",
                    "text/turtle", "no_datasets"),
}  # fmt: skip


def _state(site: Site) -> list[tuple[str, str]]:
    with site.engine.connect() as conn:
        return sorted((r.id, str(r.updated_at)) for r in conn.execute(sa.select(datasets)))


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_answer_fails_the_run_and_keeps_the_harvest(
    site: Site, region: str, served: Served, case: str
) -> None:
    url = served.put("/dcat", simple(1, 2), "text/turtle")
    source = add(site, url)
    run(site, source)
    before = _state(site)
    body, media, code = BAD[case]
    served.put("/dcat", body, media)
    result = run(site, source)
    assert result.state == "failed"
    assert [p.code for p in result.problems] == [code], result.as_json()
    assert result.error and "/dcat" in result.error
    assert _state(site) == before


def test_syntax_error_position(site: Site, region: str, served: Served) -> None:
    result = run(site, add(site, served.put("/dcat", RDF_XML_TRUNCATED)))
    assert result.error is not None and "line " in result.error, result.error


def test_wrong_content_type_is_read_and_noted(site: Site, region: str, served: Served) -> None:
    result = run(site, add(site, served.put("/dcat", simple(1), "application/octet-stream")))
    assert result.created == 1
    assert "content_type" in {p.code for p in result.problems}


def test_404_and_time_out(site: Site, region: str, served: Served) -> None:
    missing = run(site, add(site, served.base + "/nowhere"))
    assert missing.state == "failed" and "404" in (missing.error or "")
    slow = run(site, add(site, served.put("/slow", simple(1), "text/turtle", delay=3)))
    assert slow.state == "failed" and "no answer within 2" in (slow.error or "")


def test_private_addresses_refused_unless_allowed(site: Site, region: str, served: Served) -> None:
    import dataclasses

    from torget.harvest.run import run_source

    url = served.put("/dcat", simple(1), "text/turtle")
    strict = dataclasses.replace(site.settings, harvest_allow_private=False)
    result = run_source(site.engine, strict, add(site, url))
    assert result.state == "failed" and "private address" in (result.error or "")


def test_quirky_datasets(site: Site, region: str, served: Served) -> None:
    quirks = """
_:blank a dcat:Dataset ; dcterms:title "Blank"@sv ; dcterms:identifier "b-1" .
_:anonymous a dcat:Dataset ; dcterms:title "Anonym"@sv .
<https://data.example/dataset/9> a dcat:Dataset ; dcterms:title "Nio"@sv ;
    dcterms:identifier "c8f1b1f4-6f0a-4d4e-9d7e-6d5d1c1b2a01" ;
    dcat:landingPage "https://data.example/sida med mellanslag"^^xsd:anyURI ;
    dcterms:publisher [ foaf:name "Tomma noden"@sv ] .
<https://data.example/dataset/10> a dcat:Dataset ; dcterms:title "Tio"@sv ;
    dcterms:identifier "c8f1b1f4-6f0a-4d4e-9d7e-6d5d1c1b2a01" .
"""
    body = catalogue(dataset(1), more=quirks, ids=[1])
    result = run(site, add(site, served.put("/dcat", body, "text/turtle")))
    assert result.state == "done", result.as_json()
    codes = [p.code for p in result.problems]
    assert "blank_node_dataset" in codes and "invalid_iri" in codes
    assert "missing_description" in codes
    assert result.created == 4  # 1, the blank node with an identifier, 9 and 10
    assert "duplicate_identifier" in codes


def test_failure_while_applying_leaves_the_old_state(
    site: Site, region: str, served: Served
) -> None:
    """The database itself refuses the third new origin mid-apply: the run fails and the
    source's datasets are exactly as the previous run left them."""
    url = served.put("/dcat", simple(1, 2), "text/turtle")
    source = add(site, url)
    run(site, source)
    before = _state(site)
    with site.engine.begin() as conn:
        if site.engine.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER boom BEFORE INSERT ON harvest_origins "
                "WHEN (SELECT count(*) FROM harvest_origins) >= 3 "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF (SELECT count(*) FROM "
                "harvest_origins) >= 3 THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; "
                "END $$ LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER boom BEFORE INSERT ON harvest_origins "
                "FOR EACH ROW EXECUTE FUNCTION boom()"
            )
    served.put("/dcat", simple(2, 3, 4, 5, titles={2: "Ändrad"}), "text/turtle")
    result = run(site, source)
    assert result.state == "failed"
    assert [p.code for p in result.errors][:1] == ["apply_failed"]
    assert "disk full" in (result.error or "")
    assert _state(site) == before
    assert count(site.engine, harvest_origins) == 2
