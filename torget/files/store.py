"""The interface every file store implements (CKAN-style file storage, five methods)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

__all__ = ["FileStore", "StoredFile", "Hashing", "CHUNK"]

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha1: str
    content_type: str


class FileStore(Protocol):
    def put(
        self, key: str, data: bytes | BinaryIO, content_type: str = "application/octet-stream"
    ) -> StoredFile:
        """Store the bytes (or a binary stream, read to its end) under `key`, replacing any
        file there; all or nothing: a failed upload leaves the previous state."""

    def open(self, key: str) -> BinaryIO:
        """A binary stream of the file; torget.errors.NotFound when there is none."""

    def size(self, key: str) -> int:
        """The file's size in bytes; NotFound when there is none."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the file; removing a missing file is not an error."""


class Hashing:
    """Reads a source in chunks while counting bytes and computing SHA-1 (DCAT's checksum)."""

    def __init__(self, data: bytes | BinaryIO):
        self._data = data
        self.size = 0
        self._sha1 = hashlib.sha1(usedforsecurity=False)

    def chunks(self) -> Iterator[bytes]:
        data = self._data
        if isinstance(data, bytes | bytearray):
            pieces: Iterator[bytes] = iter([bytes(data)])
        else:
            pieces = iter(lambda: data.read(CHUNK), b"")
        for piece in pieces:
            self.size += len(piece)
            self._sha1.update(piece)
            yield piece

    @property
    def sha1(self) -> str:
        return self._sha1.hexdigest()
