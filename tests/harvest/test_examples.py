"""The official examples, harvested and published again: Torget's own feed carries them with
zero violations of DCAT-AP-SE 3.0.1, the Swedish harvesting rules and the SEMIC shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient

from tests.harvest.conftest import EXAMPLES, Served, add, run
from torget.dcat.validation import validate_graph
from torget.site import Site

_MEDIA = {".rdf": "application/rdf+xml", ".ttl": "text/turtle", ".nt": "application/n-triples"}
FILES = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in _MEDIA and "series" not in p.name)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_harvested_and_republished_valid(
    site: Site, region: str, served: Served, client: TestClient, path: Path
) -> None:
    url = served.put("/" + path.name, path.read_bytes(), _MEDIA[path.suffix])
    result = run(site, add(site, url))
    assert result.state in ("done", "failed")
    if result.state == "failed":  # three SEMIC files are not valid Turtle (NOTES.md §10.14)
        assert result.problems[0].code in ("not_parseable", "no_datasets"), result.as_json()
        return
    assert result.created + result.skipped >= 1, result.as_json()
    if result.created == 0:  # fragments without a title: skipped, each with its reason
        assert {p.code for p in result.errors} == {"missing_title"}, result.as_json()
        return
    feed = rdflib.Graph().parse(data=client.get("/datasets/dcat").content, format="xml")
    violations = [f for f in validate_graph(feed) if f.severity == "violation"]
    assert violations == [], violations[:5]
