"""Which nodes of a graph the SEMIC DCAT-AP 3.0.0 shapes find a violation on, quickly.

`shacl.check_shacl` (pyshacl) says what is wrong, in messages a person reads, but costs some
0.7 ms of CPU per harvested dataset: half of a harvest's first run was the DCAT guard, and
pyshacl the largest part of it. shacl-rust (a SHACL engine written in Rust) checks the same
shapes against the same entailed graph (`shacl.entailed_text`) in a tenth of that, but words
its messages its own way. So the guard asks it only *which* nodes violate the shapes, and has
pyshacl describe those (`dcat.guard.refused_datasets`): a refusal a person reads is pyshacl's,
word for word.

Its verdicts are pyshacl's: tests/dcat/test_shacl_screen.py runs both on the official DCAT-AP,
DCAT-AP-SE and HVD examples (each also with every node's class taken away in turn), on the
broken records of the guard's tests and on a generated corpus of records each broken in one
way, and compares every result's focus node, path and severity. Were the engine to fail on a
graph (a text it cannot parse, say), `violating_nodes` answers None and the caller falls back
to pyshacl.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import shacl_rust

from torget.dcat.shacl import SH, Triple, entailed_text, shapes_graph

__all__ = ["Violation", "violating_nodes", "violations"]

_VIOLATION = f"<{SH.Violation}>"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the focus node (`<iri>` or `_:id`), path (`<iri>`, or "" for none)
    and severity (`<…shacl#Violation>`, `<…#Warning>`, `<…#Info>`), as N-Triples writes them."""

    focus: str
    path: str
    severity: str


@functools.cache
def _shapes_text() -> str:
    return shapes_graph().serialize(format="nt")


def violations(graph: Iterable[Triple]) -> list[Violation] | None:
    """Every result of the SEMIC shapes on `graph` (a Graph, or its triples: entailed as
    `check_shacl` entails it), or None when the engine cannot check it."""
    try:
        data = entailed_text(graph)
    except ValueError:  # a term N-Triples cannot write
        return None
    try:
        report = shacl_rust.validate(
            data, _shapes_text(), data_format="nt", shapes_format="nt", experimental_index=True
        )
    except ValueError:  # text the engine will not parse (an IRI RFC 3987 refuses)
        return None
    except Exception:  # any other failure of the engine's: pyshacl decides, as before it
        log.warning("shacl-rust failed; the batch goes to pyshacl", exc_info=True)
        return None
    return [
        Violation(str(r["focusNode"]), str(r.get("resultPath", "")), str(r["severity"]))
        for r in report["results"]
    ]


def violating_nodes(graph: Iterable[Triple]) -> set[str] | None:
    """The nodes (`<iri>` or `_:id`) with a violation (severity sh:Violation) of the SEMIC
    shapes, or None when the engine cannot check `graph`."""
    found = violations(graph)
    if found is None:
        return None
    return {v.focus for v in found if v.severity == _VIOLATION}
