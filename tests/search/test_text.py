"""The shared text rules: words, stems as PostgreSQL makes them, query words, sort keys."""

from __future__ import annotations

import pytest

from torget.search.sqlite import match_expression
from torget.search.text import (
    MAX_QUERY_WORDS,
    Form,
    fold,
    lexemes,
    query_words,
    sort_key,
    terms,
    words,
)


def test_words_are_lower_case_letters_and_digits() -> None:
    text = "Badplatser i Sjöstad-Norrby: 3.5 m, abc123, x², municipality's E6_väg ÅRE"
    assert words(text) == [
        "badplatser", "i", "sjöstad", "norrby", "3", "5", "m", "abc123", "x",
        "municipality", "s", "e6", "väg", "åre",
    ]  # fmt: skip
    assert words("") == words(None) == []
    assert words("a" * 101 + " ok") == ["ok"]


def test_lexemes_follow_postgresql_swedish_and_english() -> None:
    # Values from PostgreSQL 15: to_tsvector('swedish', …) and to_tsvector('english', …).
    assert lexemes("sv", words("Badplatser och badplatsen i kommunerna 2024")) == [
        "badplats", "badplats", "kommun", "2024"
    ]  # fmt: skip
    assert lexemes("en", words("The bathing sites of the municipality")) == [
        "bath", "site", "municip"
    ]  # fmt: skip
    assert lexemes("sv", ["dataset", "e6"]) == ["dataset", "e6"]  # digits: kept as they are


def test_query_words_drop_stop_words_of_either_language_and_syntax() -> None:
    found = query_words('the "badplatser" AND och -parkering* NEAR(x) ((i))')
    assert [w.word for w in found] == ["badplatser", "parkering", "near", "x"]
    bad = found[0].sv
    assert (bad.lexeme, bad.prefix, found[0].roots) == ("badplat", True, ("badplat", "badplat"))
    assert query_words("och the i") == []
    assert len(query_words(" ".join(f"ord{i}x" for i in range(40)))) == MAX_QUERY_WORDS


def test_prefixes_only_for_long_plain_stems_and_the_last_word() -> None:
    park, parkering, e6, bad = query_words("park parkering e6666 bad")
    assert not park.sv.prefix and parkering.sv.prefix and not e6.sv.prefix
    assert park.forms() == [Form("park", False)]
    assert e6.forms() == [Form("e6666", False)]
    # The last word is also what it may become as people type it, from three letters on.
    assert bad.forms() == [Form("bad", True)]
    assert query_words("ba")[0].forms() == [Form("ba", False)]


def test_terms_are_stems_without_diacritics() -> None:
    assert terms("sv", words("Härryda Göteborgs Malmö Ängar Éclair")) == [
        "harryd", "goteborg", "malmo", "ang", "eclair"
    ]  # fmt: skip
    assert fold("æøß") == "aeoss"
    (harryda,) = query_words("harryda")
    assert harryda.roots == ("harryd", "harryda")


def test_fts5_expression_quotes_every_form() -> None:
    assert match_expression(query_words("lekplatser bad")) == '("lekplat"*) AND ("bad"*)'
    assert match_expression(query_words("parking ")) == '("parking"* OR "park")'
    assert match_expression(query_words("göteborg")) == '("goteborg"*)'


@pytest.mark.parametrize(
    "titles",
    [
        ["apa", "Bad", "Bad 2", "Bada", "Éclair", "Zebra", "Ånger", "Ägg", "Ärt", "Öar"],
        ["Aa", "Ab", "Az", "Å", "Äa", "Ö", "Øre"],
    ],
)
def test_sort_keys_order_titles_as_swedish(titles: list[str]) -> None:
    assert sorted(reversed(titles), key=sort_key) == titles
    assert sort_key("  Ånger – ÉCLAIR_x ") == "{nger eclair x"
