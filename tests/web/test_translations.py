"""Every interface message has a Swedish and an English translation, and the compiled .mo
files that Torget loads say the same as the .po files they come from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
TRANSLATIONS = ROOT / "torget" / "web" / "translations"
METHODS = [
    ("torget/**.py", "python"),
    ("torget/web/templates/**.html", "jinja2"),
]
OPTIONS = {"torget/web/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _source_messages() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for _, _, message, _, _ in extract_from_dir(
        ROOT, METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _key(value: object) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_message_is_translated(lang: str) -> None:
    catalog = _catalog(lang)
    translated = {}
    for message in catalog:
        if message.id:
            key = message.id if isinstance(message.id, str) else tuple(message.id)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            translated[key] = all(strings) and not message.fuzzy
    missing = [m for m in _source_messages() if m not in translated]
    assert missing == [], f"run scripts/translations; not in {lang}/messages.po: {missing}"
    empty = [m for m, ok in translated.items() if not ok]
    assert empty == [], f"untranslated in {lang}/messages.po: {empty}"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_compiled_catalogue_matches_the_po_file(lang: str) -> None:
    def pairs(catalog):  # type: ignore[no-untyped-def]
        return {_key(m.id): _key(m.string) for m in catalog if m.id}

    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = pairs(read_mo(handle))
    source = pairs(_catalog(lang))
    assert compiled == source, "run scripts/translations to compile the .mo files"


def test_swedish_is_not_just_english() -> None:
    catalog = _catalog("sv")
    same = [m.id for m in catalog if m.id and m.string == m.id]
    assert len(same) < 15, same  # "Format", "Status", "Data", … are the same in both


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_translations_keep_the_placeholders(lang: str) -> None:
    """A translation that drops or renames `%(value)s` shows the wrong text or fails when the
    page fills it in; a plural form may leave out the number its singular does not need."""
    wrong = []
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = {name for msgid in ids for name in _PLACEHOLDER.findall(msgid)}
        for text in strings:
            found = set(_PLACEHOLDER.findall(text))
            if not found <= wanted or (len(ids) == 1 and found != wanted):
                wrong.append((message.id, text))
    assert wrong == [], wrong
