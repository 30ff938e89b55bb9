"""What the pages keep of the catalogue between requests: its organisations.

Every page's footer names the catalogue's publisher and the search page names each result's
organisation: reading and validating all organisations on every page cost about a millisecond
of a search page's 15. They change rarely, and every change renews the catalogue's stamp
(`dcat.feed_cache.catalogue_state`, `torget.stamps`) in every process, so the pages keep them
per site until then.
"""

from __future__ import annotations

from torget.catalog.organisations import Organisation, all_organisations
from torget.db.engine import read
from torget.dcat.feed_cache import catalogue_state
from torget.memo import Memo
from torget.site import Site

__all__ = ["organisations"]

_ORGANISATIONS: Memo[dict[str, Organisation]] = Memo(8)


def organisations(site: Site) -> dict[str, Organisation]:
    """All organisations by id, as of the catalogue's current state (kept: do not change)."""
    state = catalogue_state(site.settings)  # before the read: never older than its key

    def read_all() -> dict[str, Organisation]:
        with read(site.engine) as conn:
            return all_organisations(conn)

    return _ORGANISATIONS.get((site.settings, state), read_all)
