"""Record JSON and RDF and search answers kept for anonymous readers (issue 21,
`web/answers_kept.py`): each is right at once after a change to the catalogue, to the
datasets' loads or to the use counts, whichever process made it; signed-in callers get
answers built for them. Each test reads every answer twice first, so that the second is the
kept one."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import World, dataset_payload, suite_settings
from tests.web.test_dataset_kept import _rename_behind_torgets_back
from torget.accounts.permissions import ANONYMOUS, SYSTEM
from torget.catalog import datasets
from torget.clock import now
from torget.datastore.load import load_local
from torget.db.engine import write
from torget.db.schema import usage_counts
from torget.settings import Settings
from torget.site import Site
from torget.usage.counter import Hit
from torget.usage.store import add_counts
from torget.web.answers_kept import Answer, answer

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "torget" / "catalog" / "demo" / "files"
FLUSH_SECONDS = 3600
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@dataclass
class Kept:
    world: World
    id: str
    name: str
    csv: str  # its distribution, loaded

    @property
    def paths(self) -> dict[str, str]:
        return {
            "api": f"/api/datasets/{self.id}",
            "by name": f"/api/datasets/{self.name}",
            "json": f"/dataset/{self.name}.json",
            "rdf": f"/dataset/{self.id}.rdf",
            "ttl": f"/dataset/{self.name}.ttl",
            "search": "/api/search?q=badplatser",
        }

    def read(self, headers: dict[str, str] | None = None) -> dict[str, httpx.Response]:
        """Every answer, read twice (the second is the kept one for an anonymous reader);
        the two must be the same."""
        answers = {}
        for what, path in self.paths.items():
            first = self.world.client.get(path, headers=headers)
            second = self.world.client.get(path, headers=headers)
            assert second.status_code == 200, (what, second.text)
            assert first.content == second.content, what
            answers[what] = second
        return answers


def _published(world: World, engine: sa.Engine, **changes: object) -> dict[str, object]:
    payload = dataset_payload(state="draft", **changes)
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    with write(engine) as conn:  # published by the store: the checklist is not the point here
        datasets.patch_dataset(conn, SYSTEM, created.json()["id"], {"state": "published"})
    return dict(created.json())


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The suite's settings without the use counts' timed flush: it renews their token
    (`usage_state`, in a kept search answer's key) whenever its clock says, so a search
    answer counted to run no query would, now and then, be made again in the counted window
    (seen once in a `-n 2` run beside tests/web/test_load.py, whose servers slowed the
    subprocess load). The tests here flush when they mean to (`site.usage.flush()`)."""
    return suite_settings(database_url, tmp_path, usage_flush_seconds=FLUSH_SECONDS)


@pytest.fixture
def kept(world: World, settings: Settings, engine: sa.Engine) -> Kept:
    created = _published(
        world, engine,
        distributions=[{"title": {"sv": "Budget som CSV"}, "format": "CSV",
                        "download_url": "https://data.sjostad.example/budget.csv"}],
    )  # fmt: skip
    csv = created["distributions"][0]["id"]  # type: ignore[index]
    load_local(settings, engine, csv, DEMO / "budget.csv", "csv")
    return Kept(world, str(created["id"]), str(created["name"]), csv)


def _all_show(answers: dict[str, httpx.Response], text: str) -> list[str]:
    """Which answers do not show `text`."""
    return [what for what, got in answers.items() if text not in got.text]


def test_kept_answers_are_those_built_and_change_with_the_catalogue(
    kept: Kept, engine: sa.Engine
) -> None:
    anonymous = kept.read()
    signed_in = kept.read(kept.world.auth("outsider"))  # built for the request each time
    for what in kept.paths:
        assert anonymous[what].content == signed_in[what].content, what
    assert anonymous["rdf"].headers["content-type"] == "application/rdf+xml; charset=utf-8"
    assert anonymous["json"].headers["access-control-allow-origin"] == "*"
    # They are kept: what changes behind Torget's back shows after its next change.
    _rename_behind_torgets_back(engine, kept.id, "Unseen")  # as tests of the dataset page do
    assert _all_show(kept.read(), "Unseen") == list(kept.paths)
    with write(engine) as conn:  # the store, as the JSON API's writes do it
        datasets.patch_dataset(conn, SYSTEM, kept.id, {"title": {"sv": "Badplatser i hamnen"}})
    assert _all_show(kept.read(), "Badplatser i hamnen") == []


def _last_change(kept: Kept, answers: dict[str, httpx.Response]) -> set[str]:
    found = {answers[w].json()["last_data_change"] for w in ("api", "by name", "json")}
    items = answers["search"].json()["items"]
    return found | {i["last_data_change"] for i in items if i["id"] == kept.id}


def test_a_new_load_shows_at_once(kept: Kept, settings: Settings, engine: sa.Engine) -> None:
    """A load changes no catalogue token; the answers compare their datasets' loads."""
    (before,) = _last_change(kept, kept.read())
    load_local(settings, engine, kept.csv, DEMO / "befolkning-per-distrikt.csv", "csv")
    (after,) = _last_change(kept, kept.read())
    assert after > before


def test_new_use_counts_reorder_a_search_at_once(kept: Kept, engine: sa.Engine) -> None:
    """Use orders the popularity sort and breaks ties in the relevance order: the search
    answer keys on the use counts' token too."""
    _published(kept.world, engine)
    path = "/api/search?q=badplatser&sort=popularity"
    ids = [i["id"] for i in kept.world.client.get(path).json()["items"]]
    assert len(ids) == 2
    assert [i["id"] for i in kept.world.client.get(path).json()["items"]] == ids
    add_counts(engine, {Hit(now().date(), ids[-1], "", "view", FIREFOX): 1000})
    assert [i["id"] for i in kept.world.client.get(path).json()["items"]] == ids[::-1]
    # The links to the next page name the host asked, as an answer built for it would.
    for host in ("testserver", "data.sjostad.example", "testserver"):
        paged = kept.world.client.get(f"{path}&page_size=1", headers={"Host": host})
        assert paged.json()["next"].startswith(f"http://{host}/api/search?"), host


_OTHER_PROCESS = """
import sys
from pathlib import Path
from torget.accounts.permissions import SYSTEM
from torget.catalog import datasets
from torget.datastore.load import load_local
from torget.db.engine import write
from torget.db.schema import usage_counts
from torget.settings import load_settings
from torget.site import Site

data_dir, database_url, dataset_id, csv, table = sys.argv[1:]
settings = load_settings(environ={}, config_file=Path(data_dir) / "absent.toml",
                         data_dir=Path(data_dir), database_url=database_url,
                         base_url="http://testserver")
with Site.open(settings, queue=False) as site:
    load_local(settings, site.engine, csv, Path(table), "csv")
    if dataset_id:
        with write(site.engine) as conn:
            datasets.patch_dataset(conn, SYSTEM, dataset_id, {"title": {"sv": "Annan process"}})
"""


def _in_another_process(settings: Settings, kept: Kept, table: str, rename: bool) -> None:
    subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, str(settings.data_dir), settings.database_url,
         kept.id if rename else "", kept.csv, str(DEMO / table)],
        check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )  # fmt: skip


def test_a_write_by_another_process_shows_at_once(kept: Kept, settings: Settings) -> None:
    (before,) = _last_change(kept, kept.read())
    _in_another_process(settings, kept, "befolkning-per-distrikt.csv", rename=False)
    (loaded,) = _last_change(kept, kept.read())
    assert loaded > before
    _in_another_process(settings, kept, "budget.csv", rename=True)
    answers = kept.read()
    assert _all_show(answers, "Annan process") == []
    assert _last_change(kept, answers) != {loaded}


def test_a_draft_is_never_kept_for_anyone_else(kept: Kept) -> None:
    world = kept.world
    draft = world.client.post(
        "/api/datasets", json=dataset_payload(title={"sv": "Utkast om badplatser"}),
        headers=world.auth("editor"),
    )  # fmt: skip
    assert draft.status_code == 201, draft.text
    path = f"/api/datasets/{draft.json()['id']}"
    assert world.client.get(path, headers=world.auth("editor")).status_code == 200
    assert world.client.get(path).status_code == 404
    search = "/api/search?q=utkast"
    assert world.client.get(search, headers=world.auth("editor")).json()["count"] == 1
    assert world.client.get(search).json()["count"] == 0
    assert world.client.get(search, headers=world.auth("editor")).json()["count"] == 1


def test_an_answer_is_made_again_when_a_due_date_it_shows_passes(site: Site) -> None:
    """The moment a due date passes, a dataset turns overdue: a kept answer is used until
    the first due date it shows."""
    made: list[dt.datetime] = []

    def build(until: dt.datetime) -> Answer:
        made.append(until)
        return Answer(b"{}", "application/json", (), (), until)

    later = now() + dt.timedelta(days=365)
    for until in (later, later, now(), now()):
        answer(site, ANONYMOUS, ("due", until == later), lambda _conn, u=until: build(u))
    assert len(made) == 3  # kept until next year; made again once its moment has passed


class _Reads:
    """The statements run on an engine outside write transactions (the use counts' flush
    writes in its own), as they run."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.seen: list[str] = []

    def __enter__(self) -> list[str]:
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self.seen

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: sa.Connection, _cursor: object, statement: str, *_: object) -> None:
        if not conn.get_execution_options().get("torget_write") and statement != "BEGIN":
            self.seen.append(statement)  # SQLite's BEGIN is the read's own


def test_a_kept_answer_runs_no_query_until_the_loads_change(
    kept: Kept, settings: Settings, engine: sa.Engine
) -> None:
    """A kept answer is known right by its tokens alone (three small files) and answered
    without a query; a load by another process renews the loads' token, and the answers'
    loads are compared (one query each) and found changed."""
    (before,) = _last_change(kept, kept.read())
    with _Reads(engine) as seen:
        kept.read()
    assert seen == []
    _in_another_process(settings, kept, "befolkning-per-distrikt.csv", rename=False)
    with _Reads(engine) as seen:
        (after,) = _last_change(kept, kept.read())
    assert after > before
    assert any("datastore_jobs" in s for s in seen)
    with _Reads(engine) as seen:
        kept.read()
    assert seen == []


def test_a_write_to_the_loads_that_changes_nothing_shown_costs_a_query_not_a_build(
    kept: Kept, settings: Settings, engine: sa.Engine
) -> None:
    """A load's heartbeat writes its job's row: the loads' token is renewed, each kept answer
    compares its loads once (the same) and is kept, without reading its records again."""
    from torget.datastore import jobs

    kept.read()
    with write(engine) as conn:
        job = jobs.create_job(conn, kept.csv, "https://data.sjostad.example/b.csv", "csv")
        jobs.claim_job(conn, job)
    kept.read()  # the new load shows (a load that has not passed holds its file)
    with write(engine) as conn:
        jobs.beat(conn, job, "reading", 50.0)
    with _Reads(engine) as seen:
        kept.read()
    assert seen and all("datastore_jobs" in s or "datastore_tables" in s for s in seen), seen
    with _Reads(engine) as seen:
        kept.read()
    assert seen == []


def _api_uses(engine: sa.Engine, dataset_id: str) -> int:
    u = usage_counts
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(u.c.count), 0)).where(
                u.c.dataset_id == dataset_id, u.c.kind == "api"
            )
        ).scalar()
    return int(found or 0)


def test_answers_given_before_routing_are_the_routes_own(kept: Kept, site: Site) -> None:
    """A kept answer is given before routing (`web/kept_door.py`): the same bytes and
    headers as the route's, its use counted as the route counts it, and a miss (another
    query string, another address) left to the route."""
    client = kept.world.client
    for what, path in kept.paths.items():
        routed, door = client.get(path), client.get(path)  # built and kept; given at the door
        assert door.content == routed.content, what
        for header in ("content-type", "access-control-allow-origin", "vary", "etag",
                       "cache-control"):  # fmt: skip
            assert door.headers.get(header) == routed.headers.get(header), (what, header)
        again = client.get(path, headers={"If-None-Match": door.headers["etag"]})
        assert (again.status_code, again.content) == (304, b""), what
        assert again.headers["etag"] == door.headers["etag"], what
        assert again.headers["cache-control"] == door.headers["cache-control"], what
        other = client.get(path, headers={"If-None-Match": 'W/"other"'})
        assert (other.status_code, other.content) == (200, door.content), what
    site.usage.flush()
    before = _api_uses(site.engine, kept.id)
    for path in ("/api/datasets/" + kept.id, f"/dataset/{kept.name}.ttl"):
        assert client.get(path).status_code == 200
    site.usage.flush()
    assert _api_uses(site.engine, kept.id) == before + 2
    # Not the kept answer: the route answers (a parameter it refuses, a page of the search).
    assert client.get(f"/api/datasets/{kept.id}?x=1").status_code == 200
    assert client.get("/api/search?q=badplatser&page=0").status_code == 422
