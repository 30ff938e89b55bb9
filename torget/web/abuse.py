"""Guards of the public forms against abuse: a honeypot field and the client's address.

The honeypot is a text field hidden from people (CSS `display: none`, so also from screen
readers and the keyboard) that form-filling robots fill in; a form that comes back with it
filled is dropped with a 400 and saves nothing. Rate limits (`torget.ratelimit`) key on the
account and on `client_address`, which is the peer address uvicorn reports: behind a reverse
proxy, run uvicorn with `--proxy-headers --forwarded-allow-ips=<proxy>` so that it is the
visitor's, not the proxy's.
"""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData

from torget.errors import FieldError, ValidationFailed

__all__ = ["HONEYPOT", "check_honeypot", "client_address"]

HONEYPOT = "website"  # a name robots like to fill; templates render `_honeypot.html`


def check_honeypot(form: FormData) -> None:
    if str(form.get(HONEYPOT, "")).strip():
        raise ValidationFailed([FieldError(HONEYPOT, "this field must be left empty")])


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"
