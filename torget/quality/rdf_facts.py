"""The quality facts of every dataset in a DCAT graph: another catalogue's document, a harvest
source, or an official example (the test scores DIGG's DCAT-AP-SE examples this way).

Only the properties the MQA reads (`facts.py`) are taken, as the graph states them: no
defaults are lent from the dataset to its distributions, since the EU portal scores what it
harvests. DCAT-AP compliance is decided by Torget's own checks of the document
(`torget.dcat.validation`: the DCAT-AP-SE profile, the harvesting rules and the SEMIC shapes):
a dataset complies when no violation concerns the dataset, its distributions or the nodes it
names directly (publisher, contact point).
"""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from torget.dcat.findings import Finding, node_label
from torget.dcat.validation import validate_graph
from torget.quality.facts import DatasetFacts, DistributionFacts

__all__ = ["facts_from_graph"]

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")


def _one(graph: Graph, node: Node, prop: URIRef) -> str | None:
    value = graph.value(node, prop)
    return None if value is None else str(value)


def _distribution(graph: Graph, node: Node) -> DistributionFacts:
    return DistributionFacts(
        key=node_label(node),
        access_url=_one(graph, node, DCAT.accessURL),
        download_urls=tuple(sorted(str(u) for u in graph.objects(node, DCAT.downloadURL))),
        format=_one(graph, node, DCT["format"]),  # `.format` is str.format
        media_type=_one(graph, node, DCAT.mediaType),
        licence=_one(graph, node, DCT.license),
        rights=(node, DCT.rights, None) in graph,
        byte_size=(node, DCAT.byteSize, None) in graph,
    )


def _compliant(graph: Graph, dataset: Node, violations: list[Finding]) -> bool:
    own = {node_label(dataset)}
    own |= {node_label(o) for o in graph.objects(dataset, None) if not isinstance(o, Literal)}
    return not any(f.focus in own for f in violations)


def facts_from_graph(graph: Graph, *, shacl: bool = True) -> list[DatasetFacts]:
    """Every dcat:Dataset of the graph, in IRI order."""
    violations = [f for f in validate_graph(graph, shacl=shacl) if f.severity == "violation"]
    out = []
    for ds in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str):
        dists = sorted(graph.objects(ds, DCAT.distribution), key=str)
        out.append(
            DatasetFacts(
                key=node_label(ds),
                keywords=(ds, DCAT.keyword, None) in graph,
                themes=(ds, DCAT.theme, None) in graph,
                spatial=(ds, DCT.spatial, None) in graph,
                temporal=(ds, DCT.temporal, None) in graph,
                access_rights=_one(graph, ds, DCT.accessRights),
                contact_point=(ds, DCAT.contactPoint, None) in graph,
                publisher=(ds, DCT.publisher, None) in graph,
                issued=(ds, DCT.issued, None) in graph,
                modified=(ds, DCT.modified, None) in graph,
                distributions=tuple(_distribution(graph, d) for d in dists),
                compliant=_compliant(graph, ds, violations),
            )
        )
    return out
