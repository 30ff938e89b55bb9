"""Choices for the forms' pickers, from the controlled vocabularies, labelled in the page's
language and sorted the way a reader scans them."""

from __future__ import annotations

from torget.accounts.permissions import Actor
from torget.catalog.organisations import Organisation
from torget.catalog.vocabularies import HVD_LEGISLATION, file_types, vocabulary
from torget.web.i18n import localize

__all__ = [
    "options",
    "language_options",
    "hvd_options",
    "organisation_options",
    "format_codes",
    "HVD_LEGISLATION",
]

Options = list[tuple[str, str]]

# Languages offered first: Swedish, English and Sweden's national minority languages.
_COMMON_LANGUAGES = ("SWE", "ENG", "FIN", "SME", "SMA", "SMJ", "FIT", "ROM", "YID")
# The six HVD categories of regulation (EU) 2023/138, Annex; subcategories stay selectable
# when a record already has them.
_HVD_TOP = ("c_ac64a52d", "c_dd313021", "c_164e0bf5", "c_e1da4e07", "c_a9135398", "c_b79e35eb")


def options(vocab: str, lang: str, by_code: bool = False) -> Options:
    """Every concept, by IRI (or by its short code, for addresses), sorted by label."""
    concepts = vocabulary(vocab).concepts
    return sorted(
        ((c.code if by_code else c.iri, c.label(lang)) for c in concepts),
        key=lambda o: o[1].casefold(),
    )


def _some(vocab: str, codes: tuple[str, ...], lang: str, chosen: list[str]) -> Options:
    found = vocabulary(vocab)
    shown = [c for c in found.concepts if c.code in codes or c.iri in chosen]
    order = {code: i for i, code in enumerate(codes)}
    shown.sort(key=lambda c: (order.get(c.code, len(codes)), c.label(lang)))
    return [(c.iri, c.label(lang)) for c in shown]


def language_options(lang: str, chosen: list[str]) -> Options:
    return _some("language", _COMMON_LANGUAGES, lang, chosen)


def hvd_options(lang: str, chosen: list[str]) -> Options:
    return _some("hvd_category", _HVD_TOP, lang, chosen)


def organisation_options(orgs: dict[str, Organisation], actor: Actor | None, lang: str) -> Options:
    """Organisations in which the actor may publish (the editor role or more); every one
    when there is no actor (a choice of whom to ask, not where to publish)."""
    allowed = [o for o in orgs.values() if actor is None or actor.has_role(o.id, "editor")]
    return sorted(
        ((o.name, str(localize(o.data.title, lang))) for o in allowed),
        key=lambda o: o[1].casefold(),
    )


def format_codes() -> list[str]:
    """Common file types first, for the format field's suggestions."""
    common = ["CSV", "JSON", "GEOJSON", "XLSX", "XML", "PDF", "ZIP", "GPKG", "SHP", "ODS"]
    known = set(file_types().codes())
    return [c for c in common if c in known] + sorted(known - set(common))
