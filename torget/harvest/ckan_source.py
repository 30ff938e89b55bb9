"""The CKAN source type: a CKAN site's Action API, `package_search` a page at a time.

Pages of `harvest_ckan_rows` packages (CKAN's hard maximum is 1000) by `start`, as ckanapi
pages (`shared/specs/ckan-api-and-mqa.md` §4.3), until a page comes back short or `count` is
reached. Each package is read with the same CKAN ↔ model mapping as Torget's own CKAN API
(`torget.ckan.mapping`), so Torget reads another Torget's packages exactly as it writes them;
what a foreign CKAN adds that the mapping does not know (its own extras, groups that are no EU
theme) is left out and reported. A package's IRI is `<site>/dataset/<id>`, as ckanext-dcat
mints it, and its page there becomes the landing page when it names none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from torget.ckan.mapping import EXTRAS, dataset_fields, distribution_fields, theme_concept
from torget.errors import ValidationFailed
from torget.harvest.fetch import Fetcher, FetchFailed
from torget.harvest.problems import Problem, SourceFailed
from torget.harvest.records import Harvested, Publisher, SourceRead

__all__ = ["read", "site_root"]

ROWS = 1000
_KNOWN_EXTRAS = {e.key for e in EXTRAS}


def site_root(url: str) -> str:
    """The site's root from its address or any API address under it."""
    root = url.split("/api/", 1)[0]
    return root.rstrip("/")


def _page(fetcher: Fetcher, root: str, start: int) -> dict[str, Any]:
    query = urlencode({"rows": ROWS, "start": start, "include_private": "false"})
    url = f"{root}/api/3/action/package_search?{query}"
    try:
        fetched = fetcher.get(url, accept="application/json")
    except FetchFailed as exc:
        raise SourceFailed("fetch_failed", str(exc)) from None
    try:
        body = json.loads(fetched.body)
    except ValueError as exc:
        raise SourceFailed("not_parseable", f"{url}: not JSON ({exc})") from None
    if not isinstance(body, dict) or not body.get("success") or "result" not in body:
        raise SourceFailed("not_parseable", f"{url}: not a CKAN Action API answer")
    result = body["result"]
    if not isinstance(result, dict) or not isinstance(result.get("results"), list):
        raise SourceFailed("not_parseable", f"{url}: no results list")
    return result


def read(
    fetcher: Fetcher,
    url: str,
    etag: str | None,
    last_modified: str | None,
    progress: Callable[[str], None],
) -> SourceRead:
    root = site_root(url)
    out = SourceRead()
    start, pages = 0, 0
    while True:
        pages += 1
        if pages > fetcher.max_pages:
            raise SourceFailed("too_many_pages", f"more than {fetcher.max_pages} pages")
        progress(f"packages {start}–{start + ROWS}")
        result = _page(fetcher, root, start)
        for pkg in result["results"]:
            if isinstance(pkg, dict):
                _package(root, pkg, out)
        start += len(result["results"])
        if len(result["results"]) < ROWS or start >= int(result.get("count") or 0):
            break
    if not out.seen:
        raise SourceFailed("no_datasets", f"{root}: package_search found no packages")
    return out


def _package(root: str, pkg: dict[str, Any], out: SourceRead) -> None:
    iri = f"{root}/dataset/{pkg.get('id') or pkg.get('name')}"
    if iri in out.seen:
        out.problems.append(Problem("duplicate_dataset", iri, "id", "listed twice", "error"))
        return
    out.seen.add(iri)
    clean = dict(pkg)
    clean["extras"] = [
        e for e in pkg.get("extras") or [] if isinstance(e, dict) and e.get("key") in _KNOWN_EXTRAS
    ]
    clean["groups"] = [g for g in pkg.get("groups") or [] if _is_theme(g, iri, out.problems)]
    try:
        fields = dataset_fields(clean, False)
    except ValidationFailed as exc:
        for e in exc.errors:
            out.problems.append(Problem("dataset_refused", iri, e.field, e.message, "error"))
        return
    if "title" not in fields:
        out.problems.append(Problem("missing_title", iri, "title", "no title", "error"))
        return
    if "description" not in fields:
        out.problems.append(Problem("missing_description", iri, "notes", "no description"))
        fields["description"] = dict(fields["title"])
    fields.pop("name", None)
    fields["landing_page"] = fields.get("landing_page") or f"{root}/dataset/{pkg.get('name')}"
    fields["distributions"] = _resources(iri, pkg, out.problems)
    out.records.append(Harvested(iri, fields, _publisher(root, pkg)))


def _is_theme(group: Any, iri: str, problems: list[Problem]) -> bool:
    name = str(group.get("name") if isinstance(group, dict) else group)
    try:
        theme_concept(name)
    except ValidationFailed:
        problems.append(Problem("unmapped_value", iri, "groups", f"{name!r} is no EU data theme"))
        return False
    return True


def _resources(iri: str, pkg: dict[str, Any], problems: list[Problem]) -> list[dict[str, Any]]:
    found = []
    for i, res in enumerate(pkg.get("resources") or []):
        if not isinstance(res, dict):
            continue
        try:
            found.append(distribution_fields(res))
        except ValidationFailed as exc:
            detail = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
            problems.append(Problem("distribution_dropped", iri, f"resources.{i}", detail, "error"))
    return found


def _publisher(root: str, pkg: dict[str, Any]) -> Publisher | None:
    org = pkg.get("organization")
    if not isinstance(org, dict) or not org.get("name"):
        return None
    title = str(org.get("title") or org.get("name"))
    return Publisher(iri=f"{root}/organization/{org['name']}", name_sv=title[:200])
