"""Swedish harvesting rules (torget.dcat.harvest_rules), one broken variant per rule."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef

from torget.dcat.findings import Finding
from torget.dcat.harvest_rules import canonical_licence, check_harvest_rules, iri_problem

DATA = Path(__file__).parent / "data"

VALID = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://data.sundsvall.se/catalog> a dcat:Catalog ;
    dcterms:title "Sundsvalls kommuns datakatalog"@sv, "Sundsvall open data catalogue"@en ;
    dcterms:description "Öppna data från Sundsvalls kommun."@sv,
        "Open data from the municipality of Sundsvall."@en ;
    dcterms:publisher <http://dataportal.se/organisation/SE2120002411> ;
    dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/> ;
    dcat:dataset <https://data.sundsvall.se/dataset/luftkvalitet> .

<http://dataportal.se/organisation/SE2120002411> a foaf:Organization ;
    foaf:name "Sundsvalls kommun"@sv ;
    dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> .

<https://data.sundsvall.se/dataset/luftkvalitet> a dcat:Dataset ;
    dcterms:identifier "1f0c5b7e-6a3d-4c1e-9a55-2f1c1a3b8e01" ;
    dcterms:title "Luftkvalitet"@sv, "Air quality"@en ;
    dcterms:description "Timvärden för partiklar och kvävedioxid."@sv,
        "Hourly particle and nitrogen dioxide readings."@en ;
    dcterms:publisher <http://dataportal.se/organisation/SE2120002411> ;
    dcat:contactPoint <https://data.sundsvall.se/contact/miljo> ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/ENVI> ;
    dcat:distribution <https://data.sundsvall.se/dataset/luftkvalitet/csv> .

<https://data.sundsvall.se/contact/miljo> a vcard:Organization ;
    vcard:fn "Miljökontoret" ;
    vcard:hasEmail <mailto:miljo@sundsvall.se> .

<https://data.sundsvall.se/dataset/luftkvalitet/csv> a dcat:Distribution ;
    dcat:accessURL <https://data.sundsvall.se/files/luftkvalitet.csv> ;
    dcterms:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dcat:mediaType <http://www.iana.org/assignments/media-types/text/csv> ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> .

<http://creativecommons.org/licenses/by/4.0/> a dcterms:LicenseDocument .
"""

CATALOG = "<https://data.sundsvall.se/catalog>"
DATASET_IRI = "<https://data.sundsvall.se/dataset/luftkvalitet>"
DISTRIBUTION_IRI = "<https://data.sundsvall.se/dataset/luftkvalitet/csv>"
PUBLISHER_IRI = "<http://dataportal.se/organisation/SE2120002411>"
CONTACT_IRI = "<https://data.sundsvall.se/contact/miljo>"
CC_BY = "<http://creativecommons.org/licenses/by/4.0/>"
CC0 = "<http://creativecommons.org/publicdomain/zero/1.0/>"


def variant(*pairs: tuple[str, str]) -> Graph:
    text = VALID
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return Graph().parse(data=text, format="turtle")


def at(findings: list[Finding], path: str, severity: str | None = None) -> list[Finding]:
    return [f for f in findings if f.path == path and severity in (None, f.severity)]


def test_valid_catalogue_has_no_findings() -> None:
    assert check_harvest_rules(Graph().parse(data=VALID, format="turtle")) == []


def test_blank_node_dataset_is_a_violation() -> None:
    graph = variant((DATASET_IRI, "_:dataset"))
    [finding] = check_harvest_rules(graph)
    assert finding.severity == "violation" and finding.source == "harvest"
    assert finding.focus_class == "Dataset" and finding.focus.startswith("_:")
    assert "blank node" in finding.message


def test_blank_node_distribution_publisher_and_contact_point() -> None:
    graph = variant(
        (DISTRIBUTION_IRI, "_:csv"), (PUBLISHER_IRI, "_:org"), (CONTACT_IRI, "_:kontakt")
    )
    findings = [f for f in check_harvest_rules(graph) if "blank node" in f.message]
    assert sorted(f.focus_class for f in findings) == ["Agent", "ContactPoint", "Distribution"]
    assert {f.severity for f in findings} == {"violation"}


def test_iri_with_space_is_a_violation() -> None:
    graph = variant(("luftkvalitet.csv>", "luft kvalitet.csv>"))
    [finding] = check_harvest_rules(graph)
    assert finding.severity == "violation" and finding.path == "dcat:accessURL"
    assert finding.focus_class == "Distribution" and "space" in finding.message


def test_relative_and_non_http_iris_are_violations() -> None:
    graph = Graph().parse(data=VALID, format="turtle")
    dataset = URIRef(DATASET_IRI[1:-1])
    graph.add((dataset, URIRef("http://www.w3.org/ns/dcat#landingPage"), URIRef("luft.html")))
    graph.add((dataset, URIRef("http://xmlns.com/foaf/0.1/page"), URIRef("file:///srv/luft.html")))
    findings = check_harvest_rules(graph)
    assert {f.path for f in findings} == {"dcat:landingPage", "foaf:page"}
    assert {f.severity for f in findings} == {"violation"}
    messages = " ".join(f.message for f in findings)
    assert "<luft.html> is a relative IRI" in messages and "scheme file:" in messages


def test_iri_problem() -> None:
    assert iri_problem("https://data.sundsvall.se/dataset/ä?q=1#x") is None
    assert iri_problem("mailto:miljo@sundsvall.se") is None
    assert iri_problem("tel:+4660191000") is None
    assert iri_problem("ftp://ftp.sundsvall.se/luft.csv") is None
    assert "not a valid RFC 3987 IRI" in (iri_problem("http://x.se/a{b}") or "")
    assert "not a valid RFC 3987 IRI" in (iri_problem("http://x.se/%zz") or "")
    assert "no host" in (iri_problem("http:///x") or "")
    assert "scheme urn:" in (iri_problem("urn:uuid:1f0c5b7e") or "")


def test_catalogue_licence_must_be_exactly_cc0() -> None:
    for other in ("<https://creativecommons.org/publicdomain/zero/1.0/>", CC_BY):
        graph = variant((f"dcterms:license {CC0}", f"dcterms:license {other}"))
        [finding] = check_harvest_rules(graph)
        assert finding.severity == "violation" and finding.focus_class == "Catalog"
        assert "exactly <http://creativecommons.org/publicdomain/zero/1.0/>" in finding.message


def test_licence_iris_must_be_canonical() -> None:
    for variant_iri in (
        "https://creativecommons.org/licenses/by/4.0/",
        "http://creativecommons.org/licenses/by/4.0",
        "http://creativecommons.org/licenses/by/4.0/deed.sv",
    ):
        graph = variant((f"dcterms:license {CC_BY} .", f"dcterms:license <{variant_iri}> ."))
        [finding] = at(check_harvest_rules(graph), "dcterms:license")
        assert finding.severity == "violation" and finding.focus_class == "Distribution"
        assert "write <http://creativecommons.org/licenses/by/4.0/>" in finding.message
    assert canonical_licence("https://creativecommons.org/publicdomain/zero/1.0/legalcode") == (
        "http://creativecommons.org/publicdomain/zero/1.0/"
    )
    assert canonical_licence("http://data.sundsvall.se/licens") is None


def test_publisher_iri_pattern_is_a_warning() -> None:
    graph = variant((PUBLISHER_IRI, "<https://sundsvall.se/organisation>"))
    [finding] = check_harvest_rules(graph)
    assert finding.severity == "warning" and finding.focus_class == "Agent"
    assert finding.focus == "https://sundsvall.se/organisation"
    department = variant((PUBLISHER_IRI, "<http://dataportal.se/organisation/SE2120002411-miljo>"))
    assert check_harvest_rules(department) == []


def test_dataset_identifier_should_be_a_uuid() -> None:
    graph = variant(('"1f0c5b7e-6a3d-4c1e-9a55-2f1c1a3b8e01"', '"luftkvalitet-2024"'))
    [finding] = check_harvest_rules(graph)
    assert finding.severity == "warning" and finding.path == "dcterms:identifier"
    assert "not a UUID" in finding.message
    graph = variant(('dcterms:identifier "1f0c5b7e-6a3d-4c1e-9a55-2f1c1a3b8e01" ;', ""))
    [finding] = check_harvest_rules(graph)
    assert finding.severity == "warning" and "no dcterms:identifier" in finding.message


def test_catalog_record_is_a_violation() -> None:
    record = "\n<https://data.sundsvall.se/record/1> a dcat:CatalogRecord ."
    [finding] = check_harvest_rules(Graph().parse(data=VALID + record, format="turtle"))
    assert finding.severity == "violation" and finding.focus_class == "CatalogRecord"


def test_has_part_one_level_no_cycles() -> None:
    sub = "<https://data.sundsvall.se/catalog/miljo>"
    subsub = "<https://data.sundsvall.se/catalog/miljo/luft>"
    one_level = f"\n{CATALOG} dcterms:hasPart {sub} .\n{sub} a dcat:Catalog ."
    graph = Graph().parse(data=VALID + one_level, format="turtle")
    assert at(check_harvest_rules(graph), "dcterms:hasPart") == []
    two_levels = one_level + f"\n{sub} dcterms:hasPart {subsub} .\n{subsub} a dcat:Catalog ."
    graph = Graph().parse(data=VALID + two_levels, format="turtle")
    [finding] = at(check_harvest_rules(graph), "dcterms:hasPart")
    assert finding.severity == "violation" and "only one level" in finding.message
    cycle = one_level + f"\n{sub} dcterms:hasPart {CATALOG} ."
    findings = at(
        check_harvest_rules(Graph().parse(data=VALID + cycle, format="turtle")), "dcterms:hasPart"
    )
    assert findings and all("cycle" in f.message for f in findings)
    untyped = f"\n{CATALOG} dcterms:hasPart {sub} ."
    graph = Graph().parse(data=VALID + untyped, format="turtle")
    [finding] = at(check_harvest_rules(graph), "dcterms:hasPart")
    assert "not typed dcat:Catalog" in finding.message


def test_publisher_and_contact_point_must_differ() -> None:
    graph = variant((f"dcat:contactPoint {CONTACT_IRI}", f"dcat:contactPoint {PUBLISHER_IRI}"))
    [finding] = at(check_harvest_rules(graph), "dcat:contactPoint")
    assert finding.severity == "violation"
    assert finding.focus == PUBLISHER_IRI[1:-1]


def test_free_text_needs_language_tags_and_swedish() -> None:
    graph = variant(('"Luftkvalitet"@sv, ', ""))
    [finding] = check_harvest_rules(graph)
    assert finding.severity == "warning" and finding.path == "dcterms:title"
    assert "no Swedish (@sv) value" in finding.message
    graph = variant(('"Luftkvalitet"@sv', '"Luftkvalitet"'))
    untagged, no_swedish = sorted(check_harvest_rules(graph), key=lambda f: f.severity)
    assert untagged.severity == "violation" and "no language tag" in untagged.message
    assert no_swedish.severity == "warning" and "no Swedish" in no_swedish.message
    graph = Graph().parse(data=VALID, format="turtle")
    keyword = URIRef("http://www.w3.org/ns/dcat#keyword")
    graph.add((URIRef(DATASET_IRI[1:-1]), keyword, Literal("luft")))
    [finding] = check_harvest_rules(graph)
    assert finding.path == "dcat:keyword" and finding.severity == "violation"


def test_digg_example_rekommenderat() -> None:
    graph = Graph().parse(DATA / "rekommenderat.ttl", format="turtle")
    findings = check_harvest_rules(graph)
    [name] = at(findings, "foaf:name")
    assert name.severity == "violation" and name.focus == "https://example.com/publisher1"
    assert "no language tag" in name.message
    [publisher] = at(findings, "dcterms:publisher")
    assert publisher.severity == "warning" and "dataportal.se/organisation" in publisher.message
    [identifier] = at(findings, "dcterms:identifier")
    assert identifier.severity == "warning"
