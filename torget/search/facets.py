"""Facets: which values a dataset has for each, how a chosen value is spelled, and its labels.

Values are short and stable so that they read well in URLs: the code of a controlled value
(`ENVI`, `CSV`, `CC-BY-4.0`, `c_ac64a52d`), an organisation's short name, a keyword as
written, a specification's URL. A filter may also give the value as its IRI or any alias the
vocabularies know (`text/csv`, `cc-by`); `canonical_value` turns it into the stored form.

Formats and licences are the dataset's distributions' (a distribution without a licence has
the dataset's default, as in the DCAT feed); specifications are the dataset's and its
distributions' `conforms_to`, and `conforms` the specifications a distribution's current table
was checked against and follows (torget.specifications.conformance: declared is not enough).
Keywords are counted in the query's language, a dataset without
English keywords offering its Swedish ones, as titles do.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from torget.catalog.datasets import Dataset
from torget.catalog.vocabularies import file_types, vocabulary
from torget.specifications.registry import standard_title

__all__ = [
    "FACETS",
    "stored_facet",
    "facet_rows",
    "facet_key",
    "keys_text",
    "canonical_value",
    "label_of",
    "MAX_VALUE",
]

FACETS = ("theme", "organisation", "format", "license", "keyword", "hvd", "conforms_to", "conforms")
MAX_VALUE = 500

_VOCABULARY = {"theme": "theme", "license": "license", "hvd": "hvd_category"}


def stored_facet(facet: str, lang: str) -> str:
    """The facet's name in `dataset_facets`: keywords are stored once per language."""
    return f"keyword_{lang}" if facet == "keyword" else facet


def canonical_value(facet: str, value: str) -> str:
    """A filter value in its stored form; unknown values stay as given (and match nothing)."""
    value = value.strip()
    if facet in _VOCABULARY:
        concept = vocabulary(_VOCABULARY[facet]).lookup(value)
        return concept.code if concept else value
    if facet == "format":
        found = file_types().lookup(value)
        return found.code if found else value
    return value


def _code(facet: str, iri: str) -> str:
    return canonical_value(facet, iri)


def _values(dataset: Dataset, conforming: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    data = dataset.data
    yield "organisation", data.organisation  # exactly one per dataset: search counts on it
    yield from (("theme", _code("theme", t)) for t in data.themes)
    yield from (("hvd", _code("hvd", c)) for c in data.hvd_categories)
    yield from (("conforms_to", ref.url) for ref in data.conforms_to)
    yield from (("keyword_sv", k) for k in data.keywords.sv)
    yield from (("keyword_en", k) for k in (data.keywords.en or data.keywords.sv))
    for dist in dataset.distributions:
        yield "format", _code("format", dist.data.format)
        licence = dist.data.license or data.license
        if licence:
            yield "license", _code("license", licence)
        yield from (("conforms_to", ref.url) for ref in dist.data.conforms_to)
        if dist.id in conforming:
            yield "conforms", conforming[dist.id]


SEPARATOR = "\x1f"  # ASCII unit separator: never part of a value (values with it are left out)


def facet_rows(dataset: Dataset, conforming: Mapping[str, str] | None = None
               ) -> list[tuple[str, str]]:  # fmt: skip
    """(facet, value) pairs of a dataset, each once, in a stable order; `conforming` maps its
    distributions whose tables follow their specification to its IRI."""
    rows = {
        (f, v)
        for f, v in _values(dataset, conforming or {})
        if v and len(v) <= MAX_VALUE and SEPARATOR not in v
    }
    return sorted(rows)


def facet_key(facet: str, value: str) -> str:
    """How one (facet, value) pair appears in `search_documents.facet_keys`."""
    return f"{SEPARATOR}{facet}={value}{SEPARATOR}"


def keys_text(rows: list[tuple[str, str]]) -> str:
    """All of a document's pairs in one string, each delimited on both sides."""
    return SEPARATOR + SEPARATOR.join(f"{f}={v}" for f, v in rows) + SEPARATOR


def label_of(facet: str, value: str, organisations: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(Swedish, English) label: from the vocabularies, or the organisation's title."""
    if facet in _VOCABULARY:
        concept = vocabulary(_VOCABULARY[facet]).lookup(value)
        if concept is not None:
            return concept.label_sv, concept.label_en
    elif facet == "format":
        found = file_types().lookup(value)
        if found is not None:
            return found.label, found.label
    elif facet == "organisation" and value in organisations:
        return organisations[value]
    elif facet in ("conforms", "conforms_to") and (titles := standard_title(value)):
        return titles["sv"], titles["en"]
    return value, value
