"""Record JSON and RDF and search answers kept as sent for anonymous readers (issue 21: record
JSON at 64 connections as fast as Datasette's row JSON, p99 ≤ 250 ms).

A dataset's JSON cost about 6.4 ms of a core, most of it reading and validating the record
and its distributions and working out its due date, and a search answer more; every
anonymous reader of an address gets the same bytes. So the bytes are kept per site, address
and format (`RECORDS` and `SEARCHES`, bounded `Memo`s), as the dataset page is
(`pages/dataset_kept.py`), and a kept answer is used while

- the catalogue is as it was: `feed_cache.catalogue_state`, part of the key, changes after
  every commit that changes a public dataset or its distributions (and the search index with
  them, in the same transaction), publishes or withdraws one, or changes a data service or an
  organisation, in whichever process. A draft's saves leave it: no anonymous answer shows a
  draft (its words move the search's term statistics a little, so a kept search keeps the
  order of the last public change until the next);
- for a search answer, the use counts are as they were: `usage_state`, also in the key,
  because use breaks ties in the relevance order and makes the popularity order;
- the datastore of the datasets it shows is as it was (`loads_state`, one query, which sees
  a write of any process): a load's time is the dataset's last data change, and a load that
  has not passed holds the file it loads (`publishing.held_files`), so the record points at
  the one served meanwhile. The query is run again only after the datastore's loads token
  (`datastore.loads_stamp`, renewed after every commit writing a load or a table, in any
  process) has changed since the answer's loads were last found current (`Answer.seen`);
- no due date it shows has passed: a dataset turns overdue at that moment.

A kept answer known right by its tokens alone (three small file reads: the catalogue's, the
use counts' for a search, the loads') is answered on the event loop (`answered`), as the
start page is: no thread of the pool, no pooled connection, no query. Before, each kept
record still cost a hop to a thread and the loads query, 0.5-1 ms of a core on PostgreSQL,
and at 64 connections the threads' turns at the GIL delayed the event loop's every answer.

Signed-in callers (an `Authorization` header) may see drafts and held files: their answers
are built for the request, by the same code. What a kept answer can be wrong about is only
what changes behind Torget's back (SQL typed into the database), as for the feed and the
dataset page.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from torget.accounts.permissions import Actor
from torget.catalog.datasets import get_dataset
from torget.clock import now
from torget.datastore.loads_stamp import loads_token
from torget.db.engine import read
from torget.db.schema import datasets, datastore_jobs, datastore_tables, distributions
from torget.dcat.feed import dataset_document
from torget.dcat.feed_cache import catalogue_state
from torget.ids import is_uuid
from torget.memo import Memo
from torget.site import Site
from torget.web.api_freshness import datasets_json_until
from torget.web.caching import body_etag
from torget.web.negotiation import FORMATS

__all__ = [
    "Answer",
    "Seen",
    "answer",
    "answered",
    "kept",
    "record_answer",
    "json_body",
    "loads_state",
    "dataset_id_of",
    "keeps",
    "RECORDS",
    "SEARCHES",
]


class Seen:
    """The datastore's loads token (`loads_stamp`) under which a kept answer's `loads` were
    last found current: until it changes, no query is needed to know they still are."""

    __slots__ = ("token",)

    def __init__(self) -> None:
        self.token = ""  # none yet: compare


@dataclass(frozen=True)
class Answer:
    """An answer's bytes as sent, and what they were made from."""

    body: bytes
    media_type: str
    dataset_ids: tuple[str, ...]  # the datasets it shows (their loads_state is compared)
    loads: tuple[object, ...]  # `loads_state` of those before the answer was read
    until: dt.datetime | None = None  # when a due date it shows passes
    seen: Seen = field(default_factory=Seen, compare=False, repr=False)

    def response(self, headers: dict[str, str] | None = None) -> Response:
        return Response(self.body, media_type=self.media_type, headers=headers)

    @functools.cached_property
    def etag(self) -> str:
        """Its ETag, as `HttpCaching` gives it, hashed once (a search's 20-60 kB took 8 % of
        a kept answer's CPU to hash on every use)."""
        return body_etag(self.body)


# A record's JSON or RDF is 3-8 kB, a search answer 20-60 kB: some 20 MB at most.
RECORDS: Memo[Answer] = Memo(1024)
SEARCHES: Memo[Answer] = Memo(256)


def json_body(content: Any) -> bytes:
    """JSON as the API sends it (Starlette's `JSONResponse`: UTF-8, no spaces)."""
    return bytes(JSONResponse(content).body)


def _loads_query() -> sa.Select[Any]:
    ids = sa.select(distributions.c.id).where(
        distributions.c.dataset_id.in_(sa.bindparam("ids", expanding=True))
    )
    t, j = datastore_tables, datastore_jobs

    def of(table: sa.Table, value: Any, *where: sa.ColumnElement[bool]) -> Any:
        return sa.select(value).where(table.c.distribution_id.in_(ids), *where).scalar_subquery()

    return sa.select(
        of(t, sa.func.count()), of(t, sa.func.max(t.c.loaded_at)),
        of(j, sa.func.count()), of(j, sa.func.count(), j.c.state == "done"),
        of(j, sa.func.max(j.c.created_at)),
    )  # fmt: skip


_LOADS = _loads_query()  # built once: building it costs more than running it


def loads_state(conn: sa.Connection, dataset_ids: Iterable[str]) -> tuple[object, ...]:
    """What a record shows of its distributions' datastore, in one query: the count and
    latest time of their loaded tables (the last data change) and the count, passed count
    and newest creation of their loads (which files are held). A load is added, passes or
    is removed; each moves one of these."""
    ids = list(dataset_ids)
    if not ids:
        return ()
    return tuple(conn.execute(_LOADS, {"ids": ids}).one())


def dataset_id_of(conn: sa.Connection, ref: str) -> str | None:
    """The id of the dataset with this id or name, None when there is none."""
    key = datasets.c.id if is_uuid(ref) else datasets.c.name
    found = conn.execute(sa.select(datasets.c.id).where(key == ref)).scalar()
    return None if found is None else str(found)


def keeps(actor: Actor) -> bool:
    """Whether the caller gets what every anonymous reader gets."""
    return actor.user is None


def _full_key(site: Site, usage: str | None, key: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
    # The token before anything is read: an answer is never older than its key.
    return (site.settings, catalogue_state(site.settings), usage, *key)


def _overdue(kept: Answer) -> bool:
    return kept.until is not None and now() >= kept.until


def kept(
    site: Site, key: tuple[Hashable, ...], usage: str | None = None, memo: Memo[Answer] = RECORDS
) -> Answer | None:
    """The answer kept under `key` for an anonymous caller when it is known to be right
    without a query (no write to the datastore's loads since its loads were last compared),
    else None: what the event loop answers without a thread (issue 21)."""
    found = memo.peek(_full_key(site, usage, key))
    if found is None or _overdue(found):
        return None
    if found.dataset_ids and found.seen.token != loads_token(site.settings):
        return None
    return found


def answer(
    site: Site,
    actor: Actor,
    key: tuple[Hashable, ...],
    build: Callable[[sa.Connection], Answer],
    usage: str | None = None,
    keep: bool = True,
    memo: Memo[Answer] = RECORDS,
) -> Answer:
    """The answer `build` makes in one read transaction: kept under `key` (and the
    catalogue's token, and `usage`, the use counts' token, when the answer shows use) for an
    anonymous caller and used again while still right, built for anyone else. `build` must
    read `loads_state` of the datasets it shows before it reads them."""

    def made() -> Answer:
        with read(site.engine) as conn:
            return build(conn)

    if not (keep and keeps(actor)):
        return made()
    full = _full_key(site, usage, key)

    def made_kept() -> Answer:
        token = loads_token(site.settings)  # before the loads are read, as the key's
        found = made()
        found.seen.token = token
        return found

    def current(kept: Answer) -> bool:
        if _overdue(kept):
            return False
        if not kept.dataset_ids:
            return True
        token = loads_token(site.settings)
        if kept.seen.token == token:
            return True
        with read(site.engine) as conn:
            same = loads_state(conn, kept.dataset_ids) == kept.loads
        if same:
            kept.seen.token = token
        return same

    return memo.get(full, made_kept, current)


async def answered(
    site: Site,
    actor: Actor,
    key: tuple[Hashable, ...],
    build: Callable[[sa.Connection], Answer],
    usage: str | None = None,
    keep: bool = True,
    memo: Memo[Answer] = RECORDS,
) -> Answer:
    """`answer` from the event loop: a kept answer known right without a query at once,
    anything else (built, compared, or for a signed-in caller) in a thread of the pool."""
    if keep and keeps(actor) and (found := kept(site, key, usage, memo)) is not None:
        return found
    return await run_in_threadpool(answer, site, actor, key, build, usage, keep, memo)


async def record_answer(site: Site, actor: Actor, ref: str, fmt: str) -> Answer:
    """A dataset's record (by id or name) as JSON (the API's, with its due date) or RDF
    (`fmt`: json, rdf, ttl or jsonld); NotFound when the actor may not read it."""
    settings = site.settings

    def build(conn: sa.Connection) -> Answer:
        found_id = dataset_id_of(conn, ref) if keeps(actor) else None  # only kept ones
        loads = loads_state(conn, [found_id]) if found_id else ()
        found = get_dataset(conn, actor, ref)
        if fmt == "json":
            items, until = datasets_json_until(conn, [found], settings.public_base)
            return Answer(json_body(items[0]), "application/json", (found.id,), loads, until)
        body = dataset_document(conn, settings, found, fmt)
        media = FORMATS[fmt] + ("; charset=utf-8" if fmt != "jsonld" else "")
        return Answer(body, media, (found.id,), loads)

    return await answered(site, actor, ("record", ref, fmt), build)
