"""Reporting an accessibility problem: stored in the database, read by system administrators."""

from __future__ import annotations

from tests.web.conftest import Browser


def test_report_a_problem_and_read_it_as_sysadmin(browser: Browser) -> None:
    form = browser.get("/accessibility?page=/dataset/badplatser").text
    assert 'value="/dataset/badplatser"' in form
    empty = browser.post("/accessibility", {"page_url": "/dataset/badplatser", "email": "x"})
    assert empty.status_code == 422
    assert 'href="#f-description"' in empty.text and 'value="/dataset/badplatser"' in empty.text
    sent = browser.post(
        "/accessibility",
        {
            "page_url": "/dataset/badplatser",
            "description": "Kartan går inte att använda med <b>tangentbord</b>.",
            "email": "besokare@example.se",
        },
    )
    assert sent.status_code == 303
    assert "Tack. Din rapport är skickad." in browser.get(sent.headers["location"]).text
    browser.login("anna")
    assert browser.get("/publish/reports").status_code == 403
    browser.login("admin")
    reports = browser.get("/publish/reports").text
    assert "Kartan går inte att använda med &lt;b&gt;tangentbord&lt;/b&gt;." in reports
    assert "besokare@example.se" in reports and "/dataset/badplatser" in reports
