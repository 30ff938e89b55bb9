"""The runnable examples of the developers' guide (`/about`), made for this catalogue.

Every example is a real request against this Torget, built from the site's base URL and from
records looked up when the page is shown (a public dataset, a loaded table and its columns,
an organisation, a theme), never hard-coded, so each one answers on any instance with public
data. Each carries the shape its answer has (the JSON keys at the top, or the media type),
which the page shows and `tests/web/test_about.py` checks by running every example the page
shows. Examples that write or read a member's data need an API token (`$TOKEN`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import sqlalchemy as sa

from torget.accounts.permissions import ANONYMOUS
from torget.catalog.visibility import readable_by
from torget.db.schema import datasets, datastore_tables, distributions, organisations

__all__ = ["Example", "Sample", "examples", "find_sample"]


@dataclass(frozen=True)
class Sample:
    """The public records the examples use: a dataset, one of its loaded tables, columns."""

    dataset: str  # its name
    organisation: str
    theme: str  # an EU theme code
    word: str  # a word of its title, for the search examples
    distribution: str | None = None  # a loaded table's distribution id
    text_column: str | None = None
    value: str | None = None  # a value of text_column, for a filter


@dataclass(frozen=True)
class Example:
    """One request: `shape` is the answer's top-level JSON keys or its media type."""

    section: str
    method: str
    path: str
    shape: tuple[str, ...] | str
    token: bool = False
    body: dict[str, Any] | None = None
    upload: bool = False

    def curl(self, base: str) -> str:
        parts = ["curl"]
        if self.method != "GET" and not self.upload:
            parts.append(f"-X {self.method}")
        if self.token:
            parts.append('-H "Authorization: Bearer $TOKEN"')
        if self.body is not None:
            body = json.dumps(self.body, ensure_ascii=False)
            parts.append(f"-H 'Content-Type: application/json' -d '{body}'")
        if self.upload:
            parts.append("-F file=@data.csv")
        return " ".join([*parts, f"'{base}{self.path}'"])

    @property
    def shape_text(self) -> str:
        return self.shape if isinstance(self.shape, str) else ", ".join(self.shape)


def _first_word(title: str) -> str:
    words = [w.strip(".,:;()") for w in title.split()]
    return max(words, key=len).lower() if words else ""


def _themes(record: dict[str, Any]) -> list[str]:
    return [t.rstrip("/").rsplit("/", 1)[-1] for t in record.get("themes", [])]


def find_sample(conn: sa.Connection, datastore_value: Any) -> Sample | None:
    """The examples' records: the first public dataset (by name) with a loaded table whose
    first text column has a value, else the first public dataset; None in an empty catalogue.
    `datastore_value(distribution_id, column)` reads one value of a column (or None)."""
    public = readable_by(ANONYMOUS, datasets)
    rows = conn.execute(
        sa.select(datasets.c.name, datasets.c.data, organisations.c.name.label("org"),
                  datastore_tables.c.distribution_id, datastore_tables.c.columns)
        .join(organisations, organisations.c.id == datasets.c.organisation_id)
        .outerjoin(distributions, distributions.c.dataset_id == datasets.c.id)
        .outerjoin(datastore_tables, datastore_tables.c.distribution_id == distributions.c.id)
        .where(public)
        .order_by(datastore_tables.c.distribution_id.is_(None), datasets.c.name,
                  distributions.c.position)
        .limit(20)  # loaded tables first: one of the first few has a value to show
    ).all()  # fmt: skip
    fallback: Sample | None = None
    for row in rows:
        record = row.data if isinstance(row.data, dict) else json.loads(row.data)
        themes = _themes(record)
        title = record.get("title", {}).get("sv", row.name)
        sample = Sample(row.name, row.org, themes[0] if themes else "", _first_word(title))
        fallback = fallback or sample
        if row.distribution_id is None:
            continue
        columns = row.columns if isinstance(row.columns, list) else json.loads(row.columns)
        text = [c["name"] for c in columns if c.get("type") in ("TEXT", "VARCHAR")]
        value = datastore_value(row.distribution_id, text[0]) if text else None
        if value is not None:
            return Sample(**{**sample.__dict__, "distribution": row.distribution_id,
                             "text_column": text[0], "value": value})  # fmt: skip
    return fallback


def examples(sample: Sample) -> list[Example]:
    """The guide's examples over `sample`, in the page's order of sections."""
    q = urlencode({"q": sample.word, "theme": sample.theme})
    found = [
        Example("catalogue", "GET", "/api/datasets?page_size=2", ("count", "items", "next")),
        Example("catalogue", "GET", f"/dataset/{sample.dataset}.json",
                ("id", "title", "distributions")),
        Example("catalogue", "GET", "/api/organisations", ("count", "items")),
        Example("catalogue", "GET", "/api/vocabularies/theme", ("name", "items")),
        Example("search", "GET", f"/api/search?{q}", ("count", "items", "facets")),
        Example("search", "GET", "/api/search?theme=" + quote(sample.theme) + "&sort=modified",
                ("count", "items", "facets")),
    ]  # fmt: skip
    found += _datastore_examples(sample)
    found += [
        Example("ckan", "GET", f"/api/3/action/package_search?{urlencode({'q': sample.word})}"
                "&rows=2", ("help", "success", "result")),
        Example("ckan", "GET", f"/api/3/action/package_show?id={sample.dataset}",
                ("help", "success", "result")),
        Example("dcat", "GET", "/datasets/dcat", "application/rdf+xml"),
        Example("dcat", "GET", "/catalog.ttl", "text/turtle"),
        Example("dcat", "GET", f"/organisation/{sample.organisation}/datasets/dcat",
                "application/rdf+xml"),
        Example("dcat", "GET", f"/feeds/datasets.atom?organisation={sample.organisation}",
                "application/atom+xml"),
        Example("suggestions", "GET", "/api/suggestions?sort=votes", ("count", "items")),
        Example("suggestions", "GET", "/suggestions.atom", "application/atom+xml"),
        Example("webhooks", "GET", f"/api/organisations/{sample.organisation}/webhooks",
                ("count", "items"), token=True),
        Example("publish", "GET", "/api/me", ("name", "email_verified"), token=True),
    ]  # fmt: skip
    if sample.distribution:
        found.append(
            Example("publish", "POST", f"/api/distributions/{sample.distribution}/file",
                    ("id", "download_url", "byte_size"), token=True, upload=True)
        )  # fmt: skip
    return found


def _datastore_examples(sample: Sample) -> list[Example]:
    dist, column = sample.distribution, sample.text_column
    if dist is None or column is None or sample.value is None:
        return []
    where = urlencode({column: sample.value, "limit": 5})
    sql = f'SELECT "{column}", count(*) AS n FROM "{dist}" GROUP BY 1 ORDER BY n DESC LIMIT 5'
    ckan = urlencode({"resource_id": dist, "limit": 2})
    return [
        Example("datastore", "GET", f"/api/datastore/{dist}", ("columns", "row_count", "rows")),
        Example("datastore", "GET", f"/api/datastore/{dist}/rows?limit=5",
                ("limit", "total", "rows", "next")),
        Example("datastore", "GET", f"/api/datastore/{dist}/rows?{where}", ("total", "rows")),
        Example("aggregates", "GET",
                f"/api/datastore/{dist}/aggregate?{urlencode({'group_by': column, 'count': '*'})}",
                ("group_by", "rows")),
        Example("aggregates", "GET", f"/api/datastore/{dist}/distinct/{quote(column)}",
                ("column", "values")),
        Example("sql", "GET", f"/api/datastore/sql?{urlencode({'sql': sql})}",
                ("columns", "rows", "truncated")),
        Example("downloads", "GET", f"/api/datastore/{dist}/rows.csv?limit=5", "text/csv"),
        Example("downloads", "GET", f"/api/datastore/{dist}/rows.parquet",
                "application/vnd.apache.parquet"),
        Example("ckan", "GET", f"/api/3/action/datastore_search?{ckan}",
                ("help", "success", "result")),
    ]  # fmt: skip
