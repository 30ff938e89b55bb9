"""The personal-data guard: its speed against a plain DuckDB regular-expression scan of the
same table, and its precision and recall on a generated corpus.

    .venv/bin/python bench/personal_data.py                    # 1 M rows x 20 columns
    .venv/bin/python bench/personal_data.py --rows 100000 --corpus-columns 500

Speed: a table of `--rows` rows and 20 text columns, as the datastore stores a loaded CSV:
two columns of identity numbers (with and without century and separator), one of
co-ordination numbers, e-mail addresses and telephone numbers, and fifteen ordinary ones
(amounts, counts, invoice and organisation numbers, postcodes, dates, place names, codes). The
guard (`personal_data.scan_tables`) is timed against one `regexp_matches` per column over the
same columns (the plain scan: what a check with a single pattern costs): `--runs` rounds, the
two taking turns, each round's wall and CPU time printed, and the best of each compared.

Quality: `--corpus-columns` columns of 200 values each. Personal columns hold valid identity
or co-ordination numbers in every form, a twentieth of them with a typing error (a wrong check
digit), and some empty cells; ordinary columns hold random ten- and twelve-digit numbers,
organisation numbers (valid check digits), invoice numbers, postcodes, amounts and telephone
numbers. Recall: personal columns reported as identity or co-ordination numbers. False alarms:
ordinary columns reported as either. Goals (issue 13): recall >= 99 %, false alarms <= 1 %,
the guard at most twice the plain scan's time.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import sys
import time
from collections.abc import Callable

import duckdb

from torget.publishing.personal_data import scan_tables

ID_KINDS = {"personal_identity_number", "coordination_number"}
PLAIN = r"\d{6}[-+]?\d{4}"


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def identity_number(rng: random.Random, coordination: bool = False, typo: bool = False) -> str:
    year = rng.randrange(1930, 2024)
    month, day = rng.randrange(1, 13), rng.randrange(1, 29)
    day += 60 if coordination else 0
    nine = f"{year % 100:02d}{month:02d}{day:02d}{rng.randrange(1000):03d}"
    check = luhn_digit(nine)
    if typo:
        check = str((int(check) + rng.randrange(1, 10)) % 10)
    ten = nine + check
    form = rng.randrange(4)
    sep = "+" if year < 1925 else "-"
    if form == 0:
        return ten
    if form == 1:
        return f"{ten[:6]}{sep}{ten[6:]}"
    if form == 2:
        return f"{year // 100}{ten}"
    return f"{year // 100}{ten[:6]}-{ten[6:]}"


def organisation_number(rng: random.Random) -> str:
    group = rng.choice((2, 5, 7, 8, 9))
    nine = f"{group}{rng.randrange(10)}{rng.randrange(20, 100)}{rng.randrange(10**5):05d}"
    ten = nine + luhn_digit(nine)
    return f"{ten[:6]}-{ten[6:]}"


def phone(rng: random.Random) -> str:
    return rng.choice(
        (f"070-{rng.randrange(1000):03d} {rng.randrange(100):02d} {rng.randrange(100):02d}",
         f"08-{rng.randrange(10**6):06d}", f"+46 31 {rng.randrange(10**6):06d}")
    )  # fmt: skip


ORDINARY: dict[str, Callable[[random.Random], str]] = {
    "ten_digits": lambda r: f"{r.randrange(10**10):010d}",
    "twelve_digits": lambda r: f"{r.randrange(10**12):012d}",
    "organisation_number": organisation_number,
    "invoice_number": lambda r: str(r.randrange(10**9, 10**10)),
    "postcode": lambda r: f"{r.randrange(100, 999)} {r.randrange(100):02d}",
    "amount": lambda r: f"{r.uniform(0, 10**6):.2f}",
    "phone": phone,
}


def corpus(columns: int, rows: int, seed: int) -> list[tuple[str, list[str | None]]]:
    """(label, values): half personal columns, half ordinary ones."""
    rng = random.Random(seed)
    out: list[tuple[str, list[str | None]]] = []
    for i in range(columns):
        if i % 2 == 0:
            coordination = i % 6 == 0
            values: list[str | None] = [
                None if rng.random() < 0.05
                else identity_number(rng, coordination, typo=rng.random() < 0.05)
                for _ in range(rows)
            ]  # fmt: skip
            out.append(("personal", values))
        else:
            kind = list(ORDINARY)[(i // 2) % len(ORDINARY)]
            out.append((kind, [ORDINARY[kind](rng) for _ in range(rows)]))
    return out


def quality(columns: int, rows: int, seed: int) -> dict[str, float]:
    data = corpus(columns, rows, seed)
    con = duckdb.connect()
    found: dict[str, set[str]] = {}
    batch = 50
    for start in range(0, len(data), batch):
        part = data[start : start + batch]
        names = [f"c{start + j}" for j in range(len(part))]
        con.execute("DROP TABLE IF EXISTS data")
        con.execute(f"CREATE TABLE data ({', '.join(f'{n} VARCHAR' for n in names)})")
        con.executemany(
            f"INSERT INTO data VALUES ({', '.join('?' for _ in names)})",
            [list(row) for row in zip(*(values for _label, values in part), strict=True)],
        )
        for finding in scan_tables(con):
            found.setdefault(finding.column, set()).add(finding.kind)
    personal = [f"c{i}" for i, (label, _v) in enumerate(data) if label == "personal"]
    ordinary = [f"c{i}" for i, (label, _v) in enumerate(data) if label != "personal"]
    hits = sum(1 for c in personal if found.get(c, set()) & ID_KINDS)
    alarms = [c for c in ordinary if found.get(c, set()) & ID_KINDS]
    by_kind: dict[str, int] = {}
    for c in alarms:
        label = data[int(c[1:])][0]
        by_kind[label] = by_kind.get(label, 0) + 1
    return {
        "personal": len(personal),
        "ordinary": len(ordinary),
        "recall": hits / len(personal),
        "false_alarms": len(alarms) / len(ordinary),
        **{f"alarms_{k}": v for k, v in by_kind.items()},
    }


DATE = "40 + {r} % 60, 1 + {r2} % 12, 1 + {r3} % 28, {r4} % 10000"


def speed_table(con: duckdb.DuckDBPyConnection, rows: int) -> list[str]:
    """A table of `rows` rows and 20 text columns, made in DuckDB (a loaded CSV's types)."""
    r = "hash(i, {n})"
    cols = {
        "pnr": f"printf('%02d%02d%02d-%04d', {DATE})",
        "pnr_century": f"printf('19%02d%02d%02d%04d', {DATE})",
        "samordningsnummer": f"printf('%02d%02d%02d%04d', {DATE.replace('1 + {r3}', '61 + {r3}')})",
        "epost": "printf('person%d@example.se', {r} % 100000)",
        "telefon": "printf('070-%03d %02d %02d', {r} % 1000, {r2} % 100, {r3} % 100)",
        "belopp": "printf('%.2f', ({r} % 10000000) / 100.0)",
        "antal": "CAST({r} % 1000 AS VARCHAR)",
        "fakturanummer": "CAST(1000000000 + {r} % 8999999999 AS VARCHAR)",
        "organisationsnummer": "printf('%02d%04d-%04d', 55 + {r} % 40, {r2} % 10000, {r3} % 10000)",
        "postnummer": "printf('%03d %02d', 100 + {r} % 900, {r2} % 100)",
        "datum": "CAST(DATE '2020-01-01' + CAST({r} % 1500 AS INTEGER) AS VARCHAR)",
        "plats": "printf('Plats %d', {r} % 5000)",
        "kod": "printf('K-%05d', {r} % 100000)",
        "kommun": "printf('%04d', {r} % 2600)",
        "ar": "CAST(2000 + {r} % 25 AS VARCHAR)",
        "andel": "printf('%.3f', ({r} % 1000) / 1000.0)",
        "status": "CASE {r} % 3 WHEN 0 THEN 'öppen' WHEN 1 THEN 'stängd' ELSE 'okänd' END",
        "lopnummer": "CAST(i AS VARCHAR)",
        "referens": "printf('REF%08d', {r} % 100000000)",
        "kommentar": "CASE WHEN {r} % 10 = 0 THEN 'Inget att anmärka' ELSE NULL END",
    }
    parts = []
    for n, (name, expr) in enumerate(cols.items()):
        filled = expr.format(
            r=r.format(n=n), r2=r.format(n=n + 100), r3=r.format(n=n + 200), r4=r.format(n=n + 300)
        )
        parts.append(f"{filled} AS {name}")
    con.execute(f"CREATE TABLE data AS SELECT {', '.join(parts)} FROM range({rows}) t(i)")
    return list(cols)


def alternating(
    runs: int, works: dict[str, Callable[[], object]]
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of each work per round, the works taking turns in every round, so
    that a loaded machine slows each of them alike (CPU time counts DuckDB's threads too)."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in works}
    for _ in range(runs):
        for name, work in works.items():
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus-columns", type=int, default=2000)
    parser.add_argument("--corpus-rows", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    print("command: " + shlex.join([sys.executable, *sys.argv]))
    print(f"duckdb {duckdb.__version__}, Python {sys.version.split()[0]}, "
          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip

    con = duckdb.connect()
    started = time.perf_counter()
    names = speed_table(con, args.rows)
    print(f"table: {args.rows:,} rows x {len(names)} columns, made in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    plain_sql = "SELECT " + ", ".join(
        f"count_if(regexp_matches({n}, '{PLAIN}'))" for n in names
    ) + " FROM data"  # fmt: skip
    times = alternating(
        args.runs,
        {"plain": lambda: con.execute(plain_sql).fetchone(), "guard": lambda: scan_tables(con)},
    )
    for i, ((pw, pc), (gw, gc)) in enumerate(zip(times["plain"], times["guard"], strict=True)):
        print(f"round {i + 1}: plain {pw:.2f} s wall / {pc:.2f} s CPU, guard {gw:.2f} s wall / "
              f"{gc:.2f} s CPU: {gw / pw:.2f}x wall, {gc / pc:.2f}x CPU")  # fmt: skip
    plain, guard = (min(w for w, _c in times[n]) for n in ("plain", "guard"))
    plain_cpu, guard_cpu = (min(c for _w, c in times[n]) for n in ("plain", "guard"))
    kinds = sorted({(f.column, f.kind) for f in scan_tables(con)})
    print(f"plain regexp scan:  best {plain:.2f} s wall, {plain_cpu:.2f} s CPU "
          f"({args.rows / plain:,.0f} rows/s)")  # fmt: skip
    print(f"personal-data guard: best {guard:.2f} s wall, {guard_cpu:.2f} s CPU "
          f"({args.rows / guard:,.0f} rows/s), {guard / plain:.2f}x the plain scan's wall time, "
          f"{guard_cpu / plain_cpu:.2f}x its CPU time")  # fmt: skip
    print(f"reported: {', '.join(f'{c}={k}' for c, k in kinds)}")

    q = quality(args.corpus_columns, args.corpus_rows, args.seed)
    print(f"corpus: {q['personal']:.0f} personal and {q['ordinary']:.0f} ordinary columns of "
          f"{args.corpus_rows} values")  # fmt: skip
    print(f"recall: {q['recall']:.2%}; false alarms: {q['false_alarms']:.2%} of ordinary columns")
    for key, value in q.items():
        if key.startswith("alarms_"):
            print(f"  false alarms on {key.removeprefix('alarms_')}: {value:.0f}")
    print(f"load after: {os.getloadavg()[0]:.2f}")
    goals = {
        "recall >= 99 %": q["recall"] >= 0.99,
        "false alarms <= 1 %": q["false_alarms"] <= 0.01,
        "guard <= 2x plain scan (CPU time)": guard_cpu <= 2 * plain_cpu,
    }
    for goal, met in goals.items():
        print(f"goal {goal}: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
