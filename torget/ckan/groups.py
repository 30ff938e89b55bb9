"""CKAN's groups are Torget's EU data themes (`dcat:theme`): read-only, named by the
lower-case theme code (`tran`), titled in Swedish with the English in `title_translated`.
`tag_list` lists the Swedish keywords of published datasets.
"""

from __future__ import annotations

from typing import Any

from torget.catalog.organisations import all_organisations
from torget.catalog.vocabularies import vocabulary
from torget.ckan.call import Call, Params, as_bool, as_int, required
from torget.ckan.mapping import theme_concept
from torget.ckan.mapping_orgs import group_dict
from torget.ckan.organizations import published_counts
from torget.ckan.packages import to_package
from torget.db.engine import read
from torget.search import SearchQuery, search_datasets

__all__ = ["group_list", "group_show", "tag_list"]


def group_list(call: Call, params: Params) -> list[Any]:
    themes = sorted(vocabulary("theme").concepts, key=lambda c: c.code)
    offset = as_int(params, "offset", 0)
    themes = themes[offset : offset + as_int(params, "limit", 1000)]
    if not as_bool(params, "all_fields"):
        return [t.code.lower() for t in themes]
    with read(call.engine) as conn:
        counts = published_counts(conn, "theme")
    return [group_dict(t, counts.get(t.code, 0)) for t in themes]


def group_show(call: Call, params: Params) -> dict[str, Any]:
    theme = theme_concept(required(params, "id"))
    with read(call.engine) as conn:
        out = group_dict(theme, published_counts(conn, "theme").get(theme.code, 0))
        if as_bool(params, "include_datasets"):
            query = SearchQuery(filters={"theme": [theme.code]}, page_size=1000)
            orgs = all_organisations(conn)
            found = search_datasets(conn, call.actor, query).items
            out["packages"] = [to_package(conn, call, d, orgs) for d in found]
    return out


def tag_list(call: Call, params: Params) -> list[Any]:
    with read(call.engine) as conn:
        names = sorted(published_counts(conn, "keyword"))
    wanted = str(params.get("query") or "").casefold()
    names = [n for n in names if wanted in n.casefold()]
    if as_bool(params, "all_fields"):
        return [{"id": n, "name": n, "display_name": n, "vocabulary_id": None} for n in names]
    return names
