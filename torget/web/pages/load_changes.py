"""What changed in each distribution's last load, on the dataset page (issue 20): counts, a
sample of changed rows with their values before and after, the previous version's CSV while
it is kept; for editors, the scheduled refresh's last outcome and the form that chooses the
key loads are compared by. Thin: `torget.datastore.version_store` and `refresh` decide."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Distribution
from torget.datastore import refresh as refreshing
from torget.datastore import version_store
from torget.datastore.load_letters import distribution_of
from torget.datastore.refresh import Status
from torget.datastore.version_store import Version
from torget.db.engine import write
from torget.errors import NotFound, ValidationFailed
from torget.settings import Settings
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.rendering import flash
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["LoadChanges", "load_changes", "router", "NOTES", "REFUSALS"]

router = page_router()

# The comparison's notes (`versions.Note.code`) in the pages' words.
NOTES = {
    "key_nulls": N_("The key %(key)s is empty in %(count)s rows."),
    "key_duplicates": N_(
        "The key %(key)s has %(count)s values that occur in more than one row, such as %(example)s."
    ),
    "key_missing": N_("The key column %(key)s is not in both loads."),
    "compared_by_row": N_(
        "So the loads were compared by whole row: a changed row counts as one removed and "
        "one added."
    ),
    "columns_added": N_("New columns, not compared: %(columns)s."),
    "columns_removed": N_("Columns no longer in the table, not compared: %(columns)s."),
    "no_common_columns": N_(
        "No column is in both loads, so no row of one is in the other: every row of this "
        "load counts as added and every row of the one before as removed."
    ),
    "compare_failed": N_("The loads could not be compared."),
}
# `version_store.set_key`'s refusals.
REFUSALS = {
    "diff_key_unknown": N_("The table has no column %(columns)s."),
    "diff_key_nulls": N_("The key %(key)s cannot be used: it is empty in %(count)s rows."),
    "diff_key_duplicates": N_(
        "The key %(key)s cannot be used: %(count)s of its values occur in more than one row, "
        "such as %(example)s."
    ),
}


@dataclass(frozen=True)
class LoadChanges:
    last: Version
    previous: Version | None
    key: list[str]
    columns: list[str]
    refresh: Status | None
    changed_rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (msgid, params)


def _changed_rows(version: Version) -> list[dict[str, Any]]:
    """One line per changed value of the sampled changed rows: key, column, before, after."""
    lines = []
    for row in version.sample.get("changed", []):
        key = ", ".join(str(v) for v in row["key"].values())
        for column, pair in row["changes"].items():
            lines.append({"key": key, "column": column, **pair})
    return lines


def load_changes(conn: sa.Connection, actor: Actor, settings: Settings,
                 distributions: list[Distribution]) -> dict[str, LoadChanges]:  # fmt: skip
    """The last load's changes of each of the dataset's distributions that has versions."""
    found = {}
    for dist in distributions:
        try:
            history = version_store.history(conn, actor, settings.datastore_path, dist.id, 2)
        except NotFound:
            continue
        if not history:
            continue
        last = history[0]
        found[dist.id] = LoadChanges(
            last, history[1] if len(history) > 1 else None,
            version_store.chosen_key(conn, dist.id),
            [str(c["name"]) for c in last.columns if c["name"] != "_id"],
            refreshing.status_for(conn, actor, dist.id), _changed_rows(last),
            [(NOTES.get(n["code"], NOTES["compare_failed"]), n["params"]) for n in last.notes],
        )  # fmt: skip
    return found


@router.post("/publish/distribution/{distribution_id}/diff-key")
def choose_key(
    request: Request, distribution_id: str, data: FormData = Depends(posted_form)
) -> Response:
    """Compare the distribution's loads by the chosen column (none: by whole row)."""
    actor = signed_in(request)
    column = str(data.get("key") or "")
    site = request_site(request)
    with write(site.engine) as conn:
        found = distribution_of(conn, distribution_id)
        if found is None:
            raise NotFound(f"no distribution {distribution_id!r}")
        try:
            version_store.set_key(conn, actor, site.settings.datastore_path, distribution_id,
                                  [column] if column else [])  # fmt: skip
        except ValidationFailed as refused:
            error = refused.errors[0]
            flash(request, REFUSALS.get(error.code, N_("The key was not saved.")), **error.params)
            return redirect(f"/dataset/{found['dataset_id']}#changes-{distribution_id}")
    if column:
        flash(request, N_("From the next load on, loads are compared by %(key)s."), key=column)
    else:
        flash(request, N_("From the next load on, loads are compared by whole row."))
    return redirect(f"/dataset/{found['dataset_id']}#changes-{distribution_id}")
