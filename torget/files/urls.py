"""The address of a stored file, `<base_url>/files/<key>`, and the key back from an address.

Files are published under the site's own address even when `files_base_url` names a separate
origin for them: the site sends browsers on to that origin (`web/user_files.py`), so links in
the catalogue, and harvested copies of it, stay valid when the setting is turned on or
changed. An address on the files origin is read back as a key too, for links people copy
from their browser's address bar.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from torget.files.keys import InvalidKey, check_key
from torget.settings import Settings

__all__ = ["file_url", "key_of_url"]


def file_url(settings: Settings, key: str) -> str:
    """Where the file at `key` is published."""
    return f"{settings.public_base}/files/{quote(check_key(key), safe='/')}"


def key_of_url(settings: Settings, url: str) -> str | None:
    """The store key of a file address on this site (or its files origin); None otherwise."""
    parts = urlsplit(url)
    for base in filter(None, (settings.public_base, settings.files_base_url.rstrip("/"))):
        prefix = urlsplit(base + "/files/")
        same_origin = (parts.scheme, parts.netloc.lower()) == (prefix.scheme, prefix.netloc.lower())
        if same_origin and parts.path.startswith(prefix.path):
            try:
                return check_key(unquote(parts.path[len(prefix.path) :]))
            except InvalidKey:
                return None
    return None
