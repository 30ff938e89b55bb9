"""Loading catalogues from files, bytes and a live loopback HTTP server (torget.dcat.parse)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from torget.dcat.parse import CatalogueLoadError, _parsed_by_oxigraph, detect_format, load_graph

DATA = Path(__file__).parent / "data"
CATALOG = URIRef("https://data.sundsvall.se/catalog")

TURTLE = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://data.sundsvall.se/catalog> a dcat:Catalog ;
    dcterms:title "Sundsvalls kommuns datakatalog"@sv .
"""
RDF_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dcterms="http://purl.org/dc/terms/">
  <dcat:Catalog rdf:about="https://data.sundsvall.se/catalog">
    <dcterms:title xml:lang="sv">Sundsvalls kommuns datakatalog</dcterms:title>
  </dcat:Catalog>
</rdf:RDF>
"""
JSON_LD = b"""{"@id": "https://data.sundsvall.se/catalog",
 "@type": "http://www.w3.org/ns/dcat#Catalog",
 "http://purl.org/dc/terms/title": {"@value": "Sundsvalls kommuns datakatalog", "@language": "sv"}}
"""
BROKEN_TURTLE = b"""@prefix dcterms: <http://purl.org/dc/terms/> .

<https://data.sundsvall.se/catalog> dcterms:title "Katalog"@sv ;
    dcterms:description .
"""

# path → (status, content type, body, extra headers)
ROUTES: dict[str, tuple[int, str, bytes, dict[str, str]]] = {
    "/datasets/dcat": (200, "application/rdf+xml; charset=utf-8", RDF_XML, {}),
    "/catalog.ttl": (200, "text/turtle", TURTLE, {}),
    "/download.rdf": (200, "application/octet-stream", RDF_XML, {}),
    "/plain": (200, "text/plain", TURTLE, {}),
    "/moved": (301, "text/plain", b"", {"Location": "/datasets/dcat"}),
    "/broken.ttl": (200, "text/turtle", BROKEN_TURTLE, {}),
}


class Handler(BaseHTTPRequestHandler):
    accept_headers: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        Handler.accept_headers.append(self.headers.get("Accept", ""))
        status, content_type, body, headers = ROUTES.get(
            self.path, (404, "text/plain", b"not here", {})
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def title(graph: Graph) -> str:
    return str(graph.value(CATALOG, URIRef("http://purl.org/dc/terms/title")))


def test_bytes_are_sniffed() -> None:
    for data in (TURTLE, RDF_XML, JSON_LD, b"\xef\xbb\xbf  \n" + RDF_XML.split(b"\n", 1)[1]):
        assert title(load_graph(data)) == "Sundsvalls kommuns datakatalog"


def test_explicit_format_wins() -> None:
    with pytest.raises(CatalogueLoadError, match="not valid RDF/XML"):
        load_graph(TURTLE, format="xml")
    assert len(load_graph(TURTLE, format="turtle")) == 2


def test_detect_format() -> None:
    assert detect_format(TURTLE, content_type="text/turtle; charset=utf-8") == "turtle"
    assert detect_format(TURTLE, content_type="application/octet-stream", name="a.rdf") == "xml"
    assert detect_format(JSON_LD, name="catalog.jsonld") == "json-ld"
    assert detect_format(RDF_XML, content_type="text/plain", name="/datasets/dcat") == "xml"
    assert detect_format(TURTLE) == "turtle"


def test_files_by_extension(tmp_path: Path) -> None:
    for name, data in (("c.ttl", TURTLE), ("c.rdf", RDF_XML), ("c.jsonld", JSON_LD)):
        path = tmp_path / name
        path.write_bytes(data)
        assert title(load_graph(str(path))) == "Sundsvalls kommuns datakatalog"
    graph = load_graph(str(DATA / "rekommenderat.ttl"))
    assert (URIRef("https://example.com/catalog1"), None, None) in graph


def test_relative_iris_resolve_against_base(tmp_path: Path) -> None:
    data = b'<catalog> <http://purl.org/dc/terms/title> "Katalog"@sv .'
    graph = load_graph(data, base="https://data.sundsvall.se/")
    assert (URIRef("https://data.sundsvall.se/catalog"), None, None) in graph
    path = tmp_path / "relative.ttl"
    path.write_bytes(data)
    [subject] = set(load_graph(str(path)).subjects())
    assert str(subject) == (tmp_path / "catalog").as_uri()


def test_missing_file() -> None:
    with pytest.raises(CatalogueLoadError, match="no-such.ttl: file not found"):
        load_graph("/nonexistent/no-such.ttl")


def test_parse_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_bytes(BROKEN_TURTLE)
    with pytest.raises(CatalogueLoadError) as error:
        load_graph(str(path))
    assert str(error.value).startswith(f"{path}: not valid Turtle (line 4: ")
    with pytest.raises(CatalogueLoadError, match="not valid RDF/XML \\(line 2: "):
        load_graph(b'<?xml version="1.0"?>\n<rdf:RDF><oops></rdf:RDF>')


def test_url_rdf_xml_with_accept_header(server: str) -> None:
    Handler.accept_headers.clear()
    graph = load_graph(server + "/datasets/dcat")
    assert title(graph) == "Sundsvalls kommuns datakatalog"
    assert Handler.accept_headers[0].startswith("application/rdf+xml, text/turtle")


def test_url_turtle_and_detection_without_content_type(server: str) -> None:
    for path in ("/catalog.ttl", "/download.rdf", "/plain"):
        assert title(load_graph(server + path)) == "Sundsvalls kommuns datakatalog", path


def test_url_redirect_is_followed(server: str) -> None:
    assert title(load_graph(server + "/moved")) == "Sundsvalls kommuns datakatalog"


def test_url_http_error(server: str) -> None:
    with pytest.raises(CatalogueLoadError, match="answered HTTP 404 Not Found"):
        load_graph(server + "/missing")


def test_url_parse_error(server: str) -> None:
    with pytest.raises(CatalogueLoadError, match="broken.ttl: not valid Turtle \\(line 4: "):
        load_graph(server + "/broken.ttl")


def test_url_unreachable() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = httpd.server_address[1]
    httpd.server_close()
    with pytest.raises(CatalogueLoadError, match="could not fetch"):
        load_graph(f"http://127.0.0.1:{port}/datasets/dcat")


EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "specs" / "dcat" / "examples"
_SYNTAX = {".rdf": "xml", ".ttl": "turtle"}


def _lower_tags(graph: Graph) -> Graph:
    """The triples with language tags in lower case (BCP 47 tags compare so; pyoxigraph
    gives them so) and blank nodes left to the isomorphism."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language:
            o = Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out


@pytest.mark.parametrize(
    "path",
    sorted(p for p in EXAMPLES.rglob("*") if p.suffix in _SYNTAX),
    ids=lambda p: p.name,
)
def test_the_fast_parser_reads_what_rdflib_reads(path: Path) -> None:
    """pyoxigraph (`fast=True`, the harvest's) and rdflib give the same graph of each
    official example in RDF/XML and Turtle, and the fast one did read it; an example rdflib
    cannot read (three of the Turtle files) fails with rdflib's own message either way."""
    data, base = path.read_bytes(), "https://example.org/base/"
    fmt = _SYNTAX[path.suffix]
    try:
        plain = load_graph(data, format=fmt, base=base, store="SimpleMemory")
    except CatalogueLoadError as refused:
        with pytest.raises(CatalogueLoadError) as also:
            load_graph(data, format=fmt, base=base, store="SimpleMemory", fast=True)
        assert str(also.value) == str(refused)
        return
    fast = load_graph(data, format=fmt, base=base, store="SimpleMemory", fast=True)
    assert isomorphic(_lower_tags(plain), _lower_tags(fast))
    assert _parsed_by_oxigraph(Graph(store="SimpleMemory"), data, fmt, base)


def test_what_the_fast_parser_refuses_rdflib_reads() -> None:
    """A space in an IRI: pyoxigraph refuses the document, rdflib reads it (and the harvest's
    rules then report the IRI), as before."""
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcterms="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://data.example/a b"><dcterms:title>A</dcterms:title>
  </rdf:Description>
</rdf:RDF>"""
    assert not _parsed_by_oxigraph(Graph(), data, "xml", "https://data.example/")
    graph = load_graph(data, format="xml", base="https://data.example/", fast=True)
    assert len(graph) == 1


def test_truncated_rdf_xml_is_refused_with_its_position_by_the_fast_parser_too() -> None:
    """pyoxigraph alone reads a truncated document as far as it goes; the harvest must fail
    it, with the line, as rdflib does."""
    with pytest.raises(CatalogueLoadError, match="line "):
        load_graph(RDF_XML[:-30], format="xml", base="https://data.example/", fast=True)
