"""Languages: Swedish by default; English by ?lang=, remembered in a cookie, or by
Accept-Language; metadata falls back to Swedish and says so with lang="sv"."""

from __future__ import annotations

from babel.numbers import format_decimal

from tests.web.conftest import Browser
from tests.web.sample import Sample
from torget.web.rendering import format_number


def test_swedish_is_the_default(browser: Browser) -> None:
    page = browser.get("/")
    assert '<html lang="sv">' in page.text and "Hitta öppna data" in page.text
    assert page.headers["content-language"] == "sv"
    assert 'hreflang="en"' in page.text  # the way to English


def test_lang_parameter_selects_english_and_the_cookie_remembers_it(browser: Browser) -> None:
    page = browser.get("/?lang=en")
    assert '<html lang="en">' in page.text and "Find open data" in page.text
    cookie = page.headers["set-cookie"]
    assert "torget_lang=en" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    later = browser.get("/about")  # no parameter: the cookie speaks
    assert '<html lang="en">' in later.text and "Open data and the API" in later.text
    back = browser.get("/about?lang=sv")
    assert '<html lang="sv">' in back.text
    assert '<html lang="sv">' in browser.get("/").text


def test_accept_language_selects_english(browser: Browser) -> None:
    english = browser.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,sv;q=0.5"})
    assert '<html lang="en">' in english.text
    swedish = browser.get("/", headers={"Accept-Language": "sv-SE,en;q=0.8"})
    assert '<html lang="sv">' in swedish.text
    other = browser.get("/", headers={"Accept-Language": "de-DE"})
    assert '<html lang="sv">' in other.text
    chosen = browser.get("/?lang=sv", headers={"Accept-Language": "en"})
    assert '<html lang="sv">' in chosen.text


def test_metadata_in_english_falls_back_to_swedish_marked_sv(
    browser: Browser, sample: Sample
) -> None:
    english = browser.get(f"/dataset/{sample.bathing.name}?lang=en").text
    assert "<h1>Bathing sites</h1>" in english
    assert '<h3 lang="sv">Badplatser som GeoJSON</h3>' in english  # no English title
    only_sv = browser.get(f"/dataset/{sample.swedish_only.name}?lang=en").text
    assert '<h1 lang="sv">Parkeringsplatser</h1>' in only_sv
    assert 'lang="sv"><p>Kommunens parkeringar.</p>' in only_sv
    assert "Transport" in only_sv  # theme label from the vocabulary, in English
    assert "Free to use" in only_sv  # CC0 explained in English
    swedish = browser.get(f"/dataset/{sample.swedish_only.name}?lang=sv").text
    assert "<h1>Parkeringsplatser</h1>" in swedish  # same language as the page: no attribute
    assert "Transport" in swedish


def test_vocabulary_labels_follow_the_page_language(browser: Browser, sample: Sample) -> None:
    swedish = browser.get(f"/dataset/{sample.bathing.name}").text
    english = browser.get(f"/dataset/{sample.bathing.name}?lang=en").text
    assert "Miljö" in swedish and "årligen" in swedish.lower()
    assert "Environment" in english and "annual" in english.lower()


def test_numbers_are_written_as_babel_writes_them_in_each_language() -> None:
    """`format_number` skips Babel for whole numbers: the text must stay Babel's."""
    for lang, locale in (("sv", "sv_SE"), ("en", "en_GB")):
        for n in (0, 7, 999, 1000, 12345, -1234, 1234567, 10**12, 2.5, 1234.5):
            assert format_number(n, lang) == format_decimal(n, locale=locale), (lang, n)
    assert format_number(1234, "sv") == "1\u00a0234"
