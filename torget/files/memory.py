"""Files in memory: a real store for tests and throw-away instances (lost on exit)."""

from __future__ import annotations

import io
import threading
from typing import BinaryIO

from torget.errors import NotFound
from torget.files.keys import check_key
from torget.files.store import Hashing, StoredFile

__all__ = ["MemoryFileStore"]


class MemoryFileStore:
    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(
        self, key: str, data: bytes | BinaryIO, content_type: str = "application/octet-stream"
    ) -> StoredFile:
        check_key(key)
        source = Hashing(data)
        content = b"".join(source.chunks())  # read fully first: all or nothing
        with self._lock:
            self._files[key] = content
        return StoredFile(key, source.size, source.sha1, content_type)

    def _get(self, key: str) -> bytes:
        check_key(key)
        with self._lock:
            if key not in self._files:
                raise NotFound(f"no file {key!r}")
            return self._files[key]

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self._get(key))

    def size(self, key: str) -> int:
        return len(self._get(key))

    def exists(self, key: str) -> bool:
        check_key(key)
        with self._lock:
            return key in self._files

    def delete(self, key: str) -> None:
        check_key(key)
        with self._lock:
            self._files.pop(key, None)
