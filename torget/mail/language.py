"""The language of an e-mail: the recipient's, never the request's.

A message is composed in the language its recipient chose (`users.language`, Swedish when
unset), because it may be sent from a request in another language, by the worker, or by an
event of somebody else's change. The texts are the interface's gettext catalogue (the same
`.po`/`.mo` files as the pages, so `scripts/translations` extracts and checks them); this
module reads the compiled files by path so that domain code need not import the web layer.
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel.support import NullTranslations, Translations

__all__ = ["MAIL_LANGUAGES", "mail_language", "translator"]

MAIL_LANGUAGES = ("sv", "en")
_CATALOGUES = Path(__file__).resolve().parent.parent / "web" / "translations"


def mail_language(stored: str | None) -> str:
    """The language to write to someone whose stored choice is `stored` (Swedish first)."""
    return stored if stored in MAIL_LANGUAGES else "sv"


@functools.cache
def translator(lang: str) -> NullTranslations:
    """Gettext for `lang`; the msgids (English) when there is no catalogue."""
    found = Translations.load(str(_CATALOGUES), [mail_language(lang)], domain="messages")
    return found if isinstance(found, Translations) else NullTranslations()
