"""The audit log (issue 20, item 6): every write path leaves exactly one entry per change, with
who, when, which path and the fields it changed; the log is append-only.

Before, nothing recorded who published, changed or withdrew what: a change through any door
left no trace but its result.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.command_line import run_torget
from tests.conftest import CLASSIFIED, World, client_site, dataset_payload
from tests.web.conftest import Browser
from torget.accounts.permissions import SYSTEM
from torget.catalog.model import DatasetIn
from torget.datastore import jobs
from torget.datastore.load import load_local, run_job
from torget.db.engine import read, write
from torget.db.schema import audit_log
from torget.files.urls import file_url
from torget.harvest import sources
from torget.harvest.plan import Create, HarvestPlan, Remove, Settled, Update
from torget.harvest.types import SOURCE_TYPES
from torget.publishing.changes import apply_harvest
from torget.settings import Settings

TORGET = Path(__file__).resolve().parents[2] / "torget"
PEOPLE = "namn,personnummer\nAnna,19811218-9876\nBo,811218-9876\nCilla,19900101-0017\n"


class Log:
    """The entries written since the last look."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.seen = self._count()

    def _count(self) -> int:
        with read(self.engine) as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar())

    def new(self) -> list[dict[str, Any]]:
        with read(self.engine) as conn:
            rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.id).offset(self.seen))
            found = [dict(r._mapping) for r in rows]
        self.seen += len(found)
        return found

    def one(self, action: str, channel: str) -> dict[str, Any]:
        """Exactly one entry since the last look, of this action through this path."""
        found = self.new()
        assert [(e["action"], e["channel"]) for e in found] == [(action, channel)], found
        return found[0]


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _cli(database_url: str, tmp_path: Path, *args: str) -> None:
    env = {"TORGET_DATABASE_URL": database_url, "TORGET_DATA_DIR": str(tmp_path / "cli"),
           "TORGET_CONFIG": str(tmp_path / "none.toml")}  # fmt: skip
    run_torget(env, *args, check=True)


def _api_paths(world: World, log: Log) -> None:
    auth = world.auth("editor")
    made = _ok(world.client.post("/api/datasets", json=dataset_payload(), headers=auth), 201)
    created = log.one("created", "api")
    assert created["subject_id"] == made["id"] and "editor" not in created["changes"]
    _ok(world.client.patch(f"/api/datasets/{made['id']}", json={"title": {"sv": "Bad"}},
                           headers=auth))  # fmt: skip
    assert '"title.sv": ["Badplatser", "Bad"]' in log.one("changed", "api")["changes"]
    _ok(world.client.put(f"/api/datasets/{made['id']}/classification", json=CLASSIFIED,
                         headers=auth))  # fmt: skip
    assert '"classification.confidentiality": [null, 0]' in log.one("classified", "api")["changes"]
    dist = {"download_url": "https://data.sjostad.example/b.json", "format": "JSON",
            "license": "CC0-1.0"}  # fmt: skip
    _ok(
        world.client.post(f"/api/datasets/{made['id']}/distributions", json=dist, headers=auth), 201
    )
    log.one("changed", "api")
    for state, action in (("published", "published"), ("draft", "withdrawn")):
        _ok(world.client.patch(f"/api/datasets/{made['id']}", json={"state": state}, headers=auth))
        log.one(action, "api")
    _ok(world.client.delete(f"/api/datasets/{made['id']}", headers=auth), 204)
    assert '"title.sv": ["Bad", null]' in log.one("deleted", "api")["changes"]


def _ckan_paths(world: World, log: Log) -> None:
    auth = world.auth("editor")

    def action(verb: str, /, **params: Any) -> Any:
        done = world.client.post(f"/api/3/action/{verb}", json=params, headers=auth)
        assert done.status_code == 200, done.text
        return done.json()["result"]

    keys = {"reason": "classification_reason"}
    extras = [{"key": keys.get(k, k), "value": str(v)} for k, v in CLASSIFIED.items()]
    extras.append({"key": "access_rights", "value": "PUBLIC"})
    package = action(
        "package_create", name="ckan-bad", title="Badplatser", notes="Bad.", owner_org="sjostad",
        private=True, license_id="CC0-1.0", extras=extras,
        resources=[{"url": "https://data.sjostad.example/bad.csv", "format": "CSV"}],
    )  # fmt: skip
    created = log.one("created", "ckan")  # the classification with it is part of the one change
    assert '"classification.confidentiality": [null, 0]' in created["changes"]
    action("package_patch", id=package["id"], title="Badplatser i Sjöstad")
    log.one("changed", "ckan")
    action("package_patch", id=package["id"], private=False)
    log.one("published", "ckan")
    action("package_patch", id=package["id"], private=True)
    log.one("withdrawn", "ckan")
    action("package_delete", id=package["id"])
    log.one("deleted", "ckan")


def _page_paths(world: World, log: Log) -> None:
    browser = Browser(world.client)
    browser.login("editor")
    form = {
        "organisation": "sjostad", "title.sv": "Sidbad", "description.sv": "Bad via sidorna.",
        "access_rights": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        "license": "http://creativecommons.org/licenses/by/4.0/",
    }  # fmt: skip
    made = browser.post("/publish/datasets/new", form)
    assert made.status_code == 303, made.text
    ref = made.headers["location"].rsplit("/", 1)[1]
    log.one("created", "pages")
    edited = browser.post(f"/publish/dataset/{ref}/edit", {**form, "title.sv": "Sidbadet"})
    assert edited.status_code == 303, edited.text
    log.one("changed", "pages")
    _ok(world.client.put(f"/api/datasets/{ref}/classification", json=CLASSIFIED,
                         headers=world.auth("editor")))  # fmt: skip
    log.one("classified", "api")
    dist = {"download_url": "https://data.sjostad.example/sid.csv", "format": "CSV",
            "license": "CC-BY-4.0"}  # fmt: skip
    added = browser.post(f"/publish/dataset/{ref}/distributions/new", dist)
    assert added.status_code == 303, added.text
    log.one("changed", "pages")
    for path, action in (("publish", "published"), ("unpublish", "withdrawn")):
        done = browser.post(f"/publish/dataset/{ref}/{path}", token_from=f"/publish/dataset/{ref}")
        assert done.status_code == 303, done.text
        log.one(action, "pages")
    gone = browser.post(f"/publish/dataset/{ref}/delete", token_from=f"/publish/dataset/{ref}")
    assert gone.status_code == 303, gone.text
    log.one("deleted", "pages")


def _harvest_paths(engine: sa.Engine, log: Log) -> None:
    with write(engine) as conn:
        source = sources.add_source(
            conn, SYSTEM, organisation="sjostad", type="dcat",
            url="https://data.grannby.example/catalog.ttl", known_types=tuple(SOURCE_TYPES),
        )  # fmt: skip
    record = DatasetIn.model_validate(dataset_payload(state="published"))
    iri = "https://data.grannby.example/dataset/bad"
    with write(engine) as conn:
        plan = HarvestPlan(source.id, create=[Create(Settled(iri, record, "h1", {}))])
        assert apply_harvest(conn, plan).created == 1
    entry = log.one("created", "harvest")
    assert entry["actor_id"] is None and entry["actor_kind"] == "system"
    renamed = DatasetIn.model_validate(
        dataset_payload(state="published", title={"sv": "Grannbys bad"})
    )
    with write(engine) as conn:
        update = Update(entry["subject_id"], Settled(iri, renamed, "h2", {}))
        apply_harvest(conn, HarvestPlan(source.id, update=[update]))
    assert '"title.sv": ["Badplatser", "Grannbys bad"]' in log.one("changed", "harvest")["changes"]
    with write(engine) as conn:
        apply_harvest(conn, HarvestPlan(source.id, remove=[Remove(entry["subject_id"], iri)]))
    log.one("deleted", "harvest")


def _sign_off_and_cli_paths(
    world: World, log: Log, settings: Settings, url: str, tmp: Path
) -> None:
    auth = world.auth("editor")
    made = _ok(world.client.post("/api/datasets", json=dataset_payload(), headers=auth), 201)
    log.one("created", "api")
    dist_id = made["distributions"][0]["id"]
    (tmp / "people.csv").write_text(PEOPLE, encoding="utf-8")
    load_local(settings, log.engine, dist_id, tmp / "people.csv", "csv")
    assert log.new() == []  # a load is no change of the metadata
    signed = world.client.post(
        f"/api/distributions/{dist_id}/personal-data-signoff",
        json={"justification": "Fictitious people for a test."}, headers=world.auth("root"),
    )  # fmt: skip
    _ok(signed)
    entry = log.one("signed_off", "api")
    assert f"distributions.{dist_id}.signoffs.personnummer" in entry["changes"]
    _cli(url, tmp, "classify", made["id"], "--confidentiality", "0", "--integrity", "1",
         "--availability", "1", "--reason", "Open.")  # fmt: skip
    log.one("classified", "cli")
    _cli(url, tmp, "publish", made["id"])
    log.one("published", "cli")
    _cli(url, tmp, "org", "create", "nyby", "--title", "Nyby kommun", "--type", "LocalAuthority")
    assert log.one("created", "cli")["subject_type"] == "organisation"


def test_every_write_path_leaves_exactly_one_entry_per_change(
    world: World, engine: sa.Engine, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    log = Log(engine)
    _api_paths(world, log)
    _ckan_paths(world, log)
    _page_paths(world, log)
    _harvest_paths(engine, log)
    _sign_off_and_cli_paths(world, log, settings, database_url, tmp_path)


def test_a_refused_change_leaves_no_entry(world: World, engine: sa.Engine) -> None:
    log = Log(engine)
    refused = world.client.post(
        "/api/datasets", json=dataset_payload(state="published"), headers=world.auth("editor")
    )
    assert refused.status_code == 422
    outsider = world.client.post(
        "/api/datasets", json=dataset_payload(), headers=world.auth("outsider")
    )
    assert outsider.status_code == 403
    assert log.new() == []


def test_no_code_updates_or_deletes_the_log() -> None:
    """Append-only in the code: no statement anywhere in torget/ changes a written entry."""
    pattern = re.compile(
        r"audit_log\s*\.\s*(update|delete)\s*\(|(UPDATE|DELETE\s+FROM|TRUNCATE)\s+audit_log",
        re.IGNORECASE,
    )
    offenders = [
        f"{path.relative_to(TORGET)}:{number}"
        for path in TORGET.rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET action = 'changed'", "UPDATE audit_log SET actor_id = 'x'",
     "DELETE FROM audit_log"],
)  # fmt: skip
def test_the_database_refuses_changing_an_entry(
    world: World, engine: sa.Engine, statement: str
) -> None:
    _ok(
        world.client.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor")),
        201,
    )
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), write(engine) as conn:
        conn.exec_driver_sql(statement)
    with read(engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar() == 1


def test_an_erased_account_leaves_its_entries_without_a_name(
    world: World, engine: sa.Engine
) -> None:
    from torget.accounts.users import get_user
    from torget.db.schema import users

    _ok(
        world.client.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor")),
        201,
    )
    with write(engine) as conn:
        conn.execute(users.delete().where(users.c.id == get_user(conn, "editor").id))
    with read(engine) as conn:
        kept = conn.execute(sa.select(audit_log.c.actor_id, audit_log.c.action)).all()
    assert [tuple(r) for r in kept] == [(None, "created")]


def test_admins_read_the_log_and_editors_the_history_through_the_api_and_as_csv(
    world: World,
) -> None:
    auth = world.auth("editor")
    made = _ok(world.client.post("/api/datasets", json=dataset_payload(), headers=auth), 201)
    renamed = {"title": {"sv": '=HYPERLINK("https://evil.example")', "en": "Bathing sites"}}
    _ok(world.client.patch(f"/api/datasets/{made['id']}", json=renamed, headers=auth))

    history = _ok(world.client.get(f"/api/datasets/{made['id']}/history", headers=auth))
    last = history["entries"][0]
    assert (last["action"], last["channel"], last["actor"]) == ("changed", "api", "editor")
    assert last["changes"] == [
        {"field": "title.sv", "before": "Badplatser", "after": renamed["title"]["sv"]}
    ]
    assert history["entries"][1]["action"] == "created" and history["next"] is None

    refused = world.client.get("/api/organisations/sjostad/audit", headers=auth)
    assert refused.status_code == 403
    root = world.auth("root")
    first = _ok(world.client.get("/api/organisations/sjostad/audit?limit=1", headers=root))
    assert [e["action"] for e in first["entries"]] == ["changed"] and first["next"]
    older = _ok(world.client.get(first["next"], headers=root))
    assert [e["action"] for e in older["entries"]] == ["created"]

    exported = world.client.get("/api/organisations/sjostad/audit.csv", headers=root)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.lstrip("\ufeff").splitlines()
    assert (
        lines[0]
        == "id,at,actor,channel,action,subject_type,subject_name,subject_id,organisation,changes"
    )
    assert len(lines) == 3 and ",editor,api,changed,dataset," in lines[1]
    assert "=HYPERLINK" in lines[1] and ",=" not in lines[1]  # no cell starts a formula

    browser = Browser(world.client)
    browser.login("editor")
    assert browser.get("/publish/organisation/sjostad/audit").status_code == 403
    page = browser.get(f"/publish/dataset/{made['id']}/history")
    assert page.status_code == 200 and "title.sv" in page.text and "Badplatser" in page.text


def test_a_publication_that_waited_for_the_scan_is_logged_as_the_worker_s(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    """Published by the worker once the guard's scan passed, as the person who asked."""
    site = client_site(world.client)
    auth = world.auth("editor")
    made = _ok(world.client.post("/api/datasets", json=dataset_payload(distributions=[]),
                                 headers=auth), 201)  # fmt: skip
    key = f"datasets/{made['id']}/upload-1/bad.csv"
    site.files.put(key, b"plats,besokare\nStrandbadet,120\n", "text/csv")
    dist = {"download_url": file_url(settings, key), "format": "CSV", "license": "CC0-1.0"}
    added = world.client.post(f"/api/datasets/{made['id']}/distributions", json=dist, headers=auth)
    _ok(world.client.put(f"/api/datasets/{made['id']}/classification", json=CLASSIFIED,
                         headers=auth))  # fmt: skip
    log = Log(engine)
    held = world.client.patch(f"/api/datasets/{made['id']}", json={"state": "published"},
                              headers=auth)  # fmt: skip
    assert _ok(held)["state"] == "draft"  # waits for the scan
    assert log.one("changed", "api")["changes"] == "{}"
    with read(engine) as conn:
        job = jobs.latest_job(conn, _ok(added, 201)["id"])
    assert job is not None
    run_job(settings, engine, job.id, site.files)
    published = log.one("published", "worker")
    assert published["actor_kind"] == "person" and published["actor_id"] is not None
