"""The personal-data scan over literal tables: which values count, which columns are reported,
and that examples are masked."""

from __future__ import annotations

from pathlib import Path

import duckdb

from torget.publishing.personal_data import Finding, mask, scan_file, scan_tables


def _luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def _number(date: str, serial: str = "123") -> str:
    """A valid ten-digit number for YYMMDD `date` (a co-ordination number when day > 60)."""
    return date + serial + _luhn_digit(date + serial)


def _table(tmp_path: Path, columns: dict[str, list[object]]) -> Path:
    path = tmp_path / "t.duckdb"
    with duckdb.connect(str(path)) as con:
        names = list(columns)
        rows = list(zip(*columns.values(), strict=True))
        types = ", ".join(
            f'"{n}" {"BIGINT" if isinstance(columns[n][0], int) else "VARCHAR"}' for n in names
        )
        con.execute(f"CREATE TABLE data (_id BIGINT, {types})")
        marks = ", ".join("?" for _ in range(len(names) + 1))
        for i, row in enumerate(rows):
            con.execute(f"INSERT INTO data VALUES ({marks})", [i, *row])
    return path


def _kinds(findings: list[Finding]) -> dict[str, str]:
    return {f.column: f.kind for f in findings}


def test_identity_numbers_in_every_form_are_found_and_masked(tmp_path: Path) -> None:
    ten = _number("811218")
    forms = [
        ten,
        f"{ten[:6]}-{ten[6:]}",
        f"19{ten}",
        f"19{ten[:6]}-{ten[6:]}",
        f"{ten[:6]}+{ten[6:]}",
    ]
    path = _table(tmp_path, {"pnr": forms, "numeric": [int("19" + ten)] * 5})
    found = {(f.column, f.kind): f for f in scan_file(path)}
    assert found[("pnr", "personal_identity_number")].count == 5
    assert found[("numeric", "personal_identity_number")].count == 5
    for example in found[("pnr", "personal_identity_number")].examples:
        assert ten[6:] not in example and "*" in example


def test_coordination_numbers_have_the_day_plus_sixty(tmp_path: Path) -> None:
    path = _table(tmp_path, {"snr": [_number("811278"), _number("900288", "456")]})
    found = scan_file(path)
    assert [(f.kind, f.count) for f in found] == [("coordination_number", 2)]


def test_wrong_check_digits_dates_and_organisation_numbers_are_not_people(tmp_path: Path) -> None:
    good = _number("811218")
    bad_luhn = good[:9] + str((int(good[9]) + 1) % 10)
    path = _table(
        tmp_path,
        {
            "bad_luhn": [bad_luhn] * 3,
            "bad_date": [_number("811318"), _number("810230"), _number("811232")],
            "orgnr": ["212000-0142", "556016-0680", "202100-5489"],
            "postcode": ["412 58", "11122", "903 25"],
        },
    )
    assert scan_file(path) == []


def test_a_column_of_invoice_numbers_stays_quiet_despite_chance_matches(tmp_path: Path) -> None:
    invoices = [str(5_000_000_000 + i * 7919) for i in range(2000)]
    path = _table(tmp_path, {"faktura": invoices})
    assert scan_file(path) == []


def test_emails_phones_and_name_columns(tmp_path: Path) -> None:
    path = _table(
        tmp_path,
        {
            "kontakt": ["anna.svensson@example.se", "-"],
            "telefon": ["070-123 45 67", "+46 8 123 456 78"],
            "Förnamn": ["Anna", "Bo"],
            "namn": ["Badplatsen", "Strandbadet"],
        },
    )
    assert _kinds(scan_file(path)) == {"kontakt": "email", "telefon": "phone", "Förnamn": "name"}


def test_masks_keep_the_kind_not_the_person() -> None:
    assert mask("personal_identity_number", "19811218-1234") == "1981****-****"
    assert mask("email", "anna.svensson@example.se") == "a***@***.se"
    assert mask("phone", "070-123 45 67") == "070-*** ** **"
    assert mask("name", "Anna") == "A***"


def test_a_large_table_is_sampled_but_counted_exactly() -> None:
    """From 200,000 rows on, a sample picks the columns tested row by row: identity numbers in
    the last 15 % of the rows (a sorted register) are still found and counted exactly, and a
    single e-mail address anywhere still is (it is looked for in every row)."""
    numbers = [_number(f"8{d % 10}{1 + d % 12:02d}{1 + d % 28:02d}", f"{d % 1000:03d}")
               for d in range(30_000)]  # fmt: skip
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE data AS SELECT i AS _id, "
        "CASE WHEN i >= 170000 THEN l[i - 170000 + 1] END AS personnummer, "
        "CASE WHEN i = 123456 THEN 'anna.andersson@example.se' ELSE 'ingen' END AS kontakt, "
        "printf('%010d', hash(i) % 10000000000) AS fakturanummer "
        "FROM range(200000) t(i), (SELECT ?::VARCHAR[] AS l)",
        [numbers],
    )
    found = {(f.column, f.kind): f for f in scan_tables(con)}
    assert set(found) == {("personnummer", "personal_identity_number"), ("kontakt", "email")}
    assert found["personnummer", "personal_identity_number"].count == 30_000
    assert found["kontakt", "email"].count == 1
    assert found["kontakt", "email"].examples == ("a***@***.se",)
