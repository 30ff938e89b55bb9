"""`package_search` over `torget.search.search_datasets`.

`q` and `fq` are read with the part of Solr's syntax CKAN clients use: bare words (free text),
`field:value` and `field:"quoted value"`, `+` prefixes, `AND`, and `*:*`. The fields are
`organization`, `tags`, `res_format`, `license_id` and `groups` (Torget's facets), `name`, and
the always-true `type:dataset`, `dataset_type:dataset`, `state:active` and `capacity:public`.
Anything else (`OR`, `NOT`, `-`, ranges, other fields, a field given twice) is refused with a
"Search Query Error" rather than answered wrongly. Sorts: CKAN's default
`score desc, metadata_modified desc`, `metadata_modified desc`, `title_string asc`, `name asc`.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import ANONYMOUS, Actor
from torget.catalog.organisations import all_organisations
from torget.ckan.call import Call, Params, SearchQueryError, as_bool, as_int, as_list
from torget.ckan.mapping import group_name
from torget.ckan.packages import to_package
from torget.db.engine import read
from torget.search import FacetValue, SearchQuery, SearchResult, search_datasets

__all__ = ["package_search", "FIELDS", "facet_counts"]

ROWS_MAX = 1000
FIELDS = {
    "organization": "organisation",
    "tags": "keyword",
    "res_format": "format",
    "license_id": "license",
    "groups": "theme",
}
_ALWAYS = {"type": "dataset", "dataset_type": "dataset", "state": "active"}
_SORTS = {
    "score desc, metadata_modified desc": "relevance",
    "score desc": "relevance",
    "metadata_modified desc": "modified",
    "title_string asc": "title",
    "name asc": "name",
}
_TOKEN = re.compile(r'([+-]?)(?:([\w.]+):)?("[^"]*"|\S+)')


class _Parsed:
    def __init__(self) -> None:
        self.words: list[str] = []
        self.filters: dict[str, list[str]] = {}
        self.name: str | None = None
        self.public_only = False

    def add(self, field: str | None, value: str) -> None:
        if field is None or field == "text":
            self.words.append(value)
        elif field == "capacity" and value == "public":
            self.public_only = True
        elif _ALWAYS.get(field) == value:
            return
        elif field == "name" and self.name is None:
            self.name = value
        elif field in FIELDS and FIELDS[field] not in self.filters:
            self.filters[FIELDS[field]] = [value]
        else:
            known = ", ".join([*FIELDS, "name", "type", "state", "capacity"])
            raise SearchQueryError(
                f"cannot search on {field}:{value} (fields, each at most once: {known})"
            )


def _parse(parsed: _Parsed, text: str) -> None:
    for sign, field, raw in _TOKEN.findall(text.strip()):
        if sign == "-" or raw in ("OR", "NOT", "||", "!") or raw[:1] in "([{" or raw[-1:] in ")]}":
            raise SearchQueryError(
                f"{sign}{raw!r}: OR, NOT, '-', groups and ranges are not supported"
            )
        if (field, raw) == ("", "AND") or f"{field}:{raw}" in ("*:*",):
            continue
        value = raw[1:-1] if raw.startswith('"') and raw.endswith('"') else raw
        parsed.add(field or None, value)


def _sort(params: Params) -> str:
    given = str(params.get("sort") or "score desc, metadata_modified desc")
    key = ", ".join(" ".join(part.split()).lower() for part in given.split(","))
    if key not in _SORTS:
        raise SearchQueryError(f"cannot sort by {given!r}; use one of: {', '.join(_SORTS)}")
    return _SORTS[key]


def _query(parsed: _Parsed, params: Params, rows: int, start: int) -> SearchQuery:
    limit = as_int(params, "facet.limit", 50, low=-1)
    page_size, page = (rows, start // rows + 1) if rows and start % rows == 0 else (start + rows, 1)
    return SearchQuery(
        text=" ".join(parsed.words),
        filters=parsed.filters,
        sort=_sort(params),  # type: ignore[arg-type]
        page=page,
        page_size=max(page_size, 1),
        facet_limit=limit if limit >= 0 else 1_000_000,
    )


def _named(conn: sa.Connection, actor: Actor, query: SearchQuery, name: str) -> SearchResult:
    """`name:` narrows the matches to one dataset (facets then list nothing)."""
    wide = SearchQuery(text=query.text, filters=query.filters, page_size=ROWS_MAX)
    found = search_datasets(conn, actor, wide)
    hit = [d for d in found.items if d.name == name]
    return SearchResult(len(hit), hit, {facet: [] for facet in found.facets})


def facet_counts(values: list[FacetValue], field: str, mincount: int) -> list[dict[str, Any]]:
    items = []
    for value in values:
        if value.count < mincount:
            continue
        name = group_name(value.value) if field == "groups" else value.value
        items.append({"name": name, "display_name": value.label_sv, "count": value.count})
    return sorted(items, key=lambda item: item["display_name"], reverse=True)


def _facets(result: SearchResult, params: Params) -> tuple[dict[str, Any], dict[str, Any]]:
    mincount = as_int(params, "facet.mincount", 1)
    search_facets, facets = {}, {}
    for field in as_list(params, "facet.field"):
        if not isinstance(field, str) or field not in FIELDS:
            raise SearchQueryError(f"cannot facet on {field!r}; use one of {', '.join(FIELDS)}")
        items = facet_counts(result.facets[FIELDS[field]], field, mincount)
        search_facets[field] = {"title": field, "items": items}
        facets[field] = {item["name"]: item["count"] for item in items}
    return search_facets, facets


def package_search(call: Call, params: Params) -> dict[str, Any]:
    parsed = _Parsed()
    for text in [params.get("q") or "", params.get("fq") or "", *as_list(params, "fq_list")]:
        _parse(parsed, str(text))
    rows = as_int(params, "rows", 10, high=ROWS_MAX)
    start = as_int(params, "start", 0)
    private = as_bool(params, "include_private") or as_bool(params, "include_drafts")
    actor = call.actor if private and not parsed.public_only else ANONYMOUS
    query = _query(parsed, params, rows, start)
    with read(call.engine) as conn:
        if parsed.name is None:
            result = search_datasets(conn, actor, query)
            skip = start - (query.page - 1) * query.page_size
        else:
            result, skip = _named(conn, actor, query, parsed.name), start
        page = result.items[skip : skip + rows]
        orgs = all_organisations(conn)
        results = [to_package(conn, call, d, orgs) for d in page]
    search_facets, facets = _facets(result, params)
    return {
        "count": result.total,
        "results": results,
        "sort": str(params.get("sort") or "score desc, metadata_modified desc"),
        "search_facets": search_facets,
        "facets": facets,
    }
