"""What a source type hands over: the datasets it read, in the API's shape, and its problems.

A source type (DCAT RDF, CKAN, …) only reads: it turns what the source publishes into
`Harvested` records (a `DatasetIn` as a plain dict, the original IRI, the publisher it names)
and `Problem`s. Settling the records against the catalogue's rules, comparing them with the
previous harvest and applying the difference are the same for every type (`run.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from torget.harvest.problems import Problem

__all__ = ["Publisher", "Harvested", "SourceRead"]


@dataclass(frozen=True)
class Publisher:
    """dcterms:publisher as the source names it: an IRI (None for a blank node) and a name."""

    iri: str | None
    name_sv: str
    name_en: str | None = None
    org_number: str | None = None
    publisher_type: str | None = None
    homepage: str | None = None


@dataclass
class Harvested:
    iri: str
    data: dict[str, Any]  # DatasetIn's fields, without "organisation"
    publisher: Publisher | None = None
    machine_translated: list[str] = field(default_factory=list)  # e.g. ["title.en"]


@dataclass
class SourceRead:
    records: list[Harvested] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # IRIs the source lists, also those skipped as bad: a dataset harvested before and bad now
    # keeps its last good version instead of vanishing.
    seen: set[str] = field(default_factory=set)
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
