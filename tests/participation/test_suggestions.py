"""Suggestions over the JSON API: who may suggest, every refused field named with its limit,
text kept as written, rate limits per account and per address, lists filtered, sorted and
paged, and the OpenAPI document."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import World
from tests.participation.suggestion_helpers import (
    SUGGESTIONS_PER_DAY,
    add_token_user,
    made,
    suggest,
    suggestion_settings,  # noqa: F401  (the settings of this module)
    vote,
)
from torget.db.engine import write
from torget.db.schema import suggestions


def test_a_verified_account_suggests_and_anyone_reads_it(world: World) -> None:
    assert suggest(world, None).status_code == 401
    add_token_user(world, "unverified", verified=False)
    refused = suggest(world, "unverified")
    assert refused.status_code == 403 and "verify" in refused.json()["message"]

    created = made(world)
    assert created["status"] == "new" and created["votes"] == 0 and created["voted"] is False
    assert created["author"] == "outsider"
    assert created["organisation"]["name"] == "sjostad"
    assert created["theme"] == "http://publications.europa.eu/resource/authority/data-theme/TRAN"
    assert created["theme_label"] == {"sv": "Transport", "en": "Transport"}
    assert [(h["from_status"], h["to_status"], h["by"]) for h in created["history"]] == [
        (None, "new", "outsider")
    ]
    read = world.client.get(f"/api/suggestions/{created['id']}").json()
    # Kept exactly as written: escaping is the renderer's job (JSON here, HTML on the pages).
    assert read["description"] == "Var finns <b>cykelställen</b> och hur många platser har de?"
    assert read["reason"] == "För att <script>alert(1)</script> hitta parkering."
    assert read["page_url"] == f"http://testserver/suggestions/{created['id']}"
    assert "outsider@example.se" not in str(read)
    assert world.client.get("/api/suggestions/nope").status_code == 404


def test_every_bad_field_is_named_with_its_limit(world: World) -> None:
    refused = suggest(
        world, "outsider", title="x" * 201, description="d" * 5001, reason=" ",
        organisation="atlantis", theme="FISHING",
    )  # fmt: skip
    assert refused.status_code == 422
    errors = {e["field"]: e for e in refused.json()["errors"]}
    assert set(errors) == {"title", "description", "reason", "organisation", "theme"}
    assert "at most 200" in errors["title"]["message"]
    assert "at most 5000" in errors["description"]["message"]
    assert "required" in errors["reason"]["message"]
    assert "TRAN" in errors["theme"]["allowed"]
    long_reason = suggest(world, "outsider", reason="r" * 2001).json()["errors"]
    assert [e["field"] for e in long_reason] == ["reason"]
    assert "at most 2000" in long_reason[0]["message"]
    assert suggest(world, "outsider", title="x" * 200, theme=None).status_code == 201


def test_suggesting_is_rate_limited_per_account(world: World) -> None:
    for n in range(SUGGESTIONS_PER_DAY):
        assert suggest(world, "outsider", title=f"Förslag {n}").status_code == 201
    refused = suggest(world, "outsider", title="Ett till")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    assert world.client.get("/api/suggestions").json()["count"] == SUGGESTIONS_PER_DAY


def test_suggesting_is_rate_limited_per_address(world: World) -> None:
    """Several accounts from one address share the address's limit."""
    half = SUGGESTIONS_PER_DAY // 2
    for user in ("outsider", "editor"):
        for n in range(half):
            assert suggest(world, user, title=f"Förslag {n}").status_code == 201
    assert suggest(world, "root", title="Från samma adress").status_code == 429


def _titles(world: World, **params: str) -> list[str]:
    response = world.client.get("/api/suggestions", params=params)
    assert response.status_code == 200, response.text
    return [s["title"] for s in response.json()["items"]]


def test_lists_rank_filter_and_page(world: World, engine: sa.Engine) -> None:
    first = made(world, title="Cykelställ")
    second = made(world, title="Laddplatser", organisation="trafik", theme="ENER")
    third = made(world, "editor", title="Badtemperaturer", organisation="grannby", theme="ENVI")
    for user in ("editor", "root"):
        assert vote(world, user, second["id"]).status_code == 200
    assert vote(world, "root", third["id"]).status_code == 200

    assert _titles(world) == ["Laddplatser", "Badtemperaturer", "Cykelställ"]
    assert _titles(world, sort="recent") == ["Badtemperaturer", "Laddplatser", "Cykelställ"]
    # A municipality's list includes its departments' suggestions.
    assert _titles(world, organisation="sjostad") == ["Laddplatser", "Cykelställ"]
    assert _titles(world, organisation="trafik") == ["Laddplatser"]
    assert _titles(world, theme="ENVI") == ["Badtemperaturer"]
    assert _titles(world, theme=first["theme"]) == ["Cykelställ"]
    with write(engine) as conn:
        conn.execute(
            suggestions.update().where(suggestions.c.id == first["id"]).values(status="planned")
        )
    assert _titles(world, status="planned") == ["Cykelställ"]
    assert _titles(world, status="declined") == []

    page = world.client.get("/api/suggestions", params={"page_size": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 2 and page["previous"] is None
    rest = world.client.get(page["next"]).json()
    assert [s["title"] for s in rest["items"]] == ["Cykelställ"] and rest["next"] is None

    bad = world.client.get("/api/suggestions", params={"status": "lost"})
    assert bad.status_code == 422
    assert world.client.get("/api/suggestions", params={"theme": "NOPE"}).status_code == 422
    unknown = world.client.get("/api/suggestions", params={"organisation": "atlantis"})
    assert unknown.status_code == 422


def test_the_suggestions_api_is_in_the_openapi_document(world: World) -> None:
    paths = world.client.get("/api/openapi.json").json()["paths"]
    for path, method in [
        ("/api/suggestions", "get"), ("/api/suggestions", "post"),
        ("/api/suggestions/{suggestion_id}", "get"),
        ("/api/suggestions/{suggestion_id}/vote", "post"),
        ("/api/suggestions/{suggestion_id}/vote", "delete"),
        ("/api/suggestions/{suggestion_id}/status", "post"),
        ("/api/organisations/{name}/demand", "get"),
        ("/suggestions.atom", "get"),
    ]:  # fmt: skip
        assert method in paths.get(path, {}), f"{method.upper()} {path} is not documented"
