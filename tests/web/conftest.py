"""Fixtures for the pages: the sample catalogue and a browser-like client (no JavaScript)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.web.sample import PASSWORD, Sample, make_sample

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


class Browser:
    """The TestClient as a browser without JavaScript: asks for HTML, keeps cookies, sends
    each form's CSRF token as a browser would send the hidden field."""

    def __init__(self, client: TestClient):
        self.client = client

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**HTML, **kwargs.pop("headers", {})}
        return self.client.get(path, headers=headers, **kwargs)

    def csrf(self, path: str = "/login") -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.get(path).text)
        assert found, f"no form token on {path}"
        return found.group(1)

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, token_from: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:  # fmt: skip
        form = {"csrf_token": self.csrf(token_from or path), **(data or {})}
        return self.client.post(path, data=form, headers=HTML, follow_redirects=False, **kwargs)

    def login(self, user: str) -> None:
        response = self.post("/login", {"username": user, "password": PASSWORD, "next": "/publish"})
        assert response.status_code == 303, response.text


@pytest.fixture
def sample(engine: sa.Engine) -> Sample:
    return make_sample(engine)


@pytest.fixture
def browser(client: TestClient, sample: Sample) -> Browser:
    return Browser(client)
