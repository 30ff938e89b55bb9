"""How a stored file is labelled when it is sent: so that no upload can act as a page of the site.

Anyone with the editor role can upload a file, and `/files/…` serves it on the site's origin.
A browser that rendered an uploaded HTML, SVG or XHTML file there would run its scripts with
the visitor's session (a hostile test made one create a sysadmin API token). So:

* the type comes from the key's extension, never from what the uploader sent;
* only raster images (PNG, JPEG, GIF, WebP), whose first bytes say so too, are shown inline,
  because showcases and pages show them in `<img>`; every other file is a download
  (`Content-Disposition: attachment`, RFC 6266, with the name in `filename*`, RFC 8187);
  that includes PDF, whose viewers run the document's scripts and forms, and which the
  sandbox below would keep Chromium's viewer from showing anyway;
* types that a browser runs when another page includes them (JavaScript, CSS, WebAssembly)
  are sent as `application/octet-stream`, so with `nosniff` no `<script>`, stylesheet or
  worker can load them;
* every answer carries `X-Content-Type-Options: nosniff` and a CSP that allows nothing and
  sandboxes the document (a unique origin, no scripts), in case a browser renders it anyway.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from urllib.parse import quote

__all__ = ["FilePresentation", "present", "image_signature", "HEAD_BYTES", "SANDBOX"]

HEAD_BYTES = 16  # enough for every signature below
SANDBOX = "default-src 'none'; sandbox"
OCTETS = "application/octet-stream"
_INLINE_IMAGES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
_RUNNABLE = ("javascript", "ecmascript", "text/css", "application/wasm")


@dataclass(frozen=True)
class FilePresentation:
    media_type: str
    disposition: str  # the whole Content-Disposition value

    @property
    def inline(self) -> bool:
        return self.disposition.startswith("inline")

    def headers(self) -> dict[str, str]:
        return {
            "Content-Type": self.media_type,
            "Content-Disposition": self.disposition,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": SANDBOX,
        }


def image_signature(head: bytes) -> str | None:
    """The media type of a PNG, JPEG, GIF or WebP image judged by its first bytes."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _media_type(name: str) -> str:
    guessed, encoding = mimetypes.guess_type(name, strict=False)
    if guessed is None or encoding is not None:  # `x.csv.gz` is gzip bytes, not CSV
        return OCTETS
    if any(kind in guessed for kind in _RUNNABLE):
        return OCTETS
    return guessed


def _disposition(kind: str, name: str) -> str:
    """RFC 6266: an ASCII fallback name, and the real one percent-encoded in UTF-8."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in name)  # fmt: skip
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def present(key: str, head: bytes) -> FilePresentation:
    """How to send the file at `key` whose first bytes are `head` (at least HEAD_BYTES)."""
    name = key.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    image = _INLINE_IMAGES.get(extension)
    if image is not None and image_signature(head) == image:
        return FilePresentation(image, _disposition("inline", name))
    return FilePresentation(_media_type(name), _disposition("attachment", name))
