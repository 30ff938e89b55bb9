"""Livsmedelskontroller v2: the Table Schema read from the official specification workbook.

NSÖD and ÖDIS published the food-inspection specification (v2, 2020) as a spreadsheet,
`Livsmedelsinspektioner - Teknisk specifikation v2.xlsx` (github.com/Sambruk/livsmedel @
080c0f8e, vendored as `specdata/spec-livsmedelskontroller-2.0.xlsx`), not as a schema.json.
Its sheet "Specifikation en" lists each attribute by end-point (inspecOrg, facility,
inspections), with its type, explanation and requirement level; the CSV form flattens the
nesting into dotted column names (`facility.address.streetAddress`, the official
`exempel.csv`). This module turns those rows into fields: "required" becomes a required field,
"required if …" and "recommended" do not; arrays (JSON inside a cell, `["A01","J02"]`) and
ISO 8601 times are strings. The few rules the sheet states only in words (inspection type 0-2,
experience class A-C, the national id's prefix) are written out in `_RULES`.
"""

from __future__ import annotations

import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from torget.datastore.xlsx import open_workbook, sheet_rows

__all__ = ["schema_from_workbook", "WORKBOOK"]

WORKBOOK = Path(__file__).parent.parent / "specdata" / "spec-livsmedelskontroller-2.0.xlsx"
_SHEET = "Specifikation en"
_PREFIX = {"": "", "inspecorg": "inspecOrg.", "facility": "facility.", "inspections": "inspection."}
# The sheet's words where the CSV's column names differ (exempel.csv: address.locality, …).
_RENAMED = {"Locality": "locality", "addressRegion": "region", "addressCountry": "country"}
_TYPES = {"string": "string", "number": "number", "boolean": "boolean"}
_RULES: dict[str, dict[str, Any]] = {
    "lang": {"constraints": {"pattern": "[a-z]{2,3}"}},
    "facility.expClass": {"constraints": {"enum": ["A", "B", "C"]}},
    "facility.idNational": {"constraints": {"pattern": "F-[0-9]{4}-.+"}},
    "inspection.idNational": {"constraints": {"pattern": "I-[0-9]{4}-.+"}},
    "inspection.type": {"type": "integer", "constraints": {"enum": [0, 1, 2]}},
    "inspection.assessment": {"type": "integer"},
}


def _field(prefix: str, attribute: str, kind: str, explanation: str, level: str) -> dict[str, Any]:
    parts = [_RENAMED.get(p.strip(), p.strip()) for p in attribute.split(">")]
    name = prefix + ".".join(parts)
    field: dict[str, Any] = {
        "name": name,
        "type": _TYPES.get(kind.strip().lower(), "string"),
        "description": explanation.strip(),
    }
    rule = _RULES.get(name, {})
    constraints = dict(rule.get("constraints", {}))
    if level.strip().lower() == "required":
        constraints["required"] = True
    if "type" in rule:
        field["type"] = rule["type"]
    if constraints:
        field["constraints"] = constraints
    return field


def schema_from_workbook(path: Path = WORKBOOK) -> dict[str, Any]:
    """The CSV form's Table Schema, one field per attribute row of the English sheet."""
    fields: list[dict[str, Any]] = []
    prefix = ""
    with zipfile.ZipFile(path) as archive:
        book = open_workbook(archive)
        member = dict(book.sheets)[_SHEET]
        for number, cells in sheet_rows(archive, book, member):
            if number == 0:
                continue  # the header row
            text = [str(cells.get(i, "") or "") for i in range(6)]
            section, attribute, kind, explanation, _example, level = text
            if section.strip():
                prefix = _PREFIX.get(section.strip().lower(), section.strip() + ".")
            if not attribute.strip() or kind.strip().lower() in ("object", "array of objects"):
                continue
            fields.append(_field(prefix, attribute, kind, explanation, level))
    return {
        "fields": fields,
        "missingValues": [""],
        "description": "Read from the official specification workbook (sheet "
        f"{_SHEET!r}): one column per attribute, nested names joined by dots as in the "
        "specification's exempel.csv.",
    }


@cache
def builtin_schema() -> dict[str, Any]:
    return schema_from_workbook()
