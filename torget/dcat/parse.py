"""Load an RDF catalogue from a file, an http(s) URL or bytes into an rdflib Graph.

Sveriges dataportal expects RDF/XML at one URL (`shared/specs/dcat/NOTES.md` §0 item 2, §6
"Protocol and format"); catalogues found in the wild also come as Turtle or JSON-LD (§9.1 layer
1, §10 item 17). So a URL is fetched asking for RDF/XML first, and the syntax is taken from, in
order: the caller, the response's Content-Type, the file extension, and a look at the first bytes.

Relative IRIs are resolved against `base`, else against the URL or file they came from, as RDF
parsers do; for raw bytes without a base rdflib resolves them against the working directory,
which yields `file:` IRIs that `harvest_rules.py` then reports.
"""

from __future__ import annotations

import json
import xml.parsers.expat
import xml.sax
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["load_graph", "CatalogueLoadError", "ACCEPT", "detect_format"]

ACCEPT = "application/rdf+xml, text/turtle;q=0.9, application/ld+json;q=0.8, */*;q=0.1"
TIMEOUT_SECONDS = 60.0

_MEDIA_TYPES = {
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
    "text/n3": "n3",
}
_EXTENSIONS = {
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".ttl": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
    ".n3": "n3",
}


_SYNTAX_NAMES = {"xml": "RDF/XML", "turtle": "Turtle", "json-ld": "JSON-LD", "nt": "N-Triples"}


class CatalogueLoadError(Exception):
    """The catalogue could not be read: not found, an HTTP error, or not parseable RDF."""


def _sniff(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<rdf:RDF")):
        return "xml"
    return "json-ld" if head.startswith((b"{", b"[")) else "turtle"


def detect_format(data: bytes, *, content_type: str | None = None, name: str = "") -> str:
    """The rdflib format name for `data`: from the Content-Type, the extension, or sniffing."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in _MEDIA_TYPES:
        return _MEDIA_TYPES[media_type]
    suffix = PurePosixPath(name).suffix.lower()
    return _EXTENSIONS.get(suffix) or _sniff(data)


def _fetch(url: str) -> httpx.Response:
    try:
        response = httpx.get(
            url, headers={"Accept": ACCEPT}, timeout=TIMEOUT_SECONDS, follow_redirects=True
        )
    except httpx.HTTPError as exc:
        raise CatalogueLoadError(f"could not fetch {url}: {exc}") from exc
    if response.status_code >= 400:
        reason = response.reason_phrase or "error"
        raise CatalogueLoadError(f"{url} answered HTTP {response.status_code} {reason}")
    return response


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise CatalogueLoadError(f"{path}: file not found") from exc
    except OSError as exc:
        raise CatalogueLoadError(f"{path}: cannot read file ({exc.strerror or exc})") from exc


def _where(exc: Exception) -> str:
    if isinstance(exc, xml.sax.SAXParseException):
        return f"line {exc.getLineNumber()}: {exc.getMessage()}"
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno}: {exc.msg}"
    line = getattr(exc, "lines", None)
    why = getattr(exc, "_why", None)
    if isinstance(line, int) and why:
        return f"line {line + 1}: {why}"
    return str(exc) or type(exc).__name__


def _parse(data: bytes, fmt: str, base: str | None, label: str, store: str, fast: bool) -> Graph:
    graph = Graph(store=store)
    if fast and _parsed_by_oxigraph(graph, data, fmt, base):
        return graph
    try:
        graph.parse(data=data, format=fmt, publicID=base)
    except Exception as exc:  # rdflib's parsers raise many unrelated types
        syntax = _SYNTAX_NAMES.get(fmt, fmt)
        raise CatalogueLoadError(f"{label}: not valid {syntax} ({_where(exc)})") from exc
    return graph


_OXIGRAPH_FORMATS = {
    "xml": ox.RdfFormat.RDF_XML,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _well_formed(data: bytes) -> bool:
    """pyoxigraph reads a truncated RDF/XML document without complaint (what it read so far);
    expat's check of the whole costs a hundredth of the parse."""
    try:
        xml.parsers.expat.ParserCreate().Parse(data, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


def _parsed_by_oxigraph(graph: Graph, data: bytes, fmt: str, base: str | None) -> bool:
    """Fill `graph` through pyoxigraph's parser (Rust: RDF/XML and Turtle read in a third of
    rdflib's time, the terms made rdflib's here); False, and `graph` left empty, for a
    format it is not used for, a document without an absolute base, or one it refuses
    (strict, unlike rdflib: a space in an IRI) or that is not well-formed XML, which rdflib
    then reads as before, reporting where it fails. The triples are rdflib's own
    (tests/dcat/test_parse.py compares the two on the official examples), except that
    language tags come lower-cased, as BCP 47 compares them."""
    syntax = _OXIGRAPH_FORMATS.get(fmt)
    if syntax is None or not base or not urlsplit(base).scheme:
        return False
    if syntax == ox.RdfFormat.RDF_XML and not _well_formed(data):
        return False
    blanks: dict[str, BNode] = {}
    add, iris = graph.store.add, dict[str, URIRef]()

    def term(value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        if isinstance(value, ox.NamedNode):
            iri = iris.get(value.value)
            if iri is None:
                iri = iris[value.value] = URIRef(value.value)
            return iri
        if isinstance(value, ox.BlankNode):
            # Made on first sight only: `setdefault(…, BNode())` drew a uuid4 for every
            # mention (a tenth of the parse).
            blank = blanks.get(value.value)
            if blank is None:
                blank = blanks[value.value] = BNode()
            return blank
        if isinstance(value, ox.Literal):
            if value.language:
                return Literal(value.value, lang=value.language)
            datatype = value.datatype.value
            return Literal(
                value.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype)
            )
        raise ValueError("RDF-star triples are not read")

    try:
        for quad in ox.parse(data, format=syntax, base_iri=base, without_named_graphs=True):
            add((term(quad.subject), term(quad.predicate), term(quad.object)), graph)
    except (SyntaxError, ValueError):
        graph.remove((None, None, None))
        return False
    return True


def load_graph(
    source: str | bytes,
    *,
    format: str | None = None,
    base: str | None = None,
    store: str = "default",
    fast: bool = False,
) -> Graph:
    """Parse a catalogue from a file path, an http(s) URL or raw bytes.

    `format` is an rdflib format name ("xml", "turtle", "json-ld", …) and overrides detection;
    `base` resolves relative IRIs; `store` is the rdflib store ("SimpleMemory": without named
    graphs, a fifth faster to fill and to read, for a graph that is only read); `fast` reads
    RDF/XML and Turtle with pyoxigraph when it can (`_parsed_by_oxigraph`; the document's
    prefixes, which messages name nodes by, are then not bound). Raises `CatalogueLoadError`
    saying which source failed and why.
    """
    if isinstance(source, bytes):
        return _parse(source, format or _sniff(source), base, "data", store, fast)
    if urlsplit(source).scheme in ("http", "https"):
        response = _fetch(source)
        content_type = response.headers.get("content-type")
        url = str(response.url)
        name = urlsplit(url).path
        fmt = format or detect_format(response.content, content_type=content_type, name=name)
        return _parse(response.content, fmt, base or url, source, store, fast)
    data = _read(source)
    fmt = format or detect_format(data, name=source)
    return _parse(data, fmt, base or Path(source).resolve().as_uri(), source, store, fast)
