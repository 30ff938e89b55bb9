"""Check the Swedish harvesting rules that the DCAT-AP-SE property tables do not show.

Sveriges dataportal harvests one RDF document per organisation and is strict about identity:
see `shared/specs/dcat/NOTES.md` §5 (rules from DIGG's harvesting.md, recommendations.md and
faq.md), §6 (what makes a harvest fail or degrade) and §9.1 layer 3. Each rule below names the
problem the portal would have with the graph, so the message can say what to do instead.

* No blank nodes for Catalog, Dataset, Distribution, publisher or contact point.
* Every IRI absolute, with an http(s), ftp(s), mailto or tel scheme, and valid RFC 3987
  (ftp(s) because DCAT-AP-SE's `dcat:downloadURL` pattern allows it).
* The catalogue licence is exactly CC0 `http://creativecommons.org/publicdomain/zero/1.0/`;
  every Creative Commons licence IRI is in canonical form (http, no deed page, final slash).
* Publisher IRIs follow `http://dataportal.se/organisation/SE<orgnr>` (warning).
* Each dataset has a UUID `dcterms:identifier`, which drives cross-catalogue dedup (warning).
* No `dcat:CatalogRecord`; `dcterms:hasPart` sub-catalogues one level deep, no cycles.
* A publisher IRI is never reused as a contact point IRI.
* Free text (title, description, keyword, name) is language-tagged, title and description in sv.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from torget.dcat.findings import Finding, Severity, class_label, curie, node_label

__all__ = ["check_harvest_rules", "iri_problem", "canonical_licence"]

CATALOG_LICENCE = "http://creativecommons.org/publicdomain/zero/1.0/"
PUBLISHER_IRI = re.compile(r"^http://dataportal\.se/organisation/SE\d{10}(-\w+)?$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SCHEMES = ("http", "https", "ftp", "ftps", "mailto", "tel")

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

# RFC 3987 §2.2: the character classes of an IRI.
_UCSCHAR = "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef" + "".join(
    f"{chr(plane)}-{chr(plane + 0xFFFD)}" for plane in range(0x10000, 0xE0000, 0x10000)
)
_UCSCHAR += "\U000e1000-\U000efffd"
_IPRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_PCT = "%[0-9A-Fa-f]{2}"
_UNRESERVED = rf"A-Za-z0-9\-._~{_UCSCHAR}"
_SUB_DELIMS = "!$&'()*+,;="
_IPCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_AUTHORITY = (
    rf"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?"
    rf"(?:\[[0-9A-Fa-f:.vV]+\]|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})+)(?::[0-9]*)?"
)
_TAIL = rf"(?:\?(?:{_IPCHAR}|[/?{_IPRIVATE}])*)?(?:#(?:{_IPCHAR}|[/?])*)?"
_IRI = re.compile(
    rf"[A-Za-z][A-Za-z0-9+\-.]*:(?://{_AUTHORITY}(?:/{_IPCHAR}*)*|(?!//)(?:{_IPCHAR}|/)*){_TAIL}\Z"
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+\-.]*):")
_CC = re.compile(
    r"^https?://(?:www\.)?creativecommons\.org/"
    r"(licenses/[a-z-]+/\d\.\d|publicdomain/zero/1\.0|publicdomain/mark/1\.0)(?:/.*)?$",
    re.IGNORECASE,
)
_MAIN_TYPES = (
    (DCAT.Catalog, "Catalog"),
    (DCAT.Dataset, "Dataset"),
    (DCAT.Distribution, "Distribution"),
)
_FREE_TEXT = (DCTERMS.title, DCTERMS.description, DCAT.keyword, FOAF.name)
_NEEDS_SWEDISH = (DCTERMS.title, DCTERMS.description)


def _finding(
    severity: Severity, graph: Graph, node: Node, path: str, message: str, label: str = ""
) -> Finding:
    focus_class = label or class_label(graph, node)
    return Finding(severity, node_label(node), focus_class, path, message, "harvest")


def iri_problem(iri: str) -> str | None:
    """Why dataportal.se would refuse this IRI (relative, odd scheme, not RFC 3987), or None."""
    scheme = _SCHEME.match(iri)
    if not scheme:
        return f"<{iri}> is a relative IRI; every IRI must be absolute"
    if scheme.group(1).lower() not in SCHEMES:
        return f"<{iri}> has scheme {scheme.group(1)}:, use http(s) (mailto:/tel: for contacts)"
    if " " in iri:
        return f"<{iri}> contains a space; encode it as %20 (RFC 3987)"
    rest = iri[len(scheme.group(0)) :]
    if scheme.group(1).lower() not in ("mailto", "tel") and not _has_host(rest):
        return f"<{iri}> has no host (write it as {scheme.group(1)}://host/…)"
    if not _IRI.match(iri):
        return f"<{iri}> is not a valid RFC 3987 IRI (check unencoded or reserved characters)"
    return None


def _has_host(rest: str) -> bool:
    return rest.startswith("//") and rest[2:3] not in ("", "/", "?", "#")


def canonical_licence(iri: str) -> str | None:
    """The canonical form of a Creative Commons licence IRI (http, final slash), else None."""
    match = _CC.match(iri)
    return f"http://creativecommons.org/{match.group(1).lower()}/" if match else None


# --- rules -----------------------------------------------------------------------------------


def _check_blank_nodes(graph: Graph) -> Iterator[Finding]:
    found: dict[Node, tuple[str, str]] = {}
    for cls, label in _MAIN_TYPES:
        found.update((n, (label, "rdf:type")) for n in graph.subjects(RDF.type, cls))
    linked = (
        (DCAT.dataset, "Dataset"),
        (DCAT.distribution, "Distribution"),
        (DCTERMS.publisher, "Agent"),
        (DCAT.contactPoint, "ContactPoint"),
    )
    for predicate, label in linked:
        for node in graph.objects(None, predicate):
            found.setdefault(node, (label, curie(str(predicate))))
    for node, (label, path) in sorted(found.items(), key=lambda item: str(item[0])):
        if isinstance(node, BNode):
            message = f"{label} is a blank node; dataportal.se needs a stable IRI to identify it"
            yield _finding("violation", graph, node, path, message, label)


def _iris(graph: Graph) -> Iterable[URIRef]:
    seen: set[URIRef] = set()
    for triple in graph:
        seen.update(term for term in triple if isinstance(term, URIRef))
    return sorted(seen)


def _check_iris(graph: Graph) -> Iterator[Finding]:
    for iri in _iris(graph):
        problem = iri_problem(str(iri))
        if problem is None:
            continue
        used = next(graph.subject_predicates(iri), None)
        if used:
            yield _finding("violation", graph, used[0], curie(str(used[1])), problem)
        else:
            yield _finding("violation", graph, iri, "(IRI)", problem)


def _check_licences(graph: Graph) -> Iterator[Finding]:
    catalogs = set(graph.subjects(RDF.type, DCAT.Catalog))
    for node, licence in sorted(graph.subject_objects(DCTERMS.license), key=str):
        if node in catalogs:
            if str(licence) != CATALOG_LICENCE:
                message = f"catalogue licence must be exactly <{CATALOG_LICENCE}> (CC0)"
                yield _finding("violation", graph, node, "dcterms:license", message)
            continue
        canonical = canonical_licence(str(licence))
        if canonical and canonical != str(licence):
            message = f"<{licence}> is not the canonical Creative Commons IRI; write <{canonical}>"
            yield _finding("violation", graph, node, "dcterms:license", message)


def _check_publishers(graph: Graph) -> Iterator[Finding]:
    publishers = {p for p in graph.objects(None, DCTERMS.publisher) if isinstance(p, URIRef)}
    for publisher in sorted(publishers):
        if not PUBLISHER_IRI.match(str(publisher)):
            message = (
                "publisher IRI should be http://dataportal.se/organisation/SE<10-digit orgnr> "
                "so that dataportal.se merges it with the same organisation from other sources"
            )
            yield _finding("warning", graph, publisher, "dcterms:publisher", message, "Agent")
    contacts = {c for c in graph.objects(None, DCAT.contactPoint) if isinstance(c, URIRef)}
    for both in sorted(publishers & contacts):
        message = "the same IRI is used for a publisher and a contact point; give each its own"
        yield _finding("violation", graph, both, "dcat:contactPoint", message, "ContactPoint")


def _check_identifiers(graph: Graph) -> Iterator[Finding]:
    for dataset in sorted(graph.subjects(RDF.type, DCAT.Dataset), key=str):
        identifiers = [str(i) for i in graph.objects(dataset, DCTERMS.identifier)]
        if not identifiers:
            message = "no dcterms:identifier; give a UUID so dataportal.se can deduplicate"
        elif not any(UUID.match(i) for i in identifiers):
            message = f'identifier "{identifiers[0]}" is not a UUID; dataportal.se dedups on UUIDs'
        else:
            continue
        yield _finding("warning", graph, dataset, "dcterms:identifier", message, "Dataset")


def _check_catalog_records(graph: Graph) -> Iterator[Finding]:
    records = set(graph.subjects(RDF.type, DCAT.CatalogRecord))
    records.update(graph.objects(None, DCAT.record))
    for record in sorted(records, key=str):
        message = "dcat:CatalogRecord is not allowed: dataportal.se cannot harvest it"
        yield _finding("violation", graph, record, "rdf:type", message, "CatalogRecord")


def _reaches(edges: dict[Node, set[Node]], start: Node, goal: Node) -> bool:
    stack, seen = list(edges.get(start, ())), set()
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return False


def _check_has_part(graph: Graph) -> Iterator[Finding]:
    catalogs = set(graph.subjects(RDF.type, DCAT.Catalog))
    edges: dict[Node, set[Node]] = {}
    for parent, part in graph.subject_objects(DCTERMS.hasPart):
        if parent in catalogs:
            edges.setdefault(parent, set()).add(part)
    for parent in sorted(edges, key=str):
        for part in sorted(edges[parent], key=str):
            if _reaches(edges, part, parent):
                message = f"dcterms:hasPart cycle through <{part}>; sub-catalogues must not loop"
            elif part not in catalogs:
                message = f"sub-catalogue <{part}> is not typed dcat:Catalog"
            elif part in edges:
                message = f"sub-catalogue <{part}> has sub-catalogues itself; only one level"
            else:
                continue
            yield _finding("violation", graph, parent, "dcterms:hasPart", message, "Catalog")


def _check_free_text(graph: Graph) -> Iterator[Finding]:
    for predicate in _FREE_TEXT:
        path = curie(str(predicate))
        by_subject: dict[Node, list[Literal]] = {}
        for node, value in graph.subject_objects(predicate):
            if isinstance(value, Literal):
                by_subject.setdefault(node, []).append(value)
        for node, values in sorted(by_subject.items(), key=lambda item: str(item[0])):
            for value in sorted(v for v in values if not v.language):
                message = f'"{value}" has no language tag; write free text as "…"@sv'
                yield _finding("violation", graph, node, path, message)
            if predicate in _NEEDS_SWEDISH and not any(_is_swedish(v) for v in values):
                message = "no Swedish (@sv) value; dataportal.se shows the sv text by default"
                yield _finding("warning", graph, node, path, message)


def _is_swedish(value: Literal) -> bool:
    language = (value.language or "").lower()
    return language == "sv" or language.startswith("sv-")


def check_harvest_rules(graph: Graph) -> list[Finding]:
    """All findings of the Swedish harvesting rules (NOTES.md §5, §6, §9.1 layer 3)."""
    rules = (
        _check_blank_nodes,
        _check_iris,
        _check_licences,
        _check_publishers,
        _check_identifiers,
        _check_catalog_records,
        _check_has_part,
        _check_free_text,
    )
    return [finding for rule in rules for finding in rule(graph)]
