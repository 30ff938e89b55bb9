"""GET /api/search: the JSON shape, repeated facet parameters, refusals, OpenAPI."""

from __future__ import annotations

from tests.conftest import World, dataset_payload, published_payload


def _publish(world: World, **changes: object) -> dict[str, object]:
    response = world.client.post(
        "/api/datasets", json=published_payload(**changes),
        headers=world.auth("editor"),
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_search_answers_with_items_and_facets(world: World) -> None:
    created = _publish(world)
    _publish(world, name="trafik", title={"sv": "Trafikflöden", "en": "Traffic flows"},
             themes=["TRAN"], keywords={"sv": ["trafik"], "en": []},
             description={"sv": "Fordon per timme."})  # fmt: skip
    c = world.client
    body = c.get("/api/search", params={"q": "badplats"}).json()
    # "trafik" keeps the payload's distribution "Badplatser som CSV": found, below the title.
    assert body["count"] == 2 and body["page"] == 1 and body["page_size"] == 20
    assert body["items"][0] == c.get(f"/api/datasets/{created['id']}").json()
    envi = body["facets"]["theme"][0]
    assert envi == {"value": "ENVI", "count": 1, "label": {"sv": "Miljö", "en": "Environment"},
                    "selected": False}  # fmt: skip
    assert set(body["facets"]) == {
        "theme", "organisation", "format", "license", "keyword", "hvd", "conforms_to", "conforms"
    }  # fmt: skip

    both = c.get("/api/search?theme=ENVI&theme=TRAN&sort=title&lang=en").json()
    assert [d["name"] for d in both["items"]] == ["badplatser", "trafik"]
    one = c.get("/api/search?theme=TRAN&format=CSV").json()
    assert one["count"] == 1
    assert {f["value"]: f["count"] for f in one["facets"]["theme"]} == {"ENVI": 1, "TRAN": 1}
    paged = c.get("/api/search?page=2&page_size=1&sort=title").json()
    assert [d["name"] for d in paged["items"]] == ["trafik"] and "page=1" in paged["previous"]


def test_drafts_need_membership(world: World) -> None:
    world.client.post("/api/datasets", json=dataset_payload(), headers=world.auth("editor"))
    assert world.client.get("/api/search").json()["count"] == 0
    assert world.client.get("/api/search", headers=world.auth("outsider")).json()["count"] == 0
    assert world.client.get("/api/search", headers=world.auth("editor")).json()["count"] == 1


def test_bad_parameters_are_refused_and_odd_text_is_fine(world: World) -> None:
    c = world.client
    assert c.get("/api/search?sort=random").status_code == 422
    assert c.get("/api/search?lang=de").status_code == 422
    assert c.get("/api/search?page=0").status_code == 422
    for odd in ('"', "AND OR", "*", "-", ":", "NEAR(", "')--", "a:*&!b"):
        response = c.get("/api/search", params={"q": odd})
        assert response.status_code == 200, odd
    capped = c.get("/api/search?page_size=100000").json()
    assert capped["page_size"] == 1000


def test_openapi_documents_search(world: World) -> None:
    spec = world.client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "theme", "organisation", "format", "license", "keyword", "hvd", "conforms_to",
            "sort", "page", "page_size", "lang"} <= names  # fmt: skip
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/SearchPage")


def test_suggestions_while_typing(world: World) -> None:
    _publish(world)
    world.client.post(
        "/api/datasets", json=dataset_payload(name="badutkast", title={"sv": "Badutkast"}),
        headers=world.auth("editor"),
    )  # fmt: skip
    c = world.client
    body = c.get("/api/search/suggest", params={"q": "badpl"}).json()
    assert body == {"q": "badpl", "suggestions": [
        {"name": "badplatser", "title": {"sv": "Badplatser", "en": "Bathing sites"},
         "url": "/dataset/badplatser"}]}  # fmt: skip
    assert c.get("/api/search/suggest?q=badu").json()["suggestions"] == []  # a draft
    editor = c.get("/api/search/suggest?q=badu", headers=world.auth("editor")).json()
    assert [s["name"] for s in editor["suggestions"]] == ["badutkast"]
    assert c.get("/api/search/suggest?q=och").json()["suggestions"] == []
    assert c.get("/api/search/suggest?q=bad&limit=0").status_code == 422
