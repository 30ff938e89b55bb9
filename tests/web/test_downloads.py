"""Downloading a distribution's file from `/files/…` counts towards its dataset's popularity
(through the use statistics' flush): once per download, not for HEAD requests or ranges that
resume a transfer."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import client_site
from tests.web.conftest import HTML, Browser
from tests.web.sample import Sample
from tests.web.test_upload import upload_file
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import Dataset, get_dataset
from torget.catalog.stored_files import owner_of_key
from torget.datastore.load import run_job
from torget.datastore.queue import sweep_now
from torget.db.engine import read
from torget.search import popularity_of
from torget.web.downloads import counts_as_download

CONTENT = b"namn;utrustning\n" + b"Ekparken;gungor\n" * 50


def _upload(browser: Browser, dataset: Dataset, log_out: bool = True) -> str:
    """Anna uploads a file to the dataset; returns its path on the site."""
    browser.login("anna")
    done = upload_file(browser, dataset.id, CONTENT, "lekplatser.csv")
    assert done.status_code == 303, done.text
    site = client_site(browser.client)  # the personal-data guard clears it for the public
    for job_id in sweep_now(site.settings, site.engine):
        run_job(site.settings, site.engine, job_id, site.files)
    if log_out:
        browser.client.post("/logout", data={"csrf_token": browser.csrf("/")}, headers=HTML)
    with read(client_site(browser.client).engine) as conn:
        found = get_dataset(conn, SYSTEM, dataset.id)
    urls = [d.data.download_url or "" for d in found.distributions]
    return next(u for u in urls if "/files/" in u).removeprefix("http://testserver")


def _most_used(browser: Browser) -> list[str]:
    client_site(browser.client).usage.flush()  # counts are written behind (torget.usage)
    body = browser.client.get("/api/search", params={"sort": "popularity"}).json()
    return [d["name"] for d in body["items"]]


def test_downloads_change_the_popularity_order(browser: Browser, sample: Sample) -> None:
    file_path = _upload(browser, sample.bathing)
    parking, bathing = sample.swedish_only.name, sample.bathing.name
    for _ in range(4):  # 4 views: more than one download (3), less than two (6)
        assert browser.get(f"/dataset/{parking}").status_code == 200
    assert _most_used(browser) == [parking, bathing]

    first = browser.client.get(file_path)
    assert first.status_code == 200 and first.content == CONTENT
    assert _most_used(browser) == [parking, bathing]  # 3 < 4

    head = browser.client.head(file_path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(CONTENT))
    resumed = browser.client.get(file_path, headers={"Range": "bytes=100-"})
    assert resumed.status_code == 200
    assert _most_used(browser) == [parking, bathing]  # neither counted

    again = browser.client.get(file_path, headers={"Range": "bytes=0-"})
    assert again.status_code == 200 and again.content == CONTENT
    assert _most_used(browser) == [bathing, parking]  # 6 > 4


def test_a_draft_file_is_served_to_its_editors_but_not_counted(
    browser: Browser, sample: Sample, engine: sa.Engine
) -> None:
    file_path = _upload(browser, sample.draft, log_out=False)
    assert browser.client.get(file_path).content == CONTENT
    client_site(browser.client).usage.flush()
    with read(engine) as conn:
        assert popularity_of(conn, sample.draft.id) == 0
    browser.client.post("/logout", data={"csrf_token": browser.csrf("/")}, headers=HTML)
    assert browser.client.get(file_path).status_code == 404
    assert browser.client.get("/files/datasets/nothing-here.csv").status_code == 404


@pytest.mark.parametrize(
    ("method", "range_header", "counted"),
    [
        ("GET", None, True),
        ("GET", "bytes=0-", True),
        ("GET", "bytes=0-499", True),
        ("GET", "bytes = 0 -", True),
        ("GET", "bytes=500-", False),
        ("GET", "bytes=-500", False),
        ("GET", "bytes=abc", False),
        ("HEAD", None, False),
    ],
)
def test_which_requests_count_as_a_download(
    method: str, range_header: str | None, counted: bool
) -> None:
    assert counts_as_download(method, range_header) is counted


def test_the_dataset_of_a_file_comes_from_its_key() -> None:
    ds = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert owner_of_key(f"datasets/{ds}/1b4e28ba-2fa1-11d2-883f-0016d3cca427/a.csv") == ds
    assert owner_of_key(f"datasets/{ds}/a.csv") is None
    assert owner_of_key("demo/badplatser.csv") is None
    assert owner_of_key(f"other/{ds}/x/a.csv") is None
