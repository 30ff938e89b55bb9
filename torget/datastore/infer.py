"""Column types decided over the whole table, with Sweden's number and date spellings.

DuckDB's own sniffer looks at a sample and knows neither decimal commas nor `1 234,5` nor
`1/3 2024`, so every column is read as text and typed by the rules in `_RULES`: the
narrowest type that every value fits wins; otherwise the column stays TEXT, and when at
least half the values fitted one type the report names the first rows that broke it.
Municipality and postal codes (digits of one length, some with a leading zero) stay TEXT so
`0180` does not become `180`.

Checking every rule on every value is slow (regular expressions and `strptime` on each cell),
so typing is optimistic and still exact:

1. `infer_types` applies every rule, but only to the first `SAMPLE_ROWS` rows.
2. `checked_expression` turns each guess into one expression used in the single
   `CREATE TABLE … AS SELECT` from `read_csv`: it casts a value that fits the guessed type
   (a cheap test on the raw text first, the full rule only for the rest) and raises
   `error()` on one that does not, which aborts the statement.
3. When the statement fails, `ingest` starts again with `infer_types` over the whole file.

So the type of every column is decided over every row, and the common case (the guess
holds) costs one read of the file. `text_report` completes the report of a column the sample
already showed to be TEXT: whether at least half of all its values fit a type.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import duckdb

__all__ = [
    "ColumnType",
    "SAMPLE_ROWS",
    "infer_types",
    "cast_expression",
    "checked_expression",
    "text_report",
    "quote_ident",
]

SAMPLE_ROWS = 10_000
BREAKER = "torget: a value does not fit the sampled type"

_TRUE = ("ja", "j", "yes", "y", "true", "sant")
_FALSE = ("nej", "n", "no", "false", "falskt")
# 1/0 are booleans only in a column whose name says it holds a yes/no: `har_hiss`, `isActive`,
# `Aktiv (1/0)`, `flagga`; elsewhere they are numbers (counts, amounts, codes).
_FLAG_NAME = re.compile(
    r"^(is|has|har|är|kan|finns|ska)([A-Z_ .-])|ja[ /_-]?nej|yes[ /_-]?no|\b[jy]/n\b|\b1/0\b"
    r"|\b0/1\b|flag|flagga|bool|\baktiv\b|\bactive\b|\benabled\b"
)
# Identifiers made of digits are text whatever their values look like: `43896` and `435 35`
# are both postcodes, and a telephone, organisation or personal identity number is never summed
# (and loses its leading zero as a number).
_IDENTIFIER_NAME = re.compile(
    r"post\s*(nummer|nr|kod)|postal|\bzip|telefon|\btel(nr|\.?\s*nr)?\b|\btfn\b|phone"
    r"|\bmobil(nummer|nr|telefon)?\b|\bfax\b|org(anisations)?[\s._-]*(nr|nummer|no|number)"
    r"|person[\s._-]*(nummer|nr)|\bpers[\s._-]*nr\b|\bpnr\b|samordningsnummer"
    r"|identity[\s._-]*number|corporate[\s._-]*id"
)


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(f"'{w}'" for w in words)


def _spelled(words: tuple[str, ...]) -> str:
    """The words as they are written: `ja`, `Ja`, `JA`."""
    return _words(tuple(dict.fromkeys(s for w in words for s in (w, w.title(), w.upper()))))


def flag_name(column: str) -> bool:
    return bool(_FLAG_NAME.search(column) or _FLAG_NAME.search(column.lower()))


def identifier_name(column: str) -> bool:
    return bool(_IDENTIFIER_NAME.search(column.lower()))


def _boolean_words(column: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    extra = flag_name(column)
    return _TRUE + (("1",) if extra else ()), _FALSE + (("0",) if extra else ())


_NUM = r"[-+]?(\d+|\d{{1,3}}([ \xa0]\d{{3}})+)"
# Each rule is (a cheap test the rule implies, the rule). DuckDB evaluates every operand of an
# AND in a SELECT list or an aggregate, but only the matching rows of a CASE branch: so a value
# of another type (a name, a code, a comment) stops at the first character or the length and
# never reaches the regular expressions or strptime. A number starts with a digit, a sign or
# a separator, all of which sort in '+' … '9'.
_RULES = {
    "MARK": ("length({t}) = 1", "lower({t}) = 'x'"),
    "BOOLEAN": ("length({t}) <= 6", "lower({t}) IN ({words})"),
    "BIGINT": (
        "{t} >= '+' AND {t} < ':'",
        f"CASE WHEN regexp_full_match({{t}}, '{_NUM}') THEN length({{n}}) <= 18 ELSE false END",
    ),
    "DOUBLE": (
        "{t} >= '+' AND {t} < ':'",
        f"regexp_full_match({{t}}, '({_NUM}([.,]\\d+)?|[-+]?[.,]\\d+)([eE][-+]?\\d+)?')",
    ),
    "DATE": (
        "length({t}) BETWEEN 8 AND 10 AND {t} >= '0' AND {t} < ':'",
        "CASE WHEN regexp_full_match({t}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
        "THEN try_cast({t} AS DATE) IS NOT NULL "
        "WHEN regexp_full_match({t}, '\\d{{1,2}}/\\d{{1,2}} \\d{{4}}') "
        "THEN try_strptime({t}, '%d/%m %Y') IS NOT NULL ELSE false END",
    ),
    "TIMESTAMP": (
        "length({t}) >= 10 AND {t} >= '0' AND {t} < ':'",
        "CASE WHEN regexp_full_match({t}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([ T]\\d{{2}}:\\d{{2}}"
        "(:\\d{{2}}(\\.\\d+)?)?)?') THEN try_cast({t} AS TIMESTAMP) IS NOT NULL ELSE false END",
    ),
}
_PATTERNS = {k: f"CASE WHEN {a} THEN {b} ELSE false END" for k, (a, b) in _RULES.items()}
_CASTS = {
    "MARK": "coalesce(lower({t}) = 'x', false)",
    "BOOLEAN": "lower({t}) IN ({true})",
    "BIGINT": "CAST({n} AS BIGINT)",
    "DOUBLE": "CAST(replace({n}, ',', '.') AS DOUBLE)",
    "DATE": (
        "CASE WHEN contains({t}, '/') THEN CAST(strptime({t}, '%d/%m %Y') AS DATE) "
        "ELSE CAST({t} AS DATE) END"
    ),
    "TIMESTAMP": "CAST({t} AS TIMESTAMP)",
    "TEXT": "{v}",
}
# Tests on the raw value (no trimming) that imply the full rule, with the same result: most
# values take this branch, and a value that fails it still gets the full rule.
_FAST = {
    "MARK": "WHEN {v} IN ('x', 'X') THEN true",
    "BOOLEAN": "WHEN {v} IN ({true_spelled}) THEN true WHEN {v} IN ({false_spelled}) THEN false",
    "BIGINT": "WHEN regexp_full_match({v}, '[-+]?\\d{{1,17}}') THEN CAST({v} AS BIGINT)",
    "DOUBLE": (
        f"WHEN regexp_full_match({{v}}, '{_NUM}([.,]\\d+)?') THEN "
        "CAST(replace(replace(replace({v}, ' ', ''), chr(160), ''), ',', '.') AS DOUBLE)"
    ),
    "DATE": (
        "WHEN regexp_full_match({v}, '\\d{{1,2}}/\\d{{1,2}} \\d{{4}}') THEN "
        "CAST(strptime({v}, '%d/%m %Y') AS DATE) "
        "WHEN regexp_full_match({v}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') THEN CAST({v} AS DATE)"
    ),
    "TIMESTAMP": "",
}
_STORED = {"MARK": "BOOLEAN"}
_ORDER = ("MARK", "BOOLEAN", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _terms(column: str, trimmed: str | None = None) -> dict[str, str]:
    """The raw value `v`, trimmed or NULL `t`, and `n` without spaces, for the rules.

    `trimmed` names a column of a subquery that already holds `t`: DuckDB evaluates `trim`
    once per mention, and the rules mention `t` some thirty times per column."""
    v = quote_ident(column)
    t = trimmed or f"nullif(trim({v}), '')"
    n = f"replace(replace({t}, ' ', ''), chr(160), '')"
    yes, no = _boolean_words(column)
    return {"v": v, "t": t, "n": n, "words": _words(yes + no), "true": _words(yes),
            "true_spelled": _spelled(yes), "false_spelled": _spelled(no)}  # fmt: skip


def _predicate(kind: str, column: str, trimmed: str | None = None) -> str:
    return "(" + _PATTERNS[kind].format(**_terms(column, trimmed)) + ")"


def cast_expression(kind: str, column: str, lenient: bool = False) -> str:
    """The column cast to `kind`; `lenient`: a value that does not fit it becomes NULL."""
    cast = _CASTS[kind].format(**_terms(column))
    if lenient and kind != "TEXT":
        cast = f"CASE WHEN {_predicate(kind, column)} THEN {cast} END"
    return f"{cast} AS {quote_ident(column)}"


@dataclass
class ColumnType:
    name: str
    type: str
    nulls: int = 0
    broken_type: str | None = None  # the type most values had, when some did not
    broken: list[dict[str, Any]] = field(default_factory=list)
    code_length: int | None = None  # TEXT because these are codes of this many digits (0: any)
    identifier: bool = False  # TEXT because the name says postcode, phone or identity number
    chosen: bool = False  # the type an editor chose (`column_types`): a misfit is left empty

    def as_json(self) -> dict[str, Any]:
        # MARK is a BOOLEAN column of crosses: `x` is true, an empty cell false
        out: dict[str, Any] = {"name": self.name, "type": _STORED.get(self.type, self.type)}
        if self.identifier:
            out["text_by_name"] = True
        if self.chosen:
            out["chosen"] = True
        if self.broken_type:
            out["not_" + self.broken_type.lower()] = {
                "reason": f"values that are not {self.broken_type} made this column TEXT",
                "rows": self.broken,
            }
        return out


def checked_expression(column: ColumnType) -> str:
    """The column cast to its guessed type; `error()` for a value that does not fit it."""
    terms = _terms(column.name)
    v, t = terms["v"], terms["t"]
    fail = "ELSE NULL END AS " + v if column.chosen else f"ELSE error('{BREAKER}') END AS {v}"
    if column.code_length is not None:
        digits = f"'\\d{{{column.code_length}}}'" if column.code_length else "'\\d+'"
        return (
            f"CASE WHEN {v} IS NULL OR regexp_full_match({v}, {digits}) THEN {v} "
            f"WHEN {t} IS NULL OR regexp_full_match({t}, {digits}) THEN {v} {fail}"
        )
    if column.type == "TEXT":
        return f"{v} AS {v}"
    fast = _FAST[column.type].format(**terms)
    full = f"WHEN {_predicate(column.type, column.name)} THEN {_CASTS[column.type].format(**terms)}"
    empty = "false" if column.type == "MARK" else "NULL"
    return f"CASE WHEN {v} IS NULL THEN {empty} {fast} WHEN {t} IS NULL THEN {empty} {full} {fail}"


def _aggregates(columns: list[str], table: str) -> str:
    """One query counting, per column, the filled values and the values each rule fits."""
    trimmed = [f"__t{i}" for i in range(len(columns))]
    inner = ", ".join(f"{_terms(c)['t']} AS {t}" for c, t in zip(columns, trimmed, strict=True))
    parts = []
    for c, t in zip(columns, trimmed, strict=True):
        parts.append(f"count({t})")
        parts.extend(f"count_if({_predicate(k, c, t)})" for k in _ORDER)
        digits = f"{t} >= '0' AND {t} < ':'"  # again a cheap test before the expression
        parts.append(f"count_if(CASE WHEN {t} < '1' AND {digits} THEN "
                     f"regexp_full_match({t}, '0\\d+') ELSE false END)")  # fmt: skip
        parts.append(f"count_if(CASE WHEN {digits} THEN NOT regexp_full_match({t}, '\\d+') "
                     f"ELSE {t} IS NOT NULL END)")  # fmt: skip
        parts.append(f"min(length({t}))")
        parts.append(f"max(length({t}))")
    return f"SELECT {', '.join(parts)} FROM (SELECT {inner} FROM {table})"


_WIDTH = 1 + len(_ORDER) + 4


def _choose(counts: tuple[Any, ...]) -> tuple[str, str | None, int | None]:
    """(type, the type most values fitted when some did not, code length)."""
    filled, *fits, leading_zero, non_digits, shortest, longest = counts
    by_kind = dict(zip(_ORDER, fits, strict=True))
    if filled == 0:
        return "TEXT", None, None
    if leading_zero and non_digits == 0:
        return "TEXT", None, int(shortest) if shortest == longest else 0
    for kind in _ORDER:
        if by_kind[kind] == filled and (kind != "MARK" or filled >= 2):  # one `x` says little
            return kind, None, None
    best = max(_ORDER[1:], key=lambda k: by_kind[k])  # MARK: every value or none
    return "TEXT", (best if by_kind[best] * 2 >= filled else None), None


def broken_rows(
    con: duckdb.DuckDBPyConnection, table: str, row: str, col: str, kind: str
) -> list[dict[str, Any]]:
    """The first five values of `col` that are not `kind`, with their row numbers."""
    t = _terms(col)["t"]
    rows = con.execute(
        f"SELECT {row}, {quote_ident(col)} FROM {table} "
        f"WHERE {t} IS NOT NULL AND NOT {_predicate(kind, col)} ORDER BY {row} LIMIT 5"
    ).fetchall()
    return [{"row": r, "value": v} for r, v in rows]


def infer_types(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[str],
    row: str = "rowid + 1",
    text: Collection[str] = (),
    chosen: dict[str, str] | None = None,
) -> list[ColumnType]:
    """Every rule over every row of `table` (all VARCHAR) in one aggregate query; the columns
    in `text` stay TEXT, those in `chosen` get the type an editor chose."""
    if not columns:
        return []
    found = con.execute(_aggregates(columns, table)).fetchone()
    assert found is not None
    out = []
    for i, c in enumerate(columns):
        if chosen and c in chosen:
            out.append(ColumnType(c, chosen[c], chosen=True))
            continue
        if identifier_name(c) or c in text:
            out.append(ColumnType(c, "TEXT", identifier=c not in text))
            continue
        kind, near, length = _choose(tuple(found[i * _WIDTH : (i + 1) * _WIDTH]))
        column = ColumnType(c, kind, broken_type=near, code_length=length)
        if near:
            column.broken = broken_rows(con, table, row, c, near)
        out.append(column)
    return out


def text_report(con: duckdb.DuckDBPyConnection, table: str, column: ColumnType) -> None:
    """Decide over all of `table` whether a TEXT column was mostly of one type, and where not.

    A value can only fit a type if it starts with a digit, a sign, a separator or a space
    (all sort before ':') or is a yes/no word; when fewer than half the filled values do,
    no type can have half of them, and the full rules are not needed. Only comparisons run
    on every value; `lower` and `trim` only on the few values that pass them.
    """
    v, t = quote_ident(column.name), _terms(column.name)["t"]
    yes, no = _boolean_words(column.name)
    letters = sorted({w[0] for w in yes + no if w.isalpha()} | {"x"})
    initial = " OR ".join(f"({v} >= '{c}' AND {v} < '{chr(ord(c) + 1)}')"
                          for c in letters + [c.upper() for c in letters])  # fmt: skip
    words = f"(({initial}) AND lower({t}) IN ({_words((*yes, *no, 'x'))}))"
    present, blank, candidates = con.execute(
        f"SELECT count({v}), coalesce(count_if({v} < ':' AND trim({v}) = ''), 0), "
        f"coalesce(count_if({v} < ':' OR {words}), 0) FROM {table}"
    ).fetchone() or (0, 0, 0)
    if candidates * 2 < present - blank:
        column.broken_type, column.broken = None, []
        return
    exact = infer_types(con, table, [column.name], row="_id")[0]
    column.broken_type, column.broken = exact.broken_type, exact.broken
