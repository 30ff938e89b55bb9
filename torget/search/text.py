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

A query word matches a text when its Swedish or its English form does: the two languages'
stems are indexed together, as in PostgreSQL's combined tsvector; a query's stop words (of
either language) are left out. A long query word also matches longer words that start with
its stem (see `_form`), so that `badplats` finds "Badplatser" and `badplatser` "Badplats",
and `parkering` finds "Parkeringsplatser" (Swedish compounds).
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
]

MAX_WORD = 100  # longer "words" are noise (hashes, base64) and PostgreSQL refuses > 2047 bytes
MAX_QUERY_WORDS = 16
PREFIX_MIN = 5
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


@dataclass(frozen=True)
class Form:
    """How a query word is looked for in one language's lexemes."""

    lexeme: str
    prefix: bool  # also matches longer lexemes starting with it
    postgres: str  # what `to_tsquery(<language>, …)` is given to produce the same


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: it matches a text containing its Swedish or its English form."""

    word: str
    sv: Form
    en: Form

    def forms(self) -> list[Form]:
        """The distinct lexeme patterns (the two languages often agree)."""
        same = (self.sv.lexeme, self.sv.prefix) == (self.en.lexeme, self.en.prefix)
        return [self.sv] if same else [self.sv, self.en]


def _form(lang: Language, word: str, stem: str) -> Form:
    """Exact stem, or for a long plain word the prefix of its stem stemmed once more.

    Stemming twice peels one more suffix: `badplatser` → `badplats` → `badplat`, a prefix of
    both "Badplats" and "Badplatser", which Snowball alone keeps apart. PostgreSQL is given
    the first stem with `:*` and stems it the second time itself."""
    if _is_plain(word):
        again = lexeme(lang, stem)
        if again is not None and len(again) >= PREFIX_MIN:
            return Form(again, True, stem + ":*")
    return Form(stem, False, word)


def query_words(text: str) -> list[QueryWord]:
    """The searchable words of a query, any syntax in it read as plain words.

    A stop word of either language is left out: every query word must match, and a Swedish
    "och" or an English "the" would otherwise have to appear in the other language's text. A
    query of stop words only is no text at all. Repeated words count once; at most
    MAX_QUERY_WORDS are used.
    """
    out: list[QueryWord] = []
    for word in dict.fromkeys(words(text)):
        sv, en = lexeme("sv", word), lexeme("en", word)
        if sv is None or en is None:
            continue
        out.append(QueryWord(word, _form("sv", word, sv), _form("en", word, en)))
        if len(out) == MAX_QUERY_WORDS:
            break
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
