"""JSON API for public accounts: register, verify the address, reset a forgotten password, and
the caller's own account (`/api/me`: read, change, export, delete).

Registration and the reset request answer 202 with the same body whatever happened, so they
cannot be used to find out which addresses have accounts. Everything under `/api/me` takes a
bearer token (an unverified account may have one: `POST /api/tokens` with its password).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from torget.accounts.passwords import request_password_reset, reset_password
from torget.accounts.permissions import Actor
from torget.accounts.privacy import delete_account, export_account
from torget.accounts.profiles import Profile, get_profile, update_profile
from torget.accounts.registration import (
    Registration,
    register,
    resend_verification,
    verify_email,
)
from torget.db.engine import read, write
from torget.errors import NotAuthenticated
from torget.web.abuse import client_address
from torget.web.auth import current_actor
from torget.web.request_site import request_site

__all__ = ["router", "profile_json"]

router = APIRouter(prefix="/api", tags=["accounts"])

REGISTERED = (
    "if the address can be used, a link to confirm it has been sent to it; open it to take part"
)
RESET_REQUESTED = "if an account has this address, a link to choose a new password was sent to it"


class RegistrationIn(BaseModel):
    name: str = Field(description="User name: 2-100 characters a-z, 0-9, '.', '-' or '_'.")
    email: str = Field(description="E-mail address; never shown to others.")
    password: str = Field(description="At least 10 characters.")
    fullname: str | None = Field(None, description="Name shown to others (else the user name).")
    language: Literal["sv", "en"] = Field("sv", description="Language of Torget's e-mails.")


class TokenIn(BaseModel):
    token: str = Field(description="The secret from the link in the e-mail (`?token=`).")


class ResetRequestIn(BaseModel):
    email: str


class ResetIn(BaseModel):
    token: str = Field(description="The secret from the reset link (`?token=`).")
    password: str = Field(description="The new password, at least 10 characters.")


class ProfileIn(BaseModel):
    fullname: str | None = Field(None, description="Name shown to others; empty: user name.")
    language: Literal["sv", "en"] = Field("sv", description="Language of Torget's e-mails.")


class PasswordIn(BaseModel):
    password: str = Field(description="The account's password, asked again to delete it.")


def profile_json(profile: Profile) -> dict[str, Any]:
    user = profile.user
    return {
        "id": user.id,
        "name": user.name,
        "display_name": profile.display_name,
        "fullname": user.fullname,
        "email": user.email,
        "email_verified": user.email_verified,
        "email_verified_at": (
            profile.email_verified_at.isoformat() if profile.email_verified_at else None
        ),
        "language": profile.language,
        "sysadmin": user.sysadmin,
        "created_at": profile.created_at.isoformat(),
        "memberships": [
            {"organisation": m.organisation, "role": m.role} for m in profile.memberships
        ],
    }


def _user_id(actor: Actor) -> str:
    if actor.user is None:
        raise NotAuthenticated("send an API token as 'Authorization: Bearer <token>'")
    return actor.user.id


@router.post("/register", status_code=202, summary="Register an account (e-mail verification)")
def post_register(request: Request, body: RegistrationIn) -> dict[str, str]:
    reg = Registration(body.name, body.email, body.password, body.fullname, body.language)
    with write(request_site(request).engine) as conn:
        register(conn, request_site(request).settings, reg, client_address(request))
    return {"message": REGISTERED}


@router.post("/verify", summary="Confirm an e-mail address with the mailed link's token")
def post_verify(request: Request, body: TokenIn) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        user = verify_email(conn, body.token)
    return {"name": user.name, "email_verified": True}


@router.post("/verify/resend", status_code=202, summary="Mail a new verification link")
def post_resend(request: Request, actor: Actor = Depends(current_actor)) -> dict[str, str]:
    with write(request_site(request).engine) as conn:
        resend_verification(
            conn, request_site(request).settings, _user_id(actor), client_address(request)
        )
    return {"message": "a new link to confirm your address has been sent"}


@router.post("/password-reset", status_code=202, summary="Ask for a password-reset link")
def post_reset_request(request: Request, body: ResetRequestIn) -> dict[str, str]:
    with write(request_site(request).engine) as conn:
        request_password_reset(
            conn, request_site(request).settings, body.email, client_address(request)
        )
    return {"message": RESET_REQUESTED}


@router.post("/password-reset/confirm", summary="Choose a new password with the link's token")
def post_reset(request: Request, body: ResetIn) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        user = reset_password(conn, body.token, body.password)
    return {"name": user.name, "password_changed": True}


@router.get("/me", summary="Your account")
def get_me(request: Request, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        return profile_json(get_profile(conn, _user_id(actor)))


@router.patch("/me", summary="Change your display name and the language of e-mails")
def patch_me(
    request: Request, body: ProfileIn, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        profile = update_profile(
            conn, _user_id(actor), fullname=body.fullname, language=body.language
        )
    return profile_json(profile)


@router.get("/me/export", summary="Everything Torget holds about you, as one JSON document")
def get_export(request: Request, actor: Actor = Depends(current_actor)) -> JSONResponse:
    with read(request_site(request).engine) as conn:
        document = export_account(conn, _user_id(actor))
    return JSONResponse(document, headers={"Cache-Control": "no-store"})


@router.delete("/me", status_code=204, summary="Delete your account (password asked again)")
def delete_me(
    request: Request, body: PasswordIn, actor: Actor = Depends(current_actor)
) -> Response:
    with write(request_site(request).engine) as conn:
        delete_account(conn, _user_id(actor), body.password)
    return Response(status_code=204)
