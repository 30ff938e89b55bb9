"""Resource actions, with files uploaded the way ckanapi uploads them (multipart `upload`)."""

from __future__ import annotations

import hashlib
import io

import ckanapi
import httpx
import pytest

from tests.ckan.conftest import Live, package
from torget.datastore.load import run_job
from torget.datastore.queue import sweep_now

CSV = b"namn;lat;lon\nNorra stranden;57.7;11.9\n"


def test_upload_with_resource_create(live: Live) -> None:
    ckan = live.ckan("editor")
    # A public package needs a resource, so CKAN's create-then-upload is done private first.
    dataset = ckan.action.package_create(**package(resources=[], private=True))
    created = ckan.action.resource_create(
        package_id=dataset["id"], name="Badplatser", format="CSV",
        upload=("badplatser.csv", io.BytesIO(CSV)),
    )  # fmt: skip
    ckan.action.package_patch(id=dataset["id"], private=False)
    # Issue 13 B: public once the personal-data guard has scanned the upload.
    assert ckan.action.package_show(id=dataset["id"])["private"] is True
    assert live.site is not None
    for job_id in sweep_now(live.site.settings, live.site.engine):
        run_job(live.site.settings, live.site.engine, job_id, live.site.files)
    assert ckan.action.package_show(id=dataset["id"])["private"] is False
    assert created["url_type"] == "upload"
    assert created["url"].startswith(f"{live.base}/files/datasets/{dataset['id']}/")
    assert created["url"].endswith("/badplatser.csv")
    assert created["size"] == len(CSV) and created["hash"] == hashlib.sha1(CSV).hexdigest()
    assert httpx.get(created["url"]).content == CSV
    again = ckan.action.resource_patch(id=created["id"], upload=("ny.csv", io.BytesIO(b"a\n1\n")))
    assert again["id"] == created["id"] and again["size"] == 4
    # Issue 13 B: the new file is public once the guard has scanned it; the old one until then.
    assert again["url"].endswith("/ny.csv") and httpx.get(again["url"]).status_code == 404
    assert httpx.get(created["url"]).content == CSV
    for job_id in sweep_now(live.site.settings, live.site.engine):
        run_job(live.site.settings, live.site.engine, job_id, live.site.files)
    assert httpx.get(again["url"]).content == b"a\n1\n"
    assert httpx.get(created["url"]).status_code == 404  # the replaced file is deleted
    assert ckan.action.package_show(id=dataset["id"])["num_resources"] == 1


def test_create_update_patch_delete(live: Live) -> None:
    ckan = live.ckan("editor")
    dataset = ckan.action.package_create(**package())
    created = ckan.action.resource_create(
        package_id=dataset["name"], url="https://data.sjostad.example/bad.geojson",
        name="Karta", description="Badplatserna på karta", size=1234,
    )  # fmt: skip
    assert created["format"] == "GEOJSON" and created["size"] == 1234
    assert created["url_type"] is None and created["description"] == "Badplatserna på karta"
    patched = ckan.action.resource_patch(id=created["id"], name="Karta (GeoJSON)")
    assert patched["name"] == "Karta (GeoJSON)" and patched["size"] == 1234
    replaced = ckan.action.resource_update(
        id=created["id"], url="https://data.sjostad.example/bad.xlsx", format="xlsx"
    )
    assert replaced["format"] == "XLSX" and replaced["name"] == "" and replaced["size"] is None
    assert ckan.action.resource_view_list(id=created["id"]) == []
    with pytest.raises(ckanapi.ValidationError) as raised:
        ckan.action.resource_update(id=created["id"], url="ftp:/x", format="CSV", hash="abc")
    assert set(raised.value.error_dict) >= {"hash"}
    with pytest.raises(ckanapi.NotAuthorized):
        live.ckan("outsider").action.resource_delete(id=created["id"])
    ckan.action.resource_delete(id=created["id"])
    with pytest.raises(ckanapi.NotFound):
        ckan.action.resource_show(id=created["id"])
    assert ckan.action.package_show(id=dataset["id"])["num_resources"] == 1
