"""The fields of an inventory candidate: what each may hold and how a typed value is read.

One set of rules for the pages, the JSON API, the command line and spreadsheet imports, so a
value refused in a form is refused in a spreadsheet with the same code. Values are read as
people type them in a spreadsheet: a benefit area, an effort or a high-value category by its
code or by its Swedish or English name, a suggestion by its id or its page's address.

Societal benefit uses the four impact areas of data.europa.eu's Open Data Maturity
assessment (the European data portal's yearly benchmark; its "impact" dimension measures
governmental, social, environmental and economic impact: Open Data Maturity Report 2022,
doi:10.2830/70973). The portal publishes them as report chapters, not as a vocabulary file,
so the codes are Torget's own. The high-value category is the EU's HVD category vocabulary
(`dcatap:hvdCategory`, Implementing Regulation (EU) 2023/138) as DCAT-AP-SE 3.0.1 lists it,
and is stored as its IRI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from torget.catalog.vocabularies import vocabulary
from torget.errors import FieldError
from torget.text import checked_text

__all__ = [
    "BENEFITS",
    "EFFORTS",
    "TEXT_LIMITS",
    "CandidateIn",
    "Checked",
    "check_candidate",
    "read_benefits",
    "read_effort",
    "read_hvd_category",
    "suggestion_refs",
]

# Code → (English, Swedish) names; either name or the code is accepted on input.
BENEFITS = {
    "governmental": ("Governmental", "Offentlig förvaltning"),
    "social": ("Social", "Social"),
    "environmental": ("Environmental", "Miljö"),
    "economic": ("Economic", "Ekonomisk"),
}
EFFORTS = {
    "small": ("Small", "Liten"),
    "medium": ("Medium", "Medel"),
    "large": ("Large", "Stor"),
}
TEXT_LIMITS = {
    "title_sv": 200,
    "title_en": 200,
    "department": 200,
    "description": 5000,
    "contact_name": 200,
    "contact_email": 320,
}
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_SPLIT = re.compile(r"[,;\n]")


@dataclass
class CandidateIn:
    """A candidate as a person gives it; `suggestions` None leaves the links as they are."""

    title_sv: str
    title_en: str = ""
    department: str = ""
    description: str = ""
    benefits: list[str] = field(default_factory=list)
    effort: str = ""
    hvd_category: str = ""
    contact_name: str = ""
    contact_email: str = ""
    suggestions: list[str] | None = None


@dataclass(frozen=True)
class Checked:
    """A candidate's stored values (column → value) and the suggestion ids it names."""

    values: dict[str, object]
    suggestions: list[str] | None


Path = Callable[[str], str]  # a field's name → the path its errors name


def _named(codes: dict[str, tuple[str, str]], value: str) -> str | None:
    wanted = value.strip().casefold()
    for code, names in codes.items():
        if wanted == code or wanted in (n.casefold() for n in names):
            return code
    return None


def read_benefits(errors: list[FieldError], path: str, values: list[str]) -> list[str]:
    """Benefit area codes, each once, in the vocabulary's order."""
    found: set[str] = set()
    for value in (v for raw in values for v in _SPLIT.split(raw) if v.strip()):
        code = _named(BENEFITS, value)
        if code is None:
            errors.append(
                FieldError(
                    path,
                    f"{value.strip()!r} is not a benefit area",
                    allowed=list(BENEFITS),
                    code="not_a_benefit_area",
                    params={"value": value.strip()},
                )
            )
        else:
            found.add(code)
    return [code for code in BENEFITS if code in found]


def read_effort(errors: list[FieldError], path: str, value: str) -> str | None:
    if not value.strip():
        return None
    code = _named(EFFORTS, value)
    if code is None:
        errors.append(
            FieldError(
                path,
                f"{value.strip()!r} is not an effort",
                allowed=list(EFFORTS),
                code="not_an_effort",
                params={"value": value.strip()},
            )
        )
    return code


def read_hvd_category(errors: list[FieldError], path: str, value: str) -> str | None:
    """A high-value category's IRI, from its IRI, code or Swedish or English name."""
    if not value.strip():
        return None
    vocab = vocabulary("hvd_category")
    concept = vocab.lookup(value)
    if concept is None:
        wanted = value.strip().casefold()
        concept = next(
            (c for c in vocab.concepts if wanted in (c.label_en.casefold(), c.label_sv.casefold())),
            None,
        )
    if concept is None:
        errors.append(
            FieldError(
                path,
                f"{value.strip()!r} is not a high-value category",
                code="not_a_hvd_category",
                params={"value": value.strip()},
            )
        )
        return None
    return concept.iri


def suggestion_refs(values: list[str]) -> list[str]:
    """Suggestion ids from ids or page addresses (`…/suggestions/<id>`), each once."""
    refs: list[str] = []
    for value in (v.strip() for raw in values for v in re.split(r"[,;\s]+", raw)):
        ref = value.rstrip("/").rsplit("/", 1)[-1]
        if ref and ref not in refs:
            refs.append(ref)
    return refs


def _text(errors: list[FieldError], path: Path, name: str, value: str) -> str | None:
    text = checked_text(
        errors,
        path(name),
        value,
        TEXT_LIMITS[name],
        lines=name == "description",
        required=name == "title_sv",
    )
    return text or None


def check_candidate(data: CandidateIn, path: Path = str) -> tuple[Checked, list[FieldError]]:
    """The stored values of `data` and every problem with them, each at `path(field)`.
    Suggestion ids are only read here; whether they exist is the caller's to check."""
    errors: list[FieldError] = []
    values: dict[str, object] = {
        name: _text(errors, path, name, getattr(data, name))
        for name in (
            "title_sv",
            "title_en",
            "department",
            "description",
            "contact_name",
            "contact_email",
        )
    }
    values["title_sv"] = values["title_sv"] or ""
    email = values["contact_email"]
    if isinstance(email, str) and not _EMAIL.match(email):
        errors.append(
            FieldError(
                path("contact_email"),
                f"{email!r} is not an e-mail address",
                code="not_an_email",
                params={"value": email},
            )
        )
    values["benefits"] = read_benefits(errors, path("benefits"), data.benefits)
    values["effort"] = read_effort(errors, path("effort"), data.effort)
    values["hvd_category"] = read_hvd_category(errors, path("hvd_category"), data.hvd_category)
    refs = None if data.suggestions is None else suggestion_refs(data.suggestions)
    return Checked(values, refs), errors
