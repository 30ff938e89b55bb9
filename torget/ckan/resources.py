"""CKAN's resource actions over the dataset's distributions.

A file sent as `upload` (multipart, as ckanapi sends it) goes into Torget's file store under
`datasets/<dataset id>/<upload id>/<file name>` (`catalog.stored_files`), is served at
`/files/…`, and becomes the distribution's download URL with its byte size and SHA-1
checksum. Nothing is stored before the caller is known to be an editor of the dataset and
the file to be within `upload_max_bytes`. The file is stored before the database transaction
and removed again if the transaction fails, so no distribution points at nothing; a file it
replaces is removed after the commit.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from torget.catalog import datasets as store
from torget.catalog.stored_files import release_files, upload_key
from torget.ckan.call import Call, Params, required
from torget.ckan.mapping import merge_patch, resource_dict, uploaded_prefix
from torget.ckan.packages import distribution_in
from torget.datastore import tables
from torget.db.engine import read, write
from torget.errors import ValidationFailed
from torget.files import StoredFile
from torget.files.urls import file_url, key_of_url
from torget.ids import new_id
from torget.publishing import changes
from torget.publishing.uploads import too_large, upload_size

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


@dataclass(frozen=True)
class _Target:
    """Where an upload goes: the dataset, and the files the distribution linked to before."""

    dataset_id: str
    replaced: set[str] = field(default_factory=set)


def _target(call: Call, dataset_ref: str | None, dist_id: str | None) -> _Target:
    """The dataset an upload is for, once the caller is known to be one of its editors."""
    with read(call.engine) as conn:
        if dist_id is not None:
            dist = store.get_distribution(conn, call.actor, dist_id)
            dataset = store.get_dataset(conn, call.actor, dist.dataset_id)
            urls = (dist.data.download_url, dist.data.access_url)
            replaced = {k for u in urls if u and (k := key_of_url(call.settings, u))}
        else:
            dataset = store.get_dataset(conn, call.actor, dataset_ref or "")
            replaced = set()
    call.actor.require(dataset.organisation_id, "editor", "upload files to this dataset")
    return _Target(dataset.id, replaced)


def _store_upload(call: Call, params: Params, target: _Target) -> tuple[Params, StoredFile]:
    """The parameters with the uploaded file's URL, size and checksum filled in."""
    assert call.upload is not None
    limit = call.settings.upload_max_bytes
    size = upload_size(call.upload.stream)
    if size is not None and size > limit:
        raise too_large(limit)
    key = upload_key(target.dataset_id, new_id(), _safe_name(call.upload.filename))
    stored = call.files.put(key, call.upload.stream, call.upload.content_type)
    if stored.size > limit:  # a stream that could not tell its size ahead
        call.files.delete(key)
        raise too_large(limit)
    name = params.get("name") or key.rsplit("/", 1)[-1]
    filled = {**params, "url": file_url(call.settings, key), "name": name}
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


def _with_upload(
    call: Call,
    params: Params,
    change: Any,
    *,
    dataset_ref: str | None = None,
    dist_id: str | None = None,
) -> dict[str, Any]:
    filled, stored, target = params, None, None
    if call.upload is not None:
        target = _target(call, dataset_ref, dist_id)
        filled, stored = _store_upload(call, params, target)
    try:
        with write(call.engine) as conn:
            dist = _as_resource_errors(change, conn, filled)
            dataset = store.get_dataset(conn, call.actor, dist.dataset_id)
            if target is not None:
                release_files(conn, call.settings, call.files, target.replaced)
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
        return changes.add_distribution(conn, call.actor, dataset.id, data)

    return _with_upload(call, params, create, dataset_ref=dataset_ref)


def _replace(call: Call, dist_id: str, params: Params) -> dict[str, Any]:
    def update(conn: sa.Connection, filled: Params) -> store.Distribution:
        data = distribution_in(filled, "resource.")
        return changes.replace_distribution(conn, call.actor, dist_id, data)

    return _with_upload(call, params, update, dist_id=dist_id)


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
        return changes.replace_distribution(conn, call.actor, dist.id, data)

    return _with_upload(call, params, patch, dist_id=dist_id)


def resource_delete(call: Call, params: Params) -> None:
    with write(call.engine) as conn:
        dist = store.get_distribution(conn, call.actor, required(params, "id"))
        changes.delete_distribution(conn, call.actor, dist.id)


def resource_view_list(call: Call, params: Params) -> list[Any]:
    """Torget has no resource views: the resource must exist, the list is empty."""
    resource_show(call, params)
    return []
