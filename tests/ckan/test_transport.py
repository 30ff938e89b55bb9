"""CKAN's transport as clients see it: URLs, methods, tokens, the envelope and error shapes."""

from __future__ import annotations

import ckanapi
import httpx
import pytest

from tests.ckan.conftest import Live, package


def test_get_and_post_on_both_prefixes(live: Live) -> None:
    for prefix in ("/api/action/", "/api/3/action/"):
        got = httpx.get(live.base + prefix + "package_search", params={"rows": "1"})
        posted = httpx.post(live.base + prefix + "package_search", json={"rows": 1})
        for response in (got, posted):
            assert response.status_code == 200
            body = response.json()
            assert body["success"] is True and body["result"]["count"] == 0
            assert body["help"] == f"{live.base}/api/3/action/help_show?name=package_search"


def test_unknown_action_is_ckans_bad_request(live: Live) -> None:
    response = httpx.post(live.base + "/api/action/no_such_action", json={})
    assert response.status_code == 400
    assert response.json() == "Bad request - Action name not known: no_such_action"
    with pytest.raises(ckanapi.CKANAPIError, match="Action name not known"):
        live.ckan().call_action("no_such_action", {})


def test_write_actions_need_post(live: Live) -> None:
    response = httpx.get(live.base + "/api/action/package_create", params={"name": "x"})
    assert response.status_code == 400 and "POST" in response.json()


def test_missing_or_wrong_token_is_an_authorization_error(live: Live) -> None:
    with pytest.raises(ckanapi.NotAuthorized):
        live.ckan(None).action.package_create(**package())
    response = httpx.post(
        live.base + "/api/action/package_show",
        json={"id": "x"},
        headers={"Authorization": "tg_not-a-token"},
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["__type"] == "Authorization Error" and error["message"].startswith("Access denied")
    with pytest.raises(ckanapi.NotAuthorized):
        live.ckan("outsider").action.package_create(**package())


def test_token_headers(live: Live) -> None:
    token = live.tokens["editor"]
    for headers in (
        {"Authorization": token},
        {"Authorization": f"Bearer {token}"},
        {"X-CKAN-API-Key": token},
    ):
        response = httpx.post(
            live.base + "/api/action/api_token_list", json={"user": "editor"}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert [t["name"] for t in response.json()["result"]] == ["ckan"]


def test_invalid_fields_are_validation_errors_per_field(live: Live) -> None:
    response = httpx.post(
        live.base + "/api/action/package_create",
        json=package(notes=None, notes_translated=None, groups=[{"name": "nope"}]),
        headers={"Authorization": live.tokens["root"]},
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert error["groups"] == [error["groups"][0]] and "nope" in error["groups"][0]
    with pytest.raises(ckanapi.ValidationError) as raised:
        live.ckan().action.package_create(
            **package(resources=[{"url": "https://x.example/a", "format": "NOPE"}])
        )
    assert "format" in raised.value.error_dict["resources"][0]
    with pytest.raises(ckanapi.ValidationError) as raised:
        live.ckan().action.package_create(**package(notes=None, notes_translated=None))
    assert raised.value.error_dict["notes"]


def test_unknown_licence_lists_the_allowed_ids(live: Live) -> None:
    with pytest.raises(ckanapi.ValidationError) as raised:
        live.ckan().action.package_create(**package(license_id="odc-odbl"))
    (message,) = raised.value.error_dict["license_id"]
    assert "odc-odbl" in message
    for allowed in ("CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-ND-4.0"):
        assert allowed in message


def test_not_found_and_search_errors(live: Live) -> None:
    with pytest.raises(ckanapi.NotFound):
        live.ckan().action.package_show(id="no-such-dataset")
    response = httpx.get(live.base + "/api/action/package_show", params={"id": "nothing"})
    assert response.status_code == 404
    assert response.json()["error"]["__type"] == "Not Found Error"
    with pytest.raises(ckanapi.SearchQueryError):
        live.ckan().action.package_search(q="tags:a OR tags:b")
    with pytest.raises(ckanapi.SearchQueryError):
        live.ckan().action.package_search(sort="views_recent desc")
    response = httpx.get(live.base + "/api/action/package_search", params={"fq": "author:x"})
    assert response.status_code == 400
    assert response.json()["error"]["__type"] == "Search Query Error"
