"""Stamps: a token per kind of data that changes whenever that data does, in every process.

A site runs several server processes, a worker and the command line over one database;
what one of them keeps in memory must be forgotten when another changes the data it came
from. A stamp is a small file under the data folder holding a random token, replaced
atomically after each commit that changes the data it stands for (the writer registers the
renewal with `db.engine.after_commit`, so a rolled-back change renews nothing). A reader
keys what it keeps on the token; reading it costs one small file read, no database query.

A reader must read the token *before* the data: then what it keeps under a token is at least
as new as the token, and a change committed meanwhile is filed under the next one.
The catalogue's stamp (datasets, data services, organisations) is the DCAT feed's
(`dcat.feed_cache.catalogue_state`); the use statistics' is `usage.store.usage_state`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["renew", "read_stamp", "read_token"]


def renew(path: Path) -> None:
    """The data behind the stamp at `path` changed: give it a new token."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(secrets.token_hex(8), encoding="ascii")
    tmp.replace(path)


def read_stamp(path: Path) -> tuple[str, float]:
    """The stamp's token and when it was renewed (seconds since the epoch); a missing stamp
    (the first reader, or someone removed it to force a refresh) is made first."""
    try:
        with path.open(encoding="ascii") as handle:
            return handle.read().strip(), os.fstat(handle.fileno()).st_mtime
    except FileNotFoundError:
        renew(path)
        return read_stamp(path)


def read_token(path: Path) -> str:
    """The stamp's token alone, as `read_stamp` gives it: three system calls and no file
    object, since a kept answer reads two or three tokens on every use (issue 21)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return read_stamp(path)[0]
    try:
        return os.read(fd, 256).decode("ascii").strip()
    finally:
        os.close(fd)
