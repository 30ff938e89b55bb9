"""DCAT RDF → the catalogue's records, forgiving as a harvester must be (NOTES.md §10 item 17).

Reads DCAT-AP-SE 1.x to 3.x and DCAT-AP 2 and 3 alike: one table per class says which
property fills which field; small readers turn values into the model's (texts by language
tag, IRIs given as IRIs or as `xsd:anyURI` literals, dates in any of the lexical forms found in
the wild, formats as EU file-type IRIs, IANA literals, `dct:IMT` nodes or INSPIRE media types,
themes as EU themes or INSPIRE themes via the alignments). Whether a value is allowed is left to
the catalogue's own rules (`settle.py`), so the harvester and the forms cannot disagree.

Texts: Swedish is the text of record. A literal tagged as transformed content (RFC 6497 `-t-`,
e.g. `sv-t-en-t0-mtec`, machine translation) is used when nothing else is there, and the field
is marked machine-translated; an untagged literal counts as Swedish, another language is used
only when there is no Swedish, and each such choice is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS
from rdflib.term import Node

from torget.harvest.alignments import EU_THEMES, eu_file_type_for, eu_themes_for
from torget.harvest.problems import Problem
from torget.harvest.records import Harvested, Publisher

__all__ = ["records_from_graph", "dataset_nodes"]

# rdflib's DCAT namespace is closed at DCAT 2 (no dcat:version); an open one reads DCAT 3 too.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SCHEMA = Namespace("http://schema.org/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
_SE_PUBLISHER = re.compile(r"/organisation/SE(\d{10})")
_OLD_AVAILABILITY = "http://data.europa.eu/r5r/availability/"
_AVAILABILITY = "http://publications.europa.eu/resource/authority/planned-availability/"
_ADMS_STATUS = "http://purl.org/adms/status/"
_EU_STATUS = "http://publications.europa.eu/resource/authority/distribution-status/"
_STATUS = {
    "Completed": "COMPLETED",
    "Deprecated": "DEPRECATED",
    "UnderDevelopment": "DEVELOP",
    "Withdrawn": "WITHDRAWN",
}


class _Reader:
    """Reads one dataset's nodes, collecting problems against its IRI."""

    def __init__(self, graph: Graph, iri: str) -> None:
        self.g = graph
        self.iri = iri
        self.problems: list[Problem] = []
        self.machine_translated: list[str] = []

    def warn(self, code: str, prop: str, detail: str) -> None:
        self.problems.append(Problem(code, self.iri, prop, detail))

    # --- values ---------------------------------------------------------------------------

    def url(self, node: Node | None, prop: str) -> str | None:
        if node is None or isinstance(node, BNode):
            return None
        text = str(node).strip()
        if not text:
            return None
        if re.search(r"\s", text):
            fixed = quote(text, safe=":/?#[]@!$&'()*+,;=%~")
            self.warn("invalid_iri", prop, f"{text!r} has spaces; used {fixed!r}")
            return fixed
        return text

    def urls(self, subject: Node, predicate: URIRef, prop: str) -> list[str]:
        found = (self.url(o, prop) for o in self.g.objects(subject, predicate))
        return list(dict.fromkeys(u for u in found if u))

    def first_url(self, subject: Node, predicate: URIRef, prop: str) -> str | None:
        return next(iter(self.urls(subject, predicate, prop)), None)

    def text(
        self, subject: Node, predicate: URIRef, field: str, prop: str, one_line: bool = True
    ) -> dict[str, str] | None:
        literals = [o for o in self.g.objects(subject, predicate) if isinstance(o, Literal)]
        if not literals:
            return None
        sv = _pick(literals, "sv", translated=False)
        en = _pick(literals, "en", translated=False)
        if sv is None and (sv := _untagged(literals)) is None:
            if (sv := _pick(literals, "sv", translated=True)) is not None:
                self._translated(f"{field}.sv", prop)
            elif en is not None or (en := _pick(literals, "en", translated=True)) is not None:
                sv = en
                self.warn("no_swedish_text", prop, f"{field}: no Swedish text; English used")
            else:
                sv = literals[0]
                self.warn("no_swedish_text", prop, f"{field}: in {sv.language!r}, not Swedish")
        if en is None and (en := _pick(literals, "en", translated=True)) is not None:
            self._translated(f"{field}.en", prop)
        out = {"sv": _clean(str(sv), one_line)}
        if en is not None and en is not sv:
            out["en"] = _clean(str(en), one_line)
        return out

    def _translated(self, field: str, prop: str) -> None:
        self.machine_translated.append(field)
        self.warn("machine_translated", prop, f"{field} is machine translated")

    def date(self, subject: Node, predicate: URIRef, prop: str) -> str | None:
        value = self.g.value(subject, predicate)
        if value is None:
            return None
        parsed = _date(str(value).strip())
        if parsed is None:
            self.warn("unmapped_value", prop, f"{str(value)!r} is not a date")
        return parsed.isoformat() if parsed else None

    def literal(self, subject: Node, predicate: URIRef) -> str | None:
        value = self.g.value(subject, predicate)
        return (
            _clean(str(value), True) if isinstance(value, Literal) and str(value).strip() else None
        )


def _base_lang(literal: Literal) -> str:
    return (literal.language or "").lower().split("-", 1)[0]


def _is_transformed(literal: Literal) -> bool:
    return "-t-" in (literal.language or "").lower()


def _pick(literals: list[Literal], lang: str, *, translated: bool) -> Literal | None:
    return next(
        (lit for lit in literals if _base_lang(lit) == lang and _is_transformed(lit) == translated),
        None,
    )


def _untagged(literals: list[Literal]) -> Literal | None:
    return next((lit for lit in literals if not lit.language), None)


def _clean(text: str, one_line: bool) -> str:
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    return " ".join(text.split()) if one_line else text.strip()


def _date(text: str) -> dt.date | None:
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 1, 1)
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    try:
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


# --- Dataset -------------------------------------------------------------------------------


def dataset_nodes(graph: Graph) -> list[Node]:
    """Every dataset the graph describes: typed dcat:Dataset or listed by a catalogue."""
    nodes = dict.fromkeys(graph.subjects(RDF.type, DCAT.Dataset))
    nodes.update(dict.fromkeys(graph.objects(None, DCAT.dataset)))
    return [n for n in nodes if not isinstance(n, Literal)]


def _catalogue_of(graph: Graph, node: Node) -> Node | None:
    return next(iter(graph.subjects(DCAT.dataset, node)), None)


def _described(r: _Reader, node: Node, out: dict[str, Any]) -> None:
    g = r.g
    keywords: dict[str, list[str]] = {"sv": [], "en": []}
    for kw in g.objects(node, DCAT.keyword):
        if isinstance(kw, Literal) and str(kw).strip():
            lang = "en" if _base_lang(kw) == "en" else "sv"
            keywords[lang].append(_clean(str(kw), True)[:100])
    out["keywords"] = keywords
    out["themes"] = _themes(r, node)
    for field, predicate, prop in (
        ("access_rights", DCTERMS.accessRights, "dcterms:accessRights"),
        ("license", DCTERMS.license, "dcterms:license"),
        ("landing_page", DCAT.landingPage, "dcat:landingPage"),
    ):
        out[field] = r.first_url(node, predicate, prop)
    out["pages"] = [{"url": u} for u in r.urls(node, FOAF.page, "foaf:page")]
    out["conforms_to"] = [
        {"url": u} for u in r.urls(node, DCTERMS.conformsTo, "dcterms:conformsTo")
    ]
    out["applicable_legislation"] = r.urls(
        node, DCATAP.applicableLegislation, "dcatap:applicableLegislation"
    )
    out["hvd_categories"] = r.urls(node, DCATAP.hvdCategory, "dcatap:hvdCategory")
    out["contact_point"] = _contact(r, g.value(node, DCAT.contactPoint))


def _themes(r: _Reader, node: Node) -> list[str]:
    themes: list[str] = []
    for theme in r.urls(node, DCAT.theme, "dcat:theme"):
        if theme.replace("https://", "http://").startswith(EU_THEMES):
            themes.append(theme.replace("https://", "http://").rstrip("/"))
        elif mapped := eu_themes_for(theme):
            themes.extend(mapped)
            r.warn("mapped_value", "dcat:theme", f"{theme} → {', '.join(mapped)}")
        else:
            r.warn("unmapped_value", "dcat:theme", f"{theme} is not an EU data theme")
    return list(dict.fromkeys(themes))


def _contact(r: _Reader, node: Node | None) -> dict[str, Any] | None:
    if node is None:
        return None
    g = r.g
    name = r.literal(node, VCARD.fn) or r.literal(node, VCARD["organization-name"])
    email = r.url(g.value(node, VCARD.hasEmail), "vcard:hasEmail")
    if email is None and isinstance(mail := g.value(node, VCARD.hasEmail), BNode):
        email = r.url(g.value(mail, VCARD.hasValue), "vcard:hasEmail")
    if not name or not email:
        r.warn(
            "unmapped_value",
            "dcat:contactPoint",
            "a contact point needs vcard:fn and vcard:hasEmail; left out",
        )
        return None
    kind = "Individual" if (node, RDF.type, VCARD.Individual) in g else "Organization"
    phone = g.value(node, VCARD.hasTelephone)
    telephone = None
    if phone is not None:
        value = g.value(phone, VCARD.hasValue) if isinstance(phone, BNode) else phone
        telephone = str(value).removeprefix("tel:") if value is not None else None
    url = r.first_url(node, VCARD.hasURL, "vcard:hasURL")
    email = email.removeprefix("mailto:")
    return {"kind": kind, "name": name[:500], "email": email, "telephone": telephone, "url": url}


def _dataset(r: _Reader, node: Node) -> dict[str, Any]:
    g = r.g
    out: dict[str, Any] = {"state": "published"}
    title = r.text(node, DCTERMS.title, "title", "dcterms:title")
    if title is None:
        raise _Skip("missing_title", "dcterms:title", "the dataset has no title")
    out["title"] = title
    out["description"] = r.text(
        node, DCTERMS.description, "description", "dcterms:description", one_line=False
    )
    if out["description"] is None:
        r.warn("missing_description", "dcterms:description", "no description; the title used")
        out["description"] = dict(title)
    _described(r, node, out)
    ident = r.literal(node, DCTERMS.identifier)
    out["identifier"] = ident
    out["frequency"] = r.first_url(node, DCTERMS.accrualPeriodicity, "dcterms:accrualPeriodicity")
    out["issued"] = r.date(node, DCTERMS.issued, "dcterms:issued")
    out["modified"] = r.date(node, DCTERMS.modified, "dcterms:modified")
    out["language"] = r.urls(node, DCTERMS.language, "dcterms:language")
    _spatial(r, node, out)
    _temporal(r, node, out)
    out["version"] = r.literal(node, DCAT.version) or r.literal(node, OWL.versionInfo)
    out["version_notes"] = r.text(
        node, ADMS.versionNotes, "version_notes", "adms:versionNotes", False
    )
    provenance = g.value(node, DCTERMS.provenance)
    if provenance is not None:
        out["provenance"] = r.text(
            provenance, DCTERMS.description, "provenance", "dcterms:provenance", False
        )
    out["distributions"] = [
        d
        for i, dist in enumerate(g.objects(node, DCAT.distribution))
        if (d := _distribution(r, dist, i))
    ]
    return out


def _spatial(r: _Reader, node: Node, out: dict[str, Any]) -> None:
    places: list[str] = []
    for place in r.g.objects(node, DCTERMS.spatial):
        if isinstance(place, URIRef):
            places.extend(u for u in [r.url(place, "dcterms:spatial")] if u)
            continue
        for field, predicate in (
            ("spatial_bbox", DCAT.bbox),
            ("spatial_centroid", DCAT.centroid),
            ("spatial_bbox", LOCN.geometry),
        ):
            value = r.g.value(place, predicate)
            if value is not None and not out.get(field):
                text = str(value).strip()
                if text.upper().startswith("<HTTP"):  # a CRS prefix in the WKT literal
                    text = text.split(">", 1)[1].strip()
                if field == "spatial_bbox" and not text.upper().startswith(
                    ("POLYGON", "MULTIPOLYGON")
                ):
                    continue
                out[field] = text
    out["spatial"] = places


def _temporal(r: _Reader, node: Node, out: dict[str, Any]) -> None:
    period = r.g.value(node, DCTERMS.temporal)
    if period is None:
        return
    start = r.date(period, DCAT.startDate, "dcat:startDate") or r.date(
        period, SCHEMA.startDate, "schema:startDate"
    )
    end = r.date(period, DCAT.endDate, "dcat:endDate") or r.date(
        period, SCHEMA.endDate, "schema:endDate"
    )
    if start or end:
        out["temporal"] = {"start": start, "end": end}


def _distribution(r: _Reader, node: Node, index: int) -> dict[str, Any] | None:
    g = r.g
    out: dict[str, Any] = {}
    out["title"] = r.text(node, DCTERMS.title, f"distributions.{index}.title", "dcterms:title")
    out["description"] = r.text(
        node,
        DCTERMS.description,
        f"distributions.{index}.description",
        "dcterms:description",
        one_line=False,
    )
    downloads = r.urls(node, DCAT.downloadURL, "dcat:downloadURL")
    out["download_url"] = downloads[0] if downloads else None
    out["access_url"] = r.first_url(node, DCAT.accessURL, "dcat:accessURL") or out["download_url"]
    out["format"] = _format(r, node, out)
    media = g.value(node, DCAT.mediaType)
    out["media_type"] = None
    if media is not None and "/" in str(media):
        out["media_type"] = (
            str(media)
            .removeprefix("https://")
            .removeprefix("http://")
            .removeprefix("www.iana.org/assignments/media-types/")
        )
    if not out["access_url"] or not out["format"]:
        missing = "dcat:accessURL" if not out["access_url"] else "dcterms:format"
        detail = f"distribution {str(node)!r} has no {missing}"
        r.problems.append(Problem("distribution_dropped", r.iri, missing, detail, "error"))
        return None
    out["license"] = r.first_url(node, DCTERMS.license, "dcterms:license")
    availability = r.first_url(node, DCATAP.availability, "dcatap:availability")
    if availability and availability.startswith(_OLD_AVAILABILITY):
        # DCAT-AP 2's own IRIs, retired for the planned-availability NAL (NOTES.md §10 item 1)
        availability = _AVAILABILITY + availability.removeprefix(_OLD_AVAILABILITY).upper()
    out["availability"] = availability
    status = r.first_url(node, ADMS.status, "adms:status")
    if status and status.startswith(_ADMS_STATUS):
        eu = _STATUS.get(status.removeprefix(_ADMS_STATUS))
        status = _EU_STATUS + eu if eu else None
    out["status"] = status
    size = g.value(node, DCAT.byteSize)
    if size is not None:
        digits = re.sub(r"[^\d]", "", str(size).split(".")[0])
        out["byte_size"] = int(digits) if digits else None
    checksum = g.value(node, SPDX.checksum)
    if checksum is not None and (value := g.value(checksum, SPDX.checksumValue)) is not None:
        out["checksum_sha1"] = str(value).strip() if len(str(value).strip()) == 40 else None
    out["issued"] = r.date(node, DCTERMS.issued, "dcterms:issued")
    out["modified"] = r.date(node, DCTERMS.modified, "dcterms:modified")
    out["language"] = r.urls(node, DCTERMS.language, "dcterms:language")
    out["conforms_to"] = [
        {"url": u} for u in r.urls(node, DCTERMS.conformsTo, "dcterms:conformsTo")
    ]
    out["pages"] = [{"url": u} for u in r.urls(node, FOAF.page, "foaf:page")]
    out["applicable_legislation"] = r.urls(
        node, DCATAP.applicableLegislation, "dcatap:applicableLegislation"
    )
    return out


def _format(r: _Reader, node: Node, dist: dict[str, Any]) -> str | None:
    """dcterms:format as an EU file-type IRI, an IANA literal or a dct:IMT node (rdf:value,
    rdfs:label); else dcat:mediaType; else the download address's extension."""
    g = r.g
    for given in [*g.objects(node, DCTERMS.format), *g.objects(node, DCAT.mediaType)]:
        value: Node | None = given
        if isinstance(given, BNode):
            value = g.value(given, RDF.value) or g.value(given, RDFS.label)
        if value is None:
            continue
        text = str(value).strip()
        if "inspire.ec.europa.eu/media-types" in text:
            return eu_file_type_for(text) or text
        if text:
            return text.removeprefix("http://www.iana.org/assignments/media-types/").removeprefix(
                "https://www.iana.org/assignments/media-types/"
            )
    for url in (dist.get("download_url"), dist.get("access_url")):
        if url and (m := re.search(r"\.([A-Za-z0-9]{2,7})(?:[?#]|$)", url.rsplit("/", 1)[-1])):
            return m[1].lower()
    return None


# --- Publisher -----------------------------------------------------------------------------


def _publisher(r: _Reader, node: Node | None) -> Publisher | None:
    if node is None:
        return None
    g = r.g
    name = r.text(node, FOAF.name, "publisher", "foaf:name")
    if name is None:
        label = r.literal(node, RDFS.label) or r.literal(node, VCARD.fn)
        name = {"sv": label} if label else None
    iri = str(node) if isinstance(node, URIRef) else None
    if name is None:
        if iri is None:
            r.warn(
                "publisher_unresolved", "dcterms:publisher", "a blank-node publisher without a name"
            )
        return None
    number = r.literal(node, DCTERMS.identifier)
    if iri and (m := _SE_PUBLISHER.search(iri)):
        number = number or m[1]
    kind = g.value(node, DCTERMS.type)
    return Publisher(
        iri=iri,
        name_sv=name["sv"][:200],
        name_en=name.get("en"),
        org_number=number,
        publisher_type=str(kind) if isinstance(kind, URIRef) else None,
        homepage=r.first_url(node, FOAF.homepage, "foaf:homepage"),
    )


# --- The whole graph -----------------------------------------------------------------------


class _Skip(Exception):
    def __init__(self, code: str, prop: str, detail: str) -> None:
        super().__init__(detail)
        self.problem = (code, prop, detail)


def _identity(graph: Graph, node: Node) -> str | None:
    """The key a dataset is known by across runs: its IRI; for a blank node, its identifier."""
    if isinstance(node, URIRef):
        return str(node)
    ident = graph.value(node, DCTERMS.identifier)
    return f"urn:torget:identifier:{str(ident).strip()}" if ident is not None else None


def records_from_graph(
    graph: Graph, progress: Callable[[int], None] | None = None
) -> tuple[list[Harvested], list[Problem], set[str]]:
    """The datasets of a DCAT graph as records, the problems met, and every dataset key seen."""
    records: list[Harvested] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, node in enumerate(dataset_nodes(graph)):
        if progress and i % 500 == 0:
            progress(i)
        record = _record(graph, node, problems, seen)
        if record is not None:
            records.append(record)
    return records, problems, seen


def _record(graph: Graph, node: Node, problems: list[Problem], seen: set[str]) -> Harvested | None:
    key = _identity(graph, node)
    if key is None:
        title = graph.value(node, DCTERMS.title)
        problems.append(
            Problem(
                "blank_node_dataset",
                "",
                "dcat:Dataset",
                f"a blank-node dataset ({str(title or 'untitled')!r}) "
                "without dcterms:identifier was skipped",
                "error",
            )
        )
        return None
    if isinstance(node, BNode):
        problems.append(
            Problem(
                "blank_node_dataset",
                key,
                "dcat:Dataset",
                "a blank-node dataset, known by its identifier",
            )
        )
    if key in seen:
        problems.append(
            Problem(
                "duplicate_dataset", key, "dcat:Dataset", "described twice; the first kept", "error"
            )
        )
        return None
    seen.add(key)
    reader = _Reader(graph, key)
    try:
        data = _dataset(reader, node)
    except _Skip as skip:
        problems.extend(reader.problems)
        code, prop, detail = skip.problem
        problems.append(Problem(code, key, prop, detail, "error"))
        return None
    publisher_node = graph.value(node, DCTERMS.publisher)
    if publisher_node is None and (catalogue := _catalogue_of(graph, node)) is not None:
        publisher_node = graph.value(catalogue, DCTERMS.publisher)
    publisher = _publisher(reader, publisher_node)
    problems.extend(reader.problems)
    return Harvested(key, data, publisher, reader.machine_translated)
