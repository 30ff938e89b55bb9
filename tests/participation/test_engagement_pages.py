"""The participation pages without JavaScript: comments with honeypot, errors and moderation,
the follow button, the showcase form with an image, and an organisation's webhooks."""

from __future__ import annotations

import re

import httpx

from tests.participation.helpers import PNG
from tests.web import conftest as web
from tests.web.conftest import Browser
from tests.web.sample import Sample

browser, sample = web.browser, web.sample  # the page tests' fixtures


def _comment(client: Browser, data_: Sample, text: str, **extra: str) -> httpx.Response:
    page = f"/dataset/{data_.bathing.name}"
    data = {"subject_type": "dataset", "subject_id": data_.bathing.id, "body": text,
            "website": "", **extra}  # fmt: skip
    return client.post("/comments", data, token_from=page)


def test_ask_answer_and_hide_on_the_dataset_page(browser: Browser, sample: Sample) -> None:
    page = f"/dataset/{sample.bathing.name}"
    anonymous = browser.get(page).text
    assert "Frågor och kommentarer" in anonymous and "Logga in för att ställa en fråga" in anonymous
    browser.login("outsider")
    asked = _comment(browser, sample, "Finns <script>alert(1)</script> data för 2023?")
    assert asked.status_code == 303 and asked.headers["location"].startswith(f"{page}#comment-")
    shown = browser.get(page).text
    assert "Finns &lt;script&gt;alert(1)&lt;/script&gt; data för 2023?" in shown
    assert "<script>alert(1)" not in shown
    assert "Din kommentar är publicerad." in shown

    robot = _comment(browser, sample, "Köp klockor", website="http://spam.example")
    assert robot.status_code == 422
    too_long = _comment(browser, sample, "x" * 5001)
    assert too_long.status_code == 422
    assert 'href="#f-body"' in too_long.text
    assert "5001 tecken långt; högst 5000 är tillåtet" in too_long.text
    assert "Köp klockor" not in browser.get(page).text

    comment_id = asked.headers["location"].split("#comment-")[1]
    browser.post("/logout", {}, token_from=page)
    browser.login("anna")  # an editor of the dataset's organisation
    editor_view = browser.get(page).text
    assert f'action="/comments/{comment_id}/hide"' in editor_view
    answered = _comment(browser, sample, "Ja, från maj.", parent_id=comment_id)
    assert answered.status_code == 303
    assert "Svar från utgivaren" in browser.get(page).text
    no_reason = browser.post(f"/comments/{comment_id}/hide", {"reason": ""}, token_from=page)
    assert no_reason.status_code == 422 and 'href="#f-reason"' in no_reason.text
    hidden = browser.post(f"/comments/{comment_id}/hide", {"reason": "Fel sida"}, token_from=page)
    assert hidden.status_code == 303
    browser.post("/logout", {}, token_from=page)
    public = browser.get(page).text
    assert "Dold av utgivaren: Fel sida" in public and "data för 2023?" not in public


def test_follow_and_unfollow_from_the_pages(browser: Browser, sample: Sample) -> None:
    page = f"/dataset/{sample.bathing.name}"
    browser.login("outsider")
    form = {"subject_type": "dataset", "subject_id": sample.bathing.id}
    followed = browser.post("/follows", form, token_from=page)
    assert followed.status_code == 303 and followed.headers["location"] == page
    assert "Sluta följa" in browser.get(page).text
    listing = browser.get("/follows").text
    assert "Badplatser" in listing
    browser.post("/follows/remove", {**form, "back": "follows"}, token_from="/follows")
    assert "Du följer inget ännu" in browser.get("/follows").text
    assert ">Följ<" in browser.get(page).text


def test_submit_a_showcase_with_an_image(browser: Browser, sample: Sample) -> None:
    browser.login("outsider")
    new = f"/showcases/new?dataset={sample.bathing.id}"
    assert f'value="{sample.bathing.id}" checked' in browser.get(new).text
    fields = {"title": "Badkartan", "description": "En karta.", "url": "https://bad.example/",
              "kind": "app", "datasets": sample.bathing.id, "website": ""}  # fmt: skip
    bad = browser.post(
        "/showcases/new", {**fields, "url": "ftp://bad.example", "kind": ""}, token_from=new,
        files={"image": ("bild.gif", b"GIF89a....", "image/gif")},
    )  # fmt: skip
    assert bad.status_code == 422
    assert 'href="#f-url"' in bad.text and 'href="#f-kind"' in bad.text
    assert 'href="#f-image"' in bad.text and "PNG-, JPEG- eller WebP-fil" in bad.text
    made = browser.post("/showcases/new", fields, token_from=new,
                        files={"image": ("bild.png", PNG, "image/png")})  # fmt: skip
    assert made.status_code == 303
    showcase = browser.get(made.headers["location"]).text
    assert "Väntar på granskning" in showcase
    image = re.search(r'src="(/showcases/[^"]+/image)"', showcase)
    assert image is not None and browser.get(image.group(1)).content == PNG


def test_organisation_admins_register_webhooks(browser: Browser, sample: Sample) -> None:
    page = "/publish/organisation/sjostad/webhooks"
    browser.login("anna")
    assert browser.get(page).status_code == 403
    browser.post("/logout", {}, token_from="/publish")
    browser.login("erik")  # administrator of sjostad
    bad = browser.post(page, {"url": "http://localhost:9/x", "events": []})
    assert bad.status_code == 422 and 'href="#f-url"' in bad.text and 'href="#f-events"' in bad.text
    made = browser.post(
        page, {"url": "https://93.184.215.14/torget", "events": ["dataset.published"]}
    )
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = re.search(r'<code id="new-secret">([^<]+)</code>', made.text)
    assert secret is not None
    listing = browser.get(page).text
    assert "https://93.184.215.14/torget" in listing and secret.group(1) not in listing
    log_link = re.search(r'href="(/publish/webhooks/[^"]+)"', listing)
    assert log_link is not None
    assert "Inget har skickats ännu." in browser.get(log_link.group(1)).text
