"""The publishing checklist gates every door (issue 13 B): the pages, the JSON API, CKAN's
Action API and the command line all refuse to publish a dataset whose confidentiality is above
0, whose data holds personal identity numbers nobody signed off, whose licence is
non-commercial, or which has no machine-readable data; each with the item's code.

Before, each of these datasets reached the public pages, the feed and the datastore API.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.command_line import Ran, run_torget
from tests.conftest import World, dataset_payload
from tests.publishing.test_one_rule import _codes, _log_in
from torget.accounts.permissions import COMMAND_LINE
from torget.datastore import tables
from torget.datastore.errors import LoadError
from torget.datastore.load import load_local
from torget.db.engine import read, write
from torget.db.schema import datasets, mail_queue
from torget.publishing.settlements import classify
from torget.settings import Settings

HTML = {"Accept": "text/html"}
PEOPLE = "namn,personnummer\nAnna,19811218-9876\nBo,811218-9876\nCilla,19900101-0017\n"
PLACES = "plats,besökare\nStrandbadet,120\nSjöbadet,80\n"


def _draft(world: World, **changes: Any) -> dict[str, Any]:
    made = world.client.post(
        "/api/datasets", json=dataset_payload(**changes), headers=world.auth("editor")
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def _classify(world: World, ref: str, confidentiality: int = 0) -> None:
    done = world.client.put(
        f"/api/datasets/{ref}/classification",
        json={"confidentiality": confidentiality, "integrity": 1, "availability": 1,
              "reason": "Public information about the municipality's beaches."},
        headers=world.auth("editor"),
    )  # fmt: skip
    assert done.status_code == 200, done.text


def _load(settings: Settings, engine: sa.Engine, tmp_path: Path, dist_id: str, text: str) -> None:
    path = tmp_path / f"{dist_id}-{len(text)}.csv"
    path.write_text(text, encoding="utf-8")
    load_local(settings, engine, dist_id, path, "csv")


def _state(engine: sa.Engine, dataset_id: str) -> str:
    with read(engine) as conn:
        return str(
            conn.execute(sa.select(datasets.c.state).where(datasets.c.id == dataset_id)).scalar()
        )


def _cli(database_url: str, tmp_path: Path, *args: str) -> Ran:
    env = {"TORGET_DATABASE_URL": database_url, "TORGET_DATA_DIR": str(tmp_path / "cli"),
           "TORGET_CONFIG": str(tmp_path / "none.toml")}  # fmt: skip
    return run_torget(env, *args)


def _confidential(world: World, **_: Any) -> str:
    made = _draft(world)
    _classify(world, made["id"], confidentiality=1)
    return str(made["id"])


def _personal_data(world: World, settings: Settings, engine: sa.Engine, tmp_path: Path) -> str:
    made = _draft(world)
    _classify(world, made["id"])
    _load(settings, engine, tmp_path, made["distributions"][0]["id"], PEOPLE)
    return str(made["id"])


def _non_commercial(world: World, **_: Any) -> str:
    dist = {"download_url": "https://data.sjostad.example/bad.csv", "format": "text/csv",
            "license": "CC-BY-NC-4.0"}  # fmt: skip
    made = _draft(world, distributions=[dist])
    _classify(world, made["id"])
    return str(made["id"])


def _pdf_only(world: World, **_: Any) -> str:
    dist = {"download_url": "https://data.sjostad.example/bad.pdf", "format": "PDF",
            "license": "CC0-1.0"}  # fmt: skip
    made = _draft(world, distributions=[dist])
    _classify(world, made["id"])
    return str(made["id"])


CASES = {
    "confidential": (_confidential, "confidential"),
    "personal_data": (_personal_data, "personal_data_unsigned"),
    "non_commercial": (_non_commercial, "licence_not_open"),
    "pdf_only": (_pdf_only, "not_machine_readable"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_no_door_publishes_what_the_checklist_refuses(
    case: str, world: World, settings: Settings, engine: sa.Engine, tmp_path: Path,
    database_url: str,
) -> None:  # fmt: skip
    make, code = CASES[case]
    dataset_id = make(world, settings=settings, engine=engine, tmp_path=tmp_path)

    api = world.client.patch(
        f"/api/datasets/{dataset_id}", json={"state": "published"}, headers=world.auth("editor")
    )
    assert api.status_code == 422, api.text
    assert code in _codes(api.json())

    ckan = world.client.post(
        "/api/3/action/package_patch",
        json={"id": dataset_id, "private": False},
        headers=world.auth("editor"),
    )
    assert ckan.status_code == 409, ckan.text
    assert code in ckan.text

    cli = _cli(database_url, tmp_path, "publish", dataset_id)
    assert cli.returncode == 1, cli.stdout
    assert f"[{code}]" in cli.stderr, cli.stderr

    _log_in(world, "editor")
    page = world.client.get(f"/publish/dataset/{dataset_id}", headers=HTML).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    form = world.client.post(
        f"/publish/dataset/{dataset_id}/publish",
        data={"csrf_token": token.group(1)}, headers=HTML, follow_redirects=False,
    )  # fmt: skip
    assert form.status_code == 422, form.text

    assert _state(engine, dataset_id) == "draft"


def test_a_dataset_created_published_in_one_call_meets_the_checklist_too(world: World) -> None:
    api = world.client.post(
        "/api/datasets", json=dataset_payload(state="published"), headers=world.auth("editor")
    )
    assert api.status_code == 422, api.text
    assert "not_classified" in _codes(api.json())
    ckan = world.client.post(
        "/api/3/action/package_create",
        json={"name": "bad-1", "title": "Bad", "notes": "Bad.", "owner_org": "sjostad",
              "private": False, "license_id": "CC-BY-4.0",
              "extras": [{"key": "confidentiality", "value": "1"},
                         {"key": "integrity", "value": "0"},
                         {"key": "availability", "value": "0"}],
              "resources": [{"url": "https://data.sjostad.example/a.csv", "format": "CSV"}]},
        headers=world.auth("editor"),
    )  # fmt: skip
    assert ckan.status_code == 409, ckan.text
    assert "confidential" in ckan.text


def test_ckan_publishes_with_the_classification_as_extras(world: World, engine: sa.Engine) -> None:
    ckan = world.client.post(
        "/api/3/action/package_create",
        json={"name": "bad-2", "title": "Badplatser", "notes": "Kommunens badplatser.",
              "owner_org": "sjostad", "private": False, "license_id": "CC-BY-4.0",
              "extras": [{"key": "confidentiality", "value": "0"},
                         {"key": "integrity", "value": "1"},
                         {"key": "availability", "value": "1"},
                         {"key": "classification_reason", "value": "Public places."},
                         {"key": "access_rights", "value": "PUBLIC"}],
              "resources": [{"url": "https://data.sjostad.example/a.csv", "format": "CSV"}]},
        headers=world.auth("editor"),
    )  # fmt: skip
    assert ckan.status_code == 200, ckan.text
    checklist = world.client.get("/api/datasets/bad-2/checklist", headers=world.auth("editor"))
    assert checklist.json()["ready"] is True
    classification = next(i for i in checklist.json()["items"] if i["item"] == "classification")
    assert classification["settled_by"] == "editor"
    assert classification["details"][0]["reason"] == "Public places."


def test_classified_clean_data_is_published_and_the_checklist_says_who(
    world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    made = _draft(world)
    _load(settings, engine, tmp_path, made["distributions"][0]["id"], PLACES)
    _classify(world, made["id"])
    done = world.client.patch(
        f"/api/datasets/{made['id']}", json={"state": "published"}, headers=world.auth("editor")
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "published"
    items = world.client.get(f"/api/datasets/{made['id']}/checklist", headers=world.auth("editor"))
    states = {i["item"]: i["state"] for i in items.json()["items"]}
    assert states == {
        "classification": "passed", "personal_data": "passed", "licence": "passed",
        "access_rights": "passed", "distribution": "passed", "machine_readable": "passed",
        "specification": "not_required", "high_value": "not_required",
        "approval": "not_required",
    }  # fmt: skip


def test_an_admin_signs_off_personal_data_an_editor_may_not(
    world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    dataset_id = _personal_data(world, settings, engine, tmp_path)
    items = world.client.get(f"/api/datasets/{dataset_id}/checklist", headers=world.auth("editor"))
    personal = next(i for i in items.json()["items"] if i["item"] == "personal_data")
    finding = personal["details"][0]["findings"][0]
    assert (finding["column"], finding["kind"], finding["count"]) == (
        "personnummer", "personal_identity_number", 3,
    )  # fmt: skip
    assert all("9876" not in e for e in finding["examples"])
    dist_id = personal["details"][0]["distribution_id"]
    url = f"/api/distributions/{dist_id}/personal-data-signoff"
    body = {"justification": "Published by law: the register of elected representatives."}
    refused = world.client.post(url, json=body, headers=world.auth("editor"))
    assert refused.status_code == 403, refused.text
    empty = world.client.post(url, json={"justification": " "}, headers=world.auth("root"))
    assert empty.status_code == 422 and "signoff_justification_required" in empty.text
    signed = world.client.post(url, json=body, headers=world.auth("root"))
    assert signed.status_code == 200, signed.text
    done = world.client.patch(
        f"/api/datasets/{dataset_id}", json={"state": "published"}, headers=world.auth("editor")
    )
    assert done.status_code == 200 and done.json()["state"] == "published", done.text


def test_a_replacement_with_personal_data_keeps_the_published_table_and_tells_the_editors(
    world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    made = _draft(world)
    dist_id = made["distributions"][0]["id"]
    _load(settings, engine, tmp_path, dist_id, PLACES)
    _classify(world, made["id"])
    world.client.patch(
        f"/api/datasets/{made['id']}", json={"state": "published"}, headers=world.auth("editor")
    ).raise_for_status()
    with read(engine) as conn:
        before = tables.current_table(conn, settings.datastore_path, dist_id)
    assert before is not None

    with pytest.raises(LoadError, match="personal data"):
        _load(settings, engine, tmp_path, dist_id, PEOPLE)

    with read(engine) as conn:
        after = tables.current_table(conn, settings.datastore_path, dist_id)
        mails = conn.execute(sa.select(mail_queue.c.recipient, mail_queue.c.body)).all()
    assert after is not None and after.job_id == before.job_id
    assert [r for r, _ in mails] == ["editor@example.se"]
    assert "personnummer" in mails[0][1]
    rows = world.client.get(f"/api/datastore/{dist_id}/rows").text
    assert "Strandbadet" in rows and "9876" not in rows
    assert _state(engine, made["id"]) == "published"


def test_another_open_licence_needs_a_justification(world: World) -> None:
    dist = {"download_url": "https://data.sjostad.example/a.csv", "format": "text/csv",
            "license": "CC-BY-SA-4.0"}  # fmt: skip
    made = _draft(world, distributions=[dist])
    _classify(world, made["id"])
    url = f"/api/datasets/{made['id']}"
    refused = world.client.patch(url, json={"state": "published"}, headers=world.auth("editor"))
    assert "licence_needs_justification" in _codes(refused.json())
    world.client.put(
        f"{url}/licence-justification",
        json={"justification": "The county's data we build on is CC BY-SA."},
        headers=world.auth("editor"),
    ).raise_for_status()
    done = world.client.patch(url, json={"state": "published"}, headers=world.auth("editor"))
    assert done.status_code == 200, done.text


def test_four_eyes_need_a_second_person(world: World) -> None:
    world.client.put(
        "/api/organisations/sjostad/publishing",
        json={"four_eyes": True},
        headers=world.auth("root"),
    ).raise_for_status()
    made = _draft(world)
    _classify(world, made["id"])
    url = f"/api/datasets/{made['id']}"
    first = world.client.patch(url, json={"state": "published"}, headers=world.auth("editor"))
    assert "approval_required" in _codes(first.json())
    world.client.post(f"{url}/approval", headers=world.auth("editor")).raise_for_status()
    own = world.client.patch(url, json={"state": "published"}, headers=world.auth("editor"))
    assert "approval_by_same_person" in _codes(own.json())
    done = world.client.patch(url, json={"state": "published"}, headers=world.auth("root"))
    assert done.status_code == 200, done.text


def test_bad_classifications_are_refused_with_their_codes(world: World, engine: sa.Engine) -> None:
    made = _draft(world)
    bad = world.client.put(
        f"/api/datasets/{made['id']}/classification",
        json={"confidentiality": 3, "integrity": 1, "availability": 1, "reason": ""},
        headers=world.auth("editor"),
    )
    assert bad.status_code == 422
    assert {"classification_level", "classification_reason_required"} <= _codes(bad.json())
    outsider = world.client.put(
        f"/api/datasets/{made['id']}/classification",
        json={"confidentiality": 0, "integrity": 1, "availability": 1, "reason": "x"},
        headers=world.auth("outsider"),
    )
    assert outsider.status_code in (403, 404)
    with write(engine) as conn:
        classify(conn, COMMAND_LINE, made["id"], confidentiality=0, integrity=0, availability=0,
                 reason="Open.")  # fmt: skip


def test_the_command_line_takes_a_dataset_through_the_checklist(
    world: World, database_url: str, tmp_path: Path
) -> None:
    made = _draft(world)
    shown = _cli(database_url, tmp_path, "checklist", made["id"])
    assert shown.returncode == 1 and "classification\tfailed" in shown.stdout, shown.stdout
    classified = _cli(database_url, tmp_path, "classify", made["id"], "--confidentiality", "0",
                      "--integrity", "1", "--availability", "1", "--reason", "Public.")  # fmt: skip
    assert classified.returncode == 0, classified.stderr
    ready = _cli(database_url, tmp_path, "checklist", made["id"])
    assert ready.returncode == 0 and "ready to publish" in ready.stdout, ready.stdout
    published = _cli(database_url, tmp_path, "publish", made["id"])
    assert published.returncode == 0, published.stderr
