"""Showcase pages: the gallery `/showcases`, one showcase, the submission form (with an image
upload), the image itself, and the editors' approve and reject forms."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from starlette.datastructures import FormData, UploadFile

from torget.accounts.permissions import ANONYMOUS
from torget.catalog.datasets import list_datasets
from torget.db.engine import read, write
from torget.errors import NotFound, ValidationFailed
from torget.files.serving import SANDBOX
from torget.participation import showcases as store
from torget.web.abuse import check_honeypot, client_address
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.participation_problems import add_problems
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import page_actor, posted_form

__all__ = ["router", "KIND_LABELS"]


def _may_submit(request: Request) -> None:
    """Before the form (and its image) is read: a verified account, or nothing is read."""
    signed_in(request).require_verified("submit showcases")


_pages = page_router()
_submissions = page_router(_may_submit)
KIND_LABELS = {
    "app": N_("App"),
    "visualisation": N_("Visualisation"),
    "article": N_("Article"),
}
SHOWCASE_FIELDS = (
    Field("title", N_("Title")),
    Field("description", N_("Description")),
    Field("url", N_("Link"), hint=N_("Where people find it, starting with https://")),
    Field("kind", N_("Kind")),
    Field("datasets", N_("Datasets it uses"), kind="many"),
    Field("image", N_("Image (optional)")),
)
REJECT_FIELDS = (Field("reason", N_("Why is it not approved?")),)


@_pages.get("/showcases")
def gallery(request: Request) -> Response:
    actor = page_actor(request)
    kind = request.query_params.get("kind")
    with read(request_site(request).engine) as conn:
        found = store.list_showcases(conn, kind=kind if kind in store.KINDS else None)
        pending = store.reviewable_showcases(conn, actor)
    return render(
        request, "showcases.html", title=N_("Made with the data"), showcases=found,
        pending=pending, kinds=KIND_LABELS, kind=kind,
    )  # fmt: skip


def _form_page(request: Request, form: Form, status: int = 200) -> Response:
    with read(request_site(request).engine) as conn:
        _, published = list_datasets(conn, ANONYMOUS, state="published", limit=1000)
    settings = request_site(request).settings
    return render(
        request, "showcase_form.html", title=N_("Show what you made"), status=status, form=form,
        labels=labels(SHOWCASE_FIELDS), kinds=KIND_LABELS,
        datasets=sorted(published, key=lambda d: d.data.title.sv.lower()),
        image_limit=settings.showcase_image_max_bytes,
    )  # fmt: skip


@_pages.get("/showcases/new")
def new(request: Request) -> Response:
    signed_in(request)
    chosen = request.query_params.getlist("dataset")
    return _form_page(request, Form({"datasets": chosen}))


def _image(data: FormData, limit: int) -> bytes | None:
    upload = data.get("image")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return upload.file.read(limit + 1)  # one byte more tells "too large"


@_submissions.post("/showcases/new")
def submit(request: Request, data: FormData = Depends(posted_form)) -> Response:
    check_honeypot(data)
    actor = signed_in(request)
    form = Form.posted(data, SHOWCASE_FIELDS)
    image = _image(data, request_site(request).settings.showcase_image_max_bytes)
    entry = store.ShowcaseIn(
        form.value("title"), form.value("description"), form.value("url"), form.value("kind"),
        list(form.values.get("datasets", [])),
    )  # fmt: skip
    try:
        with write(request_site(request).engine) as conn:
            showcase = store.submit_showcase(
                conn, actor, request_site(request).files, entry, image,
                address=client_address(request),
            )  # fmt: skip
    except ValidationFailed as exc:
        add_problems(form, exc, SHOWCASE_FIELDS)
        return _form_page(request, form, 422)
    flash(request, N_("Thank you! The publisher reviews your showcase before it is shown."))
    return redirect(f"/showcases/{showcase.id}")


def _page(
    request: Request, showcase_id: str, form: Form | None = None, status: int = 200
) -> Response:
    actor = page_actor(request)
    with read(request_site(request).engine) as conn:
        showcase = store.get_showcase(conn, actor, showcase_id)
    return render(
        request, "showcase.html", title=showcase.title, status=status, showcase=showcase,
        kinds=KIND_LABELS, can_review=store.can_review(actor, showcase), form=form or Form(),
        labels=labels(REJECT_FIELDS),
    )  # fmt: skip


@_pages.get("/showcases/{showcase_id}")
def showcase_page(request: Request, showcase_id: str) -> Response:
    return _page(request, showcase_id)


@_pages.get("/showcases/{showcase_id}/image")
def image(request: Request, showcase_id: str) -> Response:
    with read(request_site(request).engine) as conn:
        showcase = store.get_showcase(conn, page_actor(request), showcase_id)
    if showcase.image_key is None:
        raise NotFound("this showcase has no image")
    media = store.IMAGE_TYPES[showcase.image_key.rsplit(".", 1)[-1]]
    public = showcase.status == "approved"  # others only for their author and reviewers
    headers = {
        "Cache-Control": "public, max-age=3600" if public else "private, no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": SANDBOX,
    }
    return StreamingResponse(
        _chunks(request, showcase.image_key), media_type=media, headers=headers
    )


def _chunks(request: Request, key: str) -> Iterator[bytes]:
    with request_site(request).files.open(key) as handle:
        yield from iter(lambda: handle.read(1 << 16), b"")


@_pages.post("/showcases/{showcase_id}/approve")
def approve(request: Request, showcase_id: str) -> Response:
    actor = signed_in(request)
    with write(request_site(request).engine) as conn:
        store.approve_showcase(conn, actor, showcase_id)
    flash(request, N_("The showcase is approved and shown with the data it uses."))
    return redirect(f"/showcases/{showcase_id}")


@_pages.post("/showcases/{showcase_id}/reject")
def reject(request: Request, showcase_id: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    form = Form.posted(data, REJECT_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            store.reject_showcase(conn, actor, showcase_id, form.value("reason"))
    except ValidationFailed as exc:
        add_problems(form, exc, REJECT_FIELDS)
        return _page(request, showcase_id, form, 422)
    flash(request, N_("The showcase is rejected; its author is told why."))
    return redirect(f"/showcases/{showcase_id}")


router = APIRouter()
router.include_router(_submissions)  # its own router: the account is checked before the form
router.include_router(_pages)
