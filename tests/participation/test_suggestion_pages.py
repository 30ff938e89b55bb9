"""The suggestion pages without JavaScript: the list with filters, sort, pages and its feeds;
the form (verified accounts only, honeypot, inline errors, typed values kept, the rate limit);
votes; the editors' status form (403 for others, the public reason, the linked dataset, the
history); and the demand on the dashboard."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import suite_settings
from tests.participation.helpers import add_user
from tests.web import conftest as web
from tests.web.conftest import Browser
from tests.web.sample import Sample
from torget.db.engine import read
from torget.db.schema import suggestions
from torget.settings import Settings

browser, sample = web.browser, web.sample  # the page tests' fixtures

SUGGESTIONS_PER_DAY = 3


@pytest.fixture(name="settings")
def limited_settings(database_url: str, tmp_path: Path) -> Settings:
    return suite_settings(database_url, tmp_path, suggestions_per_day=SUGGESTIONS_PER_DAY)


def _fields(**changes: str) -> dict[str, str]:
    return {"title": "Cykelställ", "description": "Var finns cykelställen?",
            "reason": "För en karta.", "organisation": "miljo", "theme": "TRAN", "website": "",
            **changes}  # fmt: skip


def _suggest(client: Browser, **changes: str) -> httpx.Response:
    return client.post("/suggestions/new", _fields(**changes))


def _made(client: Browser, **changes: str) -> str:
    response = _suggest(client, **changes)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/suggestions/[0-9a-f-]{36}", location)
    return location


def _status(client: Browser, page: str, **fields: str) -> httpx.Response:
    return client.post(f"{page}/status", fields, token_from=page)


def _logout_and_login(client: Browser, user: str) -> None:
    client.post("/logout", {}, token_from="/suggestions")
    client.login(user)


def test_suggesting_needs_an_account_with_a_confirmed_address(
    browser: Browser, engine: sa.Engine
) -> None:
    anonymous = browser.client.get("/suggestions/new", headers=web.HTML, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=/suggestions/new"
    add_user(engine, "obekraftad", verified=False)
    browser.login("obekraftad")
    page = browser.get("/suggestions/new")
    assert page.status_code == 200
    assert "Bekräfta din e-postadress först" in page.text
    assert 'action="/verify/resend"' in page.text and 'value="/suggestions/new"' in page.text
    assert 'name="title"' not in page.text
    posted = browser.post("/suggestions/new", _fields(), token_from="/suggestions")
    assert posted.status_code == 403 and "Bekräfta din e-postadress först" in posted.text
    with read(engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(suggestions)).scalar() == 0


def test_the_form_shows_errors_keeps_values_and_refuses_robots(browser: Browser) -> None:
    browser.login("outsider")
    form = browser.get("/suggestions/new?organisation=trafik")
    assert '<option value="trafik" selected>' in form.text
    assert 'name="website"' in form.text  # the honeypot
    bad = _suggest(browser, title="x" * 201, description="", theme="NOPE", organisation="")
    assert bad.status_code == 422
    for field in ("title", "description", "organisation", "theme"):
        assert f'href="#f-{field}"' in bad.text
    assert "201 tecken långt; högst 200 är tillåtet" in bad.text
    assert "Fältet måste fyllas i." in bad.text
    assert "x" * 201 in bad.text and "För en karta." in bad.text  # what was typed stays
    robot = _suggest(browser, website="http://spam.example")
    assert robot.status_code == 422
    assert "Cykelställ" not in browser.get("/suggestions").text


def test_a_suggestion_is_shown_as_text_and_listed(browser: Browser, sample: Sample) -> None:
    browser.login("outsider")
    page = _made(browser, title="Träd <script>alert(1)</script>", reason="Skugga\n\noch sol")
    shown = browser.get(page)
    assert "Tack! Ditt förslag är publicerat." in shown.text
    assert "Träd &lt;script&gt;alert(1)&lt;/script&gt;" in shown.text
    assert "<script>alert(1)" not in shown.text
    assert "<p>Skugga</p><p>och sol</p>" in shown.text
    assert "Ny</span>" in shown.text and "Transport" in shown.text
    assert "Frågor och kommentarer" in shown.text  # the comments section
    assert 'name="subject_type" value="suggestion"' in shown.text  # follow and comment forms
    assert 'action="' + page + '/status"' not in shown.text  # not an editor
    listing = browser.get("/suggestions").text
    assert page in listing and "Träd &lt;script&gt;" in listing
    assert 'type="application/atom+xml" href="/suggestions.atom?sort=recent"' in listing
    assert 'type="application/json" href="/api/suggestions"' in listing
    assert '<a href="/suggestions">Föreslå data</a>' in listing  # the site header


def test_filters_sort_and_pages(browser: Browser, engine: sa.Engine) -> None:
    browser.login("outsider")
    first = _made(browser, title="Första", organisation="trafik", theme="")
    second = _made(browser, title="Andra")
    browser.post(f"{second}/vote", token_from=second)
    by_votes = browser.get("/suggestions").text
    assert by_votes.index("Andra") < by_votes.index("Första")
    recent = browser.get("/suggestions?sort=recent").text
    assert 'value="recent" selected' in recent
    assert recent.index("Andra") < recent.index("Första")  # the newest first
    trafik = browser.get("/suggestions?organisation=trafik").text
    assert first in trafik and second not in trafik and "1 förslag" in trafik
    assert 'href="/suggestions.atom?organisation=trafik&amp;sort=recent"' in trafik
    themed = browser.get("/suggestions?theme=TRAN&status=new").text
    assert second in themed and first not in themed
    assert second not in browser.get("/suggestions?status=planned").text
    odd = browser.get("/suggestions?organisation=nowhere&theme=x&status=y&page=z")
    assert odd.status_code == 200 and first in odd.text and second in odd.text
    with read(engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(suggestions)).scalar() == 2


def test_the_list_pages(browser: Browser, engine: sa.Engine) -> None:
    browser.login("outsider")
    for n in range(SUGGESTIONS_PER_DAY):
        _made(browser, title=f"Förslag {n}")
    with read(engine) as conn:
        row = conn.execute(sa.select(suggestions)).first()
    assert row is not None
    copies = [{**row._asdict(), "id": f"00000000-0000-4000-8000-{n:012d}"} for n in range(20)]
    with engine.begin() as conn:
        conn.execute(suggestions.insert(), copies)
    page_one = browser.get("/suggestions").text
    assert "23 förslag" in page_one and "Sida 1 av 2" in page_one
    assert 'href="/suggestions?page=2" rel="next"' in page_one
    page_two = browser.get("/suggestions?page=2").text
    assert "Sida 2 av 2" in page_two and page_two.count('<li>\n  <h3><a href="/suggestions/') == 3


def test_suggestions_are_rate_limited(browser: Browser) -> None:
    browser.login("outsider")
    for n in range(SUGGESTIONS_PER_DAY):
        _made(browser, title=f"Förslag {n}")
    refused = _suggest(browser, title="Ett till")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "För många försök" in refused.text


def test_vote_withdraw_and_no_votes_once_answered(browser: Browser, sample: Sample) -> None:
    browser.login("outsider")
    page = _made(browser)
    assert "Logga in för att rösta" not in browser.get(page).text
    voted = browser.post(f"{page}/vote", token_from=page)
    assert voted.status_code == 303 and voted.headers["location"] == f"{page}#votes"
    after = browser.get(page).text
    assert "1 röst" in after and "Tack för din röst." in after
    assert f'action="{page}/vote/withdraw"' in after
    browser.post(f"{page}/vote", token_from=page)  # twice is once
    assert "1 röst" in browser.get(page).text
    browser.post(f"{page}/vote/withdraw", token_from=page)
    assert "0 röster" in browser.get(page).text

    _logout_and_login(browser, "anna")  # an editor of miljo
    reason = "Finns redan hos Lantmäteriet."
    declined = _status(browser, page, status="declined", status_reason=reason)
    assert declined.status_code == 303
    _logout_and_login(browser, "outsider")
    closed = browser.get(page).text
    assert "Röstningen är stängd" in closed and f'action="{page}/vote"' not in closed
    refused = browser.post(f"{page}/vote", token_from=page)
    assert refused.status_code == 409
    browser.post("/logout", {}, token_from=page)
    anonymous = browser.get(page).text
    assert "Varför det avböjs" in anonymous and "Finns redan hos Lantmäteriet." in anonymous


def test_status_changes_by_editors_only(browser: Browser, sample: Sample) -> None:
    browser.login("outsider")
    page = _made(browser)
    forbidden = _status(browser, page, status="planned")
    assert forbidden.status_code == 403

    _logout_and_login(browser, "anna")
    form = browser.get(page).text
    assert f'action="{page}/status"' in form
    assert f'<option value="{sample.bathing.id}">Badplatser</option>' in form
    no_reason = _status(browser, page, status="declined", status_reason="")
    assert no_reason.status_code == 422 and 'href="#f-status_reason"' in no_reason.text
    assert "Säg offentligt varför förslaget avböjs." in no_reason.text
    no_dataset = _status(browser, page, status="published", dataset="")
    assert no_dataset.status_code == 422 and 'href="#f-dataset"' in no_dataset.text
    planned = _status(browser, page, status="planned", status_reason="Vi publicerar i maj.")
    assert planned.status_code == 303 and planned.headers["location"] == f"{page}#status"
    shown = browser.get(page).text
    assert "Planerad</span>" in shown and "Vi publicerar i maj." in shown
    assert "från Ny till Planerad" in shown and "(Anna Lind)" in shown
    published = _status(browser, page, status="published", dataset=sample.bathing.id)
    assert published.status_code == 303
    done = browser.get(page).text
    assert f'href="/dataset/{sample.bathing.name}"' in done
    assert "från Planerad till Publicerad" in done
    assert "Ett publicerat förslag behåller sin status." in done


def test_the_dashboard_shows_the_demand(browser: Browser, sample: Sample) -> None:
    browser.login("outsider")
    wanted = _made(browser, title="Mest önskad")
    _made(browser, title="Mindre önskad")
    browser.post(f"{wanted}/vote", token_from=wanted)
    _logout_and_login(browser, "anna")
    dashboard = browser.get("/publish").text
    assert "Förslag från allmänheten" in dashboard
    assert dashboard.index("Mest önskad") < dashboard.index("Mindre önskad")
    assert "Ingen mediantid" not in dashboard
    _status(browser, wanted, status="planned")
    answered = browser.get("/publish").text
    assert "Mediantid till svar:" in answered and "1 besvarat förslag" in answered


def test_an_erased_author_is_shown_neutrally_and_the_votes_stay(
    browser: Browser, engine: sa.Engine
) -> None:
    add_user(engine, "flyttar")
    browser.login("flyttar")
    page = _made(browser)
    browser.post(f"{page}/vote", token_from=page)
    browser.post("/account/delete", {"password": "secret-password"}, token_from="/account/delete")
    shown = browser.get(page).text
    assert "av ett borttaget konto" in shown and "(ett borttaget konto)" in shown
    assert "flyttar" not in shown and "1 röst" in shown


def test_the_organisation_page_links_its_suggestions(browser: Browser) -> None:
    page = browser.get("/organisation/trafik").text
    assert 'href="/suggestions?organisation=trafik"' in page
    assert 'href="/suggestions/new?organisation=trafik"' in page
