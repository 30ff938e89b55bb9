"""`torget checklist rescan` runs the personal-data guard again over the tables Torget serves
now: a finding an earlier scan missed (here: a scan recorded clear, as a weaker detector left
it) re-opens the checklist's item, for one dataset or with `--all` an organisation's.

Before, a table was scanned once, when it was loaded, and never again.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tests.command_line import Ran, run_torget
from tests.conftest import World, client_site
from tests.publishing.test_gates import PEOPLE, PLACES, _classify, _draft, _load, _state
from tests.publishing.test_held_uploads import _run_loads, _upload
from torget.db.engine import write
from torget.db.schema import personal_data_scans
from torget.settings import Settings


def _cli(database_url: str, tmp_path: Path, *args: str) -> Ran:
    env = {"TORGET_DATABASE_URL": database_url, "TORGET_DATA_DIR": str(tmp_path / "data"),
           "TORGET_CONFIG": str(tmp_path / "none.toml")}  # fmt: skip
    return run_torget(env, "checklist", *args)


def _item(world: World, dataset_id: str) -> dict[str, str]:
    found = world.client.get(f"/api/datasets/{dataset_id}/checklist", headers=world.auth("editor"))
    return dict(next(i for i in found.json()["items"] if i["item"] == "personal_data"))


def _forget_findings(engine: sa.Engine) -> None:
    with write(engine) as conn:
        conn.execute(personal_data_scans.update().values(state="clear", findings="[]"))


def test_a_rescan_reopens_what_an_earlier_scan_missed(
    world: World, settings: Settings, engine: sa.Engine, tmp_path: Path, database_url: str
) -> None:
    made = _draft(world)
    _classify(world, made["id"])
    _load(settings, engine, tmp_path, made["distributions"][0]["id"], PEOPLE)
    _forget_findings(engine)
    assert _item(world, made["id"])["state"] == "passed"

    one = _cli(database_url, tmp_path, "rescan", made["id"])
    assert one.returncode == 1, one.stderr
    assert "personnummer\tpersonal_identity_number\t3" in one.stdout, one.stdout
    assert "1 distribution(s) rescanned, 1 with unsigned findings" in one.stdout
    item = _item(world, made["id"])
    assert (item["state"], item["params"]["columns"]) == ("failed", "personnummer"), item

    _forget_findings(engine)
    every = _cli(database_url, tmp_path, "rescan", "--all", "--organisation", "sjostad")
    assert every.returncode == 1 and "findings" in every.stdout, every.stdout
    assert _item(world, made["id"])["state"] == "failed"
    shown = _cli(database_url, tmp_path, made["id"])  # `checklist DATASET` as before
    assert shown.returncode == 1 and "personal_data\tfailed" in shown.stdout, shown.stdout
    assert _cli(database_url, tmp_path, "rescan").returncode == 2  # neither DATASET nor --all


def test_a_rescan_that_clears_publishes_what_was_asked_for(
    world: World, settings: Settings, engine: sa.Engine, tmp_path: Path, database_url: str
) -> None:
    """Data loaded before the guard existed has no scan: a publication asked for meanwhile
    waits for one (`pending`), and the rescan that clears it publishes the dataset, as the
    guard does after a load. Before, the request stayed waiting and the dataset a draft."""
    made = _draft(world, distributions=[])
    _classify(world, made["id"])
    _upload(world, "resource_create", PLACES, package_id=made["id"], name="Badplatser")
    _run_loads(client_site(world.client))
    with write(engine) as conn:
        conn.execute(personal_data_scans.delete())  # loaded before the guard existed
    assert _item(world, made["id"])["state"] == "pending"
    asked = world.client.patch(
        f"/api/datasets/{made['id']}", json={"state": "published"}, headers=world.auth("editor")
    )
    assert asked.status_code == 200 and asked.json()["state"] == "draft", asked.text

    done = _cli(database_url, tmp_path, "rescan", made["id"])
    assert done.returncode == 0 and "1 distribution(s) rescanned, 0 with" in done.stdout, done
    assert _state(engine, made["id"]) == "published"
