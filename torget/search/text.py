"""Words, stems and sort keys: the pure text rules both search backends share.

PostgreSQL stems with its own Snowball dictionaries (`to_tsvector('swedish', …)`); SQLite has
no Swedish stemmer, so Torget stems for FTS5 itself with the same Snowball algorithms
(`snowballstemmer` 2.2, the Snowball release PostgreSQL 15 ships) and PostgreSQL's own
stop-word lists (`stopwords/`, copied from PostgreSQL's `tsearch_data`, Snowball's BSD
licence). To make the two agree exactly, the text is split into words here, once, for both:
the index stores lower-case words separated by single spaces, which PostgreSQL's parser splits
exactly as we did. Its rules, mirrored below:

* a word of letters is dropped when it is a stop word of the language, else stemmed;
* a word with a digit (`e6`, `2024`, `abc123`) is kept as it is (PostgreSQL's `simple`
  dictionary for numbers and number-words).

Since issue 18 both backends index the same *terms*: a word's stem, then folded to plain
letters (`fold`: å, ä → a, ö → o, é → e), so that `Goteborg` finds "Göteborg" and `harryda`
"Härryda" while the stemmer still sees the Swedish word (it strips Swedish suffixes, some of
which hold å, ä or ö). PostgreSQL indexes the terms with its 'simple' configuration, which
only splits them on spaces; FTS5 likewise. The stemming happens here, once.

A query word matches a text when its Swedish or its English form does: the two languages'
stems are indexed together; a query's stop words (of either language) are left out. A long
query word also matches longer terms that start with its stem (see `_form`), so that
`badplats` finds "Badplatser" and `badplatser` "Badplats", and `parkering` finds
"Parkeringsplatser" (Swedish compounds). The query's last word is also a prefix of what it
may become as people type (`badpl` → "badplatser", `luft` → "luftkvalitet").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

import snowballstemmer

__all__ = [
    "words",
    "lexemes",
    "QueryWord",
    "Form",
    "query_words",
    "sort_key",
    "MAX_QUERY_WORDS",
    "PREFIX_MIN",
    "fold",
    "terms",
    "roots",
    "plain_words",
]

MAX_WORD = 100  # longer "words" are noise (hashes, base64) and PostgreSQL refuses > 2047 bytes
MAX_QUERY_WORDS = 16
PREFIX_MIN = 5
TYPING_MIN = 3  # the last word, as typed, is a prefix from this many letters on
MAX_SORT_KEY = 500

_TOKEN = re.compile(r"[^\W_]+")

Language = str  # "sv" or "en"
_SNOWBALL = {"sv": "swedish", "en": "english"}


@functools.cache
def _stop_words(lang: Language) -> frozenset[str]:
    text = resources.files("torget.search").joinpath("stopwords", f"{_SNOWBALL[lang]}.txt")
    return frozenset(w.strip() for w in text.read_text(encoding="utf-8").split() if w.strip())


@functools.cache
def _stemmer(lang: Language) -> snowballstemmer.BaseStemmer:
    return snowballstemmer.stemmer(_SNOWBALL[lang])


@functools.lru_cache(maxsize=200_000)
def _stem(lang: Language, word: str) -> str:
    return str(_stemmer(lang).stemWord(word))


def _split(token: str) -> list[str]:
    """A token of letters and ASCII digits is one word; anything else in it separates."""
    if all(c.isalpha() or "0" <= c <= "9" for c in token):
        return [token]
    return "".join(c if c.isalpha() or "0" <= c <= "9" else " " for c in token).split()


def words(text: str | None) -> list[str]:
    """The words of a text, lower case, in order: what both backends index and query."""
    if not text:
        return []
    found: list[str] = []
    for token in _TOKEN.findall(unicodedata.normalize("NFC", text).lower()):
        found.extend(w for w in _split(token) if len(w) <= MAX_WORD)
    return found


def _is_plain(word: str) -> bool:
    return word.isalpha()


def lexeme(lang: Language, word: str) -> str | None:
    """What PostgreSQL's configuration for `lang` indexes for a word; None for a stop word."""
    if not _is_plain(word):
        return word
    if word in _stop_words(lang):
        return None
    return _stem(lang, word)


def lexemes(lang: Language, text_words: list[str]) -> list[str]:
    return [x for x in (lexeme(lang, w) for w in text_words) if x is not None]


_FOLDED = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "ı": "i"})


@functools.lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """The word without diacritics: what people type without å, ä, ö (phones, URLs)."""
    plain = unicodedata.normalize("NFKD", word.translate(_FOLDED))
    return "".join(c for c in plain if not unicodedata.combining(c))


def terms(lang: Language, text_words: list[str]) -> list[str]:
    """The indexed terms of a text's words in one language: stems, folded, in order."""
    return [fold(x) for x in lexemes(lang, text_words)]


def _root(lang: Language, word: str, stem: str) -> str:
    again = lexeme(lang, stem) if _is_plain(word) else None
    return fold(again or stem)


def roots(lang: Language, text_words: list[str]) -> list[str]:
    """The words stemmed twice and folded (`badplatser`, `badplats` → `badplat`): what a
    title and a query are compared by, so that an inflected query still equals a title."""
    return [_root(lang, w, x) for w in text_words if (x := lexeme(lang, w)) is not None]


def plain_words(lang: Language, text_words: list[str]) -> list[str]:
    """The words as written, folded, without stop words: a title taken literally."""
    return [fold(w) for w in text_words if lexeme(lang, w) is not None]


@dataclass(frozen=True)
class Form:
    """How a query word is looked for among the indexed terms."""

    lexeme: str
    prefix: bool  # also matches longer terms starting with it


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: it matches a text containing any of its forms. `sv` and `en` are
    its stems (what an exact title or a phrase is compared with); `more` are the prefix of the
    word as typed and, for a word found nowhere, the indexed terms one typo away."""

    word: str
    sv: Form
    en: Form
    roots: tuple[str, str]  # Swedish and English roots of the word itself (see `roots`)
    more: tuple[Form, ...] = ()

    def forms(self) -> list[Form]:
        """The distinct patterns, without one that a prefix among them already covers."""
        found = list(dict.fromkeys([self.sv, self.en, *self.more]))
        prefixes = [f.lexeme for f in found if f.prefix]
        return [
            f for f in found
            if not any(f.lexeme.startswith(p) and (f.lexeme != p or not f.prefix) for p in prefixes)
        ]  # fmt: skip

    def also(self, *more: Form) -> QueryWord:
        return QueryWord(self.word, self.sv, self.en, self.roots, self.more + more)


def _form(lang: Language, word: str, stem: str) -> Form:
    """Exact stem, or for a long plain word the prefix of its stem stemmed once more.

    Stemming twice peels one more suffix: `badplatser` → `badplats` → `badplat`, a prefix of
    both "Badplats" and "Badplatser", which Snowball alone keeps apart."""
    if _is_plain(word):
        again = lexeme(lang, stem)
        if again is not None and len(again) >= PREFIX_MIN:
            return Form(fold(again), True)
    return Form(fold(stem), False)


def query_words(text: str) -> list[QueryWord]:
    """The searchable words of a query, any syntax in it read as plain words.

    A stop word of either language is left out: every query word must match, and a Swedish
    "och" or an English "the" would otherwise have to appear in the other language's text. A
    query of stop words only is no text at all. Repeated words count once; at most
    MAX_QUERY_WORDS are used. The last word is also a prefix of longer words (people type).
    """
    out: list[QueryWord] = []
    for word in dict.fromkeys(words(text)):
        sv, en = lexeme("sv", word), lexeme("en", word)
        if sv is None or en is None:
            continue
        forms = _form("sv", word, sv), _form("en", word, en)
        out.append(QueryWord(word, *forms, (_root("sv", word, sv), _root("en", word, en))))
        if len(out) == MAX_QUERY_WORDS:
            break
    if out and _is_plain(out[-1].word) and len(out[-1].word) >= TYPING_MIN:
        out[-1] = out[-1].also(Form(fold(out[-1].word), True))
    return out


# Swedish alphabetical order: å ä ö after z (Svenska Akademiens ordlista); æ and ø as ä and ö,
# ü as y. The three letters map to the characters just after "z" in ASCII.
_SWEDISH_LETTERS = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"})


def sort_key(title: str) -> str:
    """A collation-free sort key: byte order of keys is Swedish alphabetical order of titles.

    Lower case, Swedish letters mapped after z, other accents dropped (é → e), and every run of
    other characters one space; both backends compare the keys byte by byte.
    """
    tokens = _TOKEN.findall(unicodedata.normalize("NFC", title).lower())
    text = " ".join(tokens).translate(_SWEDISH_LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text[:MAX_SORT_KEY]
