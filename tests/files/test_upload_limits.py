"""Uploads are checked before anything is kept: who uploads, then how large, on every path.

A live Torget that accepts files of at most 2 MB. Someone who may not upload is answered
before the body is read (the test sends the headers and the start of a body whose rest never
comes: a server that waited for it would never answer); a file over the limit is refused with
413 and the limit, and the file store stays empty.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.browser import LiveServer, live_server
from tests.web.sample import PASSWORD
from torget.accounts.tokens import create_token
from torget.accounts.users import get_user
from torget.db.engine import make_engine, write

LIMIT = 2_000_000
ANNOUNCED = 2_500_000  # within LIMIT and the 1 MiB of form that `BodyLimit` allows
# The start of the body that is sent: more than any middleware keeps of a request to replay it.
SENT = 1_500_000
BOUNDARY = "torget-test"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = Path(tmp_path_factory.mktemp("limits")) / "data"
    with live_server(data, upload_max_bytes=LIMIT) as live:
        yield live


def _token(server: LiveServer, name: str) -> str:
    engine = make_engine(server.settings.resolved_database_url)
    try:
        with write(engine) as conn:
            return create_token(conn, get_user(conn, name).id, "test")[1]
    finally:
        engine.dispose()


def _stored(server: LiveServer) -> list[Path]:
    root = server.settings.files_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _multipart(fields: dict[str, str], content: bytes, name: str = "data.csv") -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="{name}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _answer_before_the_body(server: LiveServer, path: str, headers: dict[str, str]) -> bytes:
    """Send a POST's headers announcing a 2.5 MB form and only its start; the answer."""
    host, port = server.base.removeprefix("http://").split(":")
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {ANNOUNCED}",
             f"Content-Type: multipart/form-data; boundary={BOUNDARY}"]  # fmt: skip
    lines += [f"{name}: {value}" for name, value in headers.items()]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + f"--{BOUNDARY}\r\n".encode() + b"x" * SENT)
        try:
            return sock.recv(4096)
        except TimeoutError:
            pytest.fail(f"{path}: the server waited for the body instead of refusing at once")


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_an_anonymous_ckan_upload_is_refused_before_its_body_is_read(server: LiveServer) -> None:
    answer = _answer_before_the_body(server, "/api/3/action/resource_create", {})
    assert _status(answer) == 403 and b"Authorization Error" in answer
    assert _stored(server) == []


def test_a_page_upload_is_refused_before_its_body_is_read(server: LiveServer) -> None:
    path = f"/publish/dataset/{server.sample.bathing.id}/upload"
    for form in (path, "/showcases/new"):
        anonymous = _answer_before_the_body(server, form, {})
        assert _status(anonymous) == 303 and b"location: /login" in anonymous.lower()
    with httpx.Client(base_url=server.base) as browser:
        page = browser.get("/login").text
        csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        done = browser.post("/login", data={"csrf_token": csrf, "username": "outsider",
                                            "password": PASSWORD})  # fmt: skip
        assert done.status_code in (200, 303), done.text
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    outsider = _answer_before_the_body(server, path, {"Cookie": cookie})
    assert _status(outsider) == 403
    assert _stored(server) == []


def _resource_create(
    server: LiveServer, token: str, body: bytes | Iterator[bytes]
) -> httpx.Response:
    return httpx.post(
        server.url("/api/3/action/resource_create"), content=body,
        headers={"Authorization": token,
                 "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )  # fmt: skip


def test_a_ckan_upload_over_the_limit_is_refused_with_the_limit(server: LiveServer) -> None:
    token = _token(server, "anna")
    fields = {"package_id": server.sample.bathing.id, "name": "Stor", "format": "CSV",
              "license": "CC-BY-4.0"}  # fmt: skip
    for size in (LIMIT + 1, LIMIT + 500_000):
        answer = _resource_create(server, token, _multipart(fields, b"x" * size))
        assert answer.status_code == 413, answer.text
        error = answer.json()["error"]
        assert error["__type"] == "Validation Error" and str(LIMIT) in error["upload"][0]
    assert _stored(server) == []
    fits = _resource_create(server, token, _multipart(fields, b"x" * LIMIT))
    assert fits.status_code == 200, fits.text
    assert len(_stored(server)) == 1


def _chunked(size: int) -> Iterator[bytes]:
    """A body sent without a length (chunked), as a script streaming a file does."""
    for _ in range(size // 65536):
        yield b"x" * 65536


def test_a_body_without_a_length_is_cut_off_at_the_limit(server: LiveServer) -> None:
    token = _token(server, "anna")
    before = _stored(server)
    start = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="a.csv"\r\n\r\n'
    )

    def form() -> Iterator[bytes]:
        yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="package_id"\r\n\r\n'.encode()
        yield f"{server.sample.bathing.id}\r\n".encode() + start.encode()
        yield from _chunked(8 << 20)

    ckan = _resource_create(server, token, form())
    assert ckan.status_code == 413, ckan.text
    api = httpx.post(
        server.url("/api/datasets"), content=_chunked(8 << 20),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    assert api.status_code == 413 and str(LIMIT) in api.json()["message"], api.text
    assert _stored(server) == before
