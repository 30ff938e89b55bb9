"""Loading a distribution's file again on an editor's request: after the file was put right
at its source, when a load failed for a passing reason (the server was down), or with column
types the editor chose (`column_types`). The failure letter is `load_letters`."""

from __future__ import annotations

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.model import DistributionIn
from torget.datastore import jobs
from torget.datastore.column_types import CHOOSABLE, replace_chosen_types
from torget.datastore.load import loadable_source
from torget.datastore.load_letters import distribution_of
from torget.db.engine import after_commit
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.site_lookup import find_site

__all__ = ["load_again", "choose_types"]


def load_again(conn: sa.Connection, actor: Actor, distribution_id: str) -> str:
    """Queue a new load of the distribution's file; the job's id. Editors only."""
    found = distribution_of(conn, distribution_id)
    if found is None:
        raise NotFound(f"no distribution {distribution_id!r}")
    actor.require(str(found["organisation_id"]), "editor", "load a file again")
    source = loadable_source(DistributionIn.model_validate_json(found["data"]))
    if source is None:
        raise ValidationFailed([FieldError(
            "download_url", "the datastore loads only a download URL of CSV, TSV, XLSX, ODS, "
            "JSON or GeoJSON", code="not_loadable",
        )])  # fmt: skip
    job_id = jobs.create_job(conn, distribution_id, *source)
    site = find_site(conn)
    if site is not None and site.queue is not None:
        queue = site.queue
        after_commit(conn, lambda: queue.enqueue(job_id))
    return job_id


def choose_types(conn: sa.Connection, actor: Actor, distribution_id: str,
                 choices: dict[str, str]) -> str:  # fmt: skip
    """Keep the types an editor chose for columns (`column_types`; "" forgets a choice) and
    load the file again with them; the new job's id."""
    found = distribution_of(conn, distribution_id)
    if found is None:
        raise NotFound(f"no distribution {distribution_id!r}")
    actor.require(str(found["organisation_id"]), "editor", "choose the columns' types")
    wrong = [FieldError(f"type:{name}", f"{kind!r} is not a type; choose one of "
                        f"{', '.join(CHOOSABLE)}", list(CHOOSABLE), code="not_a_type",
                        params={"column": name})
             for name, kind in choices.items() if kind and kind not in CHOOSABLE]  # fmt: skip
    if wrong:
        raise ValidationFailed(wrong)
    replace_chosen_types(conn, distribution_id, {n: k for n, k in choices.items() if k})
    return load_again(conn, actor, distribution_id)
