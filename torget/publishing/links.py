"""The link checker: does every external distribution link still answer?

Each access and download URL outside Torget's own store (own files are kept as `/files/…`
references, and addresses under the site's own `base_url` are skipped) is asked with HEAD,
and, when HEAD is refused or fails (servers that answer HEAD with 403, 405 or 501, or close
the connection), with a GET of its first byte only (`Range: bytes=0-0`), so a large file is
never downloaded. Redirects are followed (at most `MAX_REDIRECTS`), every hop through the SSRF
guard (`torget.outbound`). Kept per link: the final answer's status, content type and size
(Content-Length, or the total of a 206's Content-Range), the final URL, the last success, the
last failure and since when it has been broken (an answer of 400 or more, a refused address,
no answer in time).

Politeness: at most `link_check_concurrency` checks at a time, and one host's links one after
the other with `link_check_host_delay_ms` between them, so a municipality's one web server
never gets more than one request at a time from Torget. Results are written in batches as they
come, so memory does not grow with the number of links (`bench/link_checker.py`).
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa

from torget.clock import as_utc, now
from torget.db.engine import read, write
from torget.db.schema import datasets, distributions, link_checks
from torget.outbound import Guard, Refused, stream
from torget.settings import Settings

__all__ = [
    "Link",
    "LinkCheck",
    "Result",
    "broken_links",
    "check_links",
    "check_url",
    "external_links",
    "link_checks_of",
    "run_checks",
]

MAX_REDIRECTS = 5
# A scheduled run checks the stalest links, at most this many and for at most this long (a
# host's links are checked a second apart), so that the worker's thread is soon free again.
PER_RUN = 500
RUN_SECONDS = 120
_BATCH = 100
_RANGE = re.compile(r"bytes \d+-\d+/(\d+)")


@dataclass(frozen=True)
class Link:
    distribution_id: str
    url: str


@dataclass(frozen=True)
class Result:
    """One check's outcome; `error` says why the link counts as broken (None: it works)."""

    status: int | None = None
    content_type: str | None = None
    size: int | None = None
    final_url: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class LinkCheck:
    """A link's kept state, as editors and the API see it."""

    distribution_id: str
    url: str
    status: int | None
    content_type: str | None
    size: int | None
    final_url: str | None
    error: str | None
    checked_at: dt.datetime
    last_success_at: dt.datetime | None
    last_failure_at: dt.datetime | None
    broken_since: dt.datetime | None

    @property
    def broken(self) -> bool:
        return self.error is not None

    def as_json(self) -> dict[str, object]:
        def stamp(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "distribution_id": self.distribution_id, "url": self.url, "broken": self.broken,
            "status": self.status, "content_type": self.content_type, "size": self.size,
            "final_url": self.final_url, "error": self.error,
            "checked_at": stamp(self.checked_at), "last_success_at": stamp(self.last_success_at),
            "last_failure_at": stamp(self.last_failure_at),
            "broken_since": stamp(self.broken_since),
        }  # fmt: skip


# --- One link -------------------------------------------------------------------------------


def _result(response: httpx.Response) -> Result:
    kind = response.headers.get("content-type", "").split(";")[0].strip() or None
    size: int | None = None
    ranged = _RANGE.fullmatch(response.headers.get("content-range", "").strip())
    if ranged:
        size = int(ranged.group(1))
    elif response.status_code != 206 and response.headers.get("content-length", "").isdigit():
        size = int(response.headers["content-length"])
    status = response.status_code
    error = f"HTTP {status}" if status >= 400 else None
    return Result(status, kind, size, str(response.url), error)


def _ask(client: httpx.Client, method: str, url: str) -> Result:
    headers = {"Range": "bytes=0-0"} if method == "GET" else {}
    with stream(client, method, url, redirects=MAX_REDIRECTS, headers=headers) as response:
        return _result(response)


def check_url(client: httpx.Client, url: str) -> Result:
    """Check one URL: HEAD, then a one-byte GET when HEAD is refused or fails."""
    try:
        try:
            head = _ask(client, "HEAD", url)
        except (httpx.RemoteProtocolError, httpx.ReadError):
            head = Result(error="HEAD failed")
        return head if head.error is None else _ask(client, "GET", url)
    except Refused as exc:
        return Result(error=f"refused: {exc}")
    except httpx.TimeoutException:
        return Result(error="no answer in time")
    except httpx.HTTPError as exc:
        return Result(error=f"{type(exc).__name__}: {exc}"[:500])


def check_links(
    links: Sequence[Link],
    guard: Guard,
    *,
    concurrency: int,
    delay: float,
    timeout: float,
    stop_at: float | None = None,
) -> Iterator[tuple[Link, Result]]:
    """Check every link, yielding each result as it comes: `concurrency` hosts at a time, one
    host's links one after the other, `delay` seconds apart. No check starts after `stop_at`
    (`time.monotonic()`), so a scheduled run ends in time; the rest wait for the next."""
    by_host: dict[str, list[Link]] = {}
    for link in links:
        by_host.setdefault((urlsplit(link.url).hostname or "").lower(), []).append(link)
    done: queue.Queue[tuple[Link, Result] | None] = queue.Queue(maxsize=1000)

    def one_host(host_links: list[Link]) -> None:
        try:
            with guard.client(timeout) as client:
                for i, link in enumerate(host_links):
                    if i:
                        time.sleep(delay)
                    if stop_at is not None and time.monotonic() >= stop_at:
                        break
                    done.put((link, check_url(client, link.url)))
        finally:
            done.put(None)

    with ThreadPoolExecutor(max(1, concurrency), thread_name_prefix="torget-links") as pool:
        for host_links in by_host.values():
            pool.submit(one_host, host_links)
        remaining = len(by_host)
        while remaining:
            item = done.get()
            if item is None:
                remaining -= 1
            else:
                yield item


# --- Which links, and what is kept ----------------------------------------------------------


def external_links(
    conn: sa.Connection, settings: Settings, dataset_id: str | None = None
) -> list[Link]:
    """Every distribution's access and download URL outside Torget's own store and site."""
    query = sa.select(distributions.c.id, distributions.c.data).order_by(distributions.c.id)
    if dataset_id is not None:
        query = query.where(distributions.c.dataset_id == dataset_id)
    own = settings.public_base.rstrip("/") + "/"
    found: dict[tuple[str, str], Link] = {}
    for dist_id, data in conn.execute(query):
        record = json.loads(data)
        for url in (record.get("access_url"), record.get("download_url")):
            if url and url.startswith(("http://", "https://")) and not url.startswith(own):
                found.setdefault((dist_id, url), Link(dist_id, url))
    return list(found.values())


def _kept(row: sa.Row[tuple[object, ...]]) -> LinkCheck:
    m = row._mapping

    def stamp(name: str) -> dt.datetime | None:
        value = m[name]
        return as_utc(value) if value is not None else None

    return LinkCheck(
        m["distribution_id"], m["url"], m["status"], m["content_type"], m["size"],
        m["final_url"], m["error"], as_utc(m["checked_at"]), stamp("last_success_at"),
        stamp("last_failure_at"), stamp("broken_since"),
    )  # fmt: skip


def link_checks_of(conn: sa.Connection, distribution_ids: Iterable[str] | None) -> list[LinkCheck]:
    """The kept checks of these distributions' links (of every link when None)."""
    query = sa.select(link_checks).order_by(link_checks.c.distribution_id, link_checks.c.url)
    if distribution_ids is not None:
        query = query.where(link_checks.c.distribution_id.in_(list(distribution_ids)))
    rows = conn.execute(query)
    return [_kept(row) for row in rows]


def broken_links(
    conn: sa.Connection, organisation_ids: Iterable[str]
) -> list[tuple[str, LinkCheck]]:
    """The broken links of these organisations' datasets, each with its dataset's id, the
    longest broken first."""
    rows = conn.execute(
        sa.select(link_checks, distributions.c.dataset_id)
        .join(distributions, distributions.c.id == link_checks.c.distribution_id)
        .join(datasets, datasets.c.id == distributions.c.dataset_id)
        .where(
            datasets.c.organisation_id.in_(list(organisation_ids)),
            link_checks.c.error.is_not(None),
        )
        .order_by(link_checks.c.broken_since, link_checks.c.url)
    )
    return [(row._mapping["dataset_id"], _kept(row)) for row in rows]


def _record(conn: sa.Connection, link: Link, result: Result, at: dt.datetime) -> None:
    key = (link_checks.c.distribution_id == link.distribution_id) & (link_checks.c.url == link.url)
    before = conn.execute(sa.select(link_checks).where(key)).first()
    values: dict[str, object] = {
        "status": result.status, "content_type": result.content_type, "size": result.size,
        "final_url": result.final_url, "error": result.error, "checked_at": at,
    }  # fmt: skip
    if result.error is None:
        values |= {"last_success_at": at, "broken_since": None}
    else:
        since = before._mapping["broken_since"] if before is not None else None
        values |= {"last_failure_at": at, "broken_since": since or at}
    if before is None:
        conn.execute(link_checks.insert().values(distribution_id=link.distribution_id,
                                                 url=link.url, **values))  # fmt: skip
    else:
        conn.execute(link_checks.update().where(key).values(**values))


def _forget_gone(conn: sa.Connection, links: list[Link], dataset_id: str | None) -> None:
    """Drop what was kept for URLs a distribution no longer has."""
    current = {(link.distribution_id, link.url) for link in links}
    query = sa.select(link_checks.c.distribution_id, link_checks.c.url)
    if dataset_id is not None:
        mine = sa.select(distributions.c.id).where(distributions.c.dataset_id == dataset_id)
        query = query.where(link_checks.c.distribution_id.in_(mine))
    for dist_id, url in conn.execute(query).all():
        if (dist_id, url) not in current:
            conn.execute(
                link_checks.delete().where(
                    (link_checks.c.distribution_id == dist_id) & (link_checks.c.url == url)
                )
            )


def _stalest(
    conn: sa.Connection, links: list[Link], older_than: dt.datetime, limit: int
) -> list[Link]:
    checked = {
        (d, u): as_utc(at)
        for d, u, at in conn.execute(
            sa.select(link_checks.c.distribution_id, link_checks.c.url, link_checks.c.checked_at)
        )
    }
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    due = [
        link for link in links if checked.get((link.distribution_id, link.url), never) < older_than
    ]
    due.sort(key=lambda link: checked.get((link.distribution_id, link.url), never))
    return due[:limit]


@dataclass(frozen=True)
class Summary:
    checked: int
    broken: int


def run_checks(
    engine: sa.Engine,
    settings: Settings,
    *,
    dataset_id: str | None = None,
    older_than: dt.datetime | None = None,
    limit: int | None = None,
    seconds: float | None = None,
) -> Summary:
    """Check the external links (of one dataset, or all; only those last checked before
    `older_than`, at most `limit`, the stalest first, none started after `seconds`) and keep
    the results."""
    with write(engine) as conn:
        links = external_links(conn, settings, dataset_id)
        _forget_gone(conn, links, dataset_id)
    if older_than is not None or limit is not None:
        with read(engine) as conn:
            links = _stalest(conn, links, older_than or now(), limit or len(links))
    guard = Guard(allow_private=settings.allow_private_addresses)
    checked = broken = 0
    batch: list[tuple[Link, Result]] = []
    results = check_links(
        links, guard, concurrency=settings.link_check_concurrency,
        delay=settings.link_check_host_delay_ms / 1000,
        timeout=settings.link_check_timeout_seconds,
        stop_at=None if seconds is None else time.monotonic() + seconds,
    )  # fmt: skip
    for pair in results:
        batch.append(pair)
        checked += 1
        broken += pair[1].error is not None
        if len(batch) >= _BATCH:
            _write(engine, batch)
            batch = []
    _write(engine, batch)
    return Summary(checked, broken)


def _write(engine: sa.Engine, batch: list[tuple[Link, Result]]) -> None:
    if not batch:
        return
    at = now()
    with write(engine) as conn:
        present = set(
            conn.execute(
                sa.select(distributions.c.id).where(
                    distributions.c.id.in_({link.distribution_id for link, _ in batch})
                )
            ).scalars()
        )
        for link, result in batch:
            if link.distribution_id in present:  # not deleted while it was checked
                _record(conn, link, result, at)
