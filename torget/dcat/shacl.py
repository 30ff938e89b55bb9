"""Check a catalogue graph with the official SEMIC DCAT-AP 3.0.0 SHACL shapes (pyshacl).

This is layer 4 of `shared/specs/dcat/NOTES.md` §9.1: the EU view that data.europa.eu takes of
the catalogue. The shapes are `torget/specdata/dcat-ap-3.0.0-SHACL.ttl`, the well-formed 3.0.0
file with the ranges included (the 3.0.1 file has dangling property shapes, NOTES.md §9.3).

The shapes' range checks are `sh:class`, so pyshacl runs with RDFS inference and an ontology
graph (NOTES.md §9.3) made of

* `ONTOLOGY`, hand-written RDFS axioms from the vocabularies' own specifications: the class
  hierarchies of the W3C vCard ontology and FOAF 0.99, the DCMI Metadata Terms subclasses of
  `dcterms:MediaTypeOrExtent` and `dcterms:RightsStatement`, and the `rdfs:range`s that make any
  web page a `foaf:Document` (FOAF `homepage`/`page`, DCAT 3 `landingPage`) and anything
  conformed to a `dcterms:Standard` (DCMI `conformsTo`). Ranges of controlled-vocabulary
  properties (licence, format, theme…) are left out on purpose: with them every `sh:class`
  check on those properties would pass for any IRI.
* the vocabulary individuals: `dcat-ap-se-3.0.1-controlled-values.ttl` (themes, licences,
  languages, frequencies… typed as DCAT-AP expects), the EU file-type authority table
  (`file-type-mapping.csv`, each a `dcterms:MediaTypeOrExtent`), IANA media-type IRIs as
  `dcterms:MediaType`, and GeoNames and EU country/place/continent IRIs as `dcterms:Location`
  (the spatial vocabularies DCAT-AP and DCAT-AP-SE recommend).

pyshacl copies only RDFS/OWL axioms from an ontology graph, plus the full description of nodes
typed `owl:NamedIndividual`; so each vocabulary value is declared an `owl:NamedIndividual`. Only
the values the data mentions are added, which keeps a one-dataset check in the tens of
milliseconds instead of re-validating the whole vocabulary each time.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable, Iterable
from importlib import resources
from typing import TypeVar

from pyshacl import ShapesGraph, validate
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from torget.dcat.findings import PREFIXES, Finding, class_label, curie, node_label, term_text

__all__ = [
    "check_shacl",
    "shapes_graph",
    "targeted_shapes",
    "ontology_for",
    "entailed",
    "entailed_triples",
    "entailed_text",
    "ONTOLOGY",
]

SHAPES_FILE = "dcat-ap-3.0.0-SHACL.ttl"
VOCABULARY_FILE = "dcat-ap-se-3.0.1-controlled-values.ttl"
FILE_TYPES_FILE = "file-type-mapping.csv"

SH = Namespace("http://www.w3.org/ns/shacl#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

ONTOLOGY = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .

# W3C vCard Ontology (https://www.w3.org/TR/vcard-rdf/): the kinds of vCard.
vcard:Individual rdfs:subClassOf vcard:Kind .
vcard:Organization rdfs:subClassOf vcard:Kind .
vcard:Group rdfs:subClassOf vcard:Kind .
vcard:Location rdfs:subClassOf vcard:Kind .

# FOAF 0.99 (http://xmlns.com/foaf/spec/): agents, and what homepage/page point to.
foaf:Organization rdfs:subClassOf foaf:Agent .
foaf:Person rdfs:subClassOf foaf:Agent .
foaf:Group rdfs:subClassOf foaf:Agent .
foaf:homepage rdfs:range foaf:Document .
foaf:page rdfs:range foaf:Document .

# DCAT 3 (https://www.w3.org/TR/vocab-dcat-3/#Property:resource_landing_page).
dcat:landingPage rdfs:range foaf:Document .

# DCMI Metadata Terms (https://www.dublincore.org/specifications/dublin-core/dcmi-terms/).
dcterms:MediaType rdfs:subClassOf dcterms:MediaTypeOrExtent .
dcterms:Extent rdfs:subClassOf dcterms:MediaTypeOrExtent .
dcterms:LicenseDocument rdfs:subClassOf dcterms:RightsStatement .
dcterms:conformsTo rdfs:range dcterms:Standard .
"""

# Namespaces whose every IRI is an instance of a class (IANA's media-type registry; the place
# vocabularies recommended for dcterms:spatial by DCAT-AP 3.0 and DCAT-AP-SE, NOTES.md §4).
_NAMESPACE_TYPES = (
    ("http://www.iana.org/assignments/media-types/", DCTERMS.MediaType),
    ("http://sws.geonames.org/", DCTERMS.Location),
    ("http://publications.europa.eu/resource/authority/country/", DCTERMS.Location),
    ("http://publications.europa.eu/resource/authority/place/", DCTERMS.Location),
    ("http://publications.europa.eu/resource/authority/continent/", DCTERMS.Location),
)

Triple = tuple[Node, Node, Node]
T = TypeVar("T")

# Looked up once: an attribute of rdflib's namespaces costs a few microseconds each time.
_TYPE, _RANGE, _SUBCLASS, _RESOURCE = RDF.type, RDFS.range, RDFS.subClassOf, RDFS.Resource

# What lets one shape reach another, besides a node shape's own `sh:property` (targeted_shapes).
_REACHING = tuple(
    SH[name]
    for name in (
        "node", "and", "or", "xone", "not", "qualifiedValueShape", "deactivated",
        "targetNode", "targetSubjectsOf", "targetObjectsOf", "target",
    )
)  # fmt: skip


def _spec_text(name: str) -> str:
    return resources.files("torget").joinpath("specdata", name).read_text(encoding="utf-8")


@functools.cache
def shapes_graph() -> Graph:
    """The SEMIC DCAT-AP 3.0.0 shapes, parsed once; messages use Torget's prefixes."""
    graph = Graph().parse(data=_spec_text(SHAPES_FILE), format="turtle")
    for prefix, namespace in PREFIXES:
        graph.bind(prefix, namespace, override=True, replace=True)
    # pyshacl adds two system triples to a shapes graph it is given; add them now, once, so
    # that later (possibly concurrent) checks only read the cached graph.
    for triple in ShapesGraph.system_triples:
        graph.add(triple)
    return graph


@functools.cache
def targeted_shapes() -> Graph:
    """`shapes_graph()` with each property shape given its node shape's targets directly.

    The same checks, laid out for a batch: pyshacl checks a node shape's `sh:property` shapes
    one focus node at a time, reading the shape's description again for each (500 datasets:
    some 67,000 shape evaluations, 4.7 s of CPU), but a targeted shape once for all its focus
    nodes (0.5 s). SHACL gives both layouts the same results (§4.8.3, sh:property: each focus
    node conforms to the property shape; the same focus, path, value, source shape and
    severity) while the shapes are node shapes with `sh:targetClass` and `sh:property`
    that no shape reaches any other way (`sh:node`, logical or qualified shapes), as the SEMIC
    file's are; for any other file the official layout is kept. tests/dcat/test_shacl.py
    checks that both layouts find the same on the examples and on a batch of broken datasets.
    """
    official = shapes_graph()
    untargeted = {
        s for s in official.subjects(SH.property) if (s, SH.targetClass, None) not in official
    }
    if untargeted or any((None, p, None) in official for p in _REACHING):
        return official
    graph = Graph()
    for prefix, namespace in official.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    for triple in official:
        if triple[1] != SH.property:
            graph.add(triple)
    for node, prop in official.subject_objects(SH.property):
        for cls in official.objects(node, SH.targetClass):
            graph.add((prop, SH.targetClass, cls))
    return graph


@functools.cache
def _base_ontology() -> tuple[Triple, ...]:
    return tuple(Graph().parse(data=ONTOLOGY, format="turtle"))


@functools.cache
def _individuals() -> dict[str, tuple[Triple, ...]]:
    """Each vocabulary value (by its IRI's text: rdflib's terms hash slowly) with the triples
    that describe it."""
    found: dict[URIRef, list[Triple]] = {}
    vocabulary = Graph().parse(data=_spec_text(VOCABULARY_FILE), format="turtle")
    for s, p, o in vocabulary:
        if isinstance(s, URIRef) and (s, RDF.type, OWL.Ontology) not in vocabulary:
            found.setdefault(s, []).append((s, p, o))
    for row in csv.DictReader(_spec_text(FILE_TYPES_FILE).splitlines()):
        iri = URIRef(row["uri"])
        found.setdefault(iri, []).append((iri, RDF.type, DCTERMS.MediaTypeOrExtent))
    return {str(iri): tuple(triples) for iri, triples in found.items()}


def _describe(iri: URIRef) -> tuple[Triple, ...]:
    known = _individuals().get(str(iri))
    if known:
        return known
    for namespace, cls in _NAMESPACE_TYPES:
        if str(iri).startswith(namespace) and len(iri) > len(namespace):
            return ((iri, RDF.type, cls),)
    return ()


def _ontology_triples(data: Iterable[Triple]) -> set[Triple]:
    """`ONTOLOGY`'s axioms and the descriptions of the vocabulary values `data` mentions."""
    found = set(_base_ontology())
    mentioned = {term for triple in data for term in triple if isinstance(term, URIRef)}
    for iri in mentioned:
        description = _describe(iri)
        if description:
            found.add((iri, RDF.type, OWL.NamedIndividual))
            found.update(description)
    return found


def ontology_for(graph: Graph) -> Graph:
    """`ONTOLOGY` plus the vocabulary individuals that `graph` mentions."""
    ontology = Graph()
    for triple in _ontology_triples(graph):
        ontology.add(triple)
    return ontology


def _closure(
    mixed: set[tuple[T, T, T]],
    ontology: Iterable[tuple[T, T, T]],
    names: tuple[T, T, T, T],
    is_literal: Callable[[T], bool],
) -> set[tuple[T, T, T]]:
    """`mixed` (data and ontology) with the types the ontology entails (`entailed`), in
    whatever terms the triples are written: rdflib's, or N-Triples text (`entailed_text`).
    `names` are rdf:type, rdfs:range, rdfs:subClassOf and rdfs:Resource in those terms."""
    type_, range_, subclass, resource = names
    ranges = {s: o for s, p, o in ontology if p == range_}
    parents: dict[T, set[T]] = {}
    for s, p, o in ontology:
        if p == subclass:
            parents.setdefault(s, set()).add(o)
    resources = {t for s, _, o in mixed for t in (s, o) if not is_literal(t)}
    typed: list[tuple[T, T]] = [(r, resource) for r in resources]
    typed += [(o, ranges[p]) for _, p, o in mixed if p in ranges]
    typed += [(s, o) for s, p, o in mixed if p == type_]
    while typed:
        node, cls = typed.pop()
        mixed.add((node, type_, cls))
        typed += [
            (node, parent) for parent in parents.get(cls, ()) if (node, type_, parent) not in mixed
        ]
    return mixed


def entailed_triples(graph: Graph) -> set[Triple]:
    """`entailed(graph)`'s triples as a set, without an rdflib graph to fill."""
    data = list(graph)
    ontology = _ontology_triples(data)
    names = (_TYPE, _RANGE, _SUBCLASS, _RESOURCE)
    return _closure(set(data) | ontology, ontology, names, lambda t: isinstance(t, Literal))


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _literal_text(literal: Literal) -> str:
    """N-Triples' STRING_LITERAL_QUOTE (RDF 1.1 N-Triples §7) with its language or datatype."""
    text = f'"{str(literal).translate(_ESCAPES)}"'
    if literal.language:
        return f"{text}@{literal.language}"
    return f"{text}^^<{literal.datatype}>" if literal.datatype else text


# What an IRIREF of N-Triples (RDF 1.1 N-Triples §7) cannot hold unescaped.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _text(term: Node) -> str:
    """A term as N-Triples writes it; ValueError for an IRI it cannot hold."""
    if isinstance(term, Literal):
        return _literal_text(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if _NOT_IN_IRI.search(str(term)):
        raise ValueError(f"not an IRI N-Triples can hold: {term!r}")
    return f"<{term}>"


def entailed_text(graph: Iterable[Triple]) -> str:
    """`entailed(graph)` as N-Triples text, for a SHACL engine that reads text
    (`shacl_screen`). The closure is taken over the triples' text, whose hashes Python keeps:
    over rdflib's terms it costs twice as much. `graph` may be the triples alone (a list
    is read faster than an rdflib graph). Raises ValueError for a term N-Triples cannot
    write (an IRI with a space, say)."""
    data = list(graph)
    ontology = {(_text(s), _text(p), _text(o)) for s, p, o in _ontology_triples(data)}
    mixed = {(_text(s), _text(p), _text(o)) for s, p, o in data} | ontology
    names = (_text(_TYPE), _text(_RANGE), _text(_SUBCLASS), _text(_RESOURCE))
    entailed = _closure(mixed, ontology, names, lambda t: t.startswith('"'))
    # A range types a literal object too (`"12" a foaf:Document`), which RDF cannot write;
    # the shapes never ask a literal's class (sh:class fails on a literal), so it goes.
    return "".join(f"{s} {p} {o} .\n" for s, p, o in entailed if not s.startswith('"'))


def entailed(graph: Graph) -> Graph:
    """A copy of `graph` with `ontology_for(graph)` mixed in and the types it entails.

    The shapes' `sh:class` checks need only the RDFS rules this ontology can fire: a
    property's `rdfs:range` types its object (rdfs3), a type implies its superclasses (rdfs9,
    through rdfs11's transitive subclasses), and anything named is an rdfs:Resource (rdfs4a/b,
    asked for by `sh:class rdfs:Resource` on access URLs). pyshacl's `inference="rdfs"`
    computes the whole RDFS closure with OWL-RL instead: 0.3-0.7 s of CPU for one dataset,
    more than the validation itself, for the same findings (tests/dcat/test_shacl.py compares
    the two on the official examples).
    """
    mixed = Graph()
    for prefix, namespace in graph.namespaces():  # messages name nodes by the data's prefixes
        mixed.bind(prefix, namespace, override=True, replace=True)
    mixed.addN((s, p, o, mixed) for s, p, o in entailed_triples(graph))
    return mixed


def _finding(graph: Graph, results: Graph, result: Node) -> Finding:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    message = messages[0] if messages else "does not conform to the DCAT-AP 3.0.0 shapes"
    if value is not None:
        message += f" (value: {term_text(value)})"
    severity = results.value(result, SH.resultSeverity)
    return Finding(
        severity="violation" if severity == SH.Violation else "warning",
        focus=node_label(focus) if focus is not None else "",
        focus_class=class_label(graph, focus) if focus is not None else "Resource",
        path=curie(str(path)) if isinstance(path, URIRef) else "(complex path)",
        message=message,
        source="shacl",
    )


def check_shacl(graph: Graph) -> list[Finding]:
    """Validate `graph` with the SEMIC DCAT-AP 3.0.0 shapes; one finding per SHACL result.

    The graph is not changed: the shapes see a copy with the ontology mixed in and its
    entailments added (`entailed`).
    """
    _, results, _ = validate(
        entailed(graph), shacl_graph=targeted_shapes(), inference="none", advanced=False
    )
    assert isinstance(results, Graph)
    return [_finding(graph, results, r) for r in results.subjects(RDF.type, SH.ValidationResult)]
