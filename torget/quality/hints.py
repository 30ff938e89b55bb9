"""How to win back each lost point, in plain Swedish and English, tied to the form field.

The texts live here as a bilingual table, like the vocabularies' labels (`catalog/
vocabularies.py`), rather than in the gettext catalogues: the JSON API and `torget quality`
give both languages at once, whatever the reader's page language, and the hints are data about
the MQA's metrics (one row per metric and reason), not interface wording. A hint names the
field by the form's own dotted path (`keywords.sv`, `download_url`), the name the editing
forms give their inputs, so a page links it as `#f-<path with - for .>` on the dataset's form,
or on the distribution's form when `distribution_id` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from torget.quality.mqa import Check, DatasetScore

__all__ = ["Hint", "hints_for", "HINTS"]

# (metric, reason) -> (field, Swedish, English); reason "" is the metric's default.
HINTS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("keyword", ""): (
        "keywords.sv",
        "Lägg till några nyckelord, så att datamängden hittas när man söker.",
        "Add a few keywords, so that searches find the dataset.",
    ),
    ("theme", ""): (
        "themes",
        "Välj minst ett tema (till exempel Transport eller Miljö).",
        "Choose at least one theme (for example Transport or Environment).",
    ),
    ("spatial", ""): (
        "spatial",
        "Ange vilket område datan gäller, som en webbadress till platsen "
        "(till exempel https://sws.geonames.org/2661886/ för Sverige).",
        "Say which area the data covers, as the web address of the place "
        "(for example https://sws.geonames.org/2661886/ for Sweden).",
    ),
    ("temporal", ""): (
        "temporal.start",
        "Ange vilken tidsperiod datan gäller: minst ett startdatum.",
        "Say which period the data covers: at least a start date.",
    ),
    ("access_url_status", ""): (
        "access_url",
        "Ange en åtkomstadress där datan finns.",
        "Give an access address where the data can be found.",
    ),
    ("access_url_status", "unchecked"): (
        "access_url",
        "Åtkomstadressen har inte kontrollerats än. Ladda upp filen till Torget, "
        "så räknas den som nåbar, eller vänta på länkkontrollen.",
        "The access address has not been checked yet. Upload the file to Torget, "
        "where it counts as reachable, or wait for the link check.",
    ),
    ("access_url_status", "broken"): (
        "access_url",
        "Åtkomstadressen svarar inte. Rätta adressen eller ladda upp filen till Torget.",
        "The access address does not answer. Correct it, or upload the file to Torget.",
    ),
    ("download_url", ""): (
        "download_url",
        "Ange en direkt nedladdningslänk till filen, eller ladda upp filen till Torget.",
        "Give a direct download link to the file, or upload the file to Torget.",
    ),
    ("download_url_status", ""): (
        "download_url",
        "Ange en nedladdningslänk som fungerar, eller ladda upp filen till Torget.",
        "Give a download link that works, or upload the file to Torget.",
    ),
    ("download_url_status", "unchecked"): (
        "download_url",
        "Nedladdningslänken har inte kontrollerats än. Filer som laddats upp till Torget "
        "räknas som nåbara.",
        "The download link has not been checked yet. Files uploaded to Torget count as reachable.",
    ),
    ("download_url_status", "broken"): (
        "download_url",
        "Nedladdningslänken svarar inte. Rätta länken eller ladda upp filen till Torget.",
        "The download link does not answer. Correct it, or upload the file to Torget.",
    ),
    ("format", ""): (
        "format",
        "Ange filformatet (till exempel CSV eller JSON).",
        "State the file format (for example CSV or JSON).",
    ),
    ("media_type", ""): (
        "format",
        "Välj ett känt filformat (till exempel CSV), så fylls medietypen i åt dig.",
        "Choose a known file format (for example CSV), and the media type is filled in.",
    ),
    ("format_vocabulary", ""): (
        "format",
        "Välj filformatet ur listan över EU:s filtyper (till exempel CSV, JSON, XLSX).",
        "Choose the file format from the EU list of file types (for example CSV, JSON, XLSX).",
    ),
    ("non_proprietary", ""): (
        "format",
        "Lägg till datan i ett öppet format som inte ägs av ett företag, till exempel "
        "CSV i stället för Excel.",
        "Add the data in an open format that no company owns, for example CSV instead of Excel.",
    ),
    ("machine_readable", ""): (
        "format",
        "Lägg till datan i ett maskinläsbart format (CSV, JSON, XML) och inte bara som "
        "PDF eller webbsida.",
        "Add the data in a machine-readable format (CSV, JSON, XML), not only as a PDF "
        "or a web page.",
    ),
    ("dcat_ap_compliance", "unchecked"): (
        "",
        "Kontrolleras när datamängden publiceras: Torget prövar den då mot DCAT-AP-SE och "
        "EU:s regler och talar om vad som måste rättas.",
        "Checked when the dataset is published: Torget then tests it against DCAT-AP-SE and "
        "the EU rules and says what must be corrected.",
    ),
    ("dcat_ap_compliance", ""): (
        "",
        "Datamängdens beskrivning bryter mot DCAT-AP. Rätta det som kontrollen anger.",
        "The dataset's description breaks DCAT-AP rules. Correct what the check names.",
    ),
    ("licence", ""): (
        "license",
        "Välj en licens, helst CC0 1.0 eller CC BY 4.0.",
        "Choose a licence, preferably CC0 1.0 or CC BY 4.0.",
    ),
    ("licence_vocabulary", ""): (
        "license",
        "Välj licensen ur listan (Creative Commons), så att den känns igen.",
        "Choose the licence from the list (Creative Commons), so that it is recognised.",
    ),
    ("access_rights", ""): (
        "access_rights",
        "Ange åtkomsträttigheter: Offentlig om vem som helst får använda datan.",
        "State the access rights: Public if anyone may use the data.",
    ),
    ("access_rights_vocabulary", ""): (
        "access_rights",
        "Välj åtkomsträttigheterna ur listan.",
        "Choose the access rights from the list.",
    ),
    ("contact_point", ""): (
        "contact_point.email",
        "Ange en kontakt med e-postadress, här eller på organisationen.",
        "Give a contact with an e-mail address, here or on the organisation.",
    ),
    ("publisher", ""): (
        "organisation",
        "Välj vilken organisation som publicerar datamängden.",
        "Choose the organisation that publishes the dataset.",
    ),
    ("rights", ""): (
        "",
        "Torget kan ännu inte spara en rättighetsförklaring (dct:rights); licensen "
        "räcker för att datan ska få användas. De här 5 poängen går inte att vinna i Torget.",
        "Torget cannot yet record a rights statement (dct:rights); the licence is enough "
        "for the data to be used. These 5 points cannot be won in Torget.",
    ),
    ("byte_size", ""): (
        "byte_size",
        "Ange filens storlek i byte (den fylls i av sig själv när filen laddas upp).",
        "Give the file's size in bytes (it is filled in when you upload the file).",
    ),
    ("issued", ""): (
        "issued",
        "Ange när datan publicerades första gången.",
        "Give the date when the data was first published.",
    ),
    ("modified", ""): (
        "modified",
        "Ange när datan senast ändrades.",
        "Give the date when the data last changed.",
    ),
}
_NO_DISTRIBUTION = (
    "",
    "Lägg till en distribution: en fil eller ett API med datan.",
    "Add a distribution: a file or an API with the data.",
)


@dataclass(frozen=True)
class Hint:
    """What to change to win back `points`: `field` on the dataset's form, or on the form of
    distribution `distribution_id` when it is set; `field` is "" when no field helps."""

    metric: str
    reason: str
    points: float
    field: str
    distribution_id: str | None
    sv: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.sv

    def as_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "reason": self.reason,
            "points": round(self.points, 2),
            "field": self.field,
            "distribution_id": self.distribution_id,
            "sv": self.sv,
            "en": self.en,
        }


def _texts(metric: str, reason: str) -> tuple[str, str, str]:
    if reason == "no_distribution":
        return _NO_DISTRIBUTION
    return HINTS.get((metric, reason)) or HINTS[(metric, "")]


def _hints(check: Check, dataset_key: str) -> list[Hint]:
    if check.lost <= 0:
        return []
    per_unit = check.lost / max(1, len(check.failing))
    reason = check.failing[0][1]  # a lost point always has a failing unit
    field, sv, en = _texts(check.metric.key, reason)
    if not field:  # no field helps: one hint for the metric, not one per distribution
        return [Hint(check.metric.key, reason, check.lost, "", None, sv, en)]
    out = []
    for key, reason in check.failing:
        field, sv, en = _texts(check.metric.key, reason)
        on_distribution = check.metric.level == "distribution" and key != dataset_key
        dist = key if on_distribution and reason != "no_distribution" else None
        out.append(Hint(check.metric.key, reason, per_unit, field, dist, sv, en))
    return out


def hints_for(score: DatasetScore) -> list[Hint]:
    """One hint per lost point's cause, the most points first."""
    found = [h for check in score.checks for h in _hints(check, score.key)]
    return sorted(found, key=lambda h: -h.points)
