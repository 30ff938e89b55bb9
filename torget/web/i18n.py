"""Languages of the pages: Swedish first, English on request, remembered in a cookie.

The page language is, in order: `?lang=` on the request, the `torget_lang` cookie that an
earlier `?lang=` set, the browser's `Accept-Language`, and Swedish. Interface strings are
gettext messages (English msgids) from `translations/{sv,en}/LC_MESSAGES/messages.mo`, compiled
from the `.po` files by `scripts/translations`. Metadata is bilingual in the model (`LangText`):
it is shown in the page language when there is a translation and in Swedish otherwise, and
`Text.lang` tells the template to mark such a fallback with a `lang` attribute.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from babel.support import Translations
from starlette.requests import Request

from torget.catalog.model import LangText
from torget.web.negotiation import weighted

__all__ = [
    "LANGUAGES",
    "DEFAULT_LANGUAGE",
    "LANGUAGE_COOKIE",
    "Text",
    "translations",
    "pick_language",
    "requested_language",
    "localize",
    "N_",
]

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LANGUAGE_COOKIE = "torget_lang"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Text:
    """A piece of metadata in one language; `lang` is the language it is really in."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


@functools.cache
def translations(lang: str) -> Translations:
    found = Translations.load(str(TRANSLATIONS_DIR), [lang], domain="messages")
    if not isinstance(found, Translations):  # no catalogue: the msgids (English) are shown
        return Translations()
    return found


def requested_language(request: Request) -> str | None:
    """The language asked for with `?lang=`, if it is one Torget speaks."""
    value = request.query_params.get("lang", "").lower()
    return value if value in LANGUAGES else None


def _from_accept_language(header: str) -> str | None:
    best, best_q = None, 0.0
    for tag, q in weighted(header):
        primary = tag.split("-", 1)[0].lower()
        if primary == "nb" or primary == "nn" or primary == "no" or primary == "da":
            primary = "sv"  # Scandinavian readers are better served by Swedish than English
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def pick_language(request: Request) -> str:
    cookie = request.cookies.get(LANGUAGE_COOKIE, "")
    return (
        requested_language(request)
        or (cookie if cookie in LANGUAGES else None)
        or _from_accept_language(request.headers.get("accept-language", ""))
        or DEFAULT_LANGUAGE
    )


def localize(value: LangText | None, lang: str) -> Text | None:
    """The text in `lang`, falling back to Swedish (always present)."""
    if value is None:
        return None
    if lang == "en" and value.en:
        return Text(value.en, "en")
    return Text(value.sv, "sv")
