"""Organisation administrators manage members; nobody else may."""

from __future__ import annotations

from tests.web.conftest import Browser


def test_an_admin_adds_changes_and_removes_members(browser: Browser) -> None:
    browser.login("erik")  # admin of sjostad, and so of its units
    page = browser.get("/publish/organisation/miljo/members")
    assert page.status_code == 200 and "anna" in page.text
    unknown = browser.post(
        "/publish/organisation/miljo/members", {"user": "nobody", "role": "editor"}
    )
    assert unknown.status_code == 422 and "Det finns ingen användare" in unknown.text
    assert 'value="nobody"' in unknown.text
    added = browser.post(
        "/publish/organisation/miljo/members", {"user": "outsider", "role": "member"}
    )
    assert added.status_code == 303
    assert "<td>outsider</td>" in browser.get("/publish/organisation/miljo/members").text
    removed = browser.post(
        "/publish/organisation/miljo/members/outsider/remove",
        token_from="/publish/organisation/miljo/members",
    )
    assert removed.status_code == 303
    assert "<td>outsider</td>" not in browser.get("/publish/organisation/miljo/members").text


def test_an_editor_may_not_manage_members(browser: Browser) -> None:
    browser.login("anna")
    assert browser.get("/publish/organisation/miljo/members").status_code == 403
    refused = browser.post(
        "/publish/organisation/miljo/members", {"user": "outsider", "role": "admin"},
        token_from="/publish",
    )  # fmt: skip
    assert refused.status_code == 403
