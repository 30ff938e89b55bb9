"""Which requests for the files Torget serves count as downloads (use statistics, "most used").

`/files/<key>` (`user_files.py`) knows whose download it is: the dataset whose distribution
makes the file readable (`catalog.stored_files`). A download counts once: a GET from the
first byte. HEAD requests (link checkers, crawlers asking for the size) and range requests
that resume from a later byte (download managers continuing a transfer they already
started) do not count, so a client that checks, starts and resumes a file is counted once.
Only published datasets are counted, as with page views.

The count goes to the use statistics' in-memory buffer (`torget.usage`), written behind in
batches, so no database write delays the file.
"""

from __future__ import annotations

import re

__all__ = ["counts_as_download"]

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
