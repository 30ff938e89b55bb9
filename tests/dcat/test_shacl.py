"""SEMIC DCAT-AP 3.0.0 SHACL (torget.dcat.shacl) and the combined validation."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import OWL, RDF, Graph, URIRef

from torget.dcat.findings import Finding
from torget.dcat.harvest_rules import check_harvest_rules
from torget.dcat.profile import check_profile
from torget.dcat.shacl import (
    SH,
    _finding,
    check_shacl,
    entailed,
    ontology_for,
    shapes_graph,
    targeted_shapes,
)
from torget.dcat.validation import sort_findings, summarise, validate_graph

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

EU_CSV = "dcterms:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;"


def valid() -> Graph:
    return Graph().parse(data=VALID, format="turtle")


def variant(old: str, new: str) -> Graph:
    assert old in VALID, old
    return Graph().parse(data=VALID.replace(old, new), format="turtle")


def at(findings: list[Finding], path: str) -> list[Finding]:
    return [f for f in findings if f.path == path]


def test_valid_catalogue_has_no_violations_from_any_checker() -> None:
    graph = valid()
    assert check_shacl(graph) == []
    for check in (check_profile, check_harvest_rules):
        assert [f for f in check(graph) if f.severity == "violation"] == []
    assert [f for f in validate_graph(graph) if f.severity == "violation"] == []


def test_check_shacl_leaves_data_and_shapes_alone() -> None:
    graph = valid()
    before, shapes = set(graph), set(shapes_graph())
    check_shacl(graph)
    assert set(graph) == before
    assert set(shapes_graph()) == shapes


def test_missing_title_is_reported_by_the_shapes() -> None:
    graph = variant('dcterms:title "Luftkvalitet"@sv, "Air quality"@en ;', "")
    [finding] = check_shacl(graph)
    assert (finding.severity, finding.source) == ("violation", "shacl")
    assert (finding.focus_class, finding.path) == ("Dataset", "dcterms:title")
    assert finding.focus == "https://data.sundsvall.se/dataset/luftkvalitet"


def test_swedish_literal_format_is_not_dcat_ap() -> None:
    graph = variant(EU_CSV, 'dcterms:format "text/csv" ;')
    findings = check_shacl(graph)
    assert findings and {f.path for f in findings} == {"dcterms:format"}
    assert all('(value: "text/csv")' in f.message for f in findings)
    assert any("dcterms:MediaTypeOrExtent" in f.message for f in findings)


def test_theme_outside_the_vocabulary_fails_the_class_check() -> None:
    graph = variant("data-theme/ENVI", "data-theme/SPACE")
    [finding] = check_shacl(graph)
    assert finding.path == "dcat:theme" and "skos:Concept" in finding.message


def test_contact_point_needs_a_vcard_kind() -> None:
    graph = variant(
        "<https://data.sundsvall.se/contact/miljo> a vcard:Organization ;",
        "<https://data.sundsvall.se/contact/miljo>",
    )
    [finding] = check_shacl(graph)
    assert finding.path == "dcat:contactPoint" and "vcard:Kind" in finding.message


def test_publisher_needs_a_foaf_agent() -> None:
    graph = variant("a foaf:Organization ;", "a <http://www.w3.org/ns/org#Organization> ;")
    findings = at(check_shacl(graph), "dcterms:publisher")
    assert {f.focus_class for f in findings} == {"Catalog", "Dataset"}
    assert all("foaf:Agent" in f.message for f in findings)


def test_blank_node_focus() -> None:
    graph = variant("<https://data.sundsvall.se/dataset/luftkvalitet/csv>", "_:csv")
    graph.remove((None, URIRef("http://www.w3.org/ns/dcat#accessURL"), None))
    [finding] = check_shacl(graph)
    assert finding.focus.startswith("_:") and finding.focus_class == "Distribution"
    assert finding.path == "dcat:accessURL"


def test_ontology_holds_only_the_vocabulary_values_the_graph_mentions() -> None:
    ontology = ontology_for(valid())
    individuals = set(ontology.subjects(RDF.type, OWL.NamedIndividual))
    assert {str(i) for i in individuals} == {
        "http://publications.europa.eu/resource/authority/data-theme/ENVI",
        "http://publications.europa.eu/resource/authority/file-type/CSV",
        "http://www.iana.org/assignments/media-types/text/csv",
        "http://purl.org/adms/publishertype/LocalAuthority",
        "http://creativecommons.org/licenses/by/4.0/",
        "http://creativecommons.org/publicdomain/zero/1.0/",
    }
    vcard = "http://www.w3.org/2006/vcard/ns#"
    subclass = URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    assert (URIRef(vcard + "Organization"), subclass, URIRef(vcard + "Kind")) in ontology


def _with_owl_rl_closure(graph: Graph) -> list[Finding]:
    """What pyshacl finds with its own full RDFS inference (OWL-RL) over the same ontology."""
    _, results, _ = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), ont_graph=ontology_for(graph), inference="rdfs"
    )
    assert isinstance(results, Graph)
    found = results.subjects(RDF.type, SH.ValidationResult)
    return sorted((_finding(graph, results, r) for r in found), key=repr)


def _untyped_variants(graph: Graph) -> list[Graph]:
    """`graph`, and a copy without the classes of each typed node in turn."""
    variants = [graph]
    for node in set(graph.subjects(RDF.type, None)):
        copy = Graph()
        for triple in graph:
            copy.add(triple)
        copy.remove((node, RDF.type, None))
        variants.append(copy)
    return variants


@pytest.mark.parametrize("example", ["obligatoriskt.ttl", "rekommenderat.ttl"])
def test_the_few_rdfs_rules_find_what_the_whole_closure_finds(example: str) -> None:
    """`entailed` fires only the rules the ontology needs (check_shacl's docstring); on the
    official examples, and on each with a node's class missing (which the ranges and the
    subclasses must then supply or report), it finds exactly what the OWL-RL closure finds."""
    for graph in _untyped_variants(Graph().parse(DATA / example, format="turtle")):
        assert sorted(check_shacl(graph), key=repr) == _with_owl_rl_closure(graph)


# Each dataset of a batch broken in its own way (index modulo the list); "" leaves it valid.
BREAKAGES = [
    ("", ""),
    ('dcterms:title "Luftkvalitet"@sv, "Air quality"@en ;', ""),
    (EU_CSV, 'dcterms:format "text/csv" ;'),
    ("data-theme/ENVI", "data-theme/SPACE"),
    ("<https://data.sundsvall.se/contact/miljo> a vcard:Organization ;", "<x:c> a <x:K> ;"),
    ("dcat:accessURL <https://data.sundsvall.se/files/luftkvalitet.csv> ;", ""),
    ("licenses/by/4.0/> .", 'licenses/by/4.0/>, "CC BY" .'),
    ('dcterms:identifier "1f0c5b7e-6a3d-4c1e-9a55-2f1c1a3b8e01" ;', "dcterms:issued 12 ;"),
]


def _batch(n: int) -> Graph:
    graph = Graph()
    for i in range(n):
        old, new = BREAKAGES[i % len(BREAKAGES)]
        text = VALID.replace(old, new) if old else VALID
        graph.parse(data=text.replace("luftkvalitet", f"luftkvalitet-{i}"), format="turtle")
    return graph


def _results(graph: Graph, shapes: Graph) -> set[tuple[str, ...]]:
    _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    assert isinstance(results, Graph)
    terms = (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.resultSeverity)
    terms += (SH.sourceConstraintComponent, SH.resultMessage)
    found = results.subjects(RDF.type, SH.ValidationResult)
    return {tuple(str(results.value(r, t)) for t in terms) for r in found}


def test_targeted_shapes_find_what_the_official_layout_finds() -> None:
    """check_shacl's layout (each property shape targeted itself) gives every result of the
    official one, and only those, over a batch of datasets broken in different ways."""
    assert (None, SH.property, None) not in targeted_shapes()  # the SEMIC file is laid out anew
    graph = entailed(_batch(2 * len(BREAKAGES)))
    found = _results(graph, targeted_shapes())
    assert len({r[0] for r in found}) >= len(BREAKAGES) - 1
    assert found == _results(graph, shapes_graph())


def test_digg_example_rekommenderat() -> None:
    findings = check_shacl(Graph().parse(DATA / "rekommenderat.ttl", format="turtle"))
    assert {f.path for f in findings} == {"dcterms:format", "dcatap:availability"}
    assert {f.focus_class for f in findings} == {"Distribution"}


def test_validate_graph_merges_sorts_and_deduplicates() -> None:
    graph = Graph().parse(DATA / "rekommenderat.ttl", format="turtle")
    findings = validate_graph(graph)
    assert findings == sort_findings(findings + findings)
    assert {f.source for f in findings} == {"dcat-ap-se", "harvest", "shacl"}
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["violation", "warning"].index)
    violations = [f for f in findings if f.severity == "violation"]
    assert violations == sorted(violations, key=lambda f: (f.focus_class, f.focus, f.path))
    assert {f.source for f in validate_graph(graph, shacl=False)} == {"dcat-ap-se", "harvest"}


def test_summarise() -> None:
    assert summarise([]) == "no problems found"
    graph = Graph().parse(DATA / "rekommenderat.ttl", format="turtle")
    findings = validate_graph(graph)
    violations = sum(f.severity == "violation" for f in findings)
    warnings = len(findings) - violations
    assert summarise(findings) == f"{violations} violations, {warnings} warnings"
    one = [f for f in findings if f.severity == "violation"][:1]
    assert summarise(one) == "1 violation, 0 warnings"
