"""A file uploaded for a distribution: kept in the file store, linked by the distribution.

The JSON API's `POST /api/distributions/{id}/file` calls `put_distribution_file`. The file
goes under `datasets/<dataset id>/<upload id>/<file name>` (`catalog.stored_files`), so only
that dataset's readers can fetch it, and the distribution's download URL, byte size, SHA-1
checksum and (when the extension is a known file type) format and media type become the
file's. Nothing is stored before the caller is known to be an editor of the dataset and the
file to be within `upload_max_bytes`; the file is stored before the write transaction and
removed if it fails, so no distribution points at nothing; the file it replaces is removed
after the commit. The change itself is `changes.replace_distribution`, so the publication
rules hold as for any other change, and the new file is loaded and scanned by the
personal-data guard like every upload (a dataset waiting only for that scan is published when
it passes; a published dataset's new tabular file is held from the public until then,
`held_files`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa

from torget.accounts.permissions import Acting
from torget.catalog import datasets as store
from torget.catalog.datasets import Distribution
from torget.catalog.stored_files import release_files, upload_key
from torget.catalog.vocabularies import file_types
from torget.db.engine import read, write
from torget.errors import TooLarge
from torget.files import FileStore
from torget.files.urls import file_url, key_of_url
from torget.ids import new_id
from torget.publishing import changes
from torget.settings import Settings

__all__ = ["Upload", "put_distribution_file", "safe_name", "too_large", "upload_size"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the shell received it (a seekable stream, e.g. spooled)."""

    filename: str
    stream: BinaryIO


def safe_name(filename: str) -> str:
    """The last part of a client's file name, in characters any file store and URL keep."""
    stem = _UNSAFE.sub("-", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    return stem.strip(".-")[:120] or "data"


def too_large(limit: int) -> TooLarge:
    """The refusal of a file over `upload_max_bytes` (413, `file_too_large`)."""
    return TooLarge(
        f"the file is larger than {limit} bytes, the largest upload allowed",
        code="file_too_large", params={"limit": limit},
    )  # fmt: skip


def upload_size(stream: BinaryIO) -> int | None:
    """The bytes left in a seekable upload (Starlette spools each one to a temporary file)."""
    try:
        here = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(here)
    except (AttributeError, OSError, ValueError):
        return None
    return end - here


def _replaced_keys(settings: Settings, dist: Distribution) -> set[str]:
    urls = (dist.data.download_url, dist.data.access_url)
    return {k for u in urls if u and (k := key_of_url(settings, u))}


def put_distribution_file(
    engine: sa.Engine,
    settings: Settings,
    files: FileStore,
    actor: Acting,
    dist_id: str,
    upload: Upload,
) -> Distribution:
    """Make `upload` the distribution's file; the distribution as it is afterwards."""
    with read(engine) as conn:
        dist = store.get_distribution(conn, actor, dist_id)
        dataset = store.get_dataset(conn, actor, dist.dataset_id)
    actor.require(dataset.organisation_id, "editor", "upload files to this dataset")
    limit = settings.upload_max_bytes
    size = upload_size(upload.stream)
    if size is not None and size > limit:
        raise too_large(limit)
    name = safe_name(upload.filename)
    found = file_types().lookup(name.rsplit(".", 1)[-1]) if "." in name else None
    media_type = found.media_type if found and found.media_type else "application/octet-stream"
    key = upload_key(dataset.id, new_id(), name)
    stored = files.put(key, upload.stream, media_type)
    try:
        if stored.size > limit:  # a stream that could not tell its size ahead
            raise too_large(limit)
        with write(engine) as conn:
            current = store.lock_distribution(conn, actor, dist_id)
            fields: dict[str, object] = {
                "download_url": file_url(settings, key),
                "byte_size": stored.size,
                "checksum_sha1": stored.sha1,
            }
            access = current.data.access_url
            if access == current.data.download_url or (access and key_of_url(settings, access)):
                fields["access_url"] = None  # it was the old file: it becomes the new one
            if found is not None:  # else the format the distribution declares stays
                fields.update(format=found.code, media_type=None)  # derived from the format
            changed = changes.patch_distribution(conn, actor, dist_id, fields)
            release_files(conn, settings, files, _replaced_keys(settings, current) - {key})
            return changed
    except BaseException:
        files.delete(key)
        raise
