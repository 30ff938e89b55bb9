"""What the suggestion tests share: settings with small limits, and making, voting on and
moving suggestions through the JSON API as a given user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import World, client_site, suite_settings
from torget.settings import Settings

SUGGESTIONS_PER_DAY = 4
VOTES_PER_HOUR = 6


@pytest.fixture(name="settings")
def suggestion_settings(database_url: str, tmp_path: Path) -> Settings:
    """The suite's settings with small suggestion and vote limits. Import it into a test
    module to use it there."""
    return suite_settings(
        database_url, tmp_path,
        suggestions_per_day=SUGGESTIONS_PER_DAY, votes_per_hour=VOTES_PER_HOUR,
    )  # fmt: skip


def suggest(world: World, user: str | None, **changes: Any) -> httpx.Response:
    payload: dict[str, Any] = {
        "title": "Cykelställ",
        "description": "Var finns <b>cykelställen</b> och hur många platser har de?",
        "reason": "För att <script>alert(1)</script> hitta parkering.",
        "organisation": "sjostad",
        "theme": "TRAN",
    }
    payload.update(changes)
    headers = world.auth(user) if user else {}
    return world.client.post("/api/suggestions", json=payload, headers=headers)


def made(world: World, user: str = "outsider", **changes: Any) -> dict[str, Any]:
    response = suggest(world, user, **changes)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


def vote(world: World, user: str, suggestion_id: str, *, withdraw: bool = False) -> httpx.Response:
    path = f"/api/suggestions/{suggestion_id}/vote"
    send = world.client.delete if withdraw else world.client.post
    return send(path, headers=world.auth(user))


def move(world: World, user: str, suggestion_id: str, status: str, **extra: Any) -> httpx.Response:
    return world.client.post(
        f"/api/suggestions/{suggestion_id}/status",
        json={"status": status, **extra},
        headers=world.auth(user),
    )


def add_token_user(world: World, name: str, **options: Any) -> None:
    """A verified account (unless `verified=False`) with an API token in `world.tokens`."""
    from tests.participation.helpers import add_user

    add_user(client_site(world.client).engine, name, **options)
    world.tokens[name] = world.token(name)
