"""Issue 14's use statistics: a scripted day of traffic (page views, downloads by every route,
API calls and datastore queries, a bot) appears exactly in the statistics page's table and
in the JSON API after a flush; nothing is written before it; drafts are not counted."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import World, client_site, dataset_payload, published_payload
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import get_dataset
from torget.datastore.load import load_local, run_job
from torget.db.engine import read
from torget.db.schema import datastore_jobs, usage_counts
from torget.search import popularity_of
from torget.settings import Settings
from torget.usage import Hit
from torget.usage.store import add_counts

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HTML = {"Accept": "text/html", "User-Agent": BROWSER}
AS_PERSON = {"User-Agent": BROWSER}
CSV = "kommun;antal\n0180;1\n1480;2\n"


def _published(world: World, settings: Settings, engine: sa.Engine, tmp: Path) -> dict[str, Any]:
    """A published dataset with a loaded table (the first distribution) and a file of
    Torget's own (the second)."""
    site = client_site(world.client)
    site.files.put("demo/usage-test.csv", CSV.encode(), "text/csv")
    payload = published_payload()
    own = {**payload["distributions"][0], "title": {"sv": "Egen fil"},
           "download_url": f"{settings.public_base}/files/demo/usage-test.csv"}  # fmt: skip
    payload["distributions"] = [payload["distributions"][0], own]
    created = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    (tmp / "t.csv").write_text(CSV)
    load_local(settings, engine, created.json()["distributions"][0]["id"], tmp / "t.csv", "csv")
    with read(engine) as conn:  # the own file's load: the personal-data scan, then published
        queued = conn.execute(sa.select(datastore_jobs.c.id).where(
            datastore_jobs.c.state == "queued")).scalars().all()  # fmt: skip
    for job_id in queued:
        run_job(settings, engine, job_id, site.files)
    body = dict(created.json())
    with read(engine) as conn:
        body["state"] = get_dataset(conn, SYSTEM, body["id"]).state
    assert body["state"] == "published"
    return body


def _scripted_day(world: World, dataset: dict[str, Any]) -> None:
    c, name = world.client, dataset["name"]
    table, own = (d["id"] for d in dataset["distributions"])
    answered = [
        c.get(f"/dataset/{name}", headers=HTML),  # 3 page views, one by a bot
        c.get(f"/dataset/{name}", headers=HTML),
        c.get(f"/dataset/{name}", headers={**HTML, "User-Agent": GOOGLEBOT}),
        c.get("/files/demo/usage-test.csv", headers=AS_PERSON),  # downloads: the own file,
        c.get(f"/api/datastore/{table}/rows.csv", headers=AS_PERSON),  # the datastore's,
        c.get(f"/datastore/dump/{table}", headers=AS_PERSON),  # CKAN's dump,
        c.post(
            f"/api/distributions/{table}/downloaded",
            content=b"PING",  # the page's ping
            headers={**AS_PERSON, "Content-Type": "text/ping"},
        ),  # fmt: skip
        c.get(f"/api/datasets/{dataset['id']}", headers=AS_PERSON),  # API calls: the record,
        c.get(f"/dataset/{name}.ttl", headers=AS_PERSON),  # its RDF twin,
        c.get("/api/3/action/package_show", params={"id": name}, headers=AS_PERSON),  # CKAN
        c.get("/api/3/action/resource_show", params={"id": own}, headers=AS_PERSON),
        c.get(f"/api/datastore/{table}/rows", headers=AS_PERSON),  # datastore queries
        c.get(f"/api/datastore/{table}/distinct/kommun", headers=AS_PERSON),
        c.get(f"/api/datastore/{table}/aggregate?count=*", headers=AS_PERSON),
        c.get(
            "/api/datastore/sql", params={"sql": f'SELECT * FROM "{table}"'}, headers=AS_PERSON
        ),  # fmt: skip
        c.get(
            "/api/3/action/datastore_search", params={"resource_id": table}, headers=AS_PERSON
        ),  # fmt: skip
        c.get(
            "/api/3/action/datastore_search_sql",
            params={"sql": f'SELECT COUNT(*) FROM "{table}"'},
            headers=AS_PERSON,
        ),  # fmt: skip
        c.get(f"/api/datastore/{table}/rows", headers={"User-Agent": GOOGLEBOT}),  # a bot's
        c.head("/files/demo/usage-test.csv", headers=AS_PERSON),  # not downloads
        c.get(f"/dataset/{name}?sort=antal", headers=HTML),  # not a new view
    ]
    assert [r.status_code for r in answered if r.status_code != 204] == [200] * (
        len(answered) - 1
    ), [(r.url, r.status_code) for r in answered if r.status_code != 200]


PEOPLE = {"page_views": 2, "downloads": 4, "api_calls": 4, "datastore_queries": 6}
BOTS = {"page_views": 1, "downloads": 0, "api_calls": 0, "datastore_queries": 1}


def test_a_scripted_day_appears_exactly_in_the_table_and_the_api(
    world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dataset = _published(world, settings, engine, tmp_path)
    _scripted_day(world, dataset)
    with read(engine) as conn:  # written behind: nothing yet
        assert conn.execute(sa.select(sa.func.count()).select_from(usage_counts)).scalar() == 0
    assert client_site(world.client).usage.flush() == 18  # 20 less HEAD and the ?sort page
    today = dt.datetime.now(dt.UTC).date().isoformat()

    api = world.client.get(f"/api/datasets/{dataset['id']}/statistics").json()
    day = next(d for d in api["days"] if d["day"] == today)
    assert (day["people"], day["bots"]) == (PEOPLE, BOTS)
    assert api["totals"] == {"people": PEOPLE, "bots": BOTS}
    table, own = (d["id"] for d in dataset["distributions"])
    by_dist = {d["distribution_id"]: d["people"] for d in api["distributions"]}
    assert by_dist[own] == {"page_views": 0, "downloads": 1, "api_calls": 1,
                            "datastore_queries": 0}  # fmt: skip
    assert by_dist[table]["datastore_queries"] == 6 and by_dist[table]["downloads"] == 3
    for path in (f"/api/organisations/{dataset['organisation']}/statistics", "/api/statistics"):
        whole = world.client.get(path, params={"from": today, "to": today}).json()
        assert whole["totals"] == {"people": PEOPLE, "bots": BOTS}
        assert [d["name"] for d in whole["datasets"]] == [dataset["name"]]

    dataset_page = world.client.get(f"/dataset/{dataset['name']}", headers=HTML).text
    assert f'ping="/api/distributions/{table}/downloaded"' in dataset_page  # a link elsewhere
    assert f'ping="/api/distributions/{own}/downloaded"' not in dataset_page  # /files/ counts
    for path in (f"/dataset/{dataset['name']}/statistics", "/statistics",
                 f"/organisation/{dataset['organisation']}/statistics"):  # fmt: skip
        page = world.client.get(path, headers=HTML).text
        row = re.search(rf"<tr><th scope=\"row\">{today}</th>(.*?)</tr>", page)
        assert row is not None, path
        numbers = re.findall(r'<td class="number">(\d+)</td>', row.group(1))
        assert numbers == ["2", "4", "4", "6", "2"], path
    assert '<text class="chart-label" x="' in page and '<desc id="use-chart-desc">' in page
    lines = list(csv.reader(io.StringIO(world.client.get(
        f"/dataset/{dataset['name']}/statistics.csv").text)))  # fmt: skip
    assert lines[0][:6] == ["day", "period", "page_views", "downloads", "api_calls",
                            "datastore_queries"]  # fmt: skip
    assert [today, "day", "2", "4", "4", "6", "1", "0", "0", "1"] in lines
    with read(engine) as conn:  # people's views + 3 × downloads, bots left out
        assert popularity_of(conn, dataset["id"]) == 2 + 3 * 4


def test_drafts_and_unknown_things_are_not_counted(world: World, engine: sa.Engine) -> None:
    draft = world.client.post(
        "/api/datasets", json=dataset_payload(state="draft"), headers=world.auth("editor")
    ).json()
    world.client.get(f"/api/datasets/{draft['id']}", headers=world.auth("editor"))
    site = client_site(world.client)
    site.usage.count("query", BROWSER, distribution_id="no-such-distribution")
    site.usage.flush()
    with read(engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(usage_counts)).scalar() == 0
    refused = world.client.get("/api/statistics", params={"from": "2026-02-30"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "not_a_date"


def test_the_catalogues_kept_figures_follow_new_counts_and_titles_at_once(
    world: World, engine: sa.Engine
) -> None:
    """The catalogue's statistics are kept between views (`web.usage.catalogue_use`); a flush
    (here, as another process's would be: straight to the database) and a renamed dataset
    show on the very next view, on the page and in the JSON API alike."""
    made = world.client.post(
        "/api/datasets", json=published_payload(), headers=world.auth("editor")
    )
    dataset = made.json()
    today = dt.datetime.now(dt.UTC).date()

    def shown() -> tuple[str, list[str], int]:
        page = world.client.get("/statistics", headers={**HTML, "Cookie": "torget_lang=en"}).text
        views = re.search(r"<dt>Page views</dt><dd>([^<]*)</dd>", page)
        assert views is not None
        api = world.client.get("/api/statistics").json()
        return views.group(1), re.findall(r'lang="sv">([^<]*)</a></th>', page), len(api["datasets"])

    assert shown() == ("0", [], 0)
    add_counts(engine, {Hit(today, dataset["id"], "", "view", BROWSER): 1234})
    assert shown() == ("1,234", ["Badplatser"], 1)
    renamed = world.client.patch(
        f"/api/datasets/{dataset['id']}", json={"title": {"sv": "Badstränder", "en": "Beaches"}},
        headers=world.auth("editor"),
    )  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    assert shown() == ("1,234", ["Badstränder"], 1)
