"""What a harvest run found wrong, each with the dataset, the property and a fix hint.

A problem is an `error` when it cost something (the run failed, a dataset was skipped, a
distribution dropped) and a `warning` when a value was mapped or left out and the dataset kept.
The hints are written for the people who run the source (in Swedish and English, chosen by the
reader), since a report that only Torget's administrator can read fixes nothing (ckanext-harvest
#176: errors nobody sees).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Problem", "SourceFailed", "HINTS", "hint"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    code: str
    dataset: str  # the original IRI, or "" for the source as a whole
    property: str  # e.g. dcterms:title, or "" when none applies
    detail: str  # English, with the value or the position
    severity: Severity = "warning"

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity,
            "dataset": self.dataset,
            "property": self.property,
            "detail": self.detail,
            "hint_en": hint(self.code, "en"),
            "hint_sv": hint(self.code, "sv"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Problem:
        severity: Severity = "error" if data.get("severity") == "error" else "warning"
        return cls(data["code"], data["dataset"], data["property"], data["detail"], severity)


class SourceFailed(Exception):
    """The source as a whole could not be read: the run fails and the last harvest stays."""

    def __init__(self, code: str, detail: str, prop: str = "") -> None:
        super().__init__(detail)
        self.problem = Problem(code, "", prop, detail, "error")


# code → (English, Swedish)
HINTS: dict[str, tuple[str, str]] = {
    "fetch_failed": (
        "Check that the address answers in a browser and is reachable from the internet.",
        "Kontrollera att adressen svarar i en webbläsare och nås från internet.",
    ),
    "not_modified": ("Nothing to do: the source says it has not changed.", "Inget att göra."),
    "not_rdf": (
        "Serve the catalogue as RDF/XML, Turtle or JSON-LD (DCAT-AP-SE), not HTML or plain JSON.",
        "Publicera katalogen som RDF/XML, Turtle eller JSON-LD (DCAT-AP-SE), inte HTML eller JSON.",
    ),
    "not_parseable": (
        "Fix the syntax error at the position given (validate the file, e.g. with an RDF "
        "validator).",
        "Rätta syntaxfelet på angiven plats (validera filen, t.ex. med en RDF-validator).",
    ),
    "data_json": (
        "This is a DCAT-US data.json; give the address of the DCAT-AP RDF feed, or add the "
        "source as another type.",
        "Detta är en DCAT-US data.json; ange adressen till DCAT-AP-flödet i RDF.",
    ),
    "csw": (
        "This is a CSW (ISO 19139) answer; give the address of the DCAT-AP RDF feed instead.",
        "Detta är ett CSW-svar (ISO 19139); ange adressen till DCAT-AP-flödet i RDF.",
    ),
    "content_type": (
        "Serve the file with its RDF media type (application/rdf+xml, text/turtle, "
        "application/ld+json).",
        "Leverera filen med rätt medietyp (application/rdf+xml, text/turtle, application/ld+json).",
    ),
    "no_datasets": (
        "The document describes no dcat:Dataset; check the address. The previous harvest is kept.",
        "Dokumentet beskriver ingen dcat:Dataset; kontrollera adressen. Förra skörden behålls.",
    ),
    "too_many_pages": (
        "The paging never ended; check the Hydra next links.",
        "Bläddringen tog aldrig slut; kontrollera Hydra-länkarna (next).",
    ),
    "sub_catalogue_failed": (
        "A sub-catalogue (dcterms:hasPart) could not be read; fix it or remove the link.",
        "En delkatalog (dcterms:hasPart) kunde inte läsas; rätta den eller ta bort länken.",
    ),
    "blank_node_dataset": (
        "Give each dataset an absolute http(s) IRI (no blank nodes).",
        "Ge varje datamängd en absolut http(s)-IRI (inga blanka noder).",
    ),
    "missing_title": (
        "Add dcterms:title with a language tag (@sv).",
        "Lägg till dcterms:title med språkkod (@sv).",
    ),
    "missing_description": (
        "Add dcterms:description with a language tag (@sv); the title was used.",
        "Lägg till dcterms:description med språkkod (@sv); titeln användes.",
    ),
    "no_swedish_text": (
        "Add the text in Swedish (@sv); another language was used.",
        "Lägg till texten på svenska (@sv); ett annat språk användes.",
    ),
    "machine_translated": (
        "Kept and marked as machine translated.",
        "Behölls och märktes som maskinöversatt.",
    ),
    "duplicate_dataset": (
        "The same dataset IRI is described twice; describe each dataset once.",
        "Samma datamängds-IRI beskrivs två gånger; beskriv varje datamängd en gång.",
    ),
    "duplicate_identifier": (
        "Give each dataset its own dcterms:identifier (a UUID); a new one was made.",
        "Ge varje datamängd en egen dcterms:identifier (ett UUID); ett nytt skapades.",
    ),
    "not_harvested": (
        "Nothing to fix at the source: Torget does not harvest data services and dataset series "
        "as such yet; the datasets are harvested without them.",
        "Inget att rätta i källan: Torget skördar ännu inte datatjänster och dataserier som "
        "sådana; datamängderna skördas utan dem.",
    ),
    "unmapped_value": (
        "Use a value from the official vocabulary (DCAT-AP-SE 3.0.1); the value was left out.",
        "Använd ett värde ur den officiella vokabulären (DCAT-AP-SE 3.0.1); värdet utelämnades.",
    ),
    "mapped_value": (
        "Mapped to the official vocabulary; use the official value in the source.",
        "Översattes till den officiella vokabulären; använd det officiella värdet i källan.",
    ),
    "invalid_iri": (
        "Encode spaces and other forbidden characters in IRIs (%20).",
        "Koda mellanslag och andra otillåtna tecken i IRI:er (%20).",
    ),
    "distribution_dropped": (
        "Give the distribution an accessURL and a format (dcterms:format).",
        "Ge distributionen en accessURL och ett format (dcterms:format).",
    ),
    "no_distribution": (
        "Add at least one dcat:distribution so that there is data to get.",
        "Lägg till minst en dcat:distribution så att det finns data att hämta.",
    ),
    "dataset_refused": (
        "The dataset breaks a rule of the DCAT-AP-SE profile; fix the property named.",
        "Datamängden bryter mot en regel i DCAT-AP-SE; rätta den nämnda egenskapen.",
    ),
    "publisher_unresolved": (
        "Describe the publisher (foaf:name, dcterms:identifier with the organisation number).",
        "Beskriv utgivaren (foaf:name, dcterms:identifier med organisationsnumret).",
    ),
    "interrupted": (
        "The run was interrupted (the process ended); the next run starts over.",
        "Körningen avbröts (processen avslutades); nästa körning börjar om.",
    ),
    "apply_failed": (
        "Saving failed and nothing was changed; the next run tries again.",
        "Sparandet misslyckades och inget ändrades; nästa körning försöker igen.",
    ),
}


def hint(code: str, lang: str) -> str:
    en, sv = HINTS.get(code, ("", ""))
    return sv if lang == "sv" else en
