"""CKAN's resource actions over the dataset's distributions.

A file sent as `upload` (multipart, as ckanapi sends it) goes into Torget's file store under
`resources/<upload id>/<file name>`, is served at `/files/…`, and becomes the distribution's
download URL with its byte size and SHA-1 checksum. The file is stored before the database
transaction and removed again if the transaction fails, so no distribution points at nothing.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import sqlalchemy as sa

from torget.catalog import datasets as store
from torget.ckan.call import Call, Params, required
from torget.ckan.mapping import merge_patch, resource_dict, uploaded_prefix
from torget.ckan.packages import distribution_in
from torget.datastore import tables
from torget.db.engine import read, write
from torget.dcat.guard import check_publishable
from torget.errors import ValidationFailed
from torget.files import StoredFile
from torget.ids import new_id

__all__ = [
    "resource_show",
    "resource_create",
    "resource_update",
    "resource_patch",
    "resource_delete",
    "resource_view_list",
]

_UNSAFE = re.compile(r"[^\w.\-() ]+")


def _safe_name(filename: str) -> str:
    name = _UNSAFE.sub("_", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" .")
    return name[:200] or "file"


def _store_upload(call: Call, params: Params) -> tuple[Params, StoredFile | None]:
    """The parameters with the uploaded file's URL, size and checksum filled in."""
    if call.upload is None:
        return params, None
    key = f"resources/{new_id()}/{_safe_name(call.upload.filename)}"
    stored = call.files.put(key, call.upload.stream, call.upload.content_type)
    name = params.get("name") or key.rsplit("/", 1)[-1]
    filled = {**params, "url": call.base + "/files/" + key, "name": name}
    filled.update(size=stored.size, hash=stored.sha1, download_url=None, access_url=None)
    if not params.get("format") and not params.get("mimetype"):
        filled["mimetype"] = call.upload.content_type
    return filled, stored


def _as_resource_errors(change: Any, conn: sa.Connection, params: Params) -> Any:
    """The distribution's field errors named as the resource's fields."""
    try:
        return change(conn, params)
    except ValidationFailed as exc:
        errors = [
            e
            if e.field.startswith("resource.")
            else dataclasses.replace(e, field=f"resource.{e.field}")
            for e in exc.errors
        ]
        raise ValidationFailed(errors) from None


def _with_upload(call: Call, params: Params, change: Any) -> dict[str, Any]:
    filled, stored = _store_upload(call, params)
    try:
        with write(call.engine) as conn:
            dist = _as_resource_errors(change, conn, filled)
            dataset = store.get_dataset(conn, call.actor, dist.dataset_id)
            check_publishable(conn, call.settings, dataset)
            return _resource(conn, dataset, dist, call.base)
    except BaseException:
        if stored is not None:
            call.files.delete(stored.key)
        raise


def _resource(
    conn: sa.Connection, dataset: store.Dataset, dist: store.Distribution, base: str
) -> dict[str, Any]:
    position = [d.id for d in dataset.distributions].index(dist.id)
    return resource_dict(dist, base, position, dist.id in tables.loaded(conn, [dist.id]))


def resource_show(call: Call, params: Params) -> dict[str, Any]:
    with read(call.engine) as conn:
        dist = store.get_distribution(conn, call.actor, required(params, "id"))
        dataset = store.get_dataset(conn, call.actor, dist.dataset_id)
        return _resource(conn, dataset, dist, call.base)


def resource_create(call: Call, params: Params) -> dict[str, Any]:
    dataset_ref = required(params, "package_id")

    def create(conn: sa.Connection, filled: Params) -> store.Distribution:
        dataset = store.get_dataset(conn, call.actor, dataset_ref)
        data = distribution_in(filled, "resource.")
        return store.add_distribution(conn, call.actor, dataset.id, data)

    return _with_upload(call, params, create)


def _replace(call: Call, dist_id: str, params: Params) -> dict[str, Any]:
    def update(conn: sa.Connection, filled: Params) -> store.Distribution:
        data = distribution_in(filled, "resource.")
        return store.update_distribution(conn, call.actor, dist_id, data)

    return _with_upload(call, params, update)


def resource_update(call: Call, params: Params) -> dict[str, Any]:
    return _replace(call, required(params, "id"), params)


def resource_patch(call: Call, params: Params) -> dict[str, Any]:
    """The current resource with the given keys replaced; an upload replaces the file. The
    resource is read in the transaction that writes it back, its dataset locked, so that
    concurrent patches of different keys all survive."""
    dist_id = required(params, "id")

    def patch(conn: sa.Connection, filled: Params) -> store.Distribution:
        dist = store.lock_distribution(conn, call.actor, dist_id)
        dataset = store.get_dataset(conn, call.actor, dist.dataset_id)
        current = _resource(conn, dataset, dist, call.base)
        if call.upload is not None:  # the new file's size and checksum, not the old ones
            for key in ("size", "hash", "download_url", "access_url", "mimetype"):
                current.pop(key, None)
            if current.get("url", "").startswith(uploaded_prefix(call.base)):
                current.pop("name", None)
                current.pop("name_translated", None)
        data = distribution_in(merge_patch(current, filled), "resource.")
        return store.update_distribution(conn, call.actor, dist.id, data)

    return _with_upload(call, params, patch)


def resource_delete(call: Call, params: Params) -> None:
    with write(call.engine) as conn:
        dist = store.get_distribution(conn, call.actor, required(params, "id"))
        store.delete_distribution(conn, call.actor, dist.id)
        check_publishable(conn, call.settings, store.get_dataset(conn, call.actor, dist.dataset_id))


def resource_view_list(call: Call, params: Params) -> list[Any]:
    """Torget has no resource views: the resource must exist, the list is empty."""
    resource_show(call, params)
    return []
