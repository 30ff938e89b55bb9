"""E-mail to people in their own language, composed without a request.

A letter's subject and body are gettext messages (English msgids, like the pages') translated
with the recipient's `users.language` (Swedish when unset), from the same catalogues the pages
use, so one `scripts/translations` run covers both. Letters are queued in the caller's
transaction (`torget.mail.queue_mail`) and leave only when it commits.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from babel.support import NullTranslations, Translations

from torget.catalog.model import LangText
from torget.db.schema import users
from torget.mail import queue_mail

__all__ = ["Recipient", "recipients", "translator", "send_letter", "title_in", "N_"]

_CATALOGUES = Path(__file__).resolve().parent.parent / "web" / "translations"
LANGUAGES = ("sv", "en")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated per recipient."""
    return message


@dataclass(frozen=True)
class Recipient:
    user_id: str | None
    email: str
    language: str


@functools.cache
def translator(lang: str) -> NullTranslations:
    found = Translations.load(str(_CATALOGUES), [lang], domain="messages")
    return found if isinstance(found, Translations) else NullTranslations()


def _language(value: str | None) -> str:
    return value if value in LANGUAGES else "sv"


def recipients(conn: sa.Connection, user_ids: list[str]) -> list[Recipient]:
    """The accounts with these ids (those still there), each with their mail language."""
    if not user_ids:
        return []
    rows = conn.execute(
        sa.select(users.c.id, users.c.email, users.c.language)
        .where(users.c.id.in_(sorted(set(user_ids))))
        .order_by(users.c.id)
    )
    return [Recipient(r.id, r.email, _language(r.language)) for r in rows]


def title_in(title: LangText, lang: str) -> str:
    return title.en if lang == "en" and title.en else title.sv


def send_letter(conn: sa.Connection, to: Recipient, subject: str, body: str, **args: str) -> str:
    """Queue `subject` and `body` (messages with `%(name)s` placeholders filled from `args`),
    translated into the recipient's language."""
    gettext = translator(to.language).gettext
    return queue_mail(conn, to.email, gettext(subject) % args, gettext(body) % args)
