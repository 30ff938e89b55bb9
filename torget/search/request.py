"""What a search asks for (`SearchQuery`, checked by `check`) and what it answers
(`SearchResult`, with each facet's `FacetValue`s): the terms of `query.py`, apart from how it
finds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from torget.catalog.datasets import Dataset
from torget.errors import FieldError, ValidationFailed
from torget.search.facets import FACETS, canonical_value, stored_facet

__all__ = ["Sort", "Lang", "SORTS", "SearchQuery", "FacetValue", "SearchResult", "check", "chosen"]

Sort = Literal["relevance", "title", "modified", "popularity", "name"]
Lang = Literal["sv", "en"]
# The orders people choose from; "name" (CKAN's `name asc`) is accepted but not offered.
SORTS: tuple[Sort, ...] = ("relevance", "title", "modified", "popularity")


@dataclass(frozen=True)
class SearchQuery:
    """What to look for. `filters` maps a facet name (see FACETS) to the chosen values.

    Sorting: "relevance" (best match first; newest first when there is no text), "title"
    (A–Ö in `lang`, Swedish when a dataset has no English title), "modified" (newest first:
    the dataset's `modified`, else its last change), "popularity" (views + 3 × downloads),
    "name" (the URL name, A–Z: CKAN's `name asc`).
    Ties are broken by the dataset's name, so every order is total and the same on both
    databases. `facet_limit` caps the values listed per facet (counts stay exact).
    `due_before` keeps only published datasets whose due date (`publishing.freshness`) is
    before it; counts are then counted over those, never read from the kept counts.
    """

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 20
    lang: Lang = "sv"
    facet_limit: int = 50
    due_before: dt.datetime | None = None  # only datasets due before it (overdue: now)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    label_sv: str
    label_en: str
    selected: bool = False


@dataclass(frozen=True)
class SearchResult:
    total: int
    items: list[Dataset]
    facets: dict[str, list[FacetValue]]


def check(query: SearchQuery) -> None:
    problems = [
        FieldError(f"filters.{name}", "is not a facet", list(FACETS))
        for name in query.filters
        if name not in FACETS
    ]
    if query.sort not in (*SORTS, "name"):
        problems.append(FieldError("sort", f"{query.sort!r} is not a sort order", list(SORTS)))
    if query.lang not in ("sv", "en"):
        problems.append(FieldError("lang", f"{query.lang!r} is not a language", ["sv", "en"]))
    for name, value in (("page", query.page), ("page_size", query.page_size)):
        if value < 1:
            problems.append(FieldError(name, "must be 1 or more"))
    if problems:
        raise ValidationFailed(problems)


def chosen(query: SearchQuery) -> dict[str, list[str]]:
    """Chosen values by stored facet name, canonical and without duplicates."""
    chosen = {}
    for facet, values in query.filters.items():
        canonical = sorted({canonical_value(facet, v) for v in values if v.strip()})
        if canonical:
            chosen[stored_facet(facet, query.lang)] = canonical
    return chosen
