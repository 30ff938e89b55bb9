"""Counting downloads of the files Torget serves, for the "most used" sort order.

`/files/<key>` (`user_files.py`) knows whose download it is: the dataset whose distribution
makes the file readable (`catalog.stored_files`). A download counts once: a GET from the
first byte. HEAD requests (link checkers, crawlers asking for the size) and range requests
that resume from a later byte (download managers continuing a transfer they already
started) do not count, so a client that checks, starts and resumes a file is counted once.
Only published datasets are counted, as with page views.

The count is written after the response has been sent (a background task on the response),
so the database write never delays the file.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from torget.accounts.permissions import ANONYMOUS
from torget.catalog.datasets import get_dataset
from torget.db.engine import write
from torget.errors import NotFound
from torget.search import record_download

__all__ = ["counts_as_download", "record_file_download"]

_RANGE_START = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-")


def counts_as_download(method: str, range_header: str | None) -> bool:
    """A GET of the whole file, or of a range starting at its first byte."""
    if method != "GET":
        return False
    if range_header is None:
        return True
    start = _RANGE_START.match(range_header)
    # A suffix range ("bytes=-500") or anything after byte 0 continues or samples a file.
    return start is not None and start.group(1) != "" and int(start.group(1)) == 0


def record_file_download(engine: sa.Engine, dataset_id: str) -> None:
    """Count one download for a published dataset; nothing for drafts or deleted ones."""
    with write(engine) as conn:
        try:
            get_dataset(conn, ANONYMOUS, dataset_id)
        except NotFound:
            return
        record_download(conn, dataset_id)
