"""Server-rendered HTML: one Jinja2 environment per language, and `render()` for pages.

Templates live in `templates/` (fragments are `_name.html`) and are autoescaped, so text from
metadata, forms and URLs is always shown as text. Each language has its own environment with
its gettext catalogue installed (Jinja's i18n extension, new-style: `_("Hello %(name)s",
name=x)` escapes its arguments), so templates never pass a language around; the helpers below
are bound to the environment's language for the same reason.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal, get_group_symbol
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from torget import __version__
from torget.catalog.model import LangText
from torget.catalog.vocabularies import file_types, vocabulary
from torget.datastore.notes import stored_note
from torget.dcat.feed import catalogue_publisher
from torget.errors import NotFound
from torget.web.catalogue_kept import organisations
from torget.web.forms import Problem, problem_text
from torget.web.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGES,
    Text,
    localize,
    pick_language,
    requested_language,
    translations,
)
from torget.web.load_notes import failure_text, note_text
from torget.web.request_site import request_site
from torget.web.sessions import csrf_token, page_actor

__all__ = [
    "Alternate",
    "SECURITY_HEADERS",
    "render",
    "page_html",
    "fragment_html",
    "form_token",
    "html_response",
    "environment",
    "flash",
    "format_number",
    "format_size",
]

TEMPLATES = Path(__file__).parent / "templates"
_LOCALES = {"sv": "sv_SE", "en": "en_GB"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Vary": "Accept, Accept-Language, Cookie",
}


@dataclass(frozen=True)
class Alternate:
    """A machine twin of a page, linked with `<link rel="alternate">`."""

    type: str
    href: str
    title: str


@functools.cache
def _group_symbol(lang: str) -> str:
    return str(get_group_symbol(_LOCALES[lang]))


def format_number(value: float, lang: str) -> str:
    """A count as the language writes it: `12 345` (a no-break space) in Swedish, `12,345` in
    English. Whole numbers, which the statistics show by the hundred, skip Babel's general
    formatting (40 µs a number: half of a statistics page's 14 ms) for Python's own
    grouping with the locale's separator, which gives the same text."""
    if type(value) is int:
        return f"{value:,}".replace(",", _group_symbol(lang))
    return str(format_decimal(value, locale=_LOCALES[lang]))


def format_size(size: int | None, lang: str) -> str:
    """Bytes in words people read: `2,4 MB` in Swedish, `2.4 MB` in English (SI units)."""
    if size is None:
        return ""
    value, unit = float(size), "B"
    for next_unit in ("kB", "MB", "GB", "TB"):
        if value < 1000:
            break
        value, unit = value / 1000, next_unit
    pattern = "#,##0" if unit == "B" else "#,##0.#"
    return f"{format_decimal(value, pattern, locale=_LOCALES[lang])}\u00a0{unit}"


@functools.lru_cache(maxsize=4096)
def _long_date(day: dt.date, locale: str) -> str:
    """A date in words (`7 december 2026`): Babel takes 70 µs for it, and a list of twenty
    datasets asks for a few days many times over."""
    return str(format_date(day, "long", locale=locale))


def _helpers(lang: str) -> dict[str, Any]:
    locale = _LOCALES[lang]

    def loc(value: LangText | None) -> Text | None:
        return localize(value, lang)

    def lang_attr(value: Text | str | None, tag_lang: str | None = None) -> Markup:
        other = value.lang if isinstance(value, Text) else tag_lang
        return Markup(' lang="{}"').format(other) if other and other != lang else Markup("")

    def label(vocab: str, iri: str | None) -> str:
        if not iri:
            return ""
        concept = vocabulary(vocab).lookup(iri)
        return concept.label(lang) if concept is not None else iri

    def code(vocab: str, iri: str) -> str:
        concept = vocabulary(vocab).lookup(iri)
        return concept.code if concept is not None else iri

    def format_name(iri: str | None) -> str:
        if not iri:
            return ""
        found = file_types().lookup(iri)
        return found.code.replace("_", " ") if found is not None else iri

    def format_names(distributions: Sequence[Any]) -> list[str]:
        """The distributions' formats by name, each once (ignoring case, first kept)."""
        names: dict[str, str] = {}
        for d in distributions:
            name = format_name(d.data.format)
            names.setdefault(name.lower(), name)
        return list(names.values())

    def date(value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        return _long_date(value.date() if isinstance(value, dt.datetime) else value, locale)

    def datetime(value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value, "d MMMM y HH:mm", tzinfo=dt.UTC, locale=locale)

    def duration(value: dt.timedelta) -> str:
        """A time span in words, rounded as people say it: "3 days", "2 months"."""
        return format_timedelta(value, threshold=1.5, locale=locale)

    def paragraphs(value: Text | str | None) -> Markup:
        text = str(value or "").replace("\r\n", "\n")
        parts = [p.strip() for p in text.split("\n\n") if p.strip()]
        return Markup("").join(
            Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in p.split("\n")))
            for p in parts
        )

    def problem(value: Problem) -> Text:
        return problem_text(value, translations(lang).gettext, lang)

    return {
        "loc": loc,
        "problem": problem,
        "lang_attr": lang_attr,
        "label": label,
        "code": code,
        "format_name": format_name,
        "format_names": format_names,
        "date": date,
        "datetime": datetime,
        "paragraphs": paragraphs,
        "duration": duration,
        "filesize": lambda size: format_size(size, lang),
        "number": lambda n: format_number(n, lang),
        "load_note": lambda value: note_text(stored_note(value), lang),
        "load_failure": lambda failure: failure_text(failure, lang),
        "static": lambda name: f"/static/{name}?v={__version__}",
    }


@functools.cache
def environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # no stat() of every template on every page: restart to see edits
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    helpers = _helpers(lang)
    env.globals.update(helpers)
    env.filters.update(helpers)
    env.globals["page_lang"] = lang
    return env


class _FormToken:
    """The session's CSRF token, made only when a template writes a form: a page without a
    form sets no cookie, so reading the catalogue leaves nothing in the browser."""

    def __init__(self, request: Request):
        self._request = request

    def __str__(self) -> str:
        return csrf_token(self._request)

    def __html__(self) -> str:
        return str(escape(str(self)))


def flash(request: Request, message: str, **args: str) -> None:
    """A message for the next page shown to this session (after a redirect)."""
    queued = list(request.session.get("flash", []))
    queued.append({"message": message, "args": args})
    request.session["flash"] = queued


def _site_owner(request: Request) -> LangText | None:
    """The catalogue publisher's name in every page's footer, from the organisations the
    pages keep (`catalogue_kept`), not read again on every page."""
    site = request_site(request)
    try:
        return catalogue_publisher(site.settings, organisations(site)).data.title
    except NotFound:
        return None


def _switch_url(request: Request, lang: str) -> str:
    url = request.url.include_query_params(lang=lang)
    return url.path + "?" + url.query


def page_html(
    request: Request,
    template: str,
    *,
    title: str | Text,
    alternates: Sequence[Alternate] = (),
    csrf: object = None,
    **context: Any,
) -> str:
    """The page `template` in the request's language, with the shared layout's context.

    `title` is a message to translate, or metadata (a `Text`) to show as it is; `csrf` stands
    in for the reader's form token (a page kept for many readers puts a slot there).
    """
    lang = pick_language(request)
    settings = request_site(request).settings
    actor = page_actor(request)
    flashes = request.session.pop("flash", []) if "flash" in request.session else []
    owner = _site_owner(request)
    return (
        environment(lang)
        .get_template(template)
        .render(
            request=request,
            title=title.text if isinstance(title, Text) else translations(lang).gettext(title),
            alternates=alternates,
            user=actor.user,
            actor=actor,
            csrf_token=_FormToken(request) if csrf is None else csrf,
            flashes=flashes,
            site_title=settings.catalog_title_en if lang == "en" else settings.catalog_title_sv,
            site_owner=localize(owner, lang),
            other_languages=[
                (code, _switch_url(request, code)) for code in LANGUAGES if code != lang
            ],
            base=settings.public_base,
            **context,
        )
    )


def fragment_html(request: Request, template: str, **context: Any) -> Markup:
    """A part of a page (`_name.html`) in the request's language, with the reader's own
    context (their account, their form token): what a kept page's slots are filled with."""
    actor = page_actor(request)
    return Markup(
        environment(pick_language(request))
        .get_template(template)
        .render(
            request=request, user=actor.user, actor=actor, csrf_token=_FormToken(request), **context
        )  # fmt: skip
    )


def form_token(request: Request) -> str:
    return str(_FormToken(request))


def html_response(
    request: Request, body: str, *, status: int = 200, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """A page's answer: the security headers, its language, and the language cookie when the
    reader chose one."""
    settings = request_site(request).settings
    response = HTMLResponse(
        body, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})}
    )
    response.headers["Content-Language"] = pick_language(request)
    chosen = requested_language(request)
    if chosen is not None:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=settings.public_base.startswith("https://"),
        )
    return response


def render(
    request: Request,
    template: str,
    *,
    title: str | Text,
    status: int = 200,
    alternates: Sequence[Alternate] = (),
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The page `template` in the request's language, with the shared layout's context.

    `title` is a message to translate, or metadata (a `Text`) to show as it is.
    """
    body = page_html(request, template, title=title, alternates=alternates, **context)
    return html_response(request, body, status=status, headers=headers)
