"""Empty files to fill in: a specification's columns as a CSV header and as an XLSX workbook.

The CSV template is the header line alone (UTF-8, the columns in the specification's order), so
a filled-in copy is a valid file as it stands. The workbook's first sheet is the same header,
each heading carrying a note with the column's description and allowed values, and a drop-down
list on the columns with a fixed set of values (enumerations, true/false); its second sheet lists
the columns with whether each is required, its type, allowed values and description. The
datastore reads a workbook's first sheet as the table, so a filled-in workbook checks as is.
"""

from __future__ import annotations

import csv
import io

import xlsxwriter

from torget.specifications.registry import Specification

__all__ = ["csv_template", "xlsx_template", "file_name"]

_ROWS = 5000  # rows of the workbook that carry the drop-down lists


def file_name(spec: Specification, extension: str) -> str:
    return f"{spec.name}-{spec.version}-template.{extension}"


def csv_template(spec: Specification) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([f.name for f in spec.fields])
    return out.getvalue().encode("utf-8")


def xlsx_template(spec: Specification, lang: str = "sv") -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    data = book.add_worksheet("data")
    sv = lang != "en"
    for col, f in enumerate(spec.fields):
        data.write_string(0, col, f.name, bold)
        required = ("obligatorisk" if sv else "required") if f.required else ""
        note = "\n".join(x for x in (f.title, f.description, required, f.allowed()) if x)
        data.write_comment(0, col, note[:30000], {"x_scale": 2, "y_scale": 2})
        choices = f.enum if f.enum else (["true", "false"] if f.type == "boolean" else None)
        if choices and sum(len(c) + 1 for c in choices) < 255:
            data.data_validation(1, col, _ROWS, col, {"validate": "list", "source": choices})
        data.set_column(col, col, max(12, min(40, len(f.name) + 2)))
    data.freeze_panes(1, 0)
    columns = book.add_worksheet("kolumner" if sv else "columns")
    heads = (["kolumn", "obligatorisk", "typ", "tillåtna värden", "beskrivning"] if sv
             else ["column", "required", "type", "allowed values", "description"])  # fmt: skip
    for col, head in enumerate(heads):
        columns.write_string(0, col, head, bold)
    for row, f in enumerate(spec.fields, start=1):
        yes_no = ("ja" if sv else "yes") if f.required else ("nej" if sv else "no")
        for col, value in enumerate((f.name, yes_no, f.type, f.allowed(), f.description)):
            columns.write_string(row, col, value)
    columns.set_column(0, 0, 30)
    columns.set_column(3, 4, 50)
    book.close()
    return out.getvalue()
