"""The address of a stored file, `<base_url>/files/<key>`, and the key back from an address.

The catalogue keeps an own file as the site-relative reference `/files/<key>` (`file_reference`)
and mints the address from the site's current `base_url` when it is shown (`file_address`): a
site that moves to a new domain, behind a proxy or to another port breaks no link and no load.

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

__all__ = ["file_url", "key_of_url", "file_reference", "file_address", "OWN_FILES"]

OWN_FILES = "/files/"  # how a kept reference to an own file begins


def file_url(settings: Settings, key: str) -> str:
    """Where the file at `key` is published."""
    return f"{settings.public_base}/files/{quote(check_key(key), safe='/')}"


def key_of_url(settings: Settings, url: str) -> str | None:
    """The store key of a file address on this site (or its files origin), or of a kept
    reference `/files/<key>`; None otherwise."""
    if url.startswith(OWN_FILES):
        return _checked_key(url[len(OWN_FILES) :])
    parts = urlsplit(url)
    for base in filter(None, (settings.public_base, settings.files_base_url.rstrip("/"))):
        prefix = urlsplit(base + "/files/")
        same_origin = (parts.scheme, parts.netloc.lower()) == (prefix.scheme, prefix.netloc.lower())
        if same_origin and parts.path.startswith(prefix.path):
            return _checked_key(parts.path[len(prefix.path) :])
    return None


def file_reference(settings: Settings, url: str) -> str:
    """How the catalogue keeps `url`: `/files/<key>` for a file on this site, else unchanged."""
    key = key_of_url(settings, url)
    return url if key is None else OWN_FILES + quote(key, safe="/")


def file_address(base: str, reference: str) -> str:
    """The address to show for a kept URL: an own file's reference under the site's `base`."""
    return base + reference if reference.startswith(OWN_FILES) else reference


def _checked_key(quoted: str) -> str | None:
    try:
        return check_key(unquote(quoted))
    except InvalidKey:
        return None
