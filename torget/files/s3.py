"""Files in S3-compatible object storage (AWS S3, MinIO, Ceph, Scaleway, …) through boto3.

Selected by `files_url = "s3://bucket/prefix?endpoint_url=https://…&region=eu-north-1"`;
`endpoint_url` is left out for AWS itself. Credentials come the standard AWS way
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, or an instance role), never from
Torget's settings. An upload is spooled to a temporary file while its SHA-1 is computed, then
sent as one object: S3 stores an object whole or not at all, so a failed upload leaves
nothing half-written. The SHA-1 and content type are kept as object metadata.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import Any, BinaryIO, cast
from urllib.parse import parse_qs, urlsplit

from torget.errors import NotFound
from torget.files.keys import check_key
from torget.files.store import Hashing, StoredFile
from torget.settings import SettingsError

__all__ = ["S3FileStore"]

_SPOOL_IN_MEMORY = 8 * 1024 * 1024


def _missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


@dataclass
class S3FileStore:
    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None

    @classmethod
    def from_url(cls, url: str) -> S3FileStore:
        parts = urlsplit(url)
        if not parts.netloc:
            raise SettingsError(f"files_url: {url!r} names no bucket (s3://bucket/prefix)")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"endpoint_url", "region"}
        if unknown:
            raise SettingsError(f"files_url: unknown options {sorted(unknown)}")
        return cls(parts.netloc, parts.path.strip("/"), query.get("endpoint_url"),
                   query.get("region"))  # fmt: skip

    def __post_init__(self) -> None:
        import boto3

        self._client: Any = boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region
        )

    def _name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(
        self, key: str, data: bytes | BinaryIO, content_type: str = "application/octet-stream"
    ) -> StoredFile:
        name = self._name(key)
        source = Hashing(data)
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
            for chunk in source.chunks():
                spool.write(chunk)
            spool.seek(0)
            extra = {"ContentType": content_type, "Metadata": {"sha1": source.sha1}}
            self._client.upload_fileobj(spool, self.bucket, name, ExtraArgs=extra)
        return StoredFile(key, source.size, source.sha1, content_type)

    def open(self, key: str) -> BinaryIO:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self._client.exceptions.ClientError as exc:
            if _missing(exc):
                raise NotFound(f"no file {key!r}") from None
            raise
        return cast(BinaryIO, response["Body"])

    def size(self, key: str) -> int:
        try:
            head = self._client.head_object(Bucket=self.bucket, Key=self._name(key))
        except self._client.exceptions.ClientError as exc:
            if _missing(exc):
                raise NotFound(f"no file {key!r}") from None
            raise
        return int(head["ContentLength"])

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except NotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=self._name(key))
