"""Uploading a file as a distribution: stored in the file store, size and checksum recorded,
and anything larger than `upload_max_bytes` refused with a clear message."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.web.conftest import HTML, Browser
from tests.web.sample import Sample
from torget.app import create_app
from torget.settings import Settings, load_settings
from torget.site import Site


@pytest.fixture
def small_uploads(settings: Settings, engine: sa.Engine, sample: Sample) -> Iterator[Browser]:
    """A site that accepts uploads of at most 100 bytes."""
    limited = load_settings(
        environ={},
        config_file=settings.data_dir / "absent.toml",
        data_dir=settings.data_dir,
        database_url=settings.database_url,
        base_url=settings.base_url,
        upload_max_bytes=100,
    )
    with Site.open(limited, migrate=False) as site, TestClient(create_app(site)) as client:
        yield Browser(client)


def _upload(browser: Browser, sample: Sample, content: bytes, name: str = "lekplatser.csv"):  # type: ignore[no-untyped-def]
    return upload_file(browser, sample.bathing.id, content, name)


def upload_file(browser: Browser, dataset_id: str, content: bytes, name: str):  # type: ignore[no-untyped-def]
    """The publishing page's upload form, sent as a logged-in editor's browser sends it."""
    path = f"/publish/dataset/{dataset_id}/upload"
    return browser.client.post(
        path,
        data={
            "csrf_token": browser.csrf(path),
            "title.sv": "Lekplatser som CSV",
            "format": "",
            "license": "http://creativecommons.org/publicdomain/zero/1.0/",
        },  # fmt: skip
        files={"file": (name, content, "text/csv")},
        headers=HTML,
        follow_redirects=False,
    )


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(
    small_uploads: Browser, sample: Sample
) -> None:
    small_uploads.login("anna")
    refused = _upload(small_uploads, sample, b"x" * (2 << 20))
    assert refused.status_code == 413 and "Filen är för stor" in refused.text


def test_upload_a_file_as_a_distribution(browser: Browser, sample: Sample) -> None:
    browser.login("anna")
    content = b"namn;utrustning\nEkparken;gungor\n"
    done = _upload(browser, sample, content)
    assert done.status_code == 303, done.text
    page = browser.get(f"/dataset/{sample.bathing.name}").text
    assert "Lekplatser som CSV" in page
    record = browser.client.get(f"/dataset/{sample.bathing.name}.json").json()
    dist = next(d for d in record["distributions"] if d["title"]["sv"] == "Lekplatser som CSV")
    assert dist["byte_size"] == len(content)
    assert dist["checksum_sha1"] == hashlib.sha1(content).hexdigest()
    assert dist["format"].endswith("/CSV") and dist["media_type"] == "text/csv"
    assert dist["download_url"].startswith("http://testserver/files/")
    download = browser.client.get(dist["download_url"].removeprefix("http://testserver"))
    assert download.status_code == 200 and download.content == content


def test_a_file_over_the_limit_is_refused_with_a_message(
    small_uploads: Browser, sample: Sample
) -> None:
    small_uploads.login("anna")
    refused = _upload(small_uploads, sample, b"x" * 101)
    assert refused.status_code == 413
    assert "Filen är för stor: den största fil du kan ladda upp är 100" in refused.text
    assert 'href="#f-file"' in refused.text and 'aria-invalid="true"' in refused.text
