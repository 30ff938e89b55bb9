"""What a large table version gets once it is live, so that its deep pages are cheap: the
sort-key copies (`sort_keys`), then the row copies (`row_copies`). A load and a write through
the CKAN DataStore actions (`writes`) both end with it, so a table is as fast to page through
however it was made.

They are written after the swap, so a failure (the version superseded meanwhile, a full disk)
only leaves deep pages slower: logged, never raised.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from torget.datastore import row_copies, sort_keys
from torget.settings import Settings

__all__ = ["write_copies", "write_row_copies"]

log = logging.getLogger(__name__)


def write_copies(settings: Settings, target: Path, columns: dict[str, Any]) -> int:
    """The sort-key copies of the live table file `target`, then its row copies; how many
    sort-key copies were written (none for a table under `datastore_sort_key_min_rows`)."""
    try:
        written = sort_keys.write_beside(target, columns, settings.datastore_sort_key_min_rows)
    except Exception:  # noqa: BLE001 - the table stands; only its deep pages sort instead
        log.warning("no sort keys for %s", target, exc_info=True)
        return 0
    if written:
        write_row_copies(settings, target, columns)
    return written


def write_row_copies(settings: Settings, target: Path, columns: dict[str, Any]) -> int:
    try:
        return row_copies.write_beside(
            target, columns, settings.datastore_sort_key_min_rows, settings.datastore_memory_limit
        )
    except Exception:  # noqa: BLE001 - as for the sort keys: the table stands
        log.warning("no row copies for %s", target, exc_info=True)
        return 0
