"""The e-mails about an account: confirm the address, choose a new password, and the notice
sent when someone registers with an address that already has an account.

Each is written in the recipient's language (`torget.mail.language`) and queued in the
caller's transaction, so a refused or rolled-back change sends nothing. Links are absolute,
under `base_url`, because they are opened from a mail program.
"""

from __future__ import annotations

from urllib.parse import quote

import sqlalchemy as sa

from torget.mail import queue_mail
from torget.mail.language import translator
from torget.settings import Settings

__all__ = ["send_verification", "send_already_registered", "send_password_reset"]


def _site(settings: Settings, lang: str) -> str:
    return settings.catalog_title_en if lang == "en" else settings.catalog_title_sv


def _link(settings: Settings, path: str, secret: str) -> str:
    return f"{settings.public_base}{path}?token={quote(secret)}"


def send_verification(
    conn: sa.Connection, settings: Settings, to: str, lang: str, account: str, secret: str
) -> None:
    t = translator(lang)
    site = _site(settings, lang)
    subject = t.gettext("Confirm your e-mail address for %(site)s") % {"site": site}
    body = t.gettext(
        "Hello,\n\nthe account %(account)s was registered at %(site)s with this e-mail "
        "address. Open this link to confirm that the address is yours:\n\n%(link)s\n\n"
        "The link works once, for %(hours)s hours. If you did not register, ignore this "
        "message: the account cannot take part until the address is confirmed.\n\n"
        "%(site)s\n%(address)s"
    ) % {
        "account": account,
        "site": site,
        "address": settings.public_base,
        "link": _link(settings, "/verify", secret),
        "hours": settings.verification_link_hours,
    }
    queue_mail(conn, to, subject, body)


def send_already_registered(
    conn: sa.Connection, settings: Settings, to: str, lang: str, account: str
) -> None:
    t = translator(lang)
    site = _site(settings, lang)
    subject = t.gettext("You already have an account at %(site)s") % {"site": site}
    body = t.gettext(
        "Hello,\n\nsomeone tried to register a new account at %(site)s with this e-mail "
        "address, which already belongs to the account %(account)s. If it was you, log in "
        "here:\n\n%(login)s\n\nForgot the password? Choose a new one here:\n\n%(forgot)s\n\n"
        "If it was not you, ignore this message: nothing has changed.\n\n%(site)s\n%(address)s"
    ) % {
        "account": account,
        "site": site,
        "address": settings.public_base,
        "login": f"{settings.public_base}/login",
        "forgot": f"{settings.public_base}/password/forgot",
    }
    queue_mail(conn, to, subject, body)


def send_password_reset(
    conn: sa.Connection, settings: Settings, to: str, lang: str, account: str, secret: str
) -> None:
    t = translator(lang)
    site = _site(settings, lang)
    subject = t.gettext("Choose a new password for %(site)s") % {"site": site}
    body = t.gettext(
        "Hello,\n\nsomeone asked to choose a new password for the account %(account)s at "
        "%(site)s. Open this link to choose one:\n\n%(link)s\n\nThe link works once, for "
        "%(minutes)s minutes. If you did not ask, ignore this message: your password stays "
        "as it is.\n\n%(site)s\n%(address)s"
    ) % {
        "account": account,
        "site": site,
        "address": settings.public_base,
        "link": _link(settings, "/password/reset", secret),
        "minutes": settings.password_reset_link_minutes,
    }
    queue_mail(conn, to, subject, body)
