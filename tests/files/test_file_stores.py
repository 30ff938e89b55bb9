"""One contract, three stores: a folder, memory, and S3 (a real moto server on loopback)."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from tests.files.conftest import s3_store
from torget.errors import NotFound
from torget.files import FileStore, InvalidKey, open_file_store
from torget.files.local import LocalFileStore
from torget.files.memory import MemoryFileStore
from torget.files.s3 import S3FileStore
from torget.settings import SettingsError, load_settings


@pytest.fixture(params=["local", "memory", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    if request.param == "local":
        return LocalFileStore(tmp_path / "files")
    if request.param == "memory":
        return MemoryFileStore()
    return s3_store(request.getfixturevalue("s3_endpoint"))


def test_put_open_size_exists_delete(store: FileStore) -> None:
    stored = store.put("demo/badplatser.csv", b"namn;lat;lon\nNorrby;59.1;18.2\n", "text/csv")
    assert (stored.key, stored.size, stored.content_type) == ("demo/badplatser.csv", 30, "text/csv")
    assert stored.sha1 == hashlib.sha1(b"namn;lat;lon\nNorrby;59.1;18.2\n").hexdigest()
    with store.open("demo/badplatser.csv") as handle:
        assert handle.read() == b"namn;lat;lon\nNorrby;59.1;18.2\n"
    assert store.size("demo/badplatser.csv") == 30
    assert store.exists("demo/badplatser.csv") and not store.exists("demo/annat.csv")
    store.delete("demo/badplatser.csv")
    store.delete("demo/badplatser.csv")  # again: not an error
    assert not store.exists("demo/badplatser.csv")


def test_streams_are_read_to_the_end_and_hashed(store: FileStore) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)  # more than one chunk
    stored = store.put("big/random.bin", io.BytesIO(data))
    assert stored.size == len(data) and stored.sha1 == hashlib.sha1(data).hexdigest()
    with store.open("big/random.bin") as handle:
        assert handle.read() == data


def test_put_replaces(store: FileStore) -> None:
    store.put("a.txt", b"first")
    store.put("a.txt", b"second, longer")
    assert store.size("a.txt") == 14
    with store.open("a.txt") as handle:
        assert handle.read() == b"second, longer"


def test_missing_files_are_not_found(store: FileStore) -> None:
    with pytest.raises(NotFound):
        store.open("nothing/here.csv")
    with pytest.raises(NotFound):
        store.size("nothing/here.csv")


@pytest.mark.parametrize(
    "key",
    ["", "/etc/passwd", "../secret", "a/../../b", "a//b", "a/./b", ".hidden", "a/.tmp-x",
     "a\\b", "a\x00b", "a\nb", "x" * 1100, "a/ b", "a/b/"],
)  # fmt: skip
def test_unsafe_keys_are_refused_everywhere(store: FileStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        store.put(key, b"x")
    with pytest.raises(InvalidKey):
        store.open(key)
    with pytest.raises(InvalidKey):
        store.exists(key)


def test_a_failed_upload_leaves_nothing(store: FileStore) -> None:
    class Broken(io.RawIOBase):
        def __init__(self) -> None:
            self.calls = 0

        def read(self, size: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 2:
                raise OSError("connection reset")
            return b"x" * 1024

    store.put("upload.csv", b"the old version")
    with pytest.raises(OSError, match="connection reset"):
        store.put("upload.csv", Broken())  # type: ignore[arg-type]
    with store.open("upload.csv") as handle:
        assert handle.read() == b"the old version"
    with pytest.raises(OSError):
        store.put("fresh.csv", Broken())  # type: ignore[arg-type]
    assert not store.exists("fresh.csv")


def test_local_store_leaves_no_temporary_files_and_no_way_out(tmp_path: Path) -> None:
    root = tmp_path / "files"
    store = LocalFileStore(root)
    store.put("demo/a.csv", b"a")
    (tmp_path / "outside.txt").write_text("secret")
    (root / "demo" / "link").symlink_to(tmp_path)
    with pytest.raises(InvalidKey):
        store.open("demo/link/outside.txt")
    assert sorted(p.name for p in (root / "demo").iterdir()) == ["a.csv", "link"]


def test_files_url_chooses_the_store(tmp_path: Path, s3_endpoint: str) -> None:
    def store_for(url: str) -> FileStore:
        settings = load_settings(environ={}, config_file=tmp_path / "none.toml",
                                 data_dir=tmp_path / "data", files_url=url)  # fmt: skip
        return open_file_store(settings)

    default = store_for("")
    assert isinstance(default, LocalFileStore) and default.root == tmp_path / "data" / "files"
    elsewhere = store_for(f"file://{tmp_path}/elsewhere")
    assert isinstance(elsewhere, LocalFileStore) and elsewhere.root == tmp_path / "elsewhere"
    assert isinstance(store_for("memory:"), MemoryFileStore)
    s3 = store_for(f"s3://bucket/some/prefix?endpoint_url={s3_endpoint}&region=eu-north-1")
    assert isinstance(s3, S3FileStore)
    assert (s3.bucket, s3.prefix, s3.endpoint_url) == ("bucket", "some/prefix", s3_endpoint)
    for bad in ("ftp://x/y", "s3://", "s3://b?colour=red"):
        with pytest.raises(SettingsError):
            store_for(bad)
