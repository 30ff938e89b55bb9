"""Harvest sources for their organisations' administrators: add a source, ask for a run, and
read the history of runs with their reports (each problem with the dataset, the property and a
fix hint in the page's language). Works without JavaScript: forms and links only."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.permissions import Actor
from torget.catalog.organisations import all_organisations
from torget.db.engine import read, write
from torget.errors import FieldError, ValidationFailed
from torget.harvest import sources
from torget.harvest.problems import hint
from torget.harvest.types import SOURCE_TYPES
from torget.publishing.changes import remove_harvest_source
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_, pick_language
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.participation_problems import add_problems
from torget.web.pickers import organisation_options
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router"]

router = page_router()
TYPE_NAMES = {
    "dcat": N_("DCAT catalogue (RDF/XML, Turtle or JSON-LD)"),
    "ckan": N_("CKAN site (its Action API)"),
    "dataset": N_("One dataset's RDF document"),
}
SOURCE_FIELDS = (
    Field("organisation", N_("Organisation")),
    Field("type", N_("Type of source")),
    Field("url", N_("Address")),
    Field("title", N_("Name of the source")),
    Field("contact_email", N_("E-mail for reports")),
    Field("interval_hours", N_("Hours between runs")),
    Field("on_vanish", N_("When a dataset disappears from the source")),
    Field("publisher_organisations", N_("An organisation per publisher"), kind="many"),
    Field("load_datastore", N_("Datastore"), kind="many"),
)
VANISH_NAMES = {
    "delete": N_("Delete it here too"),
    "withdraw": N_("Keep it here as a draft"),
}
STATE_NAMES = {"running": N_("Running"), "done": N_("Done"), "failed": N_("Failed")}


def _last(conn: sa.Connection, source_id: str) -> sources.Run | None:
    runs = sources.runs_of(conn, source_id, 1)
    return runs[0] if runs else None


def _list_page(request: Request, actor: Actor, form: Form, status: int = 200) -> Response:
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        found = sources.list_sources(conn, actor)
        rows = [(s, _last(conn, s.id), sources.failing_streak(conn, s.id)) for s in found]
        orgs = all_organisations(conn)
    admins_of = {o.name for o in orgs.values() if actor.has_role(o.id, "admin")}
    admin_orgs = [(n, t) for n, t in organisation_options(orgs, actor, lang) if n in admins_of]
    return render(
        request,
        "harvest_sources.html",
        title=N_("Harvest sources"),
        status=status,
        form=form,
        labels=labels(SOURCE_FIELDS),
        rows=rows,
        organisations=admin_orgs,
        types=[(t, TYPE_NAMES.get(t, t)) for t in SOURCE_TYPES],
        vanish=VANISH_NAMES,
        state_names=STATE_NAMES,
        headers={"Cache-Control": "no-store"},
    )


@router.get("/publish/harvest")
def sources_page(request: Request) -> Response:
    every = str(request_site(request).settings.harvest_interval_hours)
    default = Form({"interval_hours": [every], "on_vanish": ["delete"], "type": ["dcat"]})
    return _list_page(request, signed_in(request), default)


@router.post("/publish/harvest")
def add(request: Request, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    form = Form.posted(data, SOURCE_FIELDS)
    try:
        hours = _hours(form.value("interval_hours"))
        with write(request_site(request).engine) as conn:
            source = sources.add_source(
                conn,
                actor,
                organisation=form.value("organisation"),
                type=form.value("type"),
                url=form.value("url").strip(),
                known_types=tuple(SOURCE_TYPES),
                title=form.value("title").strip() or None,
                contact_email=form.value("contact_email").strip() or None,
                interval_hours=hours,
                on_vanish=form.value("on_vanish") or "delete",
                publisher_organisations=form.has("publisher_organisations", "yes"),
                load_datastore=form.has("load_datastore", "yes"),
            )
    except ValidationFailed as exc:
        add_problems(form, exc, SOURCE_FIELDS)
        return _list_page(request, actor, form, status=422)
    flash(request, N_("The source is added. Run it now, or the worker runs it on schedule."))
    return redirect(f"/publish/harvest/{source.id}")


def _hours(value: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise ValidationFailed([FieldError("interval_hours", "a whole number of hours")])
    return int(value)


@router.get("/publish/harvest/{source_id}")
def source_page(request: Request, source_id: str) -> Response:
    actor = signed_in(request)
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        source = sources.get_source(conn, actor, source_id)
        runs = sources.runs_of(conn, source.id)
        streak = sources.failing_streak(conn, source.id)
    return render(
        request,
        "harvest_source.html",
        title=source.title,
        source=source,
        runs=runs,
        streak=streak,
        hint=lambda code: hint(code, lang),
        state_names=STATE_NAMES,
        type_name=TYPE_NAMES.get(source.type, source.type),
        vanish=VANISH_NAMES,
        can_run=actor.has_role(source.organisation_id, "admin"),
        headers={"Cache-Control": "no-store"},
    )


@router.post("/publish/harvest/{source_id}/run")
def run_now(request: Request, source_id: str, _: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    with write(request_site(request).engine) as conn:
        sources.run_soon(conn, actor, source_id)
    flash(request, N_("The run starts within a minute; reload this page to see its report."))
    return redirect(f"/publish/harvest/{source_id}")


@router.get("/publish/harvest/{source_id}/remove")
def remove_page(request: Request, source_id: str) -> Response:
    """The confirmation step: what removing the source does, and whether to keep its datasets."""
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        source = sources.get_source(conn, actor, source_id)
        actor.require(source.organisation_id, "admin", "remove this harvest source")
        count = len(sources.origins_of(conn, source.id))
    return render(
        request,
        "harvest_remove.html",
        title=N_("Remove a harvest source"),
        source=source,
        count=count,
        headers={"Cache-Control": "no-store"},
    )


@router.post("/publish/harvest/{source_id}/remove")
def remove(request: Request, source_id: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    keep = data.get("datasets") == "keep"
    with write(request_site(request).engine) as conn:
        remove_harvest_source(conn, actor, source_id, keep_datasets=keep)
    if keep:
        flash(request, N_("The source is removed; its datasets are now the organisation's own."))
    else:
        flash(request, N_("The source is removed with its datasets."))
    return redirect("/publish/harvest")
