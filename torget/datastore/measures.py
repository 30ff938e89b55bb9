"""Which numeric columns are measures (amounts one may add up) and which are names in digits.

An invoice number, an account, a year, a postcode or a coordinate is stored as a number but
summing it says nothing: a chart of "the sum of Fakturanummer per Leverantör" is noise. A
column is a measure when its type is a number and its name is not one of an identifier, a
code, a time or a place: whole words (`nr`, `id`, `kod`, `år`, …) or the endings Swedish
compounds give them (`fakturanummer`, `kontonr`, `kommunkod`, `objektid`, `bokslutsår`).
"""

from __future__ import annotations

import re

__all__ = ["is_measure", "measures"]

_NUMBER_TYPES = ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "DOUBLE", "FLOAT",
                 "REAL", "DECIMAL")  # fmt: skip
# Whole words that make a number a name
_WORDS = {
    "id", "nr", "no", "nummer", "number", "num", "kod", "code", "konto", "account", "ar", "år",
    "year", "manad", "månad", "month", "vecka", "week", "dag", "day", "datum", "date",
    "lat", "lon", "lng", "long", "latitud", "longitud", "latitude", "longitude", "x", "y", "z",
    "n", "e", "northing", "easting", "postnummer", "postnr", "zip", "objekt", "löpnummer",
    "lopnummer", "lopnr", "löpnr", "index", "key", "nyckel", "version", "sekvens", "sequence",
    "ordning", "order", "rank", "ranking", "telefon", "phone", "orgnr", "personnummer", "pnr",
    "referens", "ref", "verifikation", "ver", "serie", "artikel", "sku", "ean", "gtin",
    "årtal", "artal", "period", "kvartal", "quarter",
}  # fmt: skip
# Endings of compounds: `fakturanummer`, `kontonr`, `kommunkod`, `objektid`, `bokslutsår`
_ENDINGS = ("nummer", "nr", "kod", "code", "id", "konto", "år", "ar", "number", "year",
            "datum", "date")  # fmt: skip
_SPLIT = re.compile(r"[^0-9a-zåäöéü]+")


def _words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-zåäö])(?=[A-ZÅÄÖ])", " ", name)  # camelCase: fakturaNr
    return [w for w in _SPLIT.split(spaced.lower()) if w]


def is_measure(name: str, kind: str) -> bool:
    """Whether a column of this name and DuckDB type holds amounts to add up."""
    if not kind.upper().startswith(_NUMBER_TYPES) or name.startswith("_"):
        return False
    words = _words(name)
    if not words or any(w in _WORDS for w in words):
        return False
    last = words[-1]
    return not (len(last) > 4 and last.endswith(_ENDINGS))


def measures(column_types: dict[str, str]) -> list[str]:
    """The measure columns among `{name: type}`, in table order."""
    return [n for n, t in column_types.items() if is_measure(n, t)]
