"""Refusals carry codes: every code the domain raises has the pages' words, a Swedish page says
them in Swedish whatever the English message, and the JSON and CKAN APIs return the codes."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient

import torget
from tests.conftest import World, dataset_payload
from tests.web.conftest import Browser
from torget.catalog.visibility import STRUCTURAL_CODES
from torget.datastore.failures import FAILURE_WORDS
from torget.errors import FieldError, ValidationFailed
from torget.web import participation_problems
from torget.web.forms import MESSAGES, Form, problem_text
from torget.web.pages import account_forms

PACKAGE = Path(torget.__file__).parent


def _strings(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):  # code = "a" if … else "b"
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def _codes_in(tree: ast.AST) -> Iterator[str]:
    """The codes a raise site names: `code="…"` in a call, or `code = …` in a function (a
    kind's own default, `code = "not_found"` in a class body, is not a raise site)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "code":
            yield from _strings(node.value)
        elif isinstance(node, ast.FunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "code" for t in inner.targets
                ):
                    yield from _strings(inner.value)


def _raised_codes() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        if path.is_relative_to(PACKAGE / "web"):
            continue
        for code in _codes_in(ast.parse(path.read_text(encoding="utf-8"))):
            found.setdefault(code, str(path.relative_to(PACKAGE)))
    for code in STRUCTURAL_CODES.values():
        found.setdefault(code, "catalog/visibility.py")
    return found


def test_every_code_raised_has_a_page_translation() -> None:
    raised = _raised_codes()
    assert {"swedish_text_required", "too_long", "not_an_email", "link_expired"} <= set(raised)
    translated = MESSAGES.keys() | participation_problems.MESSAGES.keys()
    translated |= account_forms.MESSAGES.keys()
    translated |= FAILURE_WORDS.keys()  # a failed load's reason (`LoadError`), in its own words
    missing = {code: where for code, where in raised.items() if code not in translated}
    assert missing == {}


def test_a_reworded_message_keeps_its_translation() -> None:
    """The code, not the English text, chooses the words: any message, same Swedish."""
    swedish = {"%(value)s is not an e-mail address.": "%(value)s är inte en e-postadress."}
    form = Form()
    error = FieldError("email", "reworded: bad address", code="not_an_email", params={"value": "x"})
    form.add(ValidationFailed([error, FieldError("name", "something new went wrong")]), ())
    known, unknown = (problem_text(p, swedish.get, "sv") for p in form.problems)
    assert (known.text, known.lang) == ("x är inte en e-postadress.", "sv")
    assert (unknown.text, unknown.lang) == ("something new went wrong", "en")
    # A translation naming a value its refusal does not give falls back to the English.
    form = Form()
    form.add(ValidationFailed([FieldError("email", "no value given", code="not_an_email")]), ())
    fallback = problem_text(form.problems[0], swedish.get, "sv")
    assert (fallback.text, fallback.lang) == ("no value given", "en")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_swedish_pages_say_the_codes_in_swedish(browser: Browser) -> None:
    browser.login("anna")
    dataset = browser.post("/publish/datasets/new", {"title.sv": "", "organisation": "miljo"})
    assert dataset.status_code == 422
    assert "Skriv texten på svenska." in _text(dataset.text)

    browser.post("/logout", {}, token_from="/publish")
    browser.login("outsider")
    suggestion = browser.post(
        "/suggestions/new",
        {"title": "x" * 201, "description": "Var?", "reason": "", "organisation": "miljo",
         "theme": "TRAN", "website": ""},
    )  # fmt: skip
    assert suggestion.status_code == 422
    assert "Detta är 201 tecken långt; högst 200 är tillåtet." in _text(suggestion.text)

    browser.post("/logout", {}, token_from="/suggestions")
    registration = browser.post(
        "/register", {"name": "lisa", "email": "inte-en-adress", "password": "ett-langt-losen"}
    )
    assert registration.status_code == 422
    assert "inte-en-adress är inte en e-postadress." in _text(registration.text)


def test_the_json_api_returns_the_codes(world: World) -> None:
    c, auth = world.client, world.auth("editor")
    bad = dataset_payload(title={"sv": ""}, temporal={"start": "2024-06-01", "end": "nej"})
    refused = c.post("/api/datasets", json=bad, headers=auth)
    assert refused.status_code == 422 and refused.json()["error"] == "validation_failed"
    assert {(e["field"], e["code"]) for e in refused.json()["errors"]} == {
        ("temporal.end", "not_a_date")
    }
    bad = dataset_payload(title={"sv": ""}, landing_page="www.sjostad.example")
    errors = c.post("/api/datasets", json=bad, headers=auth).json()["errors"]
    by_field = {e["field"]: e for e in errors}
    assert by_field["title.sv"]["code"] == "swedish_text_required"
    assert by_field["landing_page"]["code"] == "not_absolute_url"
    assert by_field["landing_page"]["params"] == {"value": "www.sjostad.example"}
    assert by_field["landing_page"]["message"].startswith("'www.sjostad.example' is not")

    payload = dataset_payload(name="badplatser")
    assert c.post("/api/datasets", json=payload, headers=auth).status_code == 201
    clash = c.post("/api/datasets", json=payload, headers=auth)
    assert clash.status_code == 409 and clash.json()["error"] == "conflict"
    assert clash.json()["code"] == "dataset_name_taken"
    assert clash.json()["params"] == {"value": "badplatser"}
    missing = c.get("/api/datasets/no-such-dataset")
    assert (missing.json()["error"], missing.json()["code"]) == ("not_found", "not_found")


def test_ckan_keeps_its_shape_and_adds_the_codes(world: World) -> None:
    headers = {"Authorization": world.tokens["editor"]}
    response = world.client.post(
        "/api/3/action/package_create",
        json={"name": "badplatser", "title": "Badplatser", "owner_org": "sjostad",
              "notes": "Badplatser.", "license_id": "cc-by", "resources": [
                  {"url": "https://x.example/a.csv", "format": "NOPE"}]},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert "NOPE" in error["resources"][0]["format"][0]  # CKAN's messages, as before
    assert error["__codes"]["resources"][0]["format"] == ["unknown_file_type"]


def test_registration_over_the_api_names_the_code(client: TestClient) -> None:
    response = client.post(
        "/api/register",
        json={"name": "lisa", "email": "inte-en-adress", "password": "ett-langt-losenord"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "email",
            "message": "'inte-en-adress' is not an e-mail address",
            "code": "not_an_email",
            "params": {"value": "inte-en-adress"},
        }
    ]
