"""Refuse a publication that would break the feed.

Before a dataset or data service is stored as published, its DCAT document is built exactly as
the feed would carry it and checked against the DCAT-AP-SE 3.0.1 rules, the Swedish harvesting
rules and the SEMIC DCAT-AP 3.0.0 shapes. Any violation rolls the change back and is reported
per property. (Checking each record on save keeps the whole-catalogue check in
`torget validate`, which takes pyshacl over a minute for 10,000 datasets, out of requests.)
"""

from __future__ import annotations

import rdflib
import sqlalchemy as sa
from rdflib.namespace import DCAT, RDF

from torget.catalog.dataservices import DataService
from torget.catalog.datasets import Dataset
from torget.dcat.feed import dataservice_document, dataset_document
from torget.dcat.validation import validate_graph
from torget.errors import FieldError, ValidationFailed
from torget.settings import Settings

__all__ = ["check_publishable"]

# Links from a record to others that its own document names but does not describe. The feed
# describes those records in full; here they only get their class, as context for the shapes.
_LINKS = {
    DCAT.servesDataset: DCAT.Dataset,
    DCAT.accessService: DCAT.DataService,
}


def _type_linked_records(graph: rdflib.Graph) -> set[str]:
    added: set[str] = set()
    for predicate, cls in _LINKS.items():
        for target in set(graph.objects(None, predicate)):
            if (target, RDF.type, None) not in graph:
                graph.add((target, RDF.type, cls))
                added.add(str(target))
    return added


def check_publishable(
    conn: sa.Connection, settings: Settings, record: Dataset | DataService
) -> None:
    if record.state != "published":
        return
    if isinstance(record, Dataset):
        body = dataset_document(conn, settings, record, "ttl")
    else:
        body = dataservice_document(conn, settings, record, "ttl")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    context = _type_linked_records(graph)
    violations = [
        f for f in validate_graph(graph) if f.severity == "violation" and f.focus not in context
    ]
    if violations:
        raise ValidationFailed(
            [
                FieldError(
                    f"dcat:{f.path}",
                    f"publishing would break the DCAT-AP-SE feed: {f.focus_class} "
                    f"<{f.focus}>: {f.message}",
                )
                for f in violations
            ]
        )
