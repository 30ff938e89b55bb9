"""The EU data portal's metadata quality assessment (MQA), point by point, as pure functions.

Method: `shared/specs/ckan-api-and-mqa.md` §3.1 ("Piveau / data.europa.eu MQA"), which gives
the official table of data.europa.eu's methodology page (data.europa.eu/mqa/methodology, as
replicated in mjanez/ckan-mqa): five dimensions from FAIR plus contextuality, 405 points.

| Dimension (max)   | Metric (`key`): points                       | Property         | On   |
|-------------------|----------------------------------------------|------------------|------|
| Findability 100   | keyword 30, theme 30, spatial 20,            | dcat:keyword, …  | ds   |
|                   | temporal 20                                  |                  |      |
| Accessibility 100 | access_url_status 50, download_url 20,       | dcat:accessURL,  | dist |
|                   | download_url_status 30                       | dcat:downloadURL |      |
| Interop. 110      | format 20, media_type 10,                    | dct:format,      | dist |
|                   | format_vocabulary 10, non_proprietary 20,    | dcat:mediaType   |      |
|                   | machine_readable 20                          |                  |      |
|                   | dcat_ap_compliance 30                        | the dataset      | ds   |
| Reusability 75    | licence 20, licence_vocabulary 10            | dct:license      | dist |
|                   | access_rights 10, access_rights_vocabulary 5 | dct:accessRights | ds   |
|                   | contact_point 20, publisher 10               | dcat:contactPoint| ds   |
| Contextuality 20  | rights 5, byte_size 5                        | dct:rights, …    | dist |
|                   | issued 5, modified 5                         | dct:issued, …    | ds   |

How points are counted (§3.1 "How the score is computed"):

* A dataset-level metric earns its points when the dataset passes it.
* A distribution-level metric earns its points times the share of the dataset's distributions
  that pass it, except in interoperability, where only the best distribution counts (the
  methodology assumes several distributions carry the same content).
* An organisation or a catalogue: each metric's points times the share of its datasets
  (dataset-level) or of all its distributions (distribution-level, interoperability too) that
  pass it: 42 of 46 datasets with dct:spatial earn 42/46 × 20 = 18.26 points.
* Bands: Excellent 351–405, Good 221–350, Sufficient 121–220, Bad 0–120.

Decisions where the table leaves room, each the reading of the methodology's own wording:

* "Returns a 2xx code": an address is reachable only on evidence (`facts.LinkEvidence`):
  Torget's own files, or a 2xx from the link checker. An unchecked address earns nothing.
* "Format / media type from a controlled vocabulary": every format and media type given is
  known, dct:format as an EU file-type IRI and dcat:mediaType as an IANA type (a literal
  format such as DCAT-AP-SE's `"text/csv"` is not from the EU vocabulary), and one is given.
* Non-proprietary and machine-readable: the flags of the EU file-type table
  (`file-type-mapping.csv`) for the format, else for the media type.
* Licence from a vocabulary: a canonical Creative Commons IRI of DCAT-AP-SE's list, or an EU
  licence-NAL IRI (NOTES.md §10 item 11: variants such as https or deed.sv break the MQA).
* Access rights from a vocabulary: an IRI of the EU access-right authority table.
* DCAT-AP compliance: no violation in the dataset's document. Torget's publish guard refuses a
  published dataset with any violation (profile, harvesting rules, SEMIC shapes), so a
  published record is compliant; a draft is unchecked and earns nothing until it passes.
* A dataset without distributions passes no distribution-level metric.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from torget.catalog.vocabularies import FileType, file_types, vocabulary
from torget.quality.facts import DatasetFacts, DistributionFacts, LinkEvidence

__all__ = [
    "DIMENSIONS",
    "MAX_POINTS",
    "METRICS",
    "Metric",
    "Check",
    "DatasetScore",
    "Tally",
    "AggregateScore",
    "score_dataset",
    "aggregate",
    "rating",
    "metric",
]

Dimension = Literal[
    "findability", "accessibility", "interoperability", "reusability", "contextuality"
]
Level = Literal["dataset", "distribution"]
DIMENSIONS: tuple[Dimension, ...] = (
    "findability",
    "accessibility",
    "interoperability",
    "reusability",
    "contextuality",
)
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
_ACCESS_RIGHTS = {"PUBLIC", "RESTRICTED", "NON_PUBLIC", "SENSITIVE", "CONFIDENTIAL", "NORMAL"}


@dataclass(frozen=True)
class Metric:
    key: str
    dimension: Dimension
    property: str
    points: int
    level: Level


METRICS: tuple[Metric, ...] = (
    Metric("keyword", "findability", "dcat:keyword", 30, "dataset"),
    Metric("theme", "findability", "dcat:theme", 30, "dataset"),
    Metric("spatial", "findability", "dct:spatial", 20, "dataset"),
    Metric("temporal", "findability", "dct:temporal", 20, "dataset"),
    Metric("access_url_status", "accessibility", "dcat:accessURL", 50, "distribution"),
    Metric("download_url", "accessibility", "dcat:downloadURL", 20, "distribution"),
    Metric("download_url_status", "accessibility", "dcat:downloadURL", 30, "distribution"),
    Metric("format", "interoperability", "dct:format", 20, "distribution"),
    Metric("media_type", "interoperability", "dcat:mediaType", 10, "distribution"),
    Metric("format_vocabulary", "interoperability", "dct:format", 10, "distribution"),
    Metric("non_proprietary", "interoperability", "dct:format", 20, "distribution"),
    Metric("machine_readable", "interoperability", "dct:format", 20, "distribution"),
    Metric("dcat_ap_compliance", "interoperability", "dcat:Dataset", 30, "dataset"),
    Metric("licence", "reusability", "dct:license", 20, "distribution"),
    Metric("licence_vocabulary", "reusability", "dct:license", 10, "distribution"),
    Metric("access_rights", "reusability", "dct:accessRights", 10, "dataset"),
    Metric("access_rights_vocabulary", "reusability", "dct:accessRights", 5, "dataset"),
    Metric("contact_point", "reusability", "dcat:contactPoint", 20, "dataset"),
    Metric("publisher", "reusability", "dct:publisher", 10, "dataset"),
    Metric("rights", "contextuality", "dct:rights", 5, "distribution"),
    Metric("byte_size", "contextuality", "dcat:byteSize", 5, "distribution"),
    Metric("issued", "contextuality", "dct:issued", 5, "dataset"),
    Metric("modified", "contextuality", "dct:modified", 5, "dataset"),
)
MAX_POINTS = sum(m.points for m in METRICS)  # 405
_BY_KEY = {m.key: m for m in METRICS}
_BANDS = ((351, "excellent"), (221, "good"), (121, "sufficient"), (0, "bad"))


def rating(points: float) -> str:
    """The MQA's band for a number of points (the dashboard shows only the band)."""
    return next(name for floor, name in _BANDS if points >= floor)


# --- Checks: (facts, evidence) -> (passed, why not) ------------------------------------------

Outcome = tuple[bool, str]
_OK: Outcome = (True, "")


def _has(value: object, why: str = "missing") -> Outcome:
    return _OK if value else (False, why)


def _file_type(dist: DistributionFacts) -> FileType | None:
    return _lookup(dist.format, dist.media_type)


# A catalogue repeats a handful of formats and licences: look each up once.
@functools.lru_cache(maxsize=4096)
def _lookup(format_: str | None, media_type: str | None) -> FileType | None:
    table = file_types()
    found = table.lookup(format_) if format_ else None
    return found or (table.lookup(media_type) if media_type else None)


@functools.cache
def _canonical_licences() -> frozenset[str]:
    return frozenset(c.iri for c in vocabulary("license").concepts)


@functools.lru_cache(maxsize=4096)
def _known_format(value: str) -> bool:
    return value.startswith(EU_FILE_TYPE) and file_types().lookup(value) is not None


@functools.lru_cache(maxsize=4096)
def _known_media_type(value: str) -> bool:
    found = file_types().lookup(value)
    return found is not None and "/" in value


def _vocabulary(dist: DistributionFacts) -> Outcome:
    given = [(dist.format, _known_format), (dist.media_type, _known_media_type)]
    present = [(value, known) for value, known in given if value]
    if not present:
        return (False, "missing")
    return _OK if all(known(value) for value, known in present) else (False, "not_vocabulary")


def _flag(dist: DistributionFacts, flag: Callable[[FileType], bool]) -> Outcome:
    found = _file_type(dist)
    if found is None:
        return (False, "missing" if not (dist.format or dist.media_type) else "unknown_format")
    return _OK if flag(found) else (False, "flag")


def _reachable(evidence: LinkEvidence, url: str | None) -> Outcome:
    if not url:
        return (False, "missing")
    state = evidence.status(url)
    return _OK if state == "reachable" else (False, state)


def _download_reachable(evidence: LinkEvidence, dist: DistributionFacts) -> Outcome:
    if not dist.download_urls:
        return (False, "missing")
    states = [evidence.status(u) for u in dist.download_urls]
    if all(s == "reachable" for s in states):
        return _OK
    return (False, "broken" if "broken" in states else "unchecked")


def _licence_known(licence: str | None) -> Outcome:
    if not licence:
        return (False, "missing")
    known = licence in _canonical_licences() or licence.startswith(EU_LICENCE)
    return _OK if known else (False, "not_vocabulary")


def _access_rights_known(value: str | None) -> Outcome:
    if not value:
        return (False, "missing")
    right = value[len(EU_ACCESS_RIGHT) :] if value.startswith(EU_ACCESS_RIGHT) else ""
    return _OK if right in _ACCESS_RIGHTS else (False, "not_vocabulary")


def _compliance(facts: DatasetFacts) -> Outcome:
    if facts.compliant is None:
        return (False, "unchecked")
    return _OK if facts.compliant else (False, "violations")


DistributionCheck = Callable[[DistributionFacts, LinkEvidence], Outcome]
DatasetCheck = Callable[[DatasetFacts], Outcome]

_DISTRIBUTION_CHECKS: dict[str, DistributionCheck] = {
    "access_url_status": lambda d, e: _reachable(e, d.access_url),
    "download_url": lambda d, e: _has(d.download_urls),
    "download_url_status": lambda d, e: _download_reachable(e, d),
    "format": lambda d, e: _has(d.format),
    "media_type": lambda d, e: _has(d.media_type),
    "format_vocabulary": lambda d, e: _vocabulary(d),
    "non_proprietary": lambda d, e: _flag(d, lambda t: t.non_proprietary),
    "machine_readable": lambda d, e: _flag(d, lambda t: t.machine_readable),
    "licence": lambda d, e: _has(d.licence),
    "licence_vocabulary": lambda d, e: _licence_known(d.licence),
    "rights": lambda d, e: _has(d.rights),
    "byte_size": lambda d, e: _has(d.byte_size),
}
_DATASET_CHECKS: dict[str, DatasetCheck] = {
    "keyword": lambda f: _has(f.keywords),
    "theme": lambda f: _has(f.themes),
    "spatial": lambda f: _has(f.spatial),
    "temporal": lambda f: _has(f.temporal),
    "dcat_ap_compliance": _compliance,
    "access_rights": lambda f: _has(f.access_rights),
    "access_rights_vocabulary": lambda f: _access_rights_known(f.access_rights),
    "contact_point": lambda f: _has(f.contact_point),
    "publisher": lambda f: _has(f.publisher),
    "issued": lambda f: _has(f.issued),
    "modified": lambda f: _has(f.modified),
}


# --- One dataset -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One metric on one dataset. `passed` of `total` units pass (1 unit for a dataset-level
    metric, one per distribution otherwise); `earned` is what the dataset gets for it;
    `failing` names the units that do not pass, each with the reason."""

    metric: Metric
    passed: int
    total: int
    earned: float
    failing: tuple[tuple[str, str], ...]

    @property
    def lost(self) -> float:
        return self.metric.points - self.earned


@dataclass(frozen=True)
class DatasetScore:
    key: str
    checks: tuple[Check, ...]

    @property
    def points(self) -> float:
        return sum(c.earned for c in self.checks)

    @property
    def rating(self) -> str:
        return rating(self.points)

    def dimension(self, name: str) -> float:
        return sum(c.earned for c in self.checks if c.metric.dimension == name)

    def check(self, key: str) -> Check:
        return next(c for c in self.checks if c.metric.key == key)


def _dataset_check(metric: Metric, facts: DatasetFacts) -> Check:
    ok, why = _DATASET_CHECKS[metric.key](facts)
    failing = () if ok else ((facts.key, why),)
    return Check(metric, int(ok), 1, float(metric.points) if ok else 0.0, failing)


_INTEROPERABILITY = tuple(
    m for m in METRICS if m.dimension == "interoperability" and m.level == "distribution"
)
_NO_LINKS = LinkEvidence()


def _best_distribution(
    facts: DatasetFacts, outcomes: dict[str, list[tuple[str, Outcome]]]
) -> str | None:
    """The distribution with most interoperability points (the first of equals)."""
    best, best_points = None, -1
    for i, dist in enumerate(facts.distributions):
        points = sum(m.points for m in _INTEROPERABILITY if outcomes[m.key][i][1][0])
        if points > best_points:
            best, best_points = dist.key, points
    return best


def _distribution_check(
    metric: Metric, facts: DatasetFacts, outcomes: list[tuple[str, Outcome]], best: str | None
) -> Check:
    passed = sum(1 for _k, (ok, _w) in outcomes if ok)
    failing = tuple((k, why) for k, (ok, why) in outcomes if not ok)
    if not outcomes:
        return Check(metric, 0, 0, 0.0, ((facts.key, "no_distribution"),))
    if metric.dimension == "interoperability":
        failing = tuple((k, w) for k, w in failing if k == best)
        earned = 0.0 if failing else float(metric.points)
    else:
        earned = metric.points * passed / len(outcomes)
    return Check(metric, passed, len(outcomes), earned, failing)


def score_dataset(facts: DatasetFacts, evidence: LinkEvidence | None = None) -> DatasetScore:
    """Every metric's points for one dataset, with what fails and why."""
    evidence = evidence or _NO_LINKS
    outcomes = {
        key: [(d.key, check(d, evidence)) for d in facts.distributions]
        for key, check in _DISTRIBUTION_CHECKS.items()
    }
    best = _best_distribution(facts, outcomes)
    checks = [
        _dataset_check(m, facts)
        if m.level == "dataset"
        else _distribution_check(m, facts, outcomes[m.key], best)
        for m in METRICS
    ]
    return DatasetScore(facts.key, tuple(checks))


# --- Organisations and catalogues ------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """One metric over many datasets: `passed` of `population` units pass."""

    metric: Metric
    passed: int
    population: int

    @property
    def share(self) -> float:
        return self.passed / self.population if self.population else 0.0

    @property
    def earned(self) -> float:
        return self.metric.points * self.share


@dataclass(frozen=True)
class AggregateScore:
    datasets: int
    distributions: int
    tallies: tuple[Tally, ...]

    @property
    def points(self) -> float:
        return sum(t.earned for t in self.tallies)

    @property
    def rating(self) -> str:
        return rating(self.points)

    def dimension(self, name: str) -> float:
        return sum(t.earned for t in self.tallies if t.metric.dimension == name)


def aggregate(scores: Iterable[DatasetScore]) -> AggregateScore:
    """The score of an organisation or catalogue from its datasets' scores."""
    passed = {m.key: 0 for m in METRICS}
    population = {m.key: 0 for m in METRICS}
    datasets = distributions = 0
    for score in scores:
        datasets += 1
        for check in score.checks:
            passed[check.metric.key] += check.passed
            population[check.metric.key] += check.total
        distributions += score.check("access_url_status").total  # one unit per distribution
    tallies = tuple(Tally(m, passed[m.key], population[m.key]) for m in METRICS)
    return AggregateScore(datasets, distributions, tallies)


def metric(key: str) -> Metric:
    return _BY_KEY[key]
