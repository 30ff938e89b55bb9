"""Files in a folder (the default: `<data_dir>/files`).

A file is written to a temporary dot-file beside its target, flushed to disk and renamed over
it: rename is atomic on POSIX, so readers see the old file or the new one, and an upload that
fails half-way leaves nothing behind. Keys are checked (`keys.check_key`) and the resolved path
must stay inside the folder, so neither `..` nor a symbolic link leads out of it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from torget.errors import NotFound
from torget.files.keys import InvalidKey, check_key
from torget.files.store import Hashing, StoredFile

__all__ = ["LocalFileStore"]


class LocalFileStore:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        check_key(key)
        root = self.root.resolve()
        path = (root / key).resolve()
        if not path.is_relative_to(root):
            raise InvalidKey(f"invalid file key {key!r}: leads outside the store")
        return path

    def put(
        self, key: str, data: bytes | BinaryIO, content_type: str = "application/octet-stream"
    ) -> StoredFile:
        self.root.mkdir(parents=True, exist_ok=True)
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = Hashing(data)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in source.chunks():
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return StoredFile(key, source.size, source.sha1, content_type)

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"no file {key!r}") from None

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise NotFound(f"no file {key!r}")
        return path.stat().st_size

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()
