"""shacl-rust's screen (torget.dcat.shacl_screen) finds what pyshacl finds: every result's focus
node, path and severity, on the official examples and on records each broken in one way.

The DCAT guard lets a dataset through when the screen finds nothing on it, so a result pyshacl
gives and the screen misses would let a broken dataset into the feed; these tests compare
every result, not only the violations, so that the engines' agreement is tested wider than
the guard leans on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyshacl
import pytest
import shacl_rust
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from tests.dcat.test_shacl import VALID, _untyped_variants
from torget.dcat.shacl import SH, entailed, entailed_text, entailed_triples, shapes_graph
from torget.dcat.shacl_screen import violating_nodes, violations

DATA = Path(__file__).parent / "data"
# Copies of shared/specs/dcat/examples (tests/dcat/data/examples/README.md): the three files
# of it that are not valid Turtle are left out.
FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}
EXAMPLES = sorted(p for p in (DATA / "examples").glob("*/*") if p.suffix in FORMATS)

Result = tuple[str, str, str]


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    return f"_:{node}" if isinstance(node, BNode) else f"<{node}>"


def by_pyshacl(graph: Graph) -> set[Result]:
    """Every result of pyshacl with the official shapes on the graph as `check_shacl` sees it."""
    _, report, _ = pyshacl.validate(entailed(graph), shacl_graph=shapes_graph(), inference="none")
    assert isinstance(report, Graph)
    return {
        (
            _text(report.value(r, SH.focusNode)),
            _text(report.value(r, SH.resultPath)),
            _text(report.value(r, SH.resultSeverity)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


def by_screen(graph: Graph) -> set[Result]:
    found = violations(graph)
    assert found is not None
    # The guard gives the screen its batch's triples as a list, not the graph.
    assert set(violations(list(graph)) or ()) == set(found)
    return {(v.focus, v.path, v.severity) for v in found}


def test_the_examples_are_all_there() -> None:
    assert len(EXAMPLES) == 33


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_official_examples_give_the_same_results(example: Path) -> None:
    """Each example, and each with one node's classes taken away (which the shapes' sh:class
    checks and the entailed ranges must then agree on)."""
    graph = Graph().parse(example, format=FORMATS[example.suffix])
    for variant in _untyped_variants(graph):
        assert by_screen(variant) == by_pyshacl(variant)


def test_the_entailed_text_holds_the_entailed_triples() -> None:
    graph = Graph().parse(data=VALID, format="turtle")
    graph.add((URIRef("https://x.example/d"), URIRef("https://x.example/p"), Literal('a "b"\\\nc')))
    assert set(Graph().parse(data=entailed_text(graph), format="nt")) == entailed_triples(graph)
    assert set(entailed(graph)) == entailed_triples(graph)


# --- a corpus of records each broken in one way ---------------------------------------------

_IRI = URIRef("https://elsewhere.example/unknown")
_WRONG_CLASS = URIRef("http://www.w3.org/ns/org#Organization")


def _breakages(triple: tuple[Node, Node, Node]) -> Iterator[tuple[Node, Node, Node] | None]:
    """What one triple becomes in turn: gone (None), or its object replaced by a value of the
    wrong kind, datatype, class or vocabulary."""
    s, p, o = triple
    yield None  # missing value
    if p == RDF.type:
        yield s, p, _WRONG_CLASS  # wrong class
        return
    yield s, p, Literal("fel")  # a plain literal where an IRI or a tagged text belongs
    yield s, p, Literal("2024-13-45", datatype=XSD.date)  # ill-typed
    yield s, p, Literal("12", datatype=XSD.integer)  # wrong datatype
    yield s, p, BNode()  # a blank node without a description
    yield s, p, _IRI  # an IRI outside any vocabulary, of no class
    if isinstance(o, Literal) and o.language:
        yield s, p, Literal(str(o))  # no language tag
    if isinstance(o, URIRef):
        yield s, p, URIRef(f"{o}-utanfor")  # a value outside the vocabulary


def _renamed(graph: Graph, suffix: str) -> Graph:
    """`graph` with its own nodes (those it describes) renamed, so that many broken copies can
    share one batch as a harvest's do, while vocabulary values stay shared."""
    described = {s for s in graph.subjects() if isinstance(s, URIRef)}

    def rename(node: Node) -> Node:
        return URIRef(f"{node}{suffix}") if node in described else node

    out = Graph()
    for s, p, o in graph:
        out.add((rename(s), p, rename(o)))
    return out


def _corpus(base: Graph) -> Iterator[Graph]:
    for i, triple in enumerate(sorted(base)):
        for j, broken in enumerate(_breakages(triple)):
            copy = Graph()
            for t in base:
                if t != triple:
                    copy.add(t)
            if broken is not None:
                copy.add(broken)
            yield _renamed(copy, f"-{i}-{j}")


def _batch(base: Graph) -> Graph:
    batch = Graph()
    for graph in _corpus(base):
        for triple in graph:
            batch.add(triple)
    return batch


@pytest.mark.parametrize("source", ["valid", "rekommenderat.ttl"])
def test_records_broken_each_in_one_way_give_the_same_results(source: str) -> None:
    """Every triple of a valid record (test_shacl's) and of DIGG's recommended example dropped,
    or its value replaced by one of the wrong kind, datatype, class or vocabulary, one at a
    time; all the broken copies checked together, as a harvest batch is."""
    if source == "valid":
        base = Graph().parse(data=VALID, format="turtle")
    else:
        base = Graph().parse(DATA / source, format="turtle")
    batch = _batch(base)
    expected = by_pyshacl(batch)
    assert len({path for _, path, _ in expected}) >= 10  # the corpus breaks many properties
    assert by_screen(batch) == expected


def test_violating_nodes_are_the_violations_foci() -> None:
    graph = Graph().parse(data=VALID, format="turtle")
    assert violating_nodes(graph) == set()
    dataset = URIRef("https://data.sundsvall.se/dataset/luftkvalitet")
    graph.remove((dataset, URIRef("http://purl.org/dc/terms/title"), None))
    assert violating_nodes(graph) == {"<https://data.sundsvall.se/dataset/luftkvalitet>"}


@pytest.mark.parametrize(
    "iri", ["https://data.sundsvall.se/bad iri", "https://data.sundsvall.se/bad%zz"]
)
def test_a_graph_the_engine_cannot_read_is_not_screened(iri: str) -> None:
    """An IRI that N-Triples cannot hold, or that shacl-rust's parser refuses: no verdict, so
    that the guard asks pyshacl instead of taking the graph for valid."""
    graph = Graph().parse(data=VALID, format="turtle")
    graph.add((URIRef(iri), RDF.type, URIRef("http://www.w3.org/ns/dcat#Distribution")))
    assert violations(graph) is None and violating_nodes(graph) is None


def test_an_engine_failure_is_no_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever else goes wrong in the engine (it is not ours), pyshacl decides."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the engine's own failure")

    monkeypatch.setattr(shacl_rust, "validate", broken)
    assert violations(Graph().parse(data=VALID, format="turtle")) is None
