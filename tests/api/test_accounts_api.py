"""Tokens, organisations and members through the JSON API."""

from __future__ import annotations

import base64

from tests.conftest import World, dataset_payload, org_payload


def test_token_shown_once_listed_and_revoked(world: World) -> None:
    c = world.client
    listed = c.get("/api/tokens", headers=world.auth("editor")).json()
    assert listed["count"] == 1
    assert "token" not in listed["items"][0]
    assert world.tokens["editor"].startswith(listed["items"][0]["prefix"])

    created = c.post("/api/tokens", json={"name": "nightly"}, headers=world.auth("editor"))
    assert created.status_code == 201
    second = created.json()["token"]
    assert c.get("/api/tokens", headers={"Authorization": f"Bearer {second}"}).json()["count"] == 2

    revoked = c.delete(f"/api/tokens/{created.json()['id']}", headers=world.auth("editor"))
    assert revoked.status_code == 204
    assert c.get("/api/tokens", headers={"Authorization": f"Bearer {second}"}).status_code == 401
    items = c.get("/api/tokens", headers=world.auth("editor")).json()["items"]
    assert [t["revoked_at"] is not None for t in items] == [False, True]
    assert items[0]["last_used_at"] is not None


def test_token_needs_the_right_password(world: World) -> None:
    wrong = base64.b64encode(b"editor:wrong-password").decode()
    response = world.client.post(
        "/api/tokens", json={"name": "x"}, headers={"Authorization": f"Basic {wrong}"}
    )
    assert response.status_code == 401
    assert world.client.post("/api/tokens", json={"name": "x"}).status_code == 401


def test_tokens_of_others_cannot_be_revoked(world: World) -> None:
    theirs = world.client.get("/api/tokens", headers=world.auth("editor")).json()["items"][0]
    response = world.client.delete(f"/api/tokens/{theirs['id']}", headers=world.auth("outsider"))
    assert response.status_code == 404


def test_organisations_crud_and_rules(world: World) -> None:
    c, root = world.client, world.auth("root")
    listed = c.get("/api/organisations").json()
    assert {o["name"] for o in listed["items"]} == {"sjostad", "trafik", "grannby"}
    company = org_payload(
        "sjostad-energi", title={"sv": "Sjöstad Energi AB"}, org_number="556036-0793",
        publisher_type="Company", parent="sjostad",
    )  # fmt: skip
    created = c.post("/api/organisations", json=company, headers=root)
    assert created.status_code == 201, created.text
    assert created.json()["org_number"] == "5560360793"
    assert created.json()["publisher_type"] == "http://purl.org/adms/publishertype/Company"

    bad = org_payload("x1", org_number="212000-0143", publisher_type="Kommun")
    refused = c.post("/api/organisations", json=bad, headers=root)
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"org_number", "publisher_type"}
    assert c.post("/api/organisations", json=org_payload(), headers=root).status_code == 409

    changed = c.put(
        "/api/organisations/sjostad-energi",
        json={**company, "title": {"sv": "Sjöstad Energi", "en": "Sjöstad Energy"}},
        headers=root,
    )
    assert changed.json()["title"]["en"] == "Sjöstad Energy"
    assert c.delete("/api/organisations/sjostad-energi", headers=root).status_code == 204


def test_only_sysadmins_and_parent_admins_create_organisations(world: World) -> None:
    c = world.client
    top = org_payload("ny", title={"sv": "Ny kommun"})
    assert c.post("/api/organisations", json=top, headers=world.auth("editor")).status_code == 403
    assert c.post("/api/organisations", json=top).status_code == 401


def test_deleting_an_organisation_with_datasets_is_refused(world: World) -> None:
    c = world.client
    assert (
        c.post(
            "/api/datasets",
            json=dataset_payload(organisation="trafik"),
            headers=world.auth("editor"),
        ).status_code
        == 201
    )
    refused = c.delete("/api/organisations/trafik", headers=world.auth("root"))
    assert refused.status_code == 409
    assert "still has 1 datasets" in refused.json()["message"]
    parent = c.delete("/api/organisations/sjostad", headers=world.auth("root"))
    assert parent.status_code == 409


def test_members(world: World) -> None:
    c = world.client
    members = c.get("/api/organisations/sjostad/members", headers=world.auth("editor")).json()
    assert members["items"] == [{"user": "editor", "role": "editor"}]
    assert c.get("/api/organisations/sjostad/members").status_code == 401
    # Editors cannot manage members; admins can.
    add = {"user": "outsider", "role": "member"}
    assert (
        c.post(
            "/api/organisations/sjostad/members", json=add, headers=world.auth("editor")
        ).status_code
        == 403
    )
    assert (
        c.post(
            "/api/organisations/sjostad/members", json=add, headers=world.auth("root")
        ).status_code
        == 200
    )
    promoted = c.post(
        "/api/organisations/sjostad/members", json={"user": "outsider", "role": "admin"},
        headers=world.auth("root"),
    )  # fmt: skip
    assert promoted.json() == {"user": "outsider", "role": "admin"}
    # The new admin now manages members, also in the department below (inherited role).
    dept = c.post(
        "/api/organisations/trafik/members", json={"user": "editor", "role": "admin"},
        headers=world.auth("outsider"),
    )  # fmt: skip
    assert dept.status_code == 200
    bad_role = c.post(
        "/api/organisations/sjostad/members", json={"user": "editor", "role": "owner"},
        headers=world.auth("root"),
    )  # fmt: skip
    assert bad_role.status_code == 422
    gone = c.delete("/api/organisations/sjostad/members/outsider", headers=world.auth("root"))
    assert gone.status_code == 204
    assert (
        c.delete(
            "/api/organisations/sjostad/members/outsider", headers=world.auth("root")
        ).status_code
        == 404
    )


def test_vocabularies_have_both_languages(world: World) -> None:
    themes = world.client.get("/api/vocabularies/theme").json()["items"]
    tran = next(t for t in themes if t["code"] == "TRAN")
    assert tran["label"] == {"sv": "Transport", "en": "Transport"}
    assert len(themes) == 13
    assert world.client.get("/api/vocabularies/format").json()["items"]
    assert world.client.get("/api/vocabularies/nope").status_code == 404


def test_openapi_documents_every_resource(world: World) -> None:
    paths = world.client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/datasets", "/api/datasets/{dataset}", "/api/datasets/{dataset}/distributions",
        "/api/distributions/{distribution}", "/api/dataservices", "/api/dataservices/{service}",
        "/api/organisations", "/api/organisations/{organisation}/members", "/api/tokens",
        "/api/tokens/{token_id}", "/datasets/dcat",
    ):  # fmt: skip
        assert path in paths, path
    assert set(paths["/api/datasets/{dataset}"]) == {"get", "put", "patch", "delete"}
