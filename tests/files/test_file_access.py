"""Who gets a file from `/files/…`, and how it is labelled.

A file is served when a distribution that still exists links to it and the caller may read
that distribution's dataset; every answer is `nosniff` with a sandboxing CSP, and everything
but a real PNG, JPEG, GIF or WebP image is a download.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from tests.conftest import CLASSIFIED, World, client_site
from tests.files.conftest import dataset_with_files
from torget.datastore.load import run_job
from torget.datastore.queue import sweep_now
from torget.files import FileStore
from torget.files.urls import file_url
from torget.settings import Settings

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5b5b0"
    "b40000000049454e44ae426082"
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><script>fetch('/publish/tokens')</script>"
UPLOAD = "datasets/{id}/0f8fad5b-d9cb-469f-a165-70867728950e/"
SHOWCASE = "showcases/0f8fad5b-d9cb-469f-a165-70867728950e.png"


def _store(world: World) -> FileStore:
    return client_site(world.client).files


def _path(settings: Settings, key: str) -> str:
    return file_url(settings, key).removeprefix(settings.public_base)


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("karta.svg", SVG, "image/svg+xml"),
        ("sida.html", HTML, "text/html"),
        ("sida.htm", HTML, "text/html"),
        ("sida.xhtml", HTML, "application/xhtml+xml"),
        ("data.xml", SVG, "application/xml"),
        ("kml.kml", SVG, "application/vnd.google-earth.kml+xml"),
        ("skript.js", b"alert(1)", "application/octet-stream"),
        ("stil.css", b"body{}", "application/octet-stream"),
        ("rapport.pdf", b"%PDF-1.4", "application/pdf"),
        ("badplatser.csv", b"namn;lat\n", "text/csv"),
        ("okand.xyz123", HTML, "application/octet-stream"),
        ("utan-filandelse", HTML, "application/octet-stream"),
        ("falsk.png", SVG, "image/png"),  # a PNG by name only: not shown
        ("Badplatser Åre (2024).svg", SVG, "image/svg+xml"),
    ],
)
def test_active_content_is_a_sandboxed_download(
    world: World, engine: sa.Engine, settings: Settings, name: str, content: bytes,
    media_type: str,
) -> None:  # fmt: skip
    dataset = dataset_with_files(engine, settings, [UPLOAD + name])
    key = (UPLOAD + name).format(id=dataset.id)
    _store(world).put(key, content, "image/png")  # what the uploader claimed is ignored
    for method in ("GET", "HEAD"):
        got = world.client.request(method, _path(settings, key))
        assert got.status_code == 200, got.text
        assert got.headers["content-type"] == media_type
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-security-policy"] == "default-src 'none'; sandbox"
        disposition = got.headers["content-disposition"]
        assert disposition.startswith("attachment; filename=")
        assert disposition.endswith("filename*=UTF-8''" + quote(name, safe=""))
        assert got.headers["content-length"] == str(len(content))
    assert world.client.get(_path(settings, key)).content == content


def test_real_images_are_shown_inline(world: World, engine: sa.Engine, settings: Settings) -> None:
    dataset = dataset_with_files(engine, settings, [UPLOAD + "bild.png"])
    key = (UPLOAD + "bild.png").format(id=dataset.id)
    _store(world).put(key, PNG, "image/png")
    got = world.client.get(_path(settings, key))
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"].startswith("inline;")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in got.headers["content-security-policy"]
    assert got.headers["access-control-allow-origin"] == "*"


def test_draft_files_are_for_the_organisations_members(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    draft = dataset_with_files(engine, settings, [UPLOAD + "utkast.csv"], state="draft")
    key = (UPLOAD + "utkast.csv").format(id=draft.id)
    _store(world).put(key, b"hemligt\n")
    path = _path(settings, key)
    assert world.client.get(path).status_code == 404
    assert world.client.head(path).status_code == 404
    assert world.client.get(path, headers=world.auth("outsider")).status_code == 404
    for member in ("editor", "root"):
        got = world.client.get(path, headers=world.auth(member))
        assert got.status_code == 200 and got.content == b"hemligt\n"
        assert got.headers["cache-control"] == "private, no-store"
        assert "access-control-allow-origin" not in got.headers

    url = f"/api/datasets/{draft.id}"
    world.client.put(
        f"{url}/classification", json=CLASSIFIED, headers=world.auth("editor")
    ).raise_for_status()
    published = world.client.patch(url, json={"state": "published"}, headers=world.auth("editor"))
    # Issue 13 B: an uploaded table is published once the personal-data guard has scanned it.
    assert published.status_code == 200 and published.json()["state"] == "draft", published.text
    assert world.client.get(path).status_code == 404
    for job_id in sweep_now(settings, engine):
        run_job(settings, engine, job_id, _store(world))
    got = world.client.get(path)
    assert got.status_code == 200 and "cache-control" not in got.headers


def test_files_of_deleted_distributions_and_datasets_are_gone(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    keys = [UPLOAD + "a.csv", UPLOAD + "b.csv"]
    dataset = dataset_with_files(engine, settings, keys)
    first, second = (k.format(id=dataset.id) for k in keys)
    for key in (first, second):
        _store(world).put(key, b"x\n")
        assert world.client.get(_path(settings, key)).status_code == 200
    editor = world.auth("editor")
    dist = dataset.distributions[0].id
    assert world.client.delete(f"/api/distributions/{dist}", headers=editor).status_code == 204
    assert world.client.get(_path(settings, first)).status_code == 404
    assert not _store(world).exists(first) and _store(world).exists(second)
    assert world.client.delete(f"/api/datasets/{dataset.id}", headers=editor).status_code == 204
    assert world.client.get(_path(settings, second)).status_code == 404
    assert not _store(world).exists(second)


def test_a_file_is_kept_while_another_distribution_links_to_it(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    dataset = dataset_with_files(engine, settings, ["demo/delad.csv", "demo/delad.csv"])
    _store(world).put("demo/delad.csv", b"x\n")
    editor = world.auth("editor")
    dist = dataset.distributions[0].id
    assert world.client.delete(f"/api/distributions/{dist}", headers=editor).status_code == 204
    assert world.client.get("/files/demo/delad.csv").status_code == 200
    assert _store(world).exists("demo/delad.csv")


def test_links_from_elsewhere_do_not_make_a_file_readable(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    """An upload's key names its dataset: another dataset linking to it (an editor who learnt
    the address of a draft's file) does not publish it. Showcase images, and files nothing
    links to, are never served here."""
    draft = dataset_with_files(engine, settings, [UPLOAD + "utkast.csv"], state="draft")
    secret = (UPLOAD + "utkast.csv").format(id=draft.id)
    _store(world).put(secret, b"hemligt\n")
    for key in (SHOWCASE, "demo/ingen.csv"):
        _store(world).put(key, PNG)
    dataset_with_files(engine, settings, [secret, SHOWCASE], organisation="grannby")
    root = world.auth("root")
    assert world.client.get(_path(settings, secret)).status_code == 404
    for key in (SHOWCASE, "demo/ingen.csv"):
        assert world.client.get(_path(settings, key), headers=root).status_code == 404, key
    assert world.client.get("/files/demo/..%2F..%2Fsecret.txt").status_code == 404


def test_older_keys_are_found_through_the_distributions(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    """CKAN uploads kept `resources/<id>/<name>` before; those stay served by their links."""
    old = "resources/1b4e28ba-2fa1-11d2-883f-0016d3cca427/bad_data (1).csv"
    draft_old = "resources/6fa459ea-ee8a-3ca4-894e-db77e160355e/utkast.csv"
    dataset_with_files(engine, settings, [old])
    dataset_with_files(engine, settings, [draft_old], state="draft")
    for key in (old, draft_old):
        _store(world).put(key, b"x\n")
    assert world.client.get(_path(settings, old)).status_code == 200
    assert world.client.get(_path(settings, draft_old)).status_code == 404
    assert (
        world.client.get(_path(settings, draft_old), headers=world.auth("editor")).status_code
        == 200
    )


def _log_in(world: World, name: str) -> None:
    page = world.client.get("/login").text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": csrf, "username": name, "password": "secret-password"}
    assert world.client.post("/login", data=form, follow_redirects=False).status_code == 303


def test_a_pending_showcase_image_is_not_cached_for_everyone(
    world: World, engine: sa.Engine, settings: Settings
) -> None:
    """Its own page serves a showcase's image, by the showcase's rules: a pending one only to
    its author and reviewers, so no shared cache may keep it; `/files/` never serves it."""
    dataset_with_files(engine, settings, [])
    submitted = world.client.post(
        "/api/showcases",
        json={"title": "Badkartan", "description": "En karta.", "url": "https://bad.example/",
              "kind": "app", "datasets": ["badplatser"], "image": base64.b64encode(PNG).decode()},
        headers=world.auth("outsider"),
    )  # fmt: skip
    assert submitted.status_code == 201, submitted.text
    showcase = submitted.json()["id"]
    image = f"/showcases/{showcase}/image"
    assert world.client.get(image).status_code == 404
    _log_in(world, "outsider")
    pending = world.client.get(image)
    assert pending.status_code == 200 and pending.content == PNG
    assert pending.headers["cache-control"] == "private, no-store"
    assert pending.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert world.client.get(f"/files/showcases/{showcase}.png").status_code == 404
    approved = world.client.post(f"/api/showcases/{showcase}/approve", headers=world.auth("editor"))
    assert approved.status_code == 200, approved.text
    assert world.client.get(image).headers["cache-control"] == "public, max-age=3600"
    root = world.auth("root")
    assert world.client.get(f"/files/showcases/{showcase}.png", headers=root).status_code == 404
