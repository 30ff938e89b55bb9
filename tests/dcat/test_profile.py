"""DCAT-AP-SE 3.0.1 property-table rules (torget.dcat.profile), one broken variant per rule."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from torget.dcat.findings import Finding
from torget.dcat.profile import check_profile, property_specs

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

DATASET = "<https://data.sundsvall.se/dataset/luftkvalitet> a dcat:Dataset ;"
EU_CSV = "dcterms:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;"
CC_BY = "dcterms:license <http://creativecommons.org/licenses/by/4.0/> ."
PUBLISHER = "<http://dataportal.se/organisation/SE2120002411> a foaf:Organization ;"
CONTACT = "<https://data.sundsvall.se/contact/miljo> a vcard:Organization ;"
SERVICE = """
<https://data.sundsvall.se/api/luft> a dcat:DataService ;
    dcterms:title "Luftkvalitets-API"@sv ;
    dcat:endpointURL <https://data.sundsvall.se/api/luft/v1> .
"""
HVD = "<http://data.europa.eu/eli/reg_impl/2023/138/oj>"
HVD_CATEGORY = "<http://data.europa.eu/bna/c_ac64a52d>"


def variant(old: str, new: str) -> Graph:
    assert old in VALID, old
    return Graph().parse(data=VALID.replace(old, new), format="turtle")


def extra(turtle: str) -> Graph:
    return Graph().parse(data=VALID + turtle, format="turtle")


def at(findings: list[Finding], path: str, severity: str | None = None) -> list[Finding]:
    return [f for f in findings if f.path == path and severity in (None, f.severity)]


def violations(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "violation"]


def test_rules_are_generated_from_the_property_csv() -> None:
    specs = {(s.focus_class, s.path): s for s in property_specs()}
    title = specs[("Dataset", "dcterms:title")]
    assert (title.level, title.cardinality()) == ("mandatory", "1..n")
    assert specs[("Distribution", "dcterms:format")].group == "Format"
    assert specs[("Distribution", "dcterms:format")].cardinality() == "1..1"
    assert specs[("Distribution", "dcterms:license")].cardinality() == "0..1"
    assert specs[("Dataset", "dcatap:hvdCategory")].conditional
    assert specs[("Dataset", "owl:versionInfo")].deprecated
    frequency = specs[("Dataset", "dcterms:accrualPeriodicity")]
    assert [len(r.values or ()) for r in frequency.rules] == [17, 22]
    assert frequency.cardinality() == "0..1"
    assert all(" / " not in s.path for s in property_specs())


def test_valid_catalogue_has_no_violations() -> None:
    findings = check_profile(Graph().parse(data=VALID, format="turtle"))
    assert violations(findings) == []
    assert {f.source for f in findings} == {"dcat-ap-se"}


def test_missing_mandatory_title_is_a_violation() -> None:
    findings = check_profile(variant('"Luftkvalitet"@sv, "Air quality"@en', '"x"@sv'))
    assert at(findings, "dcterms:title") == []
    graph = variant('dcterms:title "Luftkvalitet"@sv, "Air quality"@en ;', "")
    [finding] = at(check_profile(graph), "dcterms:title")
    assert finding.severity == "violation"
    assert finding.focus == "https://data.sundsvall.se/dataset/luftkvalitet"
    assert finding.format() == (
        "violation  Dataset <https://data.sundsvall.se/dataset/luftkvalitet>  dcterms:title  "
        "missing mandatory value (DCAT-AP-SE 3.0.1: 1..n, language-tagged)"
    )


def test_title_without_language_tag_is_a_violation() -> None:
    graph = variant('"Luftkvalitet"@sv', '"Luftkvalitet"')
    [finding] = at(check_profile(graph), "dcterms:title")
    assert finding.severity == "violation"
    assert "no language tag" in finding.message


def test_missing_recommended_value_is_a_warning() -> None:
    findings = check_profile(Graph().parse(data=VALID, format="turtle"))
    [finding] = at(findings, "dcterms:accessRights")
    assert finding.severity == "warning"
    assert "missing recommended value" in finding.message


def test_theme_outside_the_list_is_a_violation() -> None:
    graph = variant("data-theme/ENVI", "data-theme/SPACE")
    [finding] = at(check_profile(graph), "dcat:theme")
    assert finding.severity == "violation"
    assert "data-theme/SPACE" in finding.message and "dcat:theme-da" in finding.message


def test_two_publishers_exceed_max() -> None:
    graph = variant(
        "dcat:contactPoint",
        "dcterms:publisher <http://dataportal.se/organisation/SE2021005489> ;\n dcat:contactPoint",
    )
    [finding] = at(check_profile(graph), "dcterms:publisher")
    assert finding.severity == "violation"
    assert finding.message.startswith("2 values, at most 1 allowed")


def test_untyped_or_invalid_date_is_a_violation() -> None:
    graph = variant(DATASET, DATASET + '\n dcterms:issued "2020-01-01" ;')
    [finding] = at(check_profile(graph), "dcterms:issued", "violation")
    assert "allowed datatypes: xsd:date, xsd:dateTime, xsd:gYear" in finding.message
    graph = variant(DATASET, DATASET + '\n dcterms:issued "2020-13-45"^^xsd:date ;')
    [finding] = at(check_profile(graph), "dcterms:issued", "violation")
    assert "not a valid xsd:date" in finding.message


def test_access_url_pattern_and_node_kind() -> None:
    graph = variant("<https://data.sundsvall.se/files/", "<ftp://data.sundsvall.se/files/")
    [finding] = at(check_profile(graph), "dcat:accessURL")
    assert "does not match the pattern https?://.+" in finding.message
    iri = "<https://data.sundsvall.se/files/luftkvalitet.csv>"
    graph = variant(f"dcat:accessURL {iri}", f'dcat:accessURL "{iri[1:-1]}"')
    [finding] = at(check_profile(graph), "dcat:accessURL")
    assert finding.severity == "violation" and "must be an IRI" in finding.message


def test_literal_format_is_accepted() -> None:
    for literal in ('"text/csv"', '"application/geo+json"', '"application/x-custom+xml"'):
        graph = variant(EU_CSV, f"dcterms:format {literal} ;")
        assert at(check_profile(graph), "dcterms:format") == [], literal


def test_eu_file_type_iri_satisfies_the_format_group() -> None:
    assert at(check_profile(Graph().parse(data=VALID, format="turtle")), "dcterms:format") == []


def test_bad_format_values_are_refused() -> None:
    for bad in ('"CSV"', '"Nedladdning"', "<http://example.com/formats/csv>", '"text/csv"@en'):
        graph = variant(EU_CSV, f"dcterms:format {bad} ;")
        [finding] = at(check_profile(graph), "dcterms:format")
        assert finding.severity == "violation", bad
        assert "is not an allowed format" in finding.message


def test_two_formats_are_refused() -> None:
    graph = variant(EU_CSV, EU_CSV + ' dcterms:format "text/csv" ;')
    [finding] = at(check_profile(graph), "dcterms:format")
    assert finding.severity == "violation"
    assert finding.message.startswith("2 values, at most 1 allowed (DCAT-AP-SE 3.0.1: 1..1)")


def test_missing_format_violation_on_distribution_warning_on_service() -> None:
    [finding] = at(check_profile(variant(EU_CSV, "")), "dcterms:format")
    assert finding.severity == "violation" and finding.focus_class == "Distribution"
    [finding] = at(check_profile(extra(SERVICE)), "dcterms:format")
    assert finding.severity == "warning" and finding.focus_class == "DataService"
    assert "treats it as 0..1" in finding.message


def test_licence_group() -> None:
    eu = "<http://publications.europa.eu/resource/authority/licence/CC_BY_4_0>"
    assert at(check_profile(variant(CC_BY, f"dcterms:license {eu} .")), "dcterms:license") == []
    graph = variant(CC_BY, CC_BY[:-1] + f", {eu} .")
    [finding] = at(check_profile(graph), "dcterms:license")
    assert finding.severity == "violation" and "at most 1" in finding.message
    own = "<https://data.sundsvall.se/licens>"
    [finding] = at(check_profile(variant(CC_BY, f"dcterms:license {own} .")), "dcterms:license")
    assert finding.severity == "warning" and "not a listed licence" in finding.message
    typed = variant(CC_BY, f"dcterms:license {own} .\n{own} a dcterms:LicenseDocument .")
    assert at(check_profile(typed), "dcterms:license") == []
    graph = variant(CC_BY, 'dcterms:license "CC BY 4.0" .')
    [finding] = at(check_profile(graph), "dcterms:license")
    assert finding.severity == "violation" and "must be an IRI" in finding.message


def test_hvd_category_is_conditional() -> None:
    category = f"dcatap:hvdCategory {HVD_CATEGORY} ;"
    [finding] = at(check_profile(variant(DATASET, DATASET + category)), "dcatap:hvdCategory")
    assert finding.severity == "violation"
    assert "must not be used without the HVD legislation" in finding.message
    legislation = f"dcatap:applicableLegislation {HVD} ;"
    [finding] = at(check_profile(variant(DATASET, DATASET + legislation)), "dcatap:hvdCategory")
    assert finding.severity == "violation" and "high-value" in finding.message
    both = variant(DATASET, DATASET + legislation + category)
    assert at(check_profile(both), "dcatap:hvdCategory") == []
    unknown = variant(DATASET, DATASET + legislation + "dcatap:hvdCategory <http://x.se/c> ;")
    [finding] = at(check_profile(unknown), "dcatap:hvdCategory")
    assert "dcatap:hvdCategory_da" in finding.message


def test_contact_point_type() -> None:
    kind_only = variant(CONTACT, "<https://data.sundsvall.se/contact/miljo> a vcard:Kind ;")
    [finding] = at(check_profile(kind_only), "rdf:type")
    assert finding.severity == "violation" and finding.focus_class == "ContactPoint"
    assert "vcard:Individual or vcard:Organization" in finding.message
    typed = "a vcard:Organization"
    extra_kind = variant(typed, f"{typed}, vcard:Kind")
    assert at(check_profile(extra_kind), "rdf:type") == []
    both = variant(typed, f"{typed}, vcard:Individual")
    [finding] = at(check_profile(both), "rdf:type")
    assert "choose one" in finding.message


def test_agent_classification_in_both_org_namespaces() -> None:
    fee = "<https://dataportal.se/concepts/orgAspects/feeFinanzing>"
    for namespace in ("https://www.w3.org/ns/org#", "http://www.w3.org/ns/org#"):
        graph = variant(PUBLISHER, PUBLISHER + f" <{namespace}classification> {fee} ;")
        assert at(check_profile(graph), "org:classification") == [], namespace
    wrong = " <http://www.w3.org/ns/org#classification> <http://x.se/c> ;"
    graph = variant(PUBLISHER, PUBLISHER + wrong)
    [finding] = at(check_profile(graph), "org:classification")
    assert finding.severity == "violation" and finding.focus_class == "Agent"


def test_agent_without_type_is_a_violation() -> None:
    graph = variant("dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> .", ".")
    [finding] = at(check_profile(graph), "dcterms:type")
    assert finding.severity == "violation" and finding.focus_class == "Agent"


def test_deprecated_values_only_warn() -> None:
    graph = variant(DATASET, DATASET + ' <http://www.w3.org/2002/07/owl#versionInfo> "1.0"@sv ;')
    [finding] = at(check_profile(graph), "owl:versionInfo")
    assert finding.severity == "warning" and "deprecated" in finding.message
    daily = " dcterms:accrualPeriodicity <http://purl.org/cld/freq/daily> ;"
    cld = variant(DATASET, DATASET + daily)
    [finding] = at(check_profile(cld), "dcterms:accrualPeriodicity")
    assert finding.severity == "warning" and "deprecated" in finding.message
    eu = "<http://publications.europa.eu/resource/authority/frequency/DAILY>"
    graph = variant(DATASET, DATASET + f" dcterms:accrualPeriodicity {eu} ;")
    assert at(check_profile(graph), "dcterms:accrualPeriodicity") == []
    graph = variant(DATASET, DATASET + " dcterms:accrualPeriodicity <http://x.se/daily> ;")
    [finding] = at(check_profile(graph), "dcterms:accrualPeriodicity")
    assert finding.severity == "violation"


def test_digg_example_rekommenderat() -> None:
    findings = check_profile(Graph().parse(DATA / "rekommenderat.ttl", format="turtle"))
    publisher = "https://example.com/publisher1"
    [name] = [f for f in at(findings, "foaf:name") if f.focus == publisher]
    assert name.severity == "violation" and "no language tag" in name.message
    availability = at(findings, "dcatap:availability", "violation")
    assert {f.focus for f in availability} == {
        "https://example.com/distribution1",
        "https://example.com/distribution2",
    }
    [service_format] = at(findings, "dcterms:format")
    assert service_format.severity == "warning" and service_format.focus_class == "DataService"
    # Unlike obligatoriskt.ttl, this example does carry the publisher dcterms:type.
    assert at(findings, "dcterms:type") == []


def test_digg_example_obligatoriskt_lacks_publisher_type_and_format() -> None:
    findings = check_profile(Graph().parse(DATA / "obligatoriskt.ttl", format="turtle"))
    [agent_type] = at(findings, "dcterms:type")
    assert agent_type.severity == "violation" and agent_type.focus_class == "Agent"
    formats = at(findings, "dcterms:format", "violation")
    assert [f.focus_class for f in formats] == ["Distribution"]
