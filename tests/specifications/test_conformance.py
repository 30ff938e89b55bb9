"""Conformance: a distribution that declares a specification has its table checked on every
load (frictionless the reference, DuckDB SQL for large tables with a sample compared), a badge
on the dataset page, and a search facet that counts only what really conforms."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import CLASSIFIED, World, dataset_payload, published_payload
from torget.datastore.ingest import Limits, ingest
from torget.datastore.load import load_local
from torget.db.engine import read
from torget.settings import Settings
from torget.specifications.conformance import check_table, conformance_of
from torget.specifications.registry import get_specification

FILES = Path(__file__).parent / "files"
BADPLATSER = "https://dataportal.se/specifications/badplatser/1.0"


def _declared(client: TestClient, world: World, conforms_to: str,
              publish: bool = False) -> tuple[str, str]:  # fmt: skip
    payload = published_payload() if publish else dataset_payload()
    payload["distributions"][0]["conforms_to"] = [{"url": conforms_to}]
    created = client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert created.status_code == 201, created.text
    body = created.json()
    return body["name"], body["distributions"][0]["id"]


def _facet(client: TestClient, world: World, facet: str) -> dict[str, int]:
    found = client.get("/api/search", headers=world.auth("editor")).json()["facets"][facet]
    return {v["value"]: v["count"] for v in found}


def test_each_load_is_checked_and_only_conforming_tables_count(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine
) -> None:
    name, dist = _declared(client, world, BADPLATSER, publish=True)
    load_local(settings, engine, dist, FILES / "badplatser_good.csv", "csv")
    with read(engine) as conn:
        found = conformance_of(conn, dist)
    assert found is not None and found.state == "conforms", found
    assert _facet(client, world, "conforms") == {BADPLATSER: 1}
    page = client.get(f"/dataset/{name}?lang=en", headers={"Accept": "text/html"})
    assert 'class="tag tag-published">Conforms</span>' in page.text

    load_local(settings, engine, dist, FILES / "badplatser_bad.csv", "csv")
    with read(engine) as conn:
        found = conformance_of(conn, dist)
    assert found is not None and found.state == "fails"
    assert dict(found.report.counts) == {
        "required": 2, "unique": 1, "type": 1, "pattern": 1, "alias": 1, "unknown_column": 1,
    }  # fmt: skip
    assert {(p.row, p.column, p.rule) for p in found.report.problems} >= {
        (2, "place_id", "unique"), (2, "updated", "type"), (2, "wikidata", "pattern"),
        (3, "place_id", "required"), (None, "hov_ref", "alias"),
        (None, "kommentar", "unknown_column"),
    }  # fmt: skip
    assert not _facet(client, world, "conforms")
    assert _facet(client, world, "conforms_to") == {BADPLATSER: 1}  # declared, still listed
    report = client.get(f"/api/conformance/{dist}", headers=world.auth("editor")).json()
    assert report["state"] == "fails" and report["report"]["counts"][0]["rule"] == "required"
    page = client.get(f"/dataset/{name}?lang=en", headers={"Accept": "text/html"})
    assert 'class="tag tag-failed">Does not conform</span>' in page.text


def test_a_draft_s_report_is_for_its_members(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine
) -> None:
    _name, dist = _declared(client, world, BADPLATSER)
    load_local(settings, engine, dist, FILES / "badplatser_good.csv", "csv")
    assert client.get(f"/api/conformance/{dist}").status_code == 404
    assert client.get(f"/api/conformance/{dist}", headers=world.auth("outsider")).status_code == 404
    assert client.get(f"/api/conformance/{dist}", headers=world.auth("editor")).status_code == 200


def test_the_issue_s_file_of_identity_numbers_does_not_conform(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    """Issue 16: "a file of personal identity numbers declared as badplatser 1.0 was accepted
    and listed under that specification"."""
    _name, dist = _declared(client, world, "https://lankadedata.se/spec/badplatser/schema.json")
    people = tmp_path / "people.csv"
    people.write_text("personnummer,namn\n19121212-1212,Tolvan Tolvansson\n", "utf-8")
    load_local(settings, engine, dist, people, "csv")
    with read(engine) as conn:
        found = conformance_of(conn, dist)
    assert found is not None and found.state == "fails"
    assert found.specification == BADPLATSER
    assert found.report.counts["missing_column"] == 4
    assert not _facet(client, world, "conforms")


def _random_file(path: Path, rows: int, seed: int) -> None:
    """Bathing places with an error in about one row in ten, of every kind the schema has."""
    rng = random.Random(seed)
    lines = ["place_id,name,latitude,longitude,nutskod,wikidata,updated,toilet,visit_url,email"]
    for i in range(rows):
        cells = [f"P{i}", f"Badplats {i}", f"{rng.uniform(55.5, 68):.5f}",
                 f"{rng.uniform(11.5, 23):.5f}", f"SE0A{rng.randrange(10**10):010d}0000",
                 f"Q{rng.randrange(10**6)}", "2024-05-01", rng.choice(["true", "false"]),
                 "https://kommun.se/bad", "bad@kommun.se"]  # fmt: skip
        if rng.random() < 0.1:
            column, value = rng.choice([
                (0, f"P{max(0, i - 5)}"), (1, ""), (2, "70.5"), (3, "abc"), (4, "SE-short"),
                (5, "12345"), (6, "2024-02-30"), (7, "kanske"), (8, "//no-scheme"),
                (9, "not-an-address"), (0, ""),
            ])  # fmt: skip
            cells[column] = value
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", "utf-8")


@pytest.mark.parametrize("seed", [1, 2])
def test_the_sql_validator_agrees_with_frictionless(
    tmp_path: Path, engine: sa.Engine, seed: int
) -> None:
    source, table = tmp_path / "bad.csv", tmp_path / "bad.duckdb"
    _random_file(source, 3000, seed)
    ingest("bad.csv", source, "csv", table, Limits())
    with read(engine) as conn:
        spec = get_specification(conn, "badplatser", "1.0")
    reference = check_table(table, spec, small=10**9)  # frictionless on every row
    by_sql = check_table(table, spec, small=0, sample=3000)  # SQL, every row compared
    assert reference.method == "frictionless" and by_sql.method.startswith("duckdb")
    assert by_sql.sample_agrees is True
    assert by_sql.counts == reference.counts
    assert set(reference.counts) == {"required", "unique", "maximum", "type", "pattern"}
    keys: Any = lambda r: [(p.row, p.column, p.rule) for p in r.problems]  # noqa: E731
    assert keys(by_sql) == keys(reference)


def test_publishing_refuses_a_declaration_that_does_not_validate(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine
) -> None:
    name, dist = _declared(client, world, BADPLATSER)
    load_local(settings, engine, dist, FILES / "badplatser_bad.csv", "csv")
    auth = world.auth("editor")
    classified = client.put(f"/api/datasets/{name}/classification", json=CLASSIFIED, headers=auth)
    assert classified.status_code == 200, classified.text
    checklist = client.get(f"/api/datasets/{name}/checklist", headers=auth).json()
    assert "specification_not_followed" in str(checklist)
    publish = {"state": "published"}
    refused = client.patch(f"/api/datasets/{name}", json=publish, headers=world.auth("editor"))
    assert refused.status_code in (409, 422), refused.text
    assert "specification_not_followed" in refused.text
    load_local(settings, engine, dist, FILES / "badplatser_good.csv", "csv")
    allowed = client.patch(f"/api/datasets/{name}", json=publish, headers=world.auth("editor"))
    assert allowed.status_code == 200, allowed.text
