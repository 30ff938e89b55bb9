"""The audit log's pages: an organisation's log (its admins) with its CSV download, and a
dataset's history field by field (its editors). Both read `torget.publishing.audit`, as the
JSON API does; nothing here writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import Query, Request, Response

from torget.catalog.datasets import get_dataset
from torget.catalog.organisations import get_organisation
from torget.db.engine import read
from torget.publishing import audit
from torget.web.api_audit import csv_response
from torget.web.i18n import N_, localize, pick_language
from torget.web.pages.routing import page_router, signed_in
from torget.web.rendering import render
from torget.web.request_site import request_site

__all__ = ["router", "ACTION_NAMES", "CHANNEL_NAMES"]

router = page_router()

PAGE_SIZE = 50
ACTION_NAMES = {
    "created": N_("Created"),
    "changed": N_("Changed"),
    "published": N_("Published"),
    "withdrawn": N_("Withdrawn"),
    "deleted": N_("Deleted"),
    "classified": N_("Classified"),
    "licence_justified": N_("Licence justified"),
    "approved": N_("Approved"),
    "signed_off": N_("Personal data signed off"),
    "rules_changed": N_("Publishing rules changed"),
    "member_set": N_("Member added or role changed"),
    "member_removed": N_("Member removed"),
}
CHANNEL_NAMES = {
    "pages": N_("the pages"),
    "api": N_("the JSON API"),
    "ckan": N_("the CKAN API"),
    "cli": N_("the command line"),
    "harvest": N_("a harvest"),
    "worker": N_("the worker"),
}
_SHOWN = 300  # characters of a long value (a description) shown on the page; the API has all


@dataclass(frozen=True)
class Shown:
    """One changed field as the page shows it."""

    field: str
    before: str | None
    after: str | None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = ", ".join(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def shown(entry: audit.Entry) -> list[Shown]:
    return [Shown(f, _text(v[0]), _text(v[1])) for f, v in entry.changes.items()]


def _render(request: Request, title: str, entries: list[audit.Entry], **context: Any) -> Response:
    return render(
        request,
        "audit.html",
        title=title,
        entries=entries,
        shown=shown,
        older=entries[-1].id if len(entries) == PAGE_SIZE else None,
        action_names=ACTION_NAMES,
        channel_names=CHANNEL_NAMES,
        **context,
    )


@router.get("/publish/organisation/{name}/audit")
def organisation_audit_page(
    request: Request, name: str, before: int | None = Query(None, ge=1)
) -> Response:
    actor = signed_in(request)
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        org = get_organisation(conn, name)
        entries = audit.organisation_log(conn, actor, org.name, before=before, limit=PAGE_SIZE)
    title = localize(org.data.title, lang)
    return _render(request, N_("Audit log"), entries, org=org, org_title=title, dataset=None)


@router.get("/publish/organisation/{name}/audit.csv")
def organisation_audit_csv(request: Request, name: str) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        entries = audit.organisation_log(conn, actor, name, limit=None)
    return csv_response(entries, f"audit-{name}.csv")


@router.get("/publish/dataset/{ref}/history")
def dataset_history_page(
    request: Request, ref: str, before: int | None = Query(None, ge=1)
) -> Response:
    actor = signed_in(request)
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        dataset = get_dataset(conn, actor, ref)
        entries = audit.dataset_log(conn, actor, dataset.id, before=before, limit=PAGE_SIZE)
    title = localize(dataset.data.title, lang)
    return _render(
        request, N_("History of changes"), entries, org=None, dataset=dataset, dataset_title=title
    )
