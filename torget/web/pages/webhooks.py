"""An organisation's webhooks for its administrators: register (the secret is shown once, on
that page only), list, remove, and each webhook's delivery log."""

from __future__ import annotations

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.permissions import Actor
from torget.catalog.organisations import get_organisation
from torget.db.engine import read, write
from torget.errors import ValidationFailed
from torget.participation import webhooks as store
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_, localize, pick_language
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.participation_problems import add_problems
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router", "EVENT_NAMES"]

router = page_router()
EVENT_NAMES = {
    "dataset.published": N_("A dataset is published"),
    "dataset.updated": N_("A published dataset is updated"),
    "dataset.withdrawn": N_("A dataset is withdrawn (unpublished or deleted)"),
    "suggestion.status_changed": N_("A suggestion changes status"),
}
WEBHOOK_FIELDS = (
    Field("url", N_("Address of the receiver"), hint=N_("An https:// address that accepts POST")),
    Field("events", N_("Send when"), kind="many"),
)


def _page(
    request: Request, actor: Actor, name: str, form: Form, secret: str | None = None,
    status: int = 200,
) -> Response:  # fmt: skip
    with read(request_site(request).engine) as conn:
        org = get_organisation(conn, name)
        hooks = store.list_webhooks(conn, actor, org.name)
    title = localize(org.data.title, pick_language(request))
    assert title is not None
    return render(
        request, "webhooks.html", title=N_("Webhooks"), status=status, form=form,
        labels=labels(WEBHOOK_FIELDS), org=org, org_title=title, webhooks=hooks, secret=secret,
        events=[(code, EVENT_NAMES[code]) for code in store.WEBHOOK_EVENTS],
        event_names=EVENT_NAMES, headers={"Cache-Control": "no-store"},
    )  # fmt: skip


@router.get("/publish/organisation/{name}/webhooks")
def webhooks_page(request: Request, name: str) -> Response:
    return _page(request, signed_in(request), name, Form({"events": list(store.WEBHOOK_EVENTS)}))


@router.post("/publish/organisation/{name}/webhooks")
def create(request: Request, name: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    form = Form.posted(data, WEBHOOK_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            _, secret = store.create_webhook(
                conn, actor, name, form.value("url"), form.values.get("events", [])
            )
    except ValidationFailed as exc:
        add_problems(form, exc, WEBHOOK_FIELDS)
        return _page(request, actor, name, form, status=422)
    return _page(request, actor, name, Form({"events": list(store.WEBHOOK_EVENTS)}), secret)


@router.get("/publish/webhooks/{webhook_id}")
def deliveries_page(request: Request, webhook_id: str) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        hook = store.get_webhook(conn, actor, webhook_id)
        org = get_organisation(conn, hook.organisation_id)
        deliveries = store.list_deliveries(conn, actor, webhook_id)
    title = localize(org.data.title, pick_language(request))
    return render(
        request, "webhook.html", title=N_("Delivery log"), webhook=hook, org=org,
        org_title=title, deliveries=deliveries, event_names=EVENT_NAMES,
    )  # fmt: skip


@router.post("/publish/webhooks/{webhook_id}/delete")
def delete(request: Request, webhook_id: str) -> Response:
    actor = signed_in(request)
    with write(request_site(request).engine) as conn:
        hook = store.get_webhook(conn, actor, webhook_id)
        org = get_organisation(conn, hook.organisation_id)
        store.delete_webhook(conn, actor, webhook_id)
    flash(request, N_("The webhook is removed."))
    return redirect(f"/publish/organisation/{org.name}/webhooks")
