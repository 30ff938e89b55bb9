"""API tokens from the pages: shown once, listed without the secret, revocable."""

from __future__ import annotations

import re

from tests.web.conftest import Browser


def test_create_use_and_revoke_a_token(browser: Browser) -> None:
    browser.login("anna")
    empty = browser.post("/publish/tokens", {"name": ""})
    assert empty.status_code == 422 and 'href="#f-name"' in empty.text
    created = browser.post("/publish/tokens", {"name": "nattlig import"})
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    secret = re.search(r'<code id="new-token">(tg_[^<]+)</code>', created.text)
    assert secret is not None
    token = secret.group(1)
    api = browser.client.get("/api/tokens", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.json()["items"][0]["name"] == "nattlig import"
    listing = browser.get("/publish/tokens").text
    assert "nattlig import" in listing and token not in listing
    token_id = api.json()["items"][0]["id"]
    revoked = browser.post(f"/publish/tokens/{token_id}/revoke", token_from="/publish/tokens")
    assert revoked.status_code == 303
    assert (
        browser.client.get("/api/tokens", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
