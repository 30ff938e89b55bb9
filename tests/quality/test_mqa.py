"""The MQA score of DIGG's official DCAT-AP-SE examples and of Torget's demo catalogue, checked
point by point against the method of `shared/specs/ckan-api-and-mqa.md` §3.1.

Every expected number below is worked out by hand from the documents and the method's table
(the reasoning is in the comments), not taken from the function's output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rdflib

from torget.catalog.model import DatasetIn, DistributionIn
from torget.catalog.rules import normalise_dataset, normalise_distribution
from torget.quality.facts import LinkEvidence, facts_from_record
from torget.quality.hints import hints_for
from torget.quality.mqa import MAX_POINTS, aggregate, rating, score_dataset
from torget.quality.rdf_facts import facts_from_graph

FIXTURES = Path(__file__).parent / "fixtures"
DEMO = Path(__file__).resolve().parents[2] / "torget" / "catalog" / "demo" / "catalogue.json"
BASE = "https://data.sjostad.example"
# The examples' addresses are on example.com; the link checker's results are given here.
LINKS = LinkEvidence((), {"http://example.com/download": 200, "http://example.com/api": 404})


def _example(name: str) -> Any:
    graph = rdflib.Graph().parse(FIXTURES / f"{name}.ttl", format="turtle")
    [facts] = facts_from_graph(graph)
    return score_dataset(facts, LINKS)


def _points(score: Any) -> dict[str, float]:
    return {c.metric.key: c.earned for c in score.checks}


def test_the_method_has_405_points_in_four_bands() -> None:
    assert MAX_POINTS == 405
    assert [rating(p) for p in (405, 351, 350, 221, 220, 121, 120, 0)] == [
        "excellent", "excellent", "good", "good", "sufficient", "sufficient", "bad", "bad",
    ]  # fmt: skip


def test_rekommenderat_point_by_point() -> None:
    score = _example("rekommenderat")
    assert _points(score) == {
        # Findability: keywords, theme EDUC, GeoNames place, a PeriodOfTime: all there.
        "keyword": 30, "theme": 30, "spatial": 20, "temporal": 20,
        # Accessibility, averaged over 2 distributions: distribution1's accessURL
        # (…/download) answers 200, distribution2's (…/api) 404 → 1/2 × 50; only
        # distribution1 has a downloadURL → 1/2 × 20, and it answers → 1/2 × 30.
        "access_url_status": 25, "download_url": 10, "download_url_status": 15,
        # Interoperability, best distribution: both give dct:format as a literal ("text/csv",
        # "application/json") → 20; no dcat:mediaType → 0; a literal is not an EU file-type
        # IRI → 0; CSV and JSON are non-proprietary and machine-readable → 20 + 20.
        "format": 20, "media_type": 0, "format_vocabulary": 0,
        "non_proprietary": 20, "machine_readable": 20,
        # NOTES.md §7/§10.1: the literal formats and the retired r5r availability IRI are
        # DCAT-AP violations, so the dataset is not compliant → 0.
        "dcat_ap_compliance": 0,
        # Reusability: CC0 on both (canonical IRI) → 20 + 10; access rights PUBLIC from
        # the EU table → 10 + 5; a contact point → 20; a publisher → 10.
        "licence": 20, "licence_vocabulary": 10, "access_rights": 10,
        "access_rights_vocabulary": 5, "contact_point": 20, "publisher": 10,
        # Contextuality: no dct:rights, no dcat:byteSize; dct:issued 2020-01-01 → 5;
        # no dct:modified on the dataset → 0.
        "rights": 0, "byte_size": 0, "issued": 5, "modified": 0,
    }  # fmt: skip
    assert score.points == 290
    assert score.rating == "good"
    assert score.dimension("interoperability") == 60


def test_obligatoriskt_point_by_point() -> None:
    score = _example("obligatoriskt")
    earned = {k: v for k, v in _points(score).items() if v}
    # Only mandatory values: a contact point (20) and a publisher (10). Its one distribution
    # has an accessURL (…/api) that answers 404, no downloadURL, no format, no licence; the
    # missing dct:format (mandatory in DCAT-AP-SE) and the publisher without dcterms:type
    # are violations.
    assert earned == {"contact_point": 20, "publisher": 10}
    assert score.points == 30
    assert score.rating == "bad"


def test_every_lost_point_has_a_hint_in_both_languages() -> None:
    score = _example("obligatoriskt")
    hints = hints_for(score)
    assert round(sum(h.points for h in hints), 6) == MAX_POINTS - 30
    assert all(h.sv and h.en and h.sv != h.en for h in hints)
    first = hints[0]  # the largest loss first: the unreachable access URL, 50 points
    assert (first.metric, first.reason, first.points) == ("access_url_status", "broken", 50)
    assert first.field == "access_url"
    assert first.distribution_id == "https://example.com/distribution1"


# --- Torget's demo catalogue -----------------------------------------------------------------


def _demo() -> dict[str, Any]:
    text = DEMO.read_text(encoding="utf-8").replace("{base}", BASE)
    return json.loads(text)  # type: ignore[no-any-return]


def _stored(record: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """The record as Torget keeps it: normalised by the catalogue's rules."""
    dists = [
        (f"d{i}", normalise_distribution(DistributionIn(**d)).model_dump(mode="json"))
        for i, d in enumerate(record.pop("distributions"))
    ]
    data = normalise_dataset(DatasetIn(**record)).model_dump(mode="json")
    return data, dists


def _demo_score(record: dict[str, Any]) -> Any:
    data, dists = _stored(dict(record))
    facts = facts_from_record(
        record["name"], data, dists, organisation_contact=True, compliant=True
    )  # every demo organisation has a contact point; the demo is published through the guard
    return score_dataset(facts, LinkEvidence((BASE + "/files/",)))


DEMO_RECORDS = {d["name"]: d for d in _demo()["datasets"]}


def test_a_demo_dataset_point_by_point() -> None:
    score = _demo_score(DEMO_RECORDS["leverantorsreskontra"])
    lost = {c.metric.key: c.lost for c in score.checks if c.lost}
    # Its two distributions are Torget's own files (reachable), CSV and JSON (EU file types,
    # media types filled in from them, open and machine-readable), CC0, with byte sizes;
    # keywords, themes, GeoNames place, period, PUBLIC, issued and modified are all given and
    # the organisation's contact point is lent. Torget records no dct:rights: 5 points lost.
    assert lost == {"rights": 5}
    assert score.points == 400
    # No field wins dct:rights back, so its two distributions share one hint.
    [hint] = hints_for(score)
    assert (hint.metric, hint.points, hint.field, hint.distribution_id) == ("rights", 5, "", None)
    assert score.rating == "excellent"


def test_a_demo_dataset_without_a_period() -> None:
    score = _demo_score(DEMO_RECORDS["valresultat"])
    lost = {c.metric.key: c.lost for c in score.checks if c.lost}
    assert lost == {"temporal": 20, "rights": 5}  # no dct:temporal, no dct:rights
    assert score.points == 380


def test_the_demo_catalogue() -> None:
    records = list(DEMO_RECORDS.values())
    scores = [_demo_score(r) for r in records]
    report = aggregate(scores)
    with_period = [r for r in records if (r.get("temporal") or {}).get("start")]
    distributions = sum(len(r["distributions"]) for r in records)
    assert report.datasets == 32
    assert report.distributions == distributions
    tallies = {t.metric.key: t for t in report.tallies}
    # Catalogue level: points × the share that passes. Every distribution lacks dct:rights
    # (0 of n → 0 of 5 points); only the datasets with a period earn dct:temporal.
    assert (tallies["rights"].passed, tallies["rights"].population) == (0, distributions)
    assert (tallies["temporal"].passed, tallies["temporal"].population) == (len(with_period), 32)
    expected = 405 - 5 - 20 * (32 - len(with_period)) / 32
    assert report.points == pytest.approx(expected)
    assert report.rating == "excellent"
