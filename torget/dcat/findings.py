"""What a catalogue check reports: one `Finding` per problem, plus the names used in it.

All three checkers (the DCAT-AP-SE 3.0.1 profile in `profile.py`, the Swedish harvesting rules
in `harvest_rules.py` and the SEMIC DCAT-AP 3.0.0 SHACL shapes in `shacl.py`) report in this
shape, so that `validation.py` can merge, sort and count them. Properties are written as CURIEs
with the prefixes of `shared/specs/dcat/NOTES.md` ("Conventions"), and nodes get the short class
labels of the DCAT-AP-SE property tables (NOTES.md §12: Catalog, Dataset, Distribution, Data
service, Dataset series, Agent, Contact point).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rdflib import RDF, BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.term import Node

__all__ = [
    "Finding",
    "Severity",
    "Source",
    "PREFIXES",
    "curie",
    "node_label",
    "class_label",
    "term_text",
]

Severity = Literal["violation", "warning"]
Source = Literal["dcat-ap-se", "harvest", "shacl"]

# NOTES.md "Conventions", plus the vocabularies that DCAT-AP-SE 3.0.1 templates use. The ORG
# namespace appears twice: bundle.json spells it with https (NOTES.md §10 item 2).
PREFIXES: tuple[tuple[str, str], ...] = (
    ("dcterms", "http://purl.org/dc/terms/"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("adms", "http://www.w3.org/ns/adms#"),
    ("odrs", "http://schema.theodi.org/odrs#"),
    ("schema", "http://schema.org/"),
    ("spdx", "http://spdx.org/rdf/terms#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("locn", "http://www.w3.org/ns/locn#"),
    ("org", "http://www.w3.org/ns/org#"),
    ("org", "https://www.w3.org/ns/org#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("gsp", "http://www.opengis.net/ont/geosparql#"),
)

_CLASS_LABELS = {
    "http://www.w3.org/ns/dcat#Catalog": "Catalog",
    "http://www.w3.org/ns/dcat#Dataset": "Dataset",
    "http://www.w3.org/ns/dcat#Distribution": "Distribution",
    "http://www.w3.org/ns/dcat#DataService": "DataService",
    "http://www.w3.org/ns/dcat#DatasetSeries": "DatasetSeries",
    "http://www.w3.org/ns/dcat#CatalogRecord": "CatalogRecord",
    "http://xmlns.com/foaf/0.1/Agent": "Agent",
    "http://xmlns.com/foaf/0.1/Organization": "Agent",
    "http://xmlns.com/foaf/0.1/Person": "Agent",
    "http://www.w3.org/2006/vcard/ns#Kind": "ContactPoint",
    "http://www.w3.org/2006/vcard/ns#Organization": "ContactPoint",
    "http://www.w3.org/2006/vcard/ns#Individual": "ContactPoint",
}


def curie(iri: str) -> str:
    """`http://purl.org/dc/terms/title` → `dcterms:title`; unknown namespaces stay `<iri>`."""
    for prefix, namespace in PREFIXES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def node_label(node: Node) -> str:
    """How a node is named in a finding: the IRI itself, or `_:id` for a blank node."""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def term_text(value: Node) -> str:
    """A value as a message shows it: `<iri>`, `"text"@sv`, or `a blank node`."""
    if isinstance(value, RDFLiteral):
        return f'"{value}"' + (f"@{value.language}" if value.language else "")
    return "a blank node" if isinstance(value, BNode) else f"<{value}>"


def class_label(graph: Graph, node: Node) -> str:
    """The short class label of a node from its `rdf:type`s (the main DCAT classes first)."""
    labels = [_CLASS_LABELS.get(str(t)) for t in graph.objects(node, RDF.type)]
    known = sorted(label for label in labels if label)
    if known:
        return known[0]
    others = sorted(str(t) for t in graph.objects(node, RDF.type) if isinstance(t, URIRef))
    if others:
        return curie(others[0]).split(":", 1)[-1].strip("<>")
    return "Resource"


@dataclass(frozen=True)
class Finding:
    """One problem in a catalogue graph.

    `focus` is the node's IRI (or `_:id`), `focus_class` its short class label, `path` the
    property as a CURIE, `message` an English sentence saying what is wrong and what is allowed,
    and `source` which rule set found it.
    """

    severity: Severity
    focus: str
    focus_class: str
    path: str
    message: str
    source: Source

    def format(self) -> str:
        """One line: `violation  Dataset <http://…>  dcterms:title  missing mandatory value …`."""
        focus = self.focus if self.focus.startswith("_:") else f"<{self.focus}>"
        return f"{self.severity:<9}  {self.focus_class} {focus}  {self.path}  {self.message}"
