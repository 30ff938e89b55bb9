"""The datasets JSON API: create, read, update, delete, list, and every refusal it promises."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from tests.conftest import World, dataset_payload, published_payload
from torget.db.schema import datasets, distributions


def test_create_read_update_delete(world: World) -> None:
    c, auth = world.client, world.auth("editor")
    created = c.post("/api/datasets", json=published_payload(), headers=auth)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "badplatser"
    assert uuid.UUID(body["identifier"])
    assert body["themes"] == ["http://publications.europa.eu/resource/authority/data-theme/ENVI"]
    dist = body["distributions"][0]
    assert dist["format"] == "http://publications.europa.eu/resource/authority/file-type/CSV"
    assert dist["media_type"] == "text/csv"
    assert dist["access_url"] == dist["download_url"]
    assert dist["license"] == "http://creativecommons.org/publicdomain/zero/1.0/"

    assert c.get("/api/datasets/badplatser").json()["id"] == body["id"]
    assert c.get(f"/api/datasets/{body['id']}").json()["name"] == "badplatser"

    patched = c.patch(
        f"/api/datasets/{body['id']}", json={"title": {"sv": "Badplatser 2", "en": "Beaches"}},
        headers=auth,
    )  # fmt: skip
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == {"sv": "Badplatser 2", "en": "Beaches"}
    assert patched.json()["themes"] == body["themes"]  # untouched fields stay

    replaced = dataset_payload(themes=["TRAN"], name="badplatser")
    del replaced["distributions"]
    put = c.put(f"/api/datasets/{body['id']}", json=replaced, headers=auth)
    assert put.status_code == 200, put.text
    assert put.json()["identifier"] == body["identifier"]
    assert put.json()["state"] == "draft"

    assert c.delete(f"/api/datasets/{body['id']}", headers=auth).status_code == 204
    assert c.get(f"/api/datasets/{body['id']}", headers=auth).status_code == 404


def test_listing_pages(world: World) -> None:
    c, auth = world.client, world.auth("editor")
    for i in range(5):
        payload = published_payload(title={"sv": f"Mängd {i}"})
        assert c.post("/api/datasets", json=payload, headers=auth).status_code == 201
    first = c.get("/api/datasets?page=1&page_size=2").json()
    assert first["count"] == 5 and len(first["items"]) == 2
    assert first["previous"] is None and "page=2" in first["next"]
    last = c.get("/api/datasets?page=3&page_size=2").json()
    assert len(last["items"]) == 1 and last["next"] is None
    names = {
        d["name"]
        for p in (1, 2, 3)
        for d in c.get(f"/api/datasets?page={p}&page_size=2").json()["items"]
    }
    assert len(names) == 5
    assert c.get("/api/datasets?page=0").status_code == 422


def test_value_outside_vocabulary_names_field_and_choices(world: World) -> None:
    bad = dataset_payload(themes=["ENVI", "WEATHER"])
    bad["distributions"][0]["license"] = "GPL"
    response = world.client.post("/api/datasets", json=bad, headers=world.auth("editor"))
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert "TRAN" in errors["themes.1"]["allowed"]
    assert "CC-BY-4.0" in errors["distributions.0.license"]["allowed"]
    bad_format = dataset_payload()
    bad_format["distributions"][0]["format"] = "text/nonsense"
    response = world.client.post("/api/datasets", json=bad_format, headers=world.auth("editor"))
    assert response.status_code == 422
    assert "CSV" in response.json()["errors"][0]["allowed"]


def test_licence_variants_are_made_canonical(world: World) -> None:
    payload = dataset_payload()
    payload["distributions"][0]["license"] = "https://creativecommons.org/licenses/by/4.0/deed.sv"
    body = world.client.post("/api/datasets", json=payload, headers=world.auth("editor")).json()
    assert body["distributions"][0]["license"] == "http://creativecommons.org/licenses/by/4.0/"


def test_malformed_json_is_400(world: World) -> None:
    response = world.client.post(
        "/api/datasets",
        content=b'{"title": ',
        headers={**world.auth("editor"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"


def test_missing_swedish_title_is_clear(world: World) -> None:
    response = world.client.post(
        "/api/datasets", json=dataset_payload(title={"en": "Beaches"}), headers=world.auth("editor")
    )
    assert response.status_code == 422
    assert {
        "field": "title.sv",
        "message": "Swedish text is required",
        "code": "swedish_text_required",
        "params": {},
    } in response.json()["errors"]
    blank = world.client.post(
        "/api/datasets", json=dataset_payload(title={"sv": "  "}), headers=world.auth("editor")
    )
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "title.sv"


def test_duplicate_identifier_is_409(world: World) -> None:
    identifier = str(uuid.uuid4())
    auth = world.auth("editor")
    first = world.client.post(
        "/api/datasets", json=dataset_payload(identifier=identifier), headers=auth
    )
    assert first.status_code == 201
    second = world.client.post(
        "/api/datasets", json=dataset_payload(identifier=identifier, name="annan"), headers=auth
    )
    assert second.status_code == 409
    assert identifier in second.json()["message"]


def test_generated_names_do_not_clash_but_given_ones_do(world: World) -> None:
    auth = world.auth("editor")
    names = [
        world.client.post("/api/datasets", json=dataset_payload(), headers=auth).json()["name"]
        for _ in range(2)
    ]
    assert names == ["badplatser", "badplatser-2"]
    clash = world.client.post(
        "/api/datasets", json=dataset_payload(name="badplatser"), headers=auth
    )
    assert clash.status_code == 409


def test_one_call_is_one_transaction(world: World, engine: sa.Engine) -> None:
    payload = dataset_payload()
    payload["distributions"].append({"download_url": "not a url", "format": "CSV"})
    response = world.client.post("/api/datasets", json=payload, headers=world.auth("editor"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("distributions.1.")
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(datasets)).scalar_one() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(distributions)).scalar_one() == 0


def test_drafts_are_visible_only_to_their_organisation(world: World) -> None:
    c = world.client
    draft = c.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor")).json()
    assert c.get(f"/api/datasets/{draft['id']}").status_code == 404
    assert c.get(f"/api/datasets/{draft['id']}", headers=world.auth("outsider")).status_code == 404
    assert c.get(f"/api/datasets/{draft['id']}", headers=world.auth("editor")).status_code == 200
    assert c.get("/api/datasets").json()["count"] == 0
    assert c.get("/api/datasets", headers=world.auth("editor")).json()["count"] == 1
    assert c.get(f"/dataset/{draft['id']}.ttl").status_code == 404
    assert draft["id"] not in c.get("/datasets/dcat").text


def test_writing_needs_a_role(world: World) -> None:
    c = world.client
    assert c.post("/api/datasets", json=dataset_payload()).status_code == 401
    assert (
        c.post("/api/datasets", json=dataset_payload(), headers=world.auth("outsider")).status_code
        == 403
    )
    bogus = {"Authorization": "Bearer tg_not-a-real-token"}
    assert c.get("/api/datasets", headers=bogus).status_code == 401
    # An editor of the municipality may also publish for its department (roles are inherited).
    dept = c.post(
        "/api/datasets", json=dataset_payload(organisation="trafik"), headers=world.auth("editor")
    )
    assert dept.status_code == 201, dept.text


def test_distribution_endpoints(world: World) -> None:
    c, auth = world.client, world.auth("editor")
    dataset = c.post("/api/datasets", json=published_payload(), headers=auth).json()
    added = c.post(
        f"/api/datasets/{dataset['id']}/distributions",
        json={
            "access_url": "https://api.sjostad.example/bad",
            "format": "JSON",
            "license": "CC0-1.0",
        },
        headers=auth,
    )
    assert added.status_code == 201, added.text
    dist_id = added.json()["id"]
    assert added.json()["media_type"] == "application/json"
    listed = c.get(f"/api/datasets/{dataset['id']}/distributions").json()
    assert [d["id"] for d in listed["items"]][-1] == dist_id
    patched = c.patch(f"/api/distributions/{dist_id}", json={"byte_size": 1234}, headers=auth)
    assert patched.json()["byte_size"] == 1234
    assert (
        c.patch(f"/api/distributions/{dist_id}", json={"byte_size": -1}, headers=auth).status_code
        == 422
    )
    assert c.delete(f"/api/distributions/{dist_id}", headers=auth).status_code == 204
    assert c.get(f"/api/distributions/{dist_id}").status_code == 404


def test_hvd_needs_categories_and_legislation_together(world: World) -> None:
    auth = world.auth("editor")
    missing = world.client.post(
        "/api/datasets", json=dataset_payload(applicable_legislation=["HVD"]), headers=auth
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "hvd_categories"
    stray = world.client.post(
        "/api/datasets", json=dataset_payload(hvd_categories=["c_ac64a52d"]), headers=auth
    )
    assert stray.status_code == 422
    ok = world.client.post(
        "/api/datasets",
        json=published_payload(applicable_legislation=["HVD"], hvd_categories=["c_ac64a52d"]),
        headers=auth,
    )
    assert ok.status_code == 201, ok.text


def test_data_services_and_their_links(world: World) -> None:
    c, auth = world.client, world.auth("editor")
    dataset = c.post("/api/datasets", json=published_payload(), headers=auth).json()
    service = {
        "organisation": "sjostad", "state": "published", "title": {"sv": "Bad-API"},
        "endpoint_urls": ["https://api.sjostad.example/bad"], "service_type": "rest",
        "format": "application/json", "serves_datasets": ["badplatser"],
    }  # fmt: skip
    created = c.post("/api/dataservices", json=service, headers=auth)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["serves_datasets"] == [dataset["id"]]
    assert body["service_type"] == "http://www.wikidata.org/entity/Q749568"
    dist = dataset["distributions"][0]["id"]
    linked = c.patch(
        f"/api/distributions/{dist}", json={"access_services": [body["id"]]}, headers=auth
    )
    assert linked.status_code == 200, linked.text
    refused = c.delete(f"/api/dataservices/{body['id']}", headers=auth)
    assert refused.status_code == 409 and "access_services" in refused.json()["message"]
    unknown = c.patch(
        f"/api/distributions/{dist}", json={"access_services": ["nope"]}, headers=auth
    )
    assert unknown.status_code == 422
    bad = {**service, "name": "x2", "serves_datasets": ["no-such-dataset"], "endpoint_urls": []}
    errors = c.post("/api/dataservices", json=bad, headers=auth).json()["errors"]
    assert [e["field"] for e in errors] == ["endpoint_urls"]
    listed = c.get("/api/dataservices").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "bad-api"
    assert (
        c.patch(
            f"/api/distributions/{dist}", json={"access_services": []}, headers=auth
        ).status_code
        == 200
    )
    assert c.delete(f"/api/dataservices/{body['id']}", headers=auth).status_code == 204
