"""The inventory's pages through the test client as a browser without JavaScript: an editor
imports a spreadsheet (a bad one comes back with its rows and columns, nothing imported),
adds and changes a candidate, makes it a draft; an admin makes the list public, and a linked
suggestion's page points to it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.web.conftest import Browser
from torget.accounts.permissions import actor_for
from torget.accounts.users import get_user
from torget.db.engine import read, write
from torget.participation.suggestions import SuggestionIn, create_suggestion

INVENTORY = "/publish/organisation/miljo/inventory"
CSV = "Titel;Nytta;Insats\r\nTräd i parker;miljö;liten\r\nBuller;;stor\r\n".encode("cp1252")


def _import(browser: Browser, content: bytes, name: str = "inventering.csv") -> object:
    token = browser.csrf(INVENTORY)
    return browser.client.post(
        INVENTORY + "/import",
        data={"csrf_token": token},
        files={"file": (name, content)},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )


def _candidate_id(browser: Browser, title: str) -> str:
    found = re.search(
        r'href="/publish/inventory/([0-9a-f-]{36})"[^>]*>' + title, browser.get(INVENTORY).text
    )
    assert found, title
    return found.group(1)


def test_an_editor_imports_a_spreadsheet_and_a_bad_one_changes_nothing(
    browser: Browser,
) -> None:
    browser.login("anna")  # editor of miljo
    assert "/publish/organisation/miljo/inventory" in browser.get("/publish").text
    done = _import(browser, CSV)
    assert done.status_code == 303  # type: ignore[attr-defined]
    page = browser.get(INVENTORY)
    assert "2 tillagda, 0 ändrade, 0 oförändrade" in page.text
    assert page.text.index("Träd i parker") < page.text.index("Buller")  # higher priority first
    assert "Insats: liten (+10)" in page.text
    bad = _import(browser, b"Titel,Insats,Colour\nA,enorm,red\n", "fel.csv")
    assert bad.status_code == 422  # type: ignore[attr-defined]
    text = bad.text  # type: ignore[attr-defined]
    assert "Kalkylbladet är inte importerat" in text and "Colour är inte en kolumn" in text
    fixed = _import(browser, b"Titel,Insats\nA,enorm\n", "fel.csv")
    assert "Rad 2, kolumn Insats:" in fixed.text  # type: ignore[attr-defined]
    assert "enorm är ingen insats" in fixed.text  # type: ignore[attr-defined]
    assert ">A</a>" not in browser.get(INVENTORY).text
    unreadable = _import(browser, b"PK\x03\x04broken", "fel.xlsx")
    assert "varken en läsbar CSV-fil eller en XLSX-arbetsbok" in unreadable.text  # type: ignore[attr-defined]
    export = browser.get(INVENTORY + ".xlsx")
    assert export.status_code == 200 and export.content.startswith(b"PK")
    assert "attachment" in export.headers["content-disposition"]


def test_an_editor_adds_changes_and_promotes_a_candidate(browser: Browser) -> None:
    browser.login("anna")
    new = INVENTORY + "/new"
    refused = browser.post(new, {"title_sv": "", "effort": "huge", "contact_email": "nope"})
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.text and "Fältet måste fyllas i" in refused.text
    added = browser.post(
        new,
        {
            "title_sv": "Luftmätningar",
            "title_en": "Air measurements",
            "benefits": ["environmental", "social"],
            "effort": "medium",
            "hvd_category": "http://data.europa.eu/bna/c_dd313021",
        },
    )
    assert added.status_code == 303
    path = added.headers["location"]
    page = browser.get(path)
    assert "Prioritet 45 av 100" in page.text and "Jordobservation och miljö" in page.text
    changed = browser.post(path, {"title_sv": "Luftmätningar", "effort": "small"})
    assert changed.status_code == 303
    history = re.sub(r"\s+", " ", browser.get(path).text)
    assert re.search(
        r"ändrad \(Anna Lind\): Titel på engelska, Samhällsnytta, Uppskattad "
        r"insats, Kategori för värdefulla datamängder</li>",
        history,
    ), history
    promoted = browser.post(path + "/promote", token_from=path)
    assert promoted.status_code == 303 and promoted.headers["location"].startswith(
        "/publish/dataset/"
    )
    again = browser.post(path + "/promote", token_from=path)
    assert again.status_code == 409 and "redan datamängden luftmatningar" in again.text
    assert "Öppna datamängden" in browser.get(path).text


def test_members_read_others_do_not_until_an_admin_makes_it_public(
    browser: Browser, engine: sa.Engine
) -> None:
    browser.login("anna")
    _import(browser, CSV)
    tree = _candidate_id(browser, "Träd i parker")
    with write(engine) as conn:
        voter = actor_for(conn, get_user(conn, "outsider"))
        made = create_suggestion(
            conn,
            voter,
            SuggestionIn("Alla parkträd", "Träden.", "Skugga.", "sjostad"),
            address="10.0.0.9",
        )
    linked = browser.post(
        f"/publish/inventory/{tree}",
        {"title_sv": "Träd i parker", "suggestions": f"http://testserver/suggestions/{made.id}"},
    )
    assert linked.status_code == 303
    browser.client.cookies.clear()
    assert browser.get("/organisation/miljo/inventory").status_code == 404
    assert "Planerad i inventeringen" not in browser.get(f"/suggestions/{made.id}").text
    browser.login("anna")  # an editor may not make it public
    assert (
        browser.post(INVENTORY + "/settings", {"public": "on"}, token_from=INVENTORY).status_code
        == 403
    )
    browser.client.cookies.clear()
    browser.login("erik")  # admin of sjostad, and so of miljo
    assert (
        browser.post(INVENTORY + "/settings", {"public": "on"}, token_from=INVENTORY).status_code
        == 303
    )
    browser.client.cookies.clear()
    public = browser.get("/organisation/miljo/inventory")
    assert public.status_code == 200 and "Träd i parker" in public.text
    assert "Alla parkträd" in public.text and "/publish/inventory" not in public.text
    suggestion = browser.get(f"/suggestions/{made.id}").text
    assert f'/organisation/miljo/inventory#candidate-{tree}"' in suggestion
    with read(engine) as conn:
        assert get_user(conn, "outsider") is not None


def test_others_may_not_change_the_inventory(browser: Browser) -> None:
    browser.login("outsider")
    assert browser.get(INVENTORY).status_code == 404
    refused = browser.post(INVENTORY + "/new", {"title_sv": "X"}, token_from="/publish")
    assert refused.status_code in (403, 404)
    no_token = browser.client.post(
        INVENTORY + "/new", data={"title_sv": "X"}, headers={"Accept": "text/html"}
    )
    assert no_token.status_code == 403
