"""The pure rules behind `/files/`: how a file is labelled, and file addresses both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from torget.files.serving import image_signature, present
from torget.files.urls import file_url, key_of_url
from torget.settings import load_settings

PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
WEBP_HEAD = b"RIFF\x10\x00\x00\x00WEBPVP8 "


@pytest.mark.parametrize(
    ("key", "head", "media_type", "inline"),
    [
        ("a/bild.png", PNG_HEAD, "image/png", True),
        ("a/bild.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", True),
        ("a/bild.gif", b"GIF89a\x01\x00", "image/gif", True),
        ("a/bild.webp", WEBP_HEAD, "image/webp", True),
        ("a/bild.png", b"<svg onload=x>", "image/png", False),  # named a PNG, is not one
        ("a/bild.jpg", PNG_HEAD, "image/jpeg", False),  # one image type named as another
        ("a/bild.svg", PNG_HEAD, "image/svg+xml", False),
        ("a/sida.html", b"<html>", "text/html", False),
        ("a/sida.xhtml", b"<html>", "application/xhtml+xml", False),
        ("a/skript.mjs", b"x", "application/octet-stream", False),
        ("a/stil.css", b"x", "application/octet-stream", False),
        ("a/modul.wasm", b"\x00asm", "application/octet-stream", False),
        ("a/data.csv.gz", b"\x1f\x8b", "application/octet-stream", False),
        ("a/rapport.pdf", b"%PDF-1.7", "application/pdf", False),
        ("a/README", b"text", "application/octet-stream", False),
    ],
)
def test_only_real_raster_images_are_inline(
    key: str, head: bytes, media_type: str, inline: bool
) -> None:
    shown = present(key, head)
    assert shown.media_type == media_type and shown.inline is inline
    headers = shown.headers()
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["Content-Disposition"].startswith("inline;" if inline else "attachment;")


def test_the_file_name_is_given_both_ways() -> None:
    """RFC 6266: an ASCII fallback and the real name in UTF-8 (RFC 8187)."""
    disposition = present('d/Åre "bad" (2024).svg', b"").disposition
    assert disposition == (
        'attachment; filename="_re _bad_ (2024).svg"; '
        "filename*=UTF-8''%C3%85re%20%22bad%22%20%282024%29.svg"
    )


def test_image_signatures() -> None:
    assert image_signature(PNG_HEAD) == "image/png"
    assert image_signature(WEBP_HEAD) == "image/webp"
    assert image_signature(b"RIFF\x10\x00\x00\x00AVI ") is None
    assert image_signature(b"") is None


def test_file_addresses_both_ways(tmp_path: Path) -> None:
    settings = load_settings(environ={}, config_file=tmp_path / "absent.toml",
                             base_url="https://data.kommun.se/",
                             files_base_url="https://kommun-filer.se")  # fmt: skip
    key = "resources/1b4e28ba/Befolkning 2024 (Åre).csv"
    url = file_url(settings, key)
    assert url == (
        "https://data.kommun.se/files/resources/1b4e28ba/Befolkning%202024%20%28%C3%85re%29.csv"
    )
    assert key_of_url(settings, url) == key
    assert key_of_url(settings, url + "?download=1") == key
    assert key_of_url(settings, "https://KOMMUN-filer.se/files/demo/a.csv") == "demo/a.csv"
    for other in (
        "https://data.kommun.se/filer/demo/a.csv",
        "http://data.kommun.se/files/demo/a.csv",
        "https://data.kommun.se.evil.example/files/demo/a.csv",
        "https://evil.example/files/demo/a.csv",
        "https://data.kommun.se/files/demo/..%2F..%2Fsecret.txt",
        "https://data.kommun.se/files/.tmp-x",
    ):
        assert key_of_url(settings, other) is None, other
