"""An inventory as a spreadsheet: import from CSV or XLSX, export to either.

A municipality starts from the spreadsheet it already keeps, so an import takes what office
programs write: CSV in UTF-8 (with or without a byte-order mark) or Windows-1252, separated by
commas, semicolons (Excel's Swedish default) or tabs, and XLSX workbooks (the first sheet,
read by the datastore's streaming reader, `torget.datastore.xlsx`). The first non-empty row
names the columns, in English (`COLUMNS`, what an export writes) or Swedish (`SWEDISH`).

An import is all or nothing. Every row is checked by the same rules as a form
(`inventory_fields`) before anything is written; a file with an unknown, repeated or missing
column, or any bad value, is refused with each problem at `rows.<row>.<column>` (the row as
the spreadsheet numbers it, the column as the file names it) and the inventory stays as it
was. A row with an `id` changes that candidate (only the columns the file has), a row without
one adds a candidate; nothing is deleted by an import. The export's own columns (`priority`,
`reasons`, `votes`, `dataset`) are read-only and ignored on import, so an exported file goes
back in unchanged.

Exports never carry a formula: a CSV cell starting with = + - @ is prefixed with an
apostrophe (OWASP's rule against CSV injection, as the datastore's downloads do), which an
import takes off again; XLSX cells are written as text (xlsxwriter's `write_string`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import sqlalchemy as sa
from xlsxwriter import Workbook

from torget.accounts.permissions import Actor
from torget.catalog.organisations import get_organisation
from torget.catalog.vocabularies import vocabulary
from torget.datastore.export import FORMULA_STARTS, inert
from torget.datastore.xlsx import open_workbook, sheet_rows
from torget.errors import FieldError, ValidationFailed
from torget.publishing.inventory import Candidate, candidates_of, read_inventory
from torget.publishing.inventory_changes import check_suggestions, organisation_tree, save_many
from torget.publishing.inventory_fields import CandidateIn, Checked, check_candidate

__all__ = [
    "COLUMNS",
    "READ_ONLY",
    "SWEDISH",
    "MAX_ROWS",
    "MAX_BYTES",
    "ImportReport",
    "import_inventory",
    "export_inventory",
    "read_table",
]

COLUMNS = (
    "id",
    "title_sv",
    "title_en",
    "department",
    "description",
    "benefits",
    "effort",
    "hvd_category",
    "contact_name",
    "contact_email",
    "suggestions",
)
READ_ONLY = ("priority", "reasons", "votes", "dataset")
SWEDISH = {
    "titel": "title_sv",
    "titel_sv": "title_sv",
    "titel_en": "title_en",
    "engelsk_titel": "title_en",
    "förvaltning": "department",
    "avdelning": "department",
    "beskrivning": "description",
    "nytta": "benefits",
    "samhällsnytta": "benefits",
    "insats": "effort",
    "högvärdeskategori": "hvd_category",
    "hvd_kategori": "hvd_category",
    "kontaktperson": "contact_name",
    "kontakt": "contact_name",
    "e_post": "contact_email",
    "epost": "contact_email",
    "förslag": "suggestions",
    "prioritet": "priority",
    "skäl": "reasons",
    "röster": "votes",
    "datamängd": "dataset",
}
MAX_ROWS = 10_000  # Örebro counts more than 1,000 candidates; ten times that is a mistake
MAX_BYTES = 20 * 1024 * 1024  # a file, and what an XLSX workbook may unpack to
MAX_ERRORS = 100  # a file wrong in every row is refused with its first hundred problems


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int

    def as_json(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def _refused(code: str, message: str, **params: str) -> ValidationFailed:
    return ValidationFailed([FieldError("file", message, code=code, params=params)])


# --- Reading a file --------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_BYTES:
                raise _refused(
                    "inventory_file_too_large",
                    "the workbook unpacks to too much",
                    limit=str(MAX_BYTES),
                )
            book = open_workbook(archive)
            if not book.sheets:
                raise _refused("inventory_unreadable_file", "the workbook has no sheet")
            for number, cells in sheet_rows(archive, book, book.sheets[0][1]):
                width = max(cells, default=-1) + 1
                yield number + 1, [_cell(cells.get(i)) for i in range(width)]
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError) as exc:
        raise _refused(
            "inventory_unreadable_file", f"not a readable XLSX workbook ({exc})"
        ) from None


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise _refused("inventory_unreadable_file", "not a CSV file or an XLSX workbook")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(records, start=1)  # a record is one row, line breaks and all
    except csv.Error as exc:
        raise _refused("inventory_unreadable_file", f"not a readable CSV file ({exc})") from None


def _untouched(value: str) -> str:
    """A cell as written: the apostrophe an export put before a formula-like text removed."""
    value = value.strip()
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def read_table(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the rows with cells (each with its spreadsheet row number) of a CSV
    file or an XLSX workbook, told apart by their first bytes."""
    if len(content) > MAX_BYTES:
        raise _refused("inventory_file_too_large", "the file is too large", limit=str(MAX_BYTES))
    reader = _xlsx_rows if content.startswith(b"PK\x03\x04") else _csv_rows
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in reader(content):
        cells = [_untouched(cell) for cell in cells]
        if not any(cells):
            continue
        if header is None:
            header = cells
        elif len(rows) == MAX_ROWS:
            raise _refused(
                "inventory_too_many_rows", f"more than {MAX_ROWS} rows", limit=str(MAX_ROWS)
            )
        else:
            rows.append((number, cells))
    if header is None:
        raise _refused("inventory_empty_file", "the file has no header row")
    return header, rows


# --- The columns -----------------------------------------------------------------------------


def _key(name: str) -> str:
    key = "_".join(name.strip().casefold().replace("-", " ").split())
    return SWEDISH.get(key, key)


def _columns(header: list[str]) -> dict[int, str]:
    """Position → column of each editable column; an unknown, repeated or missing one is
    refused (read-only columns are skipped)."""
    errors, found, seen = [], {}, set()
    for i, name in enumerate(header):
        key = _key(name)
        if not name.strip() or key not in COLUMNS + READ_ONLY:
            errors.append(
                FieldError(
                    f"columns.{i + 1}",
                    f"unknown column {name!r}",
                    allowed=list(COLUMNS),
                    code="inventory_unknown_column",
                    params={"column": name, "position": str(i + 1)},
                )
            )
        elif key in seen:
            errors.append(
                FieldError(
                    f"columns.{i + 1}",
                    f"the column {name!r} comes twice",
                    code="inventory_repeated_column",
                    params={"column": name, "position": str(i + 1)},
                )
            )
        elif key in COLUMNS:
            found[i] = key
        seen.add(key)
    if not seen & {"title_sv", "id"}:  # a file that only changes candidates needs no titles
        errors.append(
            FieldError(
                "columns",
                "the column title_sv (titel) is missing",
                code="inventory_missing_column",
                params={"column": "title_sv"},
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return found


# --- Importing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    number: int
    candidate: Candidate | None
    checked: Checked


def _row_data(cells: dict[str, str], base: CandidateIn) -> CandidateIn:
    data = dataclasses.replace(base)
    for key, value in cells.items():
        if key in ("benefits", "suggestions"):
            setattr(data, key, [value])
        elif key != "id":
            setattr(data, key, value)
    return data


def _at_row(errors: list[FieldError], number: int, names: dict[str, str]) -> list[FieldError]:
    """Each error with the row and the column as the file names them."""
    out = []
    for e in errors:
        column = e.field.rsplit(".", 1)[-1]
        params = {**e.params, "row": str(number), "column": names.get(column, column)}
        out.append(dataclasses.replace(e, params=params))
    return out


def _checked_rows(
    conn: sa.Connection, org_id: str, header: list[str], rows: list[tuple[int, list[str]]]
) -> list[_Row]:
    columns = _columns(header)
    names = {key: header[i] for i, key in columns.items()}
    existing = {x.id: x for x in candidates_of(conn, get_organisation(conn, org_id), sa.true())}
    errors: list[FieldError] = []
    checked: list[_Row] = []
    ids: set[str] = set()
    tree: set[str] | None = None  # the organisations whose suggestions may be linked
    for number, raw in rows:
        cells = {key: raw[i] if i < len(raw) else "" for i, key in columns.items()}
        ref = cells.get("id", "")
        candidate = existing.get(ref) if ref else None
        row_errors: list[FieldError] = []
        if ref and (candidate is None or ref in ids):
            code = "unknown_candidate" if candidate is None else "inventory_repeated_candidate"
            row_errors.append(
                FieldError(
                    f"rows.{number}.id",
                    f"{code.replace('_', ' ')}: {ref}",
                    code=code,
                    params={"value": ref},
                )
            )
        ids.add(ref)
        base = candidate.as_input() if candidate else CandidateIn("")
        prefix = f"rows.{number}."
        result, found = check_candidate(_row_data(cells, base), prefix.__add__)
        row_errors += found
        if result.suggestions:
            path = f"rows.{number}.suggestions"
            tree = organisation_tree(conn, org_id) if tree is None else tree
            row_errors += check_suggestions(conn, org_id, result.suggestions, path, tree)
        errors += _at_row(row_errors, number, names)
        checked.append(_Row(number, candidate, result))
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ValidationFailed(errors[:MAX_ERRORS])
    return checked


def import_inventory(
    conn: sa.Connection, actor: Actor, organisation: str, content: bytes
) -> ImportReport:
    """Add and change candidates from a CSV or XLSX file, all or nothing (editors)."""
    org = get_organisation(conn, organisation)
    actor.require(org.id, "editor", "change the inventory")
    header, rows = read_table(content)
    checked = _checked_rows(conn, org.id, header, rows)
    saved = save_many(conn, actor, org.id, [(r.candidate, r.checked) for r in checked], "imported")
    created = sum(1 for r in checked if r.candidate is None)
    updated = sum(
        1 for r, (_, changed) in zip(checked, saved, strict=True) if r.candidate and changed
    )
    unchanged = len(checked) - created - updated
    return ImportReport(created, updated, unchanged)


# --- Exporting -------------------------------------------------------------------------------


def _hvd_name(iri: str | None) -> str:
    concept = vocabulary("hvd_category").lookup(iri) if iri else None
    return concept.label_en if concept else (iri or "")


def _cells(x: Candidate) -> list[str]:
    p = x.priority
    return [
        x.id,
        x.title_sv,
        x.title_en or "",
        x.department or "",
        x.description or "",
        ", ".join(x.benefits),
        x.effort or "",
        _hvd_name(x.hvd_category),
        x.contact_name or "",
        x.contact_email or "",
        " ".join(s.id for s in x.suggestions),
        str(p.score),
        p.explained(),
        str(x.votes),
        x.dataset_name or "",
    ]


def _csv(candidates: list[Candidate]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS + READ_ONLY)
    writer.writerows([inert(cell) for cell in _cells(x)] for x in candidates)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the mark makes Excel read UTF-8


def _xlsx(candidates: list[Candidate]) -> bytes:
    out = io.BytesIO()
    book = Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("inventory")
    bold = book.add_format({"bold": True})
    for c, name in enumerate(COLUMNS + READ_ONLY):
        sheet.write_string(0, c, name, bold)
    for r, x in enumerate(candidates, start=1):
        for c, cell in enumerate(_cells(x)):
            sheet.write_string(r, c, cell)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def export_inventory(conn: sa.Connection, actor: Actor, organisation: str, fmt: str) -> bytes:
    """The inventory as `csv` or `xlsx`, highest priority first (members of the
    organisation: the file carries the contacts)."""
    inventory = read_inventory(conn, actor, organisation)
    actor.require(inventory.organisation.id, "member", "export the inventory")
    if fmt not in ("csv", "xlsx"):
        raise ValidationFailed(
            [
                FieldError(
                    "format",
                    f"{fmt!r} is not csv or xlsx",
                    allowed=["csv", "xlsx"],
                    code="not_allowed",
                    params={"value": fmt},
                )
            ]
        )
    return (_csv if fmt == "csv" else _xlsx)(inventory.candidates)
