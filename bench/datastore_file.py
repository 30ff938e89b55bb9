"""The benchmark's input: a large CSV file written the way Swedish municipalities export them.

Deterministic (the same `--rows` and `--encoding` give the same bytes on every machine), and
cached under `bench/.cache/` because writing 10 M rows from Python takes a minute or two.

Each row has the quirks Torget's datastore must undo:

| Column | Looks like | Torget's type |
|---|---|---|
| `Kommunkod` | `0180`, `2480`: four digits, leading zeros | TEXT (a code, not a number) |
| `Kommun` | `Stockholm`, `Göteborg`, `Malmö` | TEXT |
| `Verksamhet` | `Förskola`, `Äldreboende` | TEXT |
| `Adress` | `Östra Långgatan 12` | TEXT |
| `Postnummer` | `114 55`: five digits with a space | TEXT |
| `Antal` | `12 345` (space as thousands separator) or `987` | BIGINT |
| `Belopp` | `-1 234,56` (decimal comma, space thousands) | DOUBLE |
| `Andel` | `0,5`, `12,25` | DOUBLE |
| `Datum` | `2024-03-01` or `1/3 2024`, mixed in one column | DATE |
| `Aktiv` | `ja` / `nej` | BOOLEAN |
| `Kommentar` | free text, some quoted with `;` and `""` inside, some empty | TEXT |

Written in Windows-1252 (`åäöé` only, so the file is also valid ISO-8859-1, which DuckDB reads
natively) or UTF-8 with a byte-order mark, with Windows line ends. About 100 bytes a row:
10,000,000 rows make about 1 GB.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["CACHE", "HEADER", "cached_file", "generate"]

CACHE = Path(__file__).resolve().parent / ".cache"
GENERATOR_VERSION = 1  # bump when the bytes change, so stale cached files are not reused
HEADER = "Kommunkod;Kommun;Verksamhet;Adress;Postnummer;Antal;Belopp;Andel;Datum;Aktiv;Kommentar"
KOMMUNER = [
    ("0114", "Upplands Väsby"), ("0180", "Stockholm"), ("0188", "Norrtälje"),
    ("0380", "Uppsala"), ("0480", "Nyköping"), ("0580", "Linköping"), ("0680", "Jönköping"),
    ("0780", "Växjö"), ("0880", "Kalmar"), ("0980", "Gotland"), ("1080", "Karlskrona"),
    ("1280", "Malmö"), ("1281", "Lund"), ("1480", "Göteborg"), ("1880", "Örebro"),
    ("1980", "Västerås"), ("2180", "Gävle"), ("2480", "Umeå"), ("2580", "Luleå"),
    ("2584", "Kiruna"),
]  # fmt: skip
VERKSAMHETER = ["Förskola", "Grundskola", "Gymnasium", "Äldreboende", "Bibliotek", "Simhall",
                "Återvinningscentral", "Vårdcentral"]  # fmt: skip
GATOR = ["Storgatan", "Kungsgatan", "Drottninggatan", "Skolvägen", "Järnvägsgatan",
         "Östra Långgatan", "Södra vägen", "Ringvägen"]  # fmt: skip
COMMENTS = [
    "", "", "", "Inventerad", "Åtgärdad vid besök", 'Kontrollerad; "godkänd"',
    "Ny ägare", "Enligt beslut 2024-03-01", "Ärendet är avslutat", "Överklagat",
]  # fmt: skip
_MIX = 0x9E3779B1  # Knuth's multiplicative hash: cheap, deterministic pseudo-random digits


def _spaced(number: int) -> str:
    """12345 → '12 345', as Excel writes numbers with Swedish settings."""
    return f"{number:,}".replace(",", " ")


def _row(i: int) -> str:
    h = (i * _MIX) & 0xFFFFFFFF
    code, name = KOMMUNER[h % len(KOMMUNER)]
    antal = (h >> 5) % 250_000 if h & 1 else (h >> 7) % 1000
    kronor, ore = (h >> 3) % 2_000_000, h % 100
    belopp = f"{'-' if h % 17 == 0 else ''}{_spaced(kronor)},{ore:02d}"
    andel = f"{(h >> 11) % 100},{(h >> 2) % 100}".rstrip("0").rstrip(",")
    day, month, year = 1 + (h >> 13) % 28, 1 + (h >> 17) % 12, 2015 + (h >> 21) % 10
    date = f"{year}-{month:02d}-{day:02d}" if h & 2 else f"{day}/{month} {year}"
    comment = COMMENTS[(h >> 9) % len(COMMENTS)]
    if ";" in comment:
        comment = '"' + comment.replace('"', '""') + '"'
    postnummer = f"{100 + (h >> 4) % 880} {(h >> 8) % 100:02d}"
    aktiv = "ja" if (h >> 6) % 3 else "nej"
    place = VERKSAMHETER[(h >> 12) % len(VERKSAMHETER)]
    street = f"{GATOR[(h >> 15) % len(GATOR)]} {1 + (h >> 10) % 120}"
    fields = [code, name, place, street, postnummer, _spaced(antal), belopp, andel, date, aktiv]
    return ";".join(fields) + ";" + comment


def generate(path: Path, rows: int, encoding: str = "cp1252") -> None:
    """Write `rows` data rows (plus the header) to `path`."""
    if encoding not in ("cp1252", "utf-8-sig"):
        raise ValueError("encoding must be cp1252 or utf-8-sig")
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding=encoding, newline="\r\n") as out:
        out.write(HEADER + "\n")
        batch = 50_000
        for start in range(0, rows, batch):
            out.write("\n".join(_row(i) for i in range(start, min(rows, start + batch))) + "\n")
    tmp.replace(path)


def cached_file(rows: int, encoding: str = "cp1252", cache: Path = CACHE) -> Path:
    """The generated file for these options, written once and then reused."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"swedish-{rows}-{encoding}-v{GENERATOR_VERSION}.csv"
    if not path.exists():
        generate(path, rows, encoding)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--encoding", choices=["cp1252", "utf-8-sig"], default="cp1252")
    args = parser.parse_args()
    path = cached_file(args.rows, args.encoding)
    print(f"{path}: {args.rows:,} rows, {path.stat().st_size / 1e6:,.1f} MB")


if __name__ == "__main__":
    main()
