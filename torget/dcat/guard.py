"""Refuse a publication that would break the feed.

Before a dataset or data service is stored as published, its DCAT document is built exactly as
the feed would carry it and checked against the DCAT-AP-SE 3.0.1 rules, the Swedish harvesting
rules and the SEMIC DCAT-AP 3.0.0 shapes. Any violation rolls the change back and is reported
per property. (Checking each record on save keeps the whole-catalogue check in
`torget validate`, which takes pyshacl over a minute for 10,000 datasets, out of requests.)
"""

from __future__ import annotations

from collections.abc import Sequence

import rdflib
import sqlalchemy as sa
from rdflib.namespace import DCAT, RDF
from rdflib.term import BNode, Node, URIRef

from torget.catalog.dataservices import DataService
from torget.catalog.datasets import Dataset
from torget.dcat.feed import dataservice_document, datasets_graph, datasets_triples, graph_of
from torget.dcat.findings import Finding
from torget.dcat.harvest_rules import check_harvest_rules
from torget.dcat.profile import check_profile
from torget.dcat.shacl_screen import violating_nodes
from torget.dcat.validation import validate_graph
from torget.errors import FieldError, ValidationFailed
from torget.settings import Settings

__all__ = ["check_publishable", "refused_datasets"]

Triple = tuple[Node, Node, Node]

# Links from a record to others that its own document names but does not describe. The feed
# describes those records in full; here they only get their class, as context for the shapes.
_LINKS = {
    DCAT.servesDataset: DCAT.Dataset,
    DCAT.accessService: DCAT.DataService,
}


def _type_linked_records(graph: rdflib.Graph) -> list[Triple]:
    """The class of each linked record the graph does not describe, added to it; the
    triples added."""
    added: list[Triple] = []
    for predicate, cls in _LINKS.items():
        for target in set(graph.objects(None, predicate)):
            if (target, RDF.type, None) not in graph:
                graph.add((target, RDF.type, cls))
                added.append((target, RDF.type, cls))
    return added


def _linked(added: list[Triple]) -> set[str]:
    return {str(target) for target, _, _ in added}


def _graph() -> rdflib.Graph:
    """rdflib's store without named graphs: the checks' look-ups cost a third less in it than
    in the default store, which keeps each triple's contexts (pyshacl, which needs those,
    gets its own copy: `shacl.entailed`)."""
    return rdflib.Graph(store="SimpleMemory")


def _violations(graph: rdflib.Graph) -> tuple[rdflib.Graph, list[Finding]]:
    context = _linked(_type_linked_records(graph))
    found = [
        f for f in validate_graph(graph) if f.severity == "violation" and f.focus not in context
    ]
    return graph, found


def _error(f: Finding) -> FieldError:
    return FieldError(
        f"dcat:{f.path}",
        f"publishing would break the DCAT-AP-SE feed: {f.focus_class} <{f.focus}>: {f.message}",
    )


def check_publishable(
    conn: sa.Connection, settings: Settings, record: Dataset | DataService
) -> None:
    if record.state != "published":
        return
    if isinstance(record, Dataset):
        graph = datasets_graph(conn, settings, [record], _graph())
    else:
        body = dataservice_document(conn, settings, record, "ttl")
        graph = _graph().parse(data=body, format="turtle")
    _, violations = _violations(graph)
    if violations:
        raise ValidationFailed([_error(f) for f in violations])


def refused_datasets(
    conn: sa.Connection, settings: Settings, records: Sequence[Dataset]
) -> dict[str, list[FieldError]]:
    """`check_publishable` for many datasets at once. Dataset id → what would break the feed;
    empty when all may be published.

    The published ones are described in one document and screened: the profile's and the
    harvesting rules' violations, and the nodes that shacl-rust finds violating the SEMIC
    shapes (`shacl_screen`, a tenth of pyshacl's time, the same verdicts). Only the datasets
    the screen suspects are then checked as before, pyshacl included, so that each refusal
    says what pyshacl says; a harvest of valid datasets never runs pyshacl. Should the
    engine fail on the document, all are checked as before."""
    published = [d for d in records if d.state == "published"]
    if not published:
        return {}
    triples = datasets_triples(conn, settings, published)
    by_iri = {f"{settings.public_base}/dataset/{d.id}": d.id for d in published}
    suspects = _suspects(graph_of(triples, _graph()), triples, by_iri)
    if suspects is not None:
        if not suspects:
            return {}
        published = [d for d in published if d.id in suspects]
        by_iri = {iri: dataset_id for iri, dataset_id in by_iri.items() if dataset_id in suspects}
    # Described anew: the screen typed the linked records in its graph (`_violations`).
    return _refused(datasets_graph(conn, settings, published, _graph()), by_iri)


def _suspects(
    graph: rdflib.Graph, triples: list[Triple], by_iri: dict[str, str]
) -> set[str] | None:
    """The datasets whose description holds a node with a violation, or None when the SHACL
    engine could not check the graph. `triples` are the graph's, which the SHACL screen
    reads as a list (walking the rdflib graph for them cost it a fifth of its time)."""
    typed = _type_linked_records(graph)
    context = _linked(typed)
    shacl = violating_nodes(triples + typed)
    if shacl is None:
        return None
    ours = check_profile(graph) + check_harvest_rules(graph)
    nodes = {f.focus for f in ours if f.severity == "violation"}
    nodes.update(node[1:-1] if node.startswith("<") else node for node in shacl)
    suspects: set[str] = set()
    for focus in nodes - context:
        suspects.update(_owners(graph, focus, by_iri) or by_iri.values())
    return suspects


def _refused(graph: rdflib.Graph, by_iri: dict[str, str]) -> dict[str, list[FieldError]]:
    """What `check_publishable` says of each dataset of `graph`, validated once (pyshacl
    compiles the shapes per call), each violation given to the datasets whose description
    holds its node."""
    graph, violations = _violations(graph)
    refused: dict[str, list[FieldError]] = {}
    for finding in violations:
        owners = _owners(graph, finding.focus, by_iri) or set(by_iri.values())
        for dataset_id in owners:
            refused.setdefault(dataset_id, []).append(_error(finding))
    return refused


def _owners(graph: rdflib.Graph, focus: str, by_iri: dict[str, str]) -> set[str]:
    """The datasets from which `focus` is reached (its distribution, contact point, …; a
    shared node such as the publisher belongs to all that name it)."""
    start: Node = BNode(focus[2:]) if focus.startswith("_:") else URIRef(focus)
    owners: set[str] = set()
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if str(node) in by_iri:
            owners.add(by_iri[str(node)])
            continue
        for parent in graph.subjects(None, node):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return owners
