"""The DCAT documents Torget serves: the whole public catalogue, and one dataset or service.

The catalogue is read in keyset-paged batches and written as it is read (see `serialize.py` for
why). Given an engine rather than a connection, each batch is read in a short transaction of its
own and the connection goes back to the pool before the batch is written: a client that reads
slowly (64 harvesters at once, a crawler on a thin line) holds no database connection while it
reads. Each dataset is then as it was when its batch was read; a dataset published behind the
cursor meanwhile waits for the next fetch, as it would had the fetch begun a moment earlier.
Sveriges dataportal harvests one document per organisation, so a feed can also be limited to
one organisation and the units under it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import rdflib
import sqlalchemy as sa
from rdflib.term import Node

from torget.catalog.dataservices import DataService
from torget.catalog.datasets import Dataset
from torget.catalog.organisations import (
    Organisation,
    all_organisations,
    get_organisation,
    units_of,
)
from torget.catalog.stored_files import served_records, shown_record
from torget.db.engine import read
from torget.db.schema import dataservices, datasets, distributions
from torget.dcat.mapping import (
    CatalogInfo,
    MappingContext,
    agent_resource,
    catalog_resource,
    dataservice_resource,
    dataset_resource,
)
from torget.dcat.serialize import Resource, Writer, triples_of, writer_for
from torget.errors import NotFound
from torget.settings import Settings

__all__ = [
    "iter_catalogue",
    "dataset_document",
    "datasets_document",
    "datasets_graph",
    "datasets_triples",
    "graph_of",
    "dataservice_document",
    "catalogue_publisher",
]

_BATCH = 1000
_CHUNK = 1 << 16


def catalogue_publisher(settings: Settings, orgs: dict[str, Organisation]) -> Organisation:
    """The organisation named in settings, or the first top-level one."""
    by_name = {o.name: o for o in orgs.values()}
    if settings.catalog_publisher:
        if settings.catalog_publisher not in by_name:
            raise NotFound(f"catalog_publisher {settings.catalog_publisher!r} does not exist")
        return by_name[settings.catalog_publisher]
    tops = sorted((o for o in orgs.values() if o.data.parent is None), key=lambda o: o.created_at)
    if not tops:
        raise NotFound("the catalogue has no organisation to publish it yet")
    return tops[0]


def _buffered(parts: Iterator[str]) -> Iterator[bytes]:
    """Join small pieces into ~64 KiB chunks: fewer, larger writes to the socket."""
    buffer: list[str] = []
    size = 0
    for part in parts:
        buffer.append(part)
        size += len(part)
        if size >= _CHUNK:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode()


Source = sa.Engine | sa.Connection
_Entry = tuple[sa.Row[Any], list[tuple[str, dict[str, Any]]]]


def _reading(source: Source) -> AbstractContextManager[sa.Connection]:
    """A connection for one batch: the caller's own, or a short read from the engine's pool."""
    return nullcontext(source) if isinstance(source, sa.Connection) else read(source)


def _dataset_batches(source: Source, org_ids: set[str] | None) -> Iterator[_Entry]:
    last = ""
    while True:
        query = (
            sa.select(datasets.c.id, datasets.c.organisation_id, datasets.c.data)
            .where(datasets.c.state == "published", datasets.c.id > last)
            .order_by(datasets.c.id)
            .limit(_BATCH)
        )
        if org_ids is not None:
            query = query.where(datasets.c.organisation_id.in_(org_ids))
        with _reading(source) as conn:
            rows = conn.execute(query).all()
            entries = list(_with_distributions(conn, rows))
        if not entries:
            return
        yield from entries  # the connection is back in the pool while these are written
        last = rows[-1].id


def _with_distributions(conn: sa.Connection, batch: Sequence[Any]) -> Iterator[_Entry]:
    if not batch:
        return
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {r.id: [] for r in batch}
    rows = conn.execute(
        sa.select(distributions.c.dataset_id, distributions.c.id, distributions.c.data)
        .where(distributions.c.dataset_id.in_(list(found)))
        .order_by(distributions.c.dataset_id, distributions.c.position, distributions.c.id)
    )
    shown = [(d, i, shown_record(conn, json.loads(data))) for d, i, data in rows]
    # what the public can fetch: not a new file the personal-data guard holds (issue 13 B)
    served = served_records(conn, [(i, record) for _d, i, record in shown])
    for (dataset_id, dist_id, _r), record in zip(shown, served, strict=True):
        found[dataset_id].append((dist_id, record))
    for row in batch:
        yield row, found[row.id]


def _catalogue_info(
    conn: sa.Connection, settings: Settings, publisher: Organisation, org_ids: set[str] | None
) -> CatalogInfo:
    query = sa.select(sa.func.min(datasets.c.created_at), sa.func.max(datasets.c.updated_at))
    query = query.where(datasets.c.state == "published")
    if org_ids is not None:
        query = query.where(datasets.c.organisation_id.in_(org_ids))
    first, last = conn.execute(query).one()
    base = settings.public_base
    scoped = org_ids is not None
    return CatalogInfo(
        iri=f"{base}/organisation/{publisher.name}/catalog" if scoped else f"{base}/catalog",
        title={"sv": settings.catalog_title_sv, "en": settings.catalog_title_en},
        description={"sv": settings.catalog_description_sv, "en": settings.catalog_description_en},
        publisher=publisher,
        issued=str(first)[:10] if first else None,
        modified=_datetime(last),
    )


def _datetime(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.replace(" ", "T").split("+")[0].split(".")[0]


def iter_catalogue(
    source: Source, settings: Settings, fmt: str, organisation: str | None = None
) -> Iterator[bytes]:
    """The public catalogue as `rdf`, `ttl` or `jsonld`, in chunks of bytes.

    From a connection, everything is read in its transaction; from an engine, batch by batch
    (see above). Either way an unknown organisation raises `NotFound` here, before any byte."""
    with _reading(source) as conn:
        orgs = all_organisations(conn)
        if organisation is not None:
            scope = get_organisation(conn, organisation)
            org_ids: set[str] | None = units_of(orgs, scope.id)
            publisher = MappingContext(settings.public_base, orgs).publisher(scope.id)
        else:
            org_ids = None
            publisher = catalogue_publisher(settings, orgs)
        info = _catalogue_info(conn, settings, publisher, org_ids)
    return _buffered(_catalogue_parts(source, settings, writer_for(fmt), orgs, org_ids, info))


def _catalogue_parts(
    source: Source,
    settings: Settings,
    writer: Writer,
    orgs: dict[str, Organisation],
    org_ids: set[str] | None,
    info: CatalogInfo,
) -> Iterator[str]:
    ctx = MappingContext(settings.public_base, orgs, published_datasets=set())
    yield writer.header()
    yield writer.open_container(catalog_resource(ctx, info))
    publishers = {info.publisher.id: info.publisher}
    assert ctx.published_datasets is not None
    for row, dists in _dataset_batches(source, org_ids):
        ctx.published_datasets.add(row.id)
        publisher = ctx.publisher(row.organisation_id)
        publishers[publisher.id] = publisher
        res = dataset_resource(ctx, row.id, row.organisation_id, json.loads(row.data), dists)
        yield writer.member("dcat:dataset", res)
    query = sa.select(dataservices).where(dataservices.c.state == "published")
    if org_ids is not None:
        query = query.where(dataservices.c.organisation_id.in_(org_ids))
    with _reading(source) as conn:
        services = conn.execute(query.order_by(dataservices.c.id)).all()
    for row in services:
        publisher = ctx.publisher(row.organisation_id)
        publishers[publisher.id] = publisher
        res = dataservice_resource(ctx, row.id, row.organisation_id, json.loads(row.data))
        yield writer.member("dcat:service", res)
    yield writer.close_container()
    for publisher in publishers.values():
        yield writer.resource(agent_resource(ctx, publisher))
    for res in ctx.described.resources.values():
        yield writer.resource(res)
    yield writer.footer()


def _single(ctx: MappingContext, writer: Writer, res: Any, org_id: str) -> bytes:
    parts = [writer.header(), writer.resource(res)]
    parts.append(writer.resource(agent_resource(ctx, ctx.publisher(org_id))))
    parts += [writer.resource(r) for r in ctx.described.resources.values()]
    parts.append(writer.footer())
    return "".join(parts).encode()


def dataset_document(conn: sa.Connection, settings: Settings, dataset: Dataset, fmt: str) -> bytes:
    """One dataset with its distributions, publisher and the terms it uses."""
    return datasets_document(conn, settings, [dataset], fmt)


def _datasets_resources(
    conn: sa.Connection, settings: Settings, records: Sequence[Dataset]
) -> list[Resource]:
    """The datasets, their publishers and the terms they use, in a document's order."""
    ctx = MappingContext(settings.public_base, all_organisations(conn))
    out = []
    for dataset in records:
        data = dataset.data.model_dump(mode="json", exclude={"distributions"})
        dists = [(d.id, d.data.model_dump(mode="json")) for d in dataset.distributions]
        out.append(dataset_resource(ctx, dataset.id, dataset.organisation_id, data, dists))
    for org_id in dict.fromkeys(d.organisation_id for d in records):
        out.append(agent_resource(ctx, ctx.publisher(org_id)))
    return out + list(ctx.described.resources.values())


def datasets_document(
    conn: sa.Connection, settings: Settings, records: Sequence[Dataset], fmt: str
) -> bytes:
    """Several datasets in one document, each as `dataset_document` gives it."""
    writer = writer_for(fmt)
    parts = [writer.header()]
    parts += [writer.resource(r) for r in _datasets_resources(conn, settings, records)]
    parts.append(writer.footer())
    return "".join(parts).encode()


def datasets_graph(
    conn: sa.Connection, settings: Settings, records: Sequence[Dataset], graph: rdflib.Graph
) -> rdflib.Graph:
    """`datasets_document`'s triples added to `graph`, without writing and parsing text (what
    the DCAT guard checks: a harvest run's batch at once, the shapes compiled once)."""
    return graph_of(datasets_triples(conn, settings, records), graph)


def graph_of(triples: Iterable[tuple[Node, Node, Node]], graph: rdflib.Graph) -> rdflib.Graph:
    """`triples` added to `graph` (`triples_of`'s, which are rdflib Nodes), returned."""
    # Into the store directly, as `parse` fills its graphs: `Graph.add` only asserts that
    # each term is a Node (triples_of makes nothing else), a frame per triple.
    add = graph.store.add
    for triple in triples:
        add(triple, graph)
    return graph


def datasets_triples(
    conn: sa.Connection, settings: Settings, records: Sequence[Dataset]
) -> list[tuple[Node, Node, Node]]:
    """`datasets_graph`'s triples as a list: what a reader of every triple (the SHACL
    screen's N-Triples) takes without walking an rdflib graph."""
    return [t for res in _datasets_resources(conn, settings, records) for t in triples_of(res)]


def dataservice_document(
    conn: sa.Connection, settings: Settings, service: DataService, fmt: str
) -> bytes:
    ctx = MappingContext(settings.public_base, all_organisations(conn))
    data = service.data.model_dump(mode="json")
    res = dataservice_resource(ctx, service.id, service.organisation_id, data)
    return _single(ctx, writer_for(fmt), res, service.organisation_id)
