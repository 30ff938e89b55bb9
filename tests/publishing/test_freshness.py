"""Due dates (issue 20): the update frequency gives a published dataset a due date from its
last data change; the dashboard lists the overdue ones per organisation, the public page says
how often it is updated and when last, search filters on it (`overdue=1`) and the JSON API
carries `due_date` and `overdue`. Frequencies that promise no schedule give no due date.

Before, a dataset published as updated daily and last changed months ago carried no flag.
Time passes in these tests by moving the recorded change back, in the real database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import World, published_payload
from tests.publishing.test_one_rule import _log_in
from torget.clock import as_utc, now
from torget.datastore.load import load_local
from torget.db.engine import read, write
from torget.db.schema import dataset_due_dates, distributions
from torget.publishing.freshness import due_after, freshness_of, refresh_due_dates
from torget.settings import Settings

HTML = {"Accept": "text/html"}
UTC = dt.UTC


@pytest.mark.parametrize(
    ("code", "after", "due"),
    [
        ("DAILY", dt.datetime(2025, 3, 3, 9, tzinfo=UTC), dt.datetime(2025, 3, 4, 9, tzinfo=UTC)),
        (
            "DAILY_2",
            dt.datetime(2025, 3, 3, 9, tzinfo=UTC),
            dt.datetime(2025, 3, 3, 21, tzinfo=UTC),
        ),
        ("WEEKLY_3", dt.datetime(2025, 3, 3, tzinfo=UTC), dt.datetime(2025, 3, 6, tzinfo=UTC)),
        ("MONTHLY", dt.datetime(2024, 1, 31, tzinfo=UTC), dt.datetime(2024, 2, 29, tzinfo=UTC)),
        ("QUARTERLY", dt.datetime(2024, 11, 30, tzinfo=UTC), dt.datetime(2025, 2, 28, tzinfo=UTC)),
        ("ANNUAL", dt.datetime(2024, 2, 29, tzinfo=UTC), dt.datetime(2025, 2, 28, tzinfo=UTC)),
        ("TRIENNIAL", dt.datetime(2024, 5, 1, tzinfo=UTC), dt.datetime(2027, 5, 1, tzinfo=UTC)),
        ("IRREG", dt.datetime(2024, 5, 1, tzinfo=UTC), None),
        ("UNKNOWN", dt.datetime(2024, 5, 1, tzinfo=UTC), None),
        ("NEVER", dt.datetime(2024, 5, 1, tzinfo=UTC), None),
        (None, dt.datetime(2024, 5, 1, tzinfo=UTC), None),
    ],
)
def test_due_after_a_change(code: str | None, after: dt.datetime, due: dt.datetime | None) -> None:
    assert due_after(after, code) == due


def _publish(world: World, title: str, **changes: Any) -> dict[str, Any]:
    payload = published_payload(title={"sv": title, "en": title + " (en)"}, **changes)
    made = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert made.status_code == 201, made.text
    return dict(made.json())


def _age(engine: sa.Engine, dataset_id: str, days: int) -> None:
    """The dataset's data last changed `days` days ago."""
    with write(engine) as conn:
        conn.execute(
            distributions.update()
            .where(distributions.c.dataset_id == dataset_id)
            .values(updated_at=now() - dt.timedelta(days=days))
        )
        refresh_due_dates(conn, [dataset_id])


def test_an_overdue_daily_dataset_is_flagged_everywhere(world: World, engine: sa.Engine) -> None:
    late = _publish(world, "Luftmätningar", frequency="DAILY")
    fresh = _publish(world, "Badtemperaturer", frequency="DAILY")
    irregular = _publish(world, "Motionsspår", frequency="IRREG")
    _age(engine, late["id"], 10)
    _age(engine, irregular["id"], 400)

    body = world.client.get(f"/api/datasets/{late['id']}").json()
    assert body["overdue"] is True
    due = dt.datetime.fromisoformat(body["due_date"])
    assert now() - dt.timedelta(days=10) < due < now() - dt.timedelta(days=8)
    assert world.client.get(f"/api/datasets/{fresh['id']}").json()["overdue"] is False
    twin = world.client.get(f"/dataset/{late['name']}.json").json()
    assert (twin["due_date"], twin["overdue"]) == (body["due_date"], True)
    calm = world.client.get(f"/api/datasets/{irregular['id']}").json()
    assert (calm["due_date"], calm["overdue"]) == (None, False)

    found = world.client.get("/api/search", params={"overdue": "1"}).json()
    assert [d["id"] for d in found["items"]] == [late["id"]]
    assert found["count"] == 1 and found["items"][0]["overdue"] is True
    assert sum(v["count"] for v in found["facets"]["organisation"]) == 1
    assert world.client.get("/api/search").json()["count"] == 3
    with_text = world.client.get("/api/search", params={"overdue": "1", "q": "Badtemperaturer"})
    assert with_text.json()["count"] == 0

    page = world.client.get("/search?overdue=1&lang=en", headers=HTML).text
    assert "Luftmätningar" in page and "Badtemperaturer" not in page
    assert 'id="filter-overdue" name="overdue" value="1" checked' in page
    assert "sort=modified&amp;page=2" not in page  # one page; paging links keep the filter:
    assert world.client.get("/search?overdue=1&page=2", headers=HTML).status_code == 200

    listed = world.client.get("/api/organisations/sjostad/overdue").json()
    assert [d["name"] for d in listed["items"]] == [late["name"]]

    _log_in(world, "editor")
    dashboard = world.client.get("/publish?lang=sv", headers=HTML).text
    overdue_part = dashboard.split("Försenade datamängder", 1)[-1].split("</div>", 1)[0]
    assert "Luftmätningar" in overdue_part and "Badtemperaturer" not in overdue_part
    assert "/search?overdue=1&amp;organisation=sjostad" in overdue_part


def test_the_public_page_says_how_often_and_when_last(world: World, engine: sa.Engine) -> None:
    late = _publish(world, "Luftmätningar", frequency="DAILY", modified="2025-03-03")
    irregular = _publish(world, "Motionsspår", frequency="IRREG", modified="2025-03-03")
    with write(engine) as conn:
        conn.execute(distributions.update().values(updated_at=dt.datetime(2025, 3, 1, tzinfo=UTC)))
        refresh_due_dates(conn)
    swedish = world.client.get(f"/dataset/{late['name']}?lang=sv", headers=HTML).text
    assert "Uppdateras dagligen; senast uppdaterad 3 mars 2025." in swedish
    assert "Försenad" in swedish and "4 mars 2025" in swedish
    english = world.client.get(f"/dataset/{late['name']}?lang=en", headers=HTML).text
    assert "Updated daily; last updated 3 March 2025." in english
    assert "Overdue" in english
    calm = world.client.get(f"/dataset/{irregular['name']}?lang=en", headers=HTML).text
    assert "Updated irregularly; last updated 3 March 2025." in calm
    assert "There is no due date, since the update frequency promises no schedule." in calm
    assert "Overdue" not in calm.split('id="freshness"', 1)[1].split("</p>", 1)[0]


def test_a_datastore_load_is_a_data_change(
    world: World, engine: sa.Engine, settings: Settings, tmp_path: Path
) -> None:
    late = _publish(world, "Luftmätningar", frequency="WEEKLY")
    _age(engine, late["id"], 30)
    dist_id = late["distributions"][0]["id"]
    path = tmp_path / "luft.csv"
    path.write_text("plats,halt\nTorget,12\n", encoding="utf-8")
    load_local(settings, engine, dist_id, path, "csv")
    with read(engine) as conn:
        status = freshness_of(conn, [late["id"]])[late["id"]]
    assert status.overdue is False and now() - status.last_change < dt.timedelta(minutes=5)
    with write(engine) as conn:  # the worker's periodic pass keeps search in step
        assert refresh_due_dates(conn) >= 1
        kept = as_utc(conn.execute(sa.select(dataset_due_dates.c.due_at)).scalar_one())
    assert kept > now() + dt.timedelta(days=6)


def test_drafts_have_no_kept_due_date(world: World, engine: sa.Engine) -> None:
    late = _publish(world, "Luftmätningar", frequency="DAILY")
    _age(engine, late["id"], 10)
    withdrawn = world.client.patch(
        f"/api/datasets/{late['id']}", json={"state": "draft"}, headers=world.auth("editor")
    )
    assert withdrawn.status_code == 200, withdrawn.text
    mine = world.client.get(f"/api/datasets/{late['id']}", headers=world.auth("editor"))
    assert mine.json()["overdue"] is False
    with read(engine) as conn:
        assert conn.execute(sa.select(dataset_due_dates)).all() == []
