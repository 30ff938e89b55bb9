"""The DCAT source type: a catalogue in RDF/XML, Turtle or JSON-LD at one URL.

What Sveriges dataportal reads (NOTES.md §6) and what other portals publish: one document, or
pages linked by Hydra (`hydra:next`, and the older `hydra:nextPage` that ckanext-dcat sends),
with sub-catalogues by `dcterms:hasPart` one level deep; a sub-catalogue that the document only
names (no datasets of its own) is fetched from its IRI, and when one cannot be read the whole
source fails, as on the portal, so a partial read never removes datasets. Answers that are not
DCAT (an HTML page, a DCAT-US `data.json`, a CSW response) fail with what they are.

`read_dataset` is the single-dataset type: one RDF document about one dataset, not paged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlsplit

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from torget.dcat.parse import ACCEPT, CatalogueLoadError, detect_format, load_graph
from torget.harvest.fetch import Fetched, Fetcher, FetchFailed
from torget.harvest.problems import Problem, SourceFailed
from torget.harvest.rdf_records import dataset_nodes, records_from_graph
from torget.harvest.records import SourceRead

__all__ = ["read", "read_dataset", "parse_document"]

DCAT = Namespace("http://www.w3.org/ns/dcat#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
_RDF_TYPES = (
    "application/rdf+xml",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/x-turtle",
    "text/n3",
    "application/xml",
    "text/xml",
)

Progress = Callable[[str], None]


def _fetch(fetcher: Fetcher, url: str, **conditional: str | None) -> Fetched:
    try:
        return fetcher.get(url, accept=ACCEPT, **conditional)
    except FetchFailed as exc:
        raise SourceFailed("fetch_failed", str(exc)) from None


def _what_it_is(fetched: Fetched) -> None:
    """Refuse, saying what it is, an answer that is no RDF at all."""
    head = fetched.body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    media = fetched.content_type.split(";", 1)[0].strip().lower()
    if media == "text/html" or head.startswith((b"<!doctype html", b"<html")):
        raise SourceFailed("not_rdf", f"{fetched.url}: an HTML page, not an RDF document")
    if head.startswith(b"<") and (b"getrecordsresponse" in head or b"opengis.net/cat/csw" in head):
        raise SourceFailed("csw", f"{fetched.url}: a CSW (catalogue service) answer, not DCAT RDF")
    if head.startswith((b"{", b"[")):
        try:
            doc = json.loads(fetched.body)
        except ValueError as exc:
            raise SourceFailed("not_parseable", f"{fetched.url}: not valid JSON ({exc})") from None
        if isinstance(doc, dict) and "@context" not in doc and "@graph" not in doc:
            if "dataset" in doc or "conformsTo" in doc:
                raise SourceFailed("data_json", f"{fetched.url}: a DCAT-US data.json, not JSON-LD")
            raise SourceFailed("not_rdf", f"{fetched.url}: JSON without a JSON-LD @context")


def _store(fmt: str) -> str:
    """rdflib's store without named graphs for the syntaxes that have none (reading 10,000
    datasets' RDF/XML into it costs a fifth less); JSON-LD keeps the default store, whose
    parser reads a document's named graphs into it."""
    return "SimpleMemory" if fmt in ("xml", "turtle", "nt", "n3") else "default"


def parse_document(fetched: Fetched, problems: list[Problem]) -> Graph:
    """One fetched document as a graph; SourceFailed with the position when it does not parse."""
    _what_it_is(fetched)
    media = fetched.content_type.split(";", 1)[0].strip().lower()
    declared = media if media in _RDF_TYPES else None
    if media and declared is None:
        problems.append(
            Problem("content_type", "", "", f"{fetched.url} was served as {media!r}; read anyway")
        )
    fmt = detect_format(fetched.body, content_type=declared, name=urlsplit(fetched.url).path)
    try:
        return load_graph(fetched.body, format=fmt, base=fetched.url, store=_store(fmt), fast=True)
    except CatalogueLoadError as exc:
        detail = str(exc).replace("data:", f"{fetched.url}:", 1)
        raise SourceFailed("not_parseable", detail) from None


def _next_page(page: Graph) -> str | None:
    for predicate in (HYDRA.next, HYDRA.nextPage):
        for target in page.objects(None, predicate):
            return str(target)
    return None


def _pages(fetcher: Fetcher, first: Fetched, problems: list[Problem], progress: Progress) -> Graph:
    """The first page's graph with every later page added (the first is not copied: a
    one-document catalogue, the common case, costs one parse)."""
    graph = page = parse_document(first, problems)
    visited = {first.url}
    count = 1
    while (url := _next_page(page)) is not None and url not in visited:
        count += 1
        if count > fetcher.max_pages:
            raise SourceFailed("too_many_pages", f"more than {fetcher.max_pages} pages")
        progress(f"page {count}")
        visited.add(url)
        page = parse_document(_fetch(fetcher, url), problems)
        graph += page
    return graph


def _sub_catalogues(fetcher: Fetcher, graph: Graph, problems: list[Problem]) -> None:
    for catalogue in list(graph.subjects(RDF.type, DCAT.Catalog)):
        for part in list(graph.objects(catalogue, DCTERMS.hasPart)):
            if not isinstance(part, URIRef) or (part, DCAT.dataset, None) in graph:
                continue
            try:
                graph += parse_document(_fetch(fetcher, str(part)), problems)
            except SourceFailed as exc:
                raise SourceFailed(
                    "sub_catalogue_failed", f"sub-catalogue {part}: {exc}", "dcterms:hasPart"
                ) from None


def _read(
    fetcher: Fetcher,
    url: str,
    etag: str | None,
    last_modified: str | None,
    progress: Progress,
    *,
    paged: bool,
) -> SourceRead:
    progress("fetching")
    first = _fetch(fetcher, url, etag=etag, last_modified=last_modified)
    if first.status == 304:
        return SourceRead(not_modified=True, etag=etag, last_modified=last_modified)
    if fetcher.unchanged(first, accept=ACCEPT):
        return SourceRead(not_modified=True, etag=first.etag, last_modified=first.last_modified)
    result = SourceRead(etag=first.etag, last_modified=first.last_modified)
    if paged:
        graph = _pages(fetcher, first, result.problems, progress)
        _sub_catalogues(fetcher, graph, result.problems)
    else:
        graph = parse_document(first, result.problems)
    if not dataset_nodes(graph):
        raise SourceFailed("no_datasets", f"{url}: no dcat:Dataset in {len(graph)} triples")
    progress(f"reading {len(graph)} triples")
    records, problems, seen = records_from_graph(graph)
    result.records, result.seen = records, seen
    result.problems.extend(problems)
    result.problems.extend(_not_harvested(graph))
    return result


def _not_harvested(graph: Graph) -> list[Problem]:
    """What the source describes that a run leaves out, named in its report: data services
    (the datasets they serve are harvested) and dataset series (a series the catalogue lists
    is harvested as a plain dataset; its members' `dcat:inSeries` is left out)."""
    problems = []
    datasets = set(dataset_nodes(graph))
    for node in sorted(set(graph.subjects(RDF.type, DCAT.DataService)), key=str):
        detail = f"the data service <{node}> is not harvested; the datasets it serves are"
        problems.append(Problem("not_harvested", str(node), "dcat:DataService", detail))
    for node in sorted(set(graph.subjects(RDF.type, DCAT.DatasetSeries)), key=str):
        how = "harvested as a plain dataset" if node in datasets else "not harvested"
        detail = f"the dataset series <{node}> is {how}"
        problems.append(Problem("not_harvested", str(node), "dcat:DatasetSeries", detail))
    for dataset, series in sorted(graph.subject_objects(DCAT.inSeries), key=str):
        detail = f"the link to the dataset series <{series}> is left out"
        problems.append(Problem("not_harvested", str(dataset), "dcat:inSeries", detail))
    return problems


def read(
    fetcher: Fetcher, url: str, etag: str | None, last_modified: str | None, progress: Progress
) -> SourceRead:
    """A catalogue with its pages and sub-catalogues."""
    return _read(fetcher, url, etag, last_modified, progress, paged=True)


def read_dataset(
    fetcher: Fetcher, url: str, etag: str | None, last_modified: str | None, progress: Progress
) -> SourceRead:
    """One dataset's RDF document."""
    return _read(fetcher, url, etag, last_modified, progress, paged=False)
