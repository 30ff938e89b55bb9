"""The inventory's JSON API and its commands: every step a script needs, each refusal with its
code; the command line imports a real spreadsheet, lists, exports and promotes."""

from __future__ import annotations

import os
from pathlib import Path

from tests.command_line import Ran, run_torget
from tests.conftest import World

INVENTORY = "/api/organisations/sjostad/inventory"
CANDIDATE = {
    "title": {"sv": "Träd i parker", "en": "Park trees"},
    "department": "Park och natur",
    "benefits": ["environmental", "Social"],
    "effort": "small",
    "hvd_category": "Geospatial",
    "contact": {"name": "Åsa", "email": "asa@sjostad.example"},
}


def test_a_script_adds_lists_changes_and_promotes_candidates(world: World) -> None:
    editor = world.auth("editor")
    made = world.client.post(INVENTORY, json=CANDIDATE, headers=editor)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["priority"]["score"] == 30 + 10 + 10
    assert [r["code"] for r in body["priority"]["reasons"]] == ["high_value", "benefit", "effort"]
    assert body["contact"] == {"name": "Åsa", "email": "asa@sjostad.example"}
    listed = world.client.get(INVENTORY, headers=editor).json()
    assert listed["count"] == 1 and listed["public"] is False
    changed = world.client.put(
        f"/api/inventory/{body['id']}", headers=editor, json={**CANDIDATE, "effort": "large"}
    )
    assert changed.json()["priority"]["score"] == 40
    history = world.client.get(f"/api/inventory/{body['id']}/history", headers=editor).json()
    assert [h["action"] for h in history["items"]] == ["created", "updated"]
    assert history["items"][1]["changes"] == {"effort": ["small", "large"]}
    promoted = world.client.post(f"/api/inventory/{body['id']}/promote", headers=editor)
    assert promoted.status_code == 201 and promoted.json()["state"] == "draft"
    assert promoted.json()["hvd_categories"] == ["http://data.europa.eu/bna/c_ac64a52d"]
    again = world.client.post(f"/api/inventory/{body['id']}/promote", headers=editor)
    assert again.status_code == 409 and again.json()["code"] == "candidate_already_promoted"
    after = world.client.get(f"/api/inventory/{body['id']}", headers=editor).json()
    assert after["dataset"]["id"] == promoted.json()["id"]


def test_refusals_carry_codes(world: World) -> None:
    editor = world.auth("editor")
    bad = world.client.post(
        INVENTORY, headers=editor, json={**CANDIDATE, "effort": "huge", "suggestions": ["nope"]}
    )
    assert bad.status_code == 422
    assert {(e["field"], e["code"]) for e in bad.json()["errors"]} == {
        ("effort", "not_an_effort"),
        ("suggestions", "unknown_suggestion"),
    }
    assert world.client.post(INVENTORY, json=CANDIDATE).status_code == 401
    outsider = world.client.post(INVENTORY, json=CANDIDATE, headers=world.auth("outsider"))
    assert outsider.status_code == 403
    hidden = world.client.get(INVENTORY)
    assert hidden.status_code == 404 and hidden.json()["code"] == "inventory_not_public"
    refused = world.client.post(
        INVENTORY + "/import", headers=editor, content=b"titel;insats\nA;enorm\n"
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0] | {"message": ""} == {
        "field": "rows.2.effort",
        "message": "",
        "code": "not_an_effort",
        "params": {"value": "enorm", "row": "2", "column": "insats"},
        "allowed": ["small", "medium", "large"],
    }
    assert world.client.get(INVENTORY, headers=editor).json()["count"] == 0
    only_admins = world.client.put(INVENTORY + "/settings", json={"public": True}, headers=editor)
    assert only_admins.status_code == 403


def test_import_export_and_the_public_setting(world: World) -> None:
    editor, root = world.auth("editor"), world.auth("root")
    done = world.client.post(
        INVENTORY + "/import",
        headers=editor,
        content="titel;nytta\nTräd;miljö\nBuller;\n".encode("cp1252"),
    )
    assert done.status_code == 200 and done.json() == {"created": 2, "updated": 0, "unchanged": 0}
    exported = world.client.get(INVENTORY + ".csv", headers=editor)
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.content.decode("utf-8-sig").splitlines()[1].split(",")[1] == "Träd"
    xlsx = world.client.get(INVENTORY + ".xlsx", headers=editor)
    again = world.client.post(INVENTORY + "/import", headers=editor, content=xlsx.content)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    public = world.client.put(INVENTORY + "/settings", json={"public": True}, headers=root)
    assert public.json() == {"organisation": "sjostad", "public": True}
    seen = world.client.get(INVENTORY).json()
    assert seen["count"] == 2 and "contact" not in seen["items"][0]
    assert world.client.get(INVENTORY + ".csv").status_code == 401  # contacts: members only


def test_the_commands(world: World, settings: object, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(
        TORGET_DATA_DIR=str(tmp_path / "data"),
        TORGET_CONFIG=str(tmp_path / "no.toml"),
        TORGET_DATABASE_URL=str(settings.database_url),
    )  # type: ignore[attr-defined]

    def torget(*args: str) -> Ran:
        return run_torget(env, "inventory", *args)

    sheet = tmp_path / "inventering.csv"
    sheet.write_text(
        "titel;insats;högvärdeskategori\nTräd;liten;Geospatial\nBuller;stor;\n", encoding="cp1252"
    )
    imported = torget("import", "sjostad", str(sheet))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "imported inventering.csv: 2 added, 0 changed, 0 unchanged"
    bad = tmp_path / "fel.csv"
    bad.write_text("titel,färg\nA,röd\n")
    refused = torget("import", "sjostad", str(bad))
    assert refused.returncode == 1
    assert "columns.2: unknown column 'färg' [inventory_unknown_column]" in refused.stderr
    listed = torget("list", "sjostad").stdout.splitlines()
    assert [line.split("\t")[2] for line in listed] == ["Träd", "Buller"]
    assert listed[0].split("\t")[4] == "high-value category Geospatial (+30); small effort (+10)"
    out = tmp_path / "ut.xlsx"
    assert torget("export", "sjostad", "--format", "xlsx", "-o", str(out)).returncode == 0
    assert out.read_bytes().startswith(b"PK")
    assert torget("export", "sjostad").stdout.startswith("\ufeffid,title_sv")
    promoted = torget("promote", listed[0].split("\t")[0])
    assert promoted.returncode == 0 and promoted.stdout.splitlines()[-1] == "trad"
    unknown = torget("promote", "nope")
    assert unknown.returncode == 1 and "[unknown_candidate]" in unknown.stderr
