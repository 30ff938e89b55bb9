"""Catalogue records → DCAT-AP-SE 3.0.1 resources, declared as tables of fields.

Each `*_FIELDS` table says which JSON field becomes which RDF property and how; the few
structured values (contact point, period, bounding box, checksum, format) have one small
function each. Inputs are the records' JSON form (`model_dump(mode="json")`), so the feed can
map rows straight from the database without building pydantic objects.

Harvesting rules followed here (shared/specs/dcat/NOTES.md §5, §6 and the issue's list):
absolute IRIs minted under `base_url`; no blank nodes for catalogue, dataset, distribution,
publisher or contact point; publisher IRI `http://dataportal.se/organisation/SE<orgnr>` with
dcterms:type; catalogue licence exactly CC0; a UUID dcterms:identifier on every dataset; a
language tag on every text; dcterms:format as the EU file-type IRI together with
dcat:mediaType as the IANA IRI; every node the SEMIC shapes give a class carries it. Terms used
from vocabularies and documents are described once per document by `Described`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from torget.catalog.organisations import Organisation, publisher_of, publisher_type_of
from torget.catalog.vocabularies import (
    CATALOG_LICENCE,
    file_types,
    media_type_iri,
    vocabulary,
)
from torget.dcat.serialize import Blank, Lit, Ref, Resource, Value
from torget.specifications.registry import standard_title

__all__ = [
    "Described",
    "MappingContext",
    "catalog_resource",
    "dataset_resource",
    "dataservice_resource",
    "agent_resource",
    "publisher_iri",
]

_SPDX_SHA1 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha1"
_FEE_FINANCED = "https://dataportal.se/concepts/orgAspects/feeFinanzing"
_THEME_SCHEME = "http://publications.europa.eu/resource/authority/data-theme"
_SWEDEN = "http://sws.geonames.org/2661886/"


@dataclass
class Described:
    """Terms and documents referred to in a document, each described once at its end."""

    resources: dict[str, Resource] = field(default_factory=dict)

    def add(self, iri: str, cls: str, props: Iterable[tuple[str, Value]] = ()) -> Ref:
        res = self.resources.get(iri)
        if res is None:
            self.resources[iri] = Resource(iri, [cls], list(props))
        elif cls not in res.types:
            res.types.append(cls)
        return Ref(iri)

    def term(self, iri: str, cls: str, vocab: str | None = None) -> Ref:
        if iri in self.resources:
            return self.add(iri, cls)
        props: list[tuple[str, Value]] = []
        concept = vocabulary(vocab).lookup(iri) if vocab else None
        if concept is not None:
            label = "dcterms:title" if cls == "dcterms:LicenseDocument" else "skos:prefLabel"
            props = [(label, Lit(concept.label_sv, "sv")), (label, Lit(concept.label_en, "en"))]
            if vocab == "theme":
                props.append(("skos:inScheme", self.scheme()))
        return self.add(iri, cls, props)

    def scheme(self) -> Ref:
        return self.add(
            _THEME_SCHEME,
            "skos:ConceptScheme",
            [("dcterms:title", Lit("Datatema", "sv")), ("dcterms:title", Lit("Data theme", "en"))],
        )


@dataclass
class MappingContext:
    base: str
    orgs: dict[str, Organisation]  # by id
    described: Described = field(default_factory=Described)
    published_datasets: set[str] | None = None  # ids a data service may point to

    def __post_init__(self) -> None:
        self.by_name = {o.name: o for o in self.orgs.values()}
        self._publishers: dict[str, Organisation] = {}

    def publisher(self, org_id: str) -> Organisation:
        """Looked up once per organisation: a document names it once per dataset."""
        found = self._publishers.get(org_id)
        if found is None:
            found = self._publishers[org_id] = publisher_of(self.orgs, org_id)
        return found


def publisher_iri(base: str, org: Organisation) -> str:
    if org.data.org_number:
        return f"http://dataportal.se/organisation/SE{org.data.org_number}"
    return f"{base}/organisation/{org.name}"


# --- Value converters: (context, JSON value) -> RDF values -----------------------------------

Converter = Callable[[MappingContext, Any], list[Value]]


def _text(_: MappingContext, value: Mapping[str, str | None] | None) -> list[Value]:
    if not value:
        return []
    return [Lit(text, lang) for lang in ("sv", "en") if (text := value.get(lang))]


def _keywords(_: MappingContext, value: dict[str, list[str]]) -> list[Value]:
    return [Lit(word, lang) for lang in ("sv", "en") for word in value.get(lang, [])]


def _date(_: MappingContext, value: str | None) -> list[Value]:
    return [Lit(value, datatype="xsd:date")] if value else []


def _plain(_: MappingContext, value: str | None) -> list[Value]:
    return [Lit(value)] if value else []


def _terms(cls: str, vocab: str | None = None) -> Converter:
    def convert(ctx: MappingContext, value: str | list[str] | None) -> list[Value]:
        values = [value] if isinstance(value, str) else value or []
        return [ctx.described.term(iri, cls, vocab) for iri in values]

    return convert


def _documents(cls: str) -> Converter:
    def convert(ctx: MappingContext, value: list[dict[str, Any]] | str | None) -> list[Value]:
        refs: list[dict[str, Any]] = [{"url": value}] if isinstance(value, str) else value or []
        out: list[Value] = []
        for ref in refs:
            named = ref.get("title") or None
            if named is None and cls == "dcterms:Standard":  # issue 16: a known specification
                named = standard_title(ref["url"])
            title = [("dcterms:title", t) for t in _text(ctx, named)]
            out.append(ctx.described.add(ref["url"], cls, title))
        return out

    return convert


def _refs(_: MappingContext, value: list[str] | str | None) -> list[Value]:
    values = [value] if isinstance(value, str) else value or []
    return [Ref(v) for v in values]


def _period(_: MappingContext, value: dict[str, str | None] | None) -> list[Value]:
    if not value or not (value.get("start") or value.get("end")):
        return []
    props: list[tuple[str, Value]] = []
    if value.get("start"):
        props.append(("dcat:startDate", Lit(str(value["start"]), datatype="xsd:date")))
    if value.get("end"):
        props.append(("dcat:endDate", Lit(str(value["end"]), datatype="xsd:date")))
    return [Blank(["dcterms:PeriodOfTime"], props)]


def _checksum(ctx: MappingContext, value: str | None) -> list[Value]:
    if not value:
        return []
    return [
        Blank(
            ["spdx:Checksum"],
            [
                ("spdx:algorithm", ctx.described.add(_SPDX_SHA1, "spdx:ChecksumAlgorithm")),
                ("spdx:checksumValue", Lit(value.lower(), datatype="xsd:hexBinary")),
            ],
        )
    ]


def _size(_: MappingContext, value: int | None) -> list[Value]:
    return [] if value is None else [Lit(str(value), datatype="xsd:nonNegativeInteger")]


def _file_type(ctx: MappingContext, value: str | None) -> list[Value]:
    if not value:
        return []
    found = file_types().lookup(value)
    label = [("skos:prefLabel", Lit(found.label, "en"))] if found else []
    return [ctx.described.add(value, "dcterms:MediaTypeOrExtent", label)]


def _media_type(ctx: MappingContext, value: str | None) -> list[Value]:
    return [ctx.described.add(media_type_iri(value), "dcterms:MediaType")] if value else []


Table = list[tuple[str, str, Converter]]

_SHARED_FIELDS: Table = [
    ("title", "dcterms:title", _text),
    ("description", "dcterms:description", _text),
    ("keywords", "dcat:keyword", _keywords),
    ("themes", "dcat:theme", _terms("skos:Concept", "theme")),
    ("access_rights", "dcterms:accessRights", _terms("dcterms:RightsStatement", "access_rights")),
    ("landing_page", "dcat:landingPage", _documents("foaf:Document")),
    ("pages", "foaf:page", _documents("foaf:Document")),
    ("conforms_to", "dcterms:conformsTo", _documents("dcterms:Standard")),
    ("applicable_legislation", "dcatap:applicableLegislation", _terms("eli:LegalResource")),
    ("hvd_categories", "dcatap:hvdCategory", _terms("skos:Concept", "hvd_category")),
]

DATASET_FIELDS: Table = _SHARED_FIELDS + [
    ("identifier", "dcterms:identifier", _plain),
    ("frequency", "dcterms:accrualPeriodicity", _terms("dcterms:Frequency", "frequency")),
    ("issued", "dcterms:issued", _date),
    ("modified", "dcterms:modified", _date),
    ("language", "dcterms:language", _terms("dcterms:LinguisticSystem", "language")),
    ("spatial", "dcterms:spatial", _terms("dcterms:Location")),
    ("temporal", "dcterms:temporal", _period),
    ("version", "dcat:version", _plain),
    ("version_notes", "adms:versionNotes", _text),
]

DISTRIBUTION_FIELDS: Table = [
    ("title", "dcterms:title", _text),
    ("description", "dcterms:description", _text),
    ("access_url", "dcat:accessURL", _refs),
    ("download_url", "dcat:downloadURL", _refs),
    ("format", "dcterms:format", _file_type),
    ("media_type", "dcat:mediaType", _media_type),
    ("license", "dcterms:license", _terms("dcterms:LicenseDocument", "license")),
    ("availability", "dcatap:availability", _terms("skos:Concept", "availability")),
    ("status", "adms:status", _terms("skos:Concept", "distribution_status")),
    ("byte_size", "dcat:byteSize", _size),
    ("checksum_sha1", "spdx:checksum", _checksum),
    ("issued", "dcterms:issued", _date),
    ("modified", "dcterms:modified", _date),
    ("language", "dcterms:language", _terms("dcterms:LinguisticSystem", "language")),
    ("conforms_to", "dcterms:conformsTo", _documents("dcterms:Standard")),
    ("pages", "foaf:page", _documents("foaf:Document")),
    ("applicable_legislation", "dcatap:applicableLegislation", _terms("eli:LegalResource")),
]

DATASERVICE_FIELDS: Table = _SHARED_FIELDS + [
    ("endpoint_urls", "dcat:endpointURL", _refs),
    ("endpoint_description", "dcat:endpointDescription", _refs),
    ("service_type", "dcterms:type", _terms("skos:Concept", "service_type")),
    ("format", "dcterms:format", _file_type),
    ("license", "dcterms:license", _terms("dcterms:LicenseDocument", "license")),
]


def _apply(ctx: MappingContext, table: Table, data: dict[str, Any]) -> list[tuple[str, Value]]:
    props: list[tuple[str, Value]] = []
    for key, predicate, convert in table:
        value = data.get(key)
        if value is None or value == [] or value == "":
            continue
        for converted in convert(ctx, value):
            props.append((predicate, converted))
    return props


# --- Structured values -----------------------------------------------------------------------


def _contact(iri: str, contact: dict[str, Any]) -> Resource:
    kind = "vcard:Individual" if contact.get("kind") == "Individual" else "vcard:Organization"
    props: list[tuple[str, Value]] = [
        ("vcard:fn", Lit(contact["name"], "sv")),
        ("vcard:hasEmail", Ref("mailto:" + contact["email"])),
    ]
    if contact.get("telephone"):
        number = "".join(ch for ch in contact["telephone"] if ch.isdigit() or ch == "+")
        props.append(
            (
                "vcard:hasTelephone",
                Blank(["vcard:Voice"], [("vcard:hasValue", Ref("tel:" + number))]),
            )
        )
    address = contact.get("address") or {}
    parts = [
        ("vcard:street-address", address.get("street")),
        ("vcard:postal-code", address.get("postal_code")),
        ("vcard:locality", address.get("locality")),
        ("vcard:country-name", address.get("country")),
    ]
    address_props: list[tuple[str, Value]] = [(p, Lit(v)) for p, v in parts if v]
    if address_props:
        props.append(("vcard:hasAddress", Blank(["vcard:Address"], address_props)))
    if contact.get("url"):
        props.append(("vcard:hasURL", Ref(contact["url"])))
    return Resource(iri, [kind], props)


def _contact_point(
    ctx: MappingContext, own_iri: str, org_id: str, contact: dict[str, Any] | None
) -> list[Value]:
    """The record's own contact point, or its organisation's (described once per document)."""
    if contact:
        return [_contact(f"{own_iri}/contact", contact)]
    org: Organisation | None = ctx.orgs[org_id]
    while org is not None and org.data.contact_point is None:
        org = ctx.by_name.get(org.data.parent) if org.data.parent else None
    if org is None or org.data.contact_point is None:
        return []
    iri = f"{ctx.base}/organisation/{org.name}/contact"
    if iri not in ctx.described.resources:
        ctx.described.resources[iri] = _contact(iri, org.data.contact_point.model_dump())
    return [Ref(iri)]


def _spatial_box(data: dict[str, Any]) -> list[Value]:
    props: list[tuple[str, Value]] = []
    if data.get("spatial_bbox"):
        props.append(("dcat:bbox", Lit(data["spatial_bbox"], datatype="gsp:wktLiteral")))
    if data.get("spatial_centroid"):
        props.append(("dcat:centroid", Lit(data["spatial_centroid"], datatype="gsp:wktLiteral")))
    return [Blank(["dcterms:Location"], props)] if props else []


# --- Resources -------------------------------------------------------------------------------


def agent_resource(ctx: MappingContext, org: Organisation) -> Resource:
    """The publisher, as DCAT-AP-SE 3.0.1 describes an Agent (foaf:name and dcterms:type
    mandatory, organisation number as dcterms:identifier)."""
    d = org.data
    props: list[tuple[str, Value]] = [("foaf:name", v) for v in _text(ctx, d.title.model_dump())]
    publisher_type = publisher_type_of(ctx.orgs, org)
    if publisher_type:
        props.append(
            ("dcterms:type", ctx.described.term(publisher_type, "skos:Concept", "publisher_type"))
        )
    if d.org_number:
        props.append(("dcterms:identifier", Lit(d.org_number)))
    if d.description:
        props += [("dcterms:description", v) for v in _text(ctx, d.description.model_dump())]
    if d.homepage:
        props.append(("foaf:homepage", ctx.described.add(d.homepage, "foaf:Document")))
    if d.email:
        props.append(("foaf:mbox", Ref("mailto:" + d.email)))
    if d.fee_financed:
        props.append(("org:classification", Ref(_FEE_FINANCED)))
    return Resource(publisher_iri(ctx.base, org), ["foaf:Organization", "foaf:Agent"], props)


def dataset_resource(
    ctx: MappingContext,
    dataset_id: str,
    org_id: str,
    data: dict[str, Any],
    dists: list[tuple[str, dict[str, Any]]],
) -> Resource:
    iri = f"{ctx.base}/dataset/{dataset_id}"
    props = _apply(ctx, DATASET_FIELDS, data)
    props.append(("dcterms:publisher", Ref(publisher_iri(ctx.base, ctx.publisher(org_id)))))
    props += [
        ("dcat:contactPoint", v)
        for v in _contact_point(ctx, iri, org_id, data.get("contact_point"))
    ]
    props += [("dcterms:spatial", v) for v in _spatial_box(data)]
    if data.get("provenance"):
        statement = Blank(
            ["dcterms:ProvenanceStatement"],
            [("dcterms:description", v) for v in _text(ctx, data["provenance"])],
        )
        props.append(("dcterms:provenance", statement))
    for dist_id, dist in dists:
        dist_iri = f"{iri}/distribution/{dist_id}"
        props.append(("dcat:distribution", _distribution(ctx, dist_iri, dist, data.get("license"))))
    return Resource(iri, ["dcat:Dataset"], props)


def _distribution(
    ctx: MappingContext, iri: str, data: dict[str, Any], default_license: str | None
) -> Resource:
    if not data.get("license") and default_license:
        data = {**data, "license": default_license}
    props = _apply(ctx, DISTRIBUTION_FIELDS, data)
    for service_id in data.get("access_services", []):
        props.append(("dcat:accessService", Ref(f"{ctx.base}/dataservice/{service_id}")))
    return Resource(iri, ["dcat:Distribution"], props)


def dataservice_resource(
    ctx: MappingContext, service_id: str, org_id: str, data: dict[str, Any]
) -> Resource:
    iri = f"{ctx.base}/dataservice/{service_id}"
    props = _apply(ctx, DATASERVICE_FIELDS, data)
    props.append(("dcterms:publisher", Ref(publisher_iri(ctx.base, ctx.publisher(org_id)))))
    props += [
        ("dcat:contactPoint", v)
        for v in _contact_point(ctx, iri, org_id, data.get("contact_point"))
    ]
    for dataset_id in data.get("serves_datasets", []):
        if ctx.published_datasets is None or dataset_id in ctx.published_datasets:
            props.append(("dcat:servesDataset", Ref(f"{ctx.base}/dataset/{dataset_id}")))
    return Resource(iri, ["dcat:DataService"], props)


@dataclass(frozen=True)
class CatalogInfo:
    iri: str
    title: dict[str, str]
    description: dict[str, str]
    publisher: Organisation
    issued: str | None  # xsd:date of the oldest published dataset
    modified: str | None  # xsd:dateTime of the latest change


def catalog_resource(ctx: MappingContext, info: CatalogInfo) -> Resource:
    """The catalogue's own description; its datasets and services follow as members."""
    props: list[tuple[str, Value]] = []
    props += [("dcterms:title", v) for v in _text(ctx, info.title)]
    props += [("dcterms:description", v) for v in _text(ctx, info.description)]
    props.append(("dcterms:publisher", Ref(publisher_iri(ctx.base, info.publisher))))
    props.append(
        (
            "dcterms:license",
            ctx.described.term(CATALOG_LICENCE, "dcterms:LicenseDocument", "license"),
        )
    )
    language = "http://publications.europa.eu/resource/authority/language/"
    for code in ("SWE", "ENG"):
        props.append(
            (
                "dcterms:language",
                ctx.described.term(language + code, "dcterms:LinguisticSystem", "language"),
            )
        )
    props.append(("foaf:homepage", ctx.described.add(ctx.base + "/", "foaf:Document")))
    props.append(("dcterms:spatial", ctx.described.add(_SWEDEN, "dcterms:Location")))
    props.append(("dcat:themeTaxonomy", ctx.described.scheme()))
    if info.issued:
        props.append(("dcterms:issued", Lit(info.issued, datatype="xsd:date")))
    if info.modified:
        props.append(("dcterms:modified", Lit(info.modified, datatype="xsd:dateTime")))
    return Resource(info.iri, ["dcat:Catalog"], props)
