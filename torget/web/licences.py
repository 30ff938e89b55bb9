"""Licences in plain words: what a reader may do with the data, and where the full text is.

The vocabulary (`torget.catalog.vocabularies`, licence list of DCAT-AP-SE 3.0.1) gives each
licence's name; this adds a one-sentence summary in the manner of Creative Commons' own deeds,
and a link to the deed in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from torget.catalog.vocabularies import vocabulary
from torget.web.i18n import N_

__all__ = ["LicenceInfo", "explain_licence"]

_SUMMARIES = {
    "CC0-1.0": N_(
        "Free to use: you may copy, change and share the data for any purpose, also "
        "commercially, without asking and without naming the source."
    ),
    "CC-BY-4.0": N_(
        "You may copy, change and share the data for any purpose, also commercially, as long "
        "as you name the source."
    ),
    "CC-BY-SA-4.0": N_(
        "You may copy, change and share the data for any purpose, also commercially, as long "
        "as you name the source and share what you make from it under the same licence."
    ),
    "CC-BY-ND-4.0": N_(
        "You may copy and share the data for any purpose, also commercially, as long as you "
        "name the source; you may not share changed versions."
    ),
    "CC-BY-NC-4.0": N_(
        "You may copy, change and share the data, but not commercially, and you must name the "
        "source."
    ),
    "CC-BY-NC-SA-4.0": N_(
        "You may copy, change and share the data, but not commercially; name the source and "
        "share what you make from it under the same licence."
    ),
    "CC-BY-NC-ND-4.0": N_(
        "You may copy and share the data unchanged, but not commercially, and you must name "
        "the source."
    ),
}
NO_LICENCE = N_(
    "No licence is given. Ask the publisher before you use the data for anything but your own "
    "reading."
)
UNKNOWN_LICENCE = N_("Read the licence's terms before you use the data.")


@dataclass(frozen=True)
class LicenceInfo:
    name: str
    summary: str  # a msgid: translated where it is shown
    url: str | None


def explain_licence(iri: str | None, lang: str) -> LicenceInfo:
    if not iri:
        return LicenceInfo("", NO_LICENCE, None)
    concept = vocabulary("license").lookup(iri)
    if concept is None:
        return LicenceInfo(iri, UNKNOWN_LICENCE, iri)
    deed = concept.iri.replace("http://", "https://") + f"deed.{lang}"
    return LicenceInfo(concept.label(lang), _SUMMARIES.get(concept.code, UNKNOWN_LICENCE), deed)
