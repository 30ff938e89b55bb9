"""A real S3-compatible server (moto) on loopback, shared by the file tests."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest

from torget.files.s3 import S3FileStore


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto) on 127.0.0.1, with throw-away credentials."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        os.environ.setdefault(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_store(endpoint: str) -> S3FileStore:
    bucket = "torget-" + uuid.uuid4().hex[:12]
    store = S3FileStore.from_url(
        f"s3://{bucket}/site/files?endpoint_url={endpoint}&region=eu-north-1"
    )
    store._client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    return store
