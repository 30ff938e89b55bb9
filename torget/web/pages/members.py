"""Managing an organisation's members (admins only, as `torget.accounts.permissions` says)."""

from __future__ import annotations

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.permissions import RANK, Actor
from torget.catalog.organisations import get_organisation, list_members
from torget.db.engine import read, write
from torget.errors import NotFound, ValidationFailed
from torget.publishing.changes import remove_member, set_member
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_, localize, pick_language
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router", "ROLE_NAMES"]

router = page_router()

ROLE_NAMES = {
    "admin": N_("Administrator: manages members and publishes"),
    "editor": N_("Editor: publishes datasets"),
    "member": N_("Member: sees drafts"),
}
MEMBER_FIELDS = (Field("user", N_("User name")), Field("role", N_("Role")))


def _page(request: Request, actor: Actor, name: str, form: Form, status: int = 200) -> Response:
    lang = pick_language(request)
    with read(request_site(request).engine) as conn:
        org = get_organisation(conn, name)
        actor.require(org.id, "admin", "manage this organisation's members")
        members = list_members(conn, actor, org.name)
    title = localize(org.data.title, lang)
    assert title is not None
    return render(
        request,
        "members.html",
        title=N_("Members"),
        status=status,
        form=form,
        labels=labels(MEMBER_FIELDS),
        org=org,
        org_title=title,
        members=members,
        roles=[
            (role, ROLE_NAMES[role]) for role in sorted(RANK, key=RANK.__getitem__, reverse=True)
        ],
        role_names=ROLE_NAMES,
    )


@router.get("/publish/organisation/{name}/members")
def members_page(request: Request, name: str) -> Response:
    return _page(request, signed_in(request), name, Form({"role": ["editor"]}))


@router.post("/publish/organisation/{name}/members")
def add_member(request: Request, name: str, data: FormData = Depends(posted_form)) -> Response:
    actor = signed_in(request)
    form = Form.posted(data, MEMBER_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            member = set_member(conn, actor, name, form.value("user").strip(), form.value("role"))
    except ValidationFailed as exc:
        form.add(exc, MEMBER_FIELDS)
        return _page(request, actor, name, form, 422)
    except NotFound:
        form.ours("user", N_("There is no user with this name."))
        return _page(request, actor, name, form, 422)
    flash(
        request, N_("%(user)s now has the role %(role)s."), user=member.user_name, role=member.role
    )
    return redirect(f"/publish/organisation/{name}/members")


@router.post("/publish/organisation/{name}/members/{user}/remove")
def remove(request: Request, name: str, user: str) -> Response:
    actor = signed_in(request)
    with write(request_site(request).engine) as conn:
        remove_member(conn, actor, name, user)
    flash(request, N_("%(user)s is no longer a member."), user=user)
    return redirect(f"/publish/organisation/{name}/members")
