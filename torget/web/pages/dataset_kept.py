"""The dataset page kept as rendered for anonymous readers, and how a kept page is known to be
still right (issue 21: every public page under 10 ms of server CPU).

Building a dataset's page costs 30-40 ms of a core at demo scale (about 30 queries, a
600-line template, the data preview), and most readers are anonymous and see the same page.
So it is kept per site, address and language (`_KEPT`, a bounded `Memo`) with *slots* for what
is filled in for each reader (`fill`): the use summary, which moves as people read; the
participation part (follow, showcases, questions and comments), which shows the public's
newest posts and the reader's own state; and the form token. Signed-in readers, addresses
with a query (the preview's choices, `?lang=`) and a message waiting to be shown (a flash) get
a page built for the request, through the same code and the same slots.

A kept page is used while
- the catalogue is as it was: `feed_cache.catalogue_state`, part of the key, changes with
  every change through Torget to a public dataset or its distributions (also when a file the
  personal-data guard held is released, issue 13), a dataset published or withdrawn, a data
  service or an organisation (an anonymous reader sees no draft);
- the dataset's loads and what is made of them are as they were (`volatile_state`: one query
  over its loads, current tables, column descriptions, kept versions, conformance checks and
  harvest origin, compared on every use; a running load's heartbeat is in it, so a page
  showing its progress is made again as it moves);
- its due date has not passed: the freshness line turns "overdue" at that moment.
What a kept page can be wrong about is therefore only what changes behind Torget's back (SQL
typed into the database), as for the feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from markupsafe import Markup, escape

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Dataset
from torget.clock import now
from torget.db.engine import read
from torget.db.schema import (
    datastore_columns,
    datastore_jobs,
    datastore_tables,
    datastore_versions,
    distributions,
    harvest_origins,
    harvest_sources,
    specification_conformance,
)
from torget.dcat.feed_cache import catalogue_state
from torget.memo import Memo
from torget.usage import Counts
from torget.web.i18n import pick_language
from torget.web.pages.dataset_participation import DatasetParticipation
from torget.web.rendering import form_token, fragment_html
from torget.web.request_site import request_site

__all__ = ["DatasetPage", "SLOTS", "TOKEN_SLOT", "keeps", "kept_page", "fill", "volatile_state"]

# Comments cannot come from metadata (autoescaping writes `<` as `&lt;`), so a slot is only
# ever where the template put it.
SLOTS = {"use": Markup("<!--slot:use-->"), "participation": Markup("<!--slot:participation-->")}
TOKEN_SLOT = Markup("<!--slot:csrf-->")


@dataclass(frozen=True)
class DatasetPage:
    """A dataset's page as rendered, with its slots, and what it was made from."""

    dataset: Dataset
    body: str
    status: int
    headers: dict[str, str] | None
    volatile: tuple[object, ...]  # `volatile_state` when it was made
    until: dt.datetime | None  # when its freshness line goes out of date


# About 25 kB a page: a few megabytes for the most read pages in both languages.
_KEPT: Memo[DatasetPage] = Memo(256)


def keeps(request: Request, actor: Actor) -> bool:
    """Whether this request's page is the one every anonymous reader of its address sees."""
    return actor.user is None and not request.query_params and "flash" not in request.session


def kept_page(request: Request, build: Callable[[], DatasetPage]) -> DatasetPage:
    """The page kept for the request's address and language if it is still right, else
    `build()`, kept. The catalogue's token is read before `build` reads anything, so a page
    built while the catalogue changed is filed under the old token and never used."""
    site = request_site(request)
    key = (site.settings, request.url.path, pick_language(request), catalogue_state(site.settings))

    def current(page: DatasetPage) -> bool:
        if page.until is not None and now() >= page.until:
            return False
        with read(site.engine) as conn:
            return page.volatile == volatile_state(conn, page.dataset.id)

    return _KEPT.get(key, build, current)


def _volatile_query() -> sa.Select[Any]:
    ids = sa.select(distributions.c.id).where(distributions.c.dataset_id == sa.bindparam("id"))
    j, t, c, v, k = (datastore_jobs, datastore_tables, datastore_columns, datastore_versions,
                     specification_conformance)  # fmt: skip
    count, latest = sa.func.count, sa.func.max

    def of(
        table: sa.Table, value: sa.ColumnElement[Any], *where: sa.ColumnElement[bool]
    ) -> sa.ScalarSelect[Any]:
        return sa.select(value).where(table.c.distribution_id.in_(ids), *where).scalar_subquery()

    o, s = harvest_origins, harvest_sources
    origin = sa.select(latest(o.c.harvested_at)).where(o.c.dataset_id == sa.bindparam("id"))
    source = sa.select(latest(s.c.updated_at)).join(o, s.c.id == o.c.source_id)
    return sa.select(
        of(j, count()), of(j, count(), j.c.state == "queued"),
        of(j, count(), j.c.state == "running"), of(j, sa.func.sum(j.c.attempts)),
        of(j, latest(j.c.heartbeat_at)), of(j, latest(j.c.finished_at)),
        of(t, count()), of(t, latest(t.c.loaded_at)),
        of(c, count()), of(c, latest(c.c.updated_at)),
        of(v, count()), of(v, count(v.c.file)),
        of(k, count()), of(k, latest(k.c.checked_at)),
        origin.scalar_subquery(),
        source.where(o.c.dataset_id == sa.bindparam("id")).scalar_subquery(),
    )  # fmt: skip


# Built once: building this statement took longer than running it.
_VOLATILE = _volatile_query()


def volatile_state(conn: sa.Connection, dataset_id: str) -> tuple[object, ...]:
    """What the page shows that changes without a catalogue change, in one query: counts and
    latest times of the dataset's loads, tables, column descriptions, versions, conformance
    checks and harvest origin. Rows are added, or changed with a new time: a load is claimed
    (an attempt), beats (its progress) and ends at a new time, and only a load put back in
    the queue changes nothing else, which the counts by state see. The key loads are
    compared by is left out: only editors, who get no kept page, see it."""
    return tuple(conn.execute(_VOLATILE, {"id": dataset_id}).one())


def fill(
    request: Request,
    page: DatasetPage,
    use: Counts | None,
    participation: DatasetParticipation,
) -> str:
    """The page for this reader: its slots filled with their use summary, participation part
    and form token (made only when the page has a form, so reading sets no cookie)."""
    parts = {
        "use": fragment_html(request, "_dataset_use.html", use=use, dataset=page.dataset)
        if use is not None
        else Markup(""),
        "participation": fragment_html(
            request, "_dataset_participation.html", participation=participation,
            dataset=page.dataset,
        ),
    }  # fmt: skip
    body = page.body
    for name, slot in SLOTS.items():
        body = body.replace(slot, parts[name])
    if TOKEN_SLOT in body:
        body = body.replace(TOKEN_SLOT, escape(form_token(request)))
    return body
