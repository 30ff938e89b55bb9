"""Coverage (issue 16, part 6): who publishes a specification, placed on Sweden's
municipalities by the codes in their rows or by their names; the page's map and tables; and per
organisation, the specifications it publishes and those its inventory and tables say it could.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import World, org_payload, published_payload
from tests.specifications.test_combine import API, _source
from torget.accounts.permissions import SYSTEM
from torget.catalog.model import OrganisationIn
from torget.catalog.organisations import create_organisation
from torget.datastore.load import load_local
from torget.db.engine import write
from torget.settings import Settings
from torget.specifications.municipalities import code_of_title, municipalities

SCHOOLS = "source,id,name,latitude,longitude\n"


def test_every_municipality_is_known_and_named_organisations_are_placed() -> None:
    found = municipalities()
    assert len(found) == 290 and found["0180"].name == "Stockholm"
    assert found["2584"].county_name == "Norrbottens län" and found["2584"].path.startswith("M")
    assert [code_of_title(t) for t in ("Stockholms stad", "Göteborgs Stad", "Falu kommun",
            "Region Gotland", "Upplands Väsby kommun", "Sjöstads kommun")] == [
        "0180", "1480", "2080", "0980", "0114", None]  # fmt: skip


def _load(client: TestClient, world: World, settings: Settings, engine: sa.Engine,
          folder: Path, organisation: str, rows: str) -> None:  # fmt: skip
    path = folder / f"{organisation}.csv"
    path.write_text(SCHOOLS + rows, "utf-8")
    load_local(settings, engine, _source(client, world, organisation, "Skolor"), path, "csv")


def test_coverage_places_publishers_on_the_map_and_in_tables(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    with write(engine) as conn:
        kiruna = org_payload("kiruna", title={"sv": "Kiruna kommun"}, org_number=None)
        create_organisation(conn, SYSTEM, OrganisationIn.model_validate(kiruna))
    # Stockholm's code in its rows, one row without a name: does not conform.
    _load(client, world, settings, engine, tmp_path, "sjostad",
          "0180,S1,Skola 1,59.33,18.06\n0180,S2,,59.34,18.07\n")  # fmt: skip
    _load(client, world, settings, engine, tmp_path, "grannby", "1280,G1,Skola G,55.6,13.0\n")
    # An organisation number, not a municipality code: placed by the organisation's name.
    _load(client, world, settings, engine, tmp_path, "kiruna",
          "212000-2627,K1,Skola K,67.85,20.22\n")  # fmt: skip

    found = client.get(f"{API}/coverage").json()
    places = {m["code"]: m for m in found["municipalities"]}
    assert len(places) == 290
    assert (places["0180"]["state"], places["1280"]["state"]) == ("fails", "conforms")
    assert places["2584"]["state"] == "conforms" and places["1480"]["state"] is None
    assert found["counts"] == {"conforms": 2, "warnings": 0, "fails": 1, "none": 287}
    by_org = {p["organisation"]: p for p in found["publications"]}
    assert by_org["kiruna"]["rows"] == 1 and by_org["kiruna"]["updated_at"]

    page = client.get("/specifications/skoldata/1.1/coverage?lang=en").text
    assert 'role="img" aria-labelledby="map-title map-desc"' in page
    assert "Conforms: 2 municipalities. Does not conform: 1 municipality." in page.replace(
        "Conforms with warnings: 0 municipalities. ", "")  # fmt: skip
    assert page.count('<path class="m-') == 290 and page.count('<path class="m-conforms"') == 2
    assert '<th scope="row" lang="sv">Kiruna</th>' in page and "Kiruna kommun" in page
    sv = client.get("/specifications/skoldata/1.1/coverage?lang=sv").text
    assert "Täckning" in sv and "Kiruna" in sv
    spec_page = client.get("/specifications/skoldata/1.1").text
    assert "/specifications/skoldata/1.1/coverage" in spec_page


def test_an_organisation_publishes_some_specifications_and_could_publish_others(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    _load(client, world, settings, engine, tmp_path, "sjostad", "0180,S1,Skola 1,59.33,18.06\n")
    # A department's supplier ledger published without declaring the specification.
    payload = published_payload(organisation="trafik", title={"sv": "Leverantörsfakturor"})
    created = client.post("/api/datasets", json=payload, headers=world.auth("root"))
    ledger = tmp_path / "fakturor.csv"
    ledger.write_text(
        "kopare;faktura_nr;leverantor;leverantor_id;forvaltning;konto_nr;konto_text;belopp;"
        "datum;kommun_id;anteckning\n"
        "Sjöstads kommun;F-1;Byggbolaget AB;556036-0793;Trafikkontoret;4010;Material;"
        "12500,00;2024-03-01;0180;\n", "utf-8")  # fmt: skip
    load_local(settings, engine, created.json()["distributions"][0]["id"], ledger, "csv")
    candidate = {"title": {"sv": "Kommunens badplatser"}, "description": "Med vattenprover."}
    made = client.post("/api/organisations/sjostad/inventory", json=candidate,
                       headers=world.auth("editor"))  # fmt: skip
    assert made.status_code == 201, made.text

    url = "/api/organisations/sjostad/specifications"
    mine = client.get(url, headers=world.auth("editor")).json()
    assert [p["specification"]["name"] for p in mine["published"]] == ["skoldata"]
    possible = {(p["specification"]["name"], p["reason"], p["title"]) for p in mine["possible"]}
    assert possible == {("badplatser", "inventory", "Kommunens badplatser"),
                        ("leverantorsreskontra", "columns", "Leverantörsfakturor")}  # fmt: skip
    # The inventory is not public: the public sees only what the tables show.
    public = client.get(url).json()
    assert [p["reason"] for p in public["possible"]] == ["columns"]
    page = client.get("/organisation/sjostad?lang=en").text  # the public's page
    assert "Published after a national specification" in page and "Could publish" in page
    assert "the table of 10 of its 16 columns is in" in page and "Leverantörsfakturor" in page
    assert "the inventory plans" not in page
