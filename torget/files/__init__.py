"""Where Torget keeps files: one small interface, three stores, chosen by `files_url`.

* empty (default): a folder, `<data_dir>/files` (`local.py`); `file:///srv/torget-files`
  names another folder;
* `s3://bucket/prefix?endpoint_url=…&region=…`: S3-compatible object storage (`s3.py`), with
  credentials from the standard AWS environment variables;
* `memory:`: in memory, for tests and throw-away instances (`memory.py`).

Keys are relative paths such as `demo/badplatser.csv`, checked by `keys.check_key` the same
way in every store, so that no key can escape its folder or bucket prefix. A stored file is
published at `<base_url>/files/<key>` (`urls.py`) and labelled by `serving.py` when sent; who
may read it is the catalogue's rule (`catalog.stored_files`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from torget.files.keys import InvalidKey, check_key
from torget.files.store import FileStore, StoredFile
from torget.settings import Settings, SettingsError

__all__ = ["FileStore", "StoredFile", "InvalidKey", "check_key", "open_file_store"]


def open_file_store(settings: Settings) -> FileStore:
    """The file store that `settings.files_url` names."""
    url = settings.files_url.strip()
    scheme = urlsplit(url).scheme if url else ""
    if not url or scheme == "file":
        from torget.files.local import LocalFileStore

        return LocalFileStore(urlsplit(url).path if url else settings.files_dir)
    if scheme == "memory":
        from torget.files.memory import MemoryFileStore

        return MemoryFileStore()
    if scheme == "s3":
        from torget.files.s3 import S3FileStore

        return S3FileStore.from_url(url)
    raise SettingsError(f"files_url: {url!r} is not file://, s3:// or memory:")
