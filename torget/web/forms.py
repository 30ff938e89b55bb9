"""HTML forms over the domain's models: flat form fields in, nested payloads out, errors back.

A form field is named by its dotted path in the model (`title.sv`, `contact_point.email`), the
same path `ValidationFailed` names in its errors, so every error from the domain's rules lands
on the field it is about (or in the summary when no field shows it, such as a finding of the
publish guard). The domain's messages are English; each refusal carries a code, and the
common codes have interface translations here (`MESSAGES`), filled from the refusal's params;
the rest are shown as they are, marked `lang="en"`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.datastructures import FormData

from torget.errors import ValidationFailed
from torget.web.i18n import N_, Text

__all__ = [
    "Field",
    "Form",
    "Problem",
    "labels",
    "payload",
    "values_from",
    "field_for",
    "problem_text",
    "MESSAGES",
]

Kind = Literal["text", "lines", "words", "many", "int"]


@dataclass(frozen=True)
class Field:
    """One form field: `name` is its dotted path in the model, `label` and `hint` message ids,
    `kind` how its text is read."""

    name: str
    label: str = ""
    kind: Kind = "text"
    hint: str | None = None


def labels(fields: Collection[Field]) -> dict[str, str]:
    return {f.name: f.label for f in fields}


# The domain's refusals (`FieldError.code`) in words for the page, the placeholders filled
# from the error's `params`; a refusal with another code is shown in the domain's English. The
# participation and account pages extend this table (`participation_problems`, `account_forms`).
MESSAGES: dict[str, str] = {
    "swedish_text_required": N_("Write this text in Swedish."),
    "not_allowed": N_("%(value)s is not allowed."),
    "not_absolute_url": N_(
        "%(value)s is not a full web address: start with https:// and leave out spaces."
    ),
    "not_an_email": N_("%(value)s is not an e-mail address."),
    "unknown_file_type": N_(
        "%(value)s is not a known format: give a code such as CSV, JSON or GEOJSON, or a "
        "media type such as text/csv."
    ),
    "end_before_start": N_("The end date is before the start date."),
    "access_url_required": N_("Give a download link or an address where the data can be reached."),
    "hvd_categories_required": N_("A high-value dataset needs at least one high-value category."),
    "hvd_categories_not_allowed": N_("Choose high-value categories only for a high-value dataset."),
    "bad_name": N_("Use 2–100 characters a–z, 0–9, - or _, starting with a letter or digit."),
    "endpoint_url_required": N_("Give at least one address of the API."),
    "not_a_telephone_number": N_("Use only digits, spaces and + ( ) - ."),
    "required": N_("This field is required."),
    "not_a_string": N_("This field is required."),  # a form sends an empty text as none
    "not_a_date": N_("Give a date as YYYY-MM-DD."),
    "not_an_integer": N_("Give a whole number."),
    "unknown_field": N_("This field is not known."),
    "too_long": N_("This is %(length)s characters long; at most %(limit)s are allowed."),
    "description_required": N_("Describe the problem."),
    "organisation_required": N_("Choose an organisation."),
    "unknown_organisation": N_("There is no organisation %(value)s."),
    "dataset_name_taken": N_("Another dataset already has the web name %(value)s."),
    "harvested_dataset": N_(
        "This dataset is harvested from another catalogue: change it there, and the next "
        "harvest brings the change here."
    ),
    "dataservice_name_taken": N_("Another API already has the web name %(value)s."),
    "organisation_name_taken": N_("Another organisation already has the short name %(value)s."),
    "bad_token_name": N_("Give the token a name of 1–200 characters."),
    "file_too_large": N_("The file is larger than %(limit)s bytes, the largest upload allowed."),
    # The inventory (torget.publishing.inventory*, issue 13 A).
    "not_a_benefit_area": N_(
        "%(value)s is not a benefit area: give governmental, social, environmental or economic."
    ),
    "not_an_effort": N_("%(value)s is not an effort: give small, medium or large."),
    "not_a_hvd_category": N_("%(value)s is not a high-value category of the EU."),
    "unknown_suggestion": N_("There is no suggestion %(value)s."),
    "suggestion_elsewhere": N_("The suggestion %(value)s is to another organisation."),
    "unknown_candidate": N_("There is no candidate %(value)s in this inventory."),
    "candidate_already_promoted": N_("This candidate is already the dataset %(dataset)s."),
    "inventory_repeated_candidate": N_("The candidate %(value)s comes in more than one row."),
    "inventory_unknown_column": N_("%(column)s is not a column of the inventory."),
    "inventory_repeated_column": N_("The column %(column)s comes more than once."),
    "inventory_missing_column": N_("The column title_sv (or titel) is missing."),
    "inventory_unreadable_file": N_(
        "The file is neither a readable CSV file nor an XLSX workbook."
    ),
    "inventory_empty_file": N_("The file is empty: its first row must name the columns."),
    "inventory_too_many_rows": N_("The file has more than %(limit)s rows."),
    "inventory_file_too_large": N_("The file is larger than %(limit)s bytes."),
    "inventory_no_file": N_("Choose a file to import."),
    "inventory_not_public": N_("%(organisation)s has not made its inventory public."),
    "publisher_type_required": N_(
        "Choose the type of publisher: a top-level organisation needs one."
    ),
    "published_without_distribution": N_(
        "A published dataset needs at least one distribution: add one first, or unpublish it."
    ),
    # The publishing checklist (torget.publishing.checklist, issue 13 B).
    "not_classified": N_(
        "Classify the dataset first: confidentiality, integrity and availability, with the reason."
    ),
    "confidential": N_(
        "Confidentiality is %(level)s: only information at confidentiality 0 may be published."
    ),
    "classification_level": N_("%(field)s must be 0, 1 or 2."),
    "classification_reason_required": N_("Give the reason for the classification."),
    "personal_data_unsigned": N_(
        "The data holds personal data (%(columns)s): replace it, or have an organisation admin "
        "sign it off with a justification."
    ),
    "personal_data_unreadable": N_(
        "An uploaded file could not be read, so it could not be scanned for personal data: "
        "%(reason)s"
    ),
    "personal_data_pending": N_(
        "The uploaded data is still being scanned for personal data; the dataset is published "
        "when the scan passes."
    ),
    "signoff_justification_required": N_("Say why this personal data may be published."),
    "licence_missing": N_("Every distribution needs a licence: CC0 1.0 or CC BY 4.0."),
    "licence_not_open": N_(
        "%(licence)s does not allow commercial use or changes: open data needs CC0 1.0 or "
        "CC BY 4.0."
    ),
    "licence_needs_justification": N_(
        "%(licence)s is open, but not CC0 1.0 or CC BY 4.0: say why it is used."
    ),
    "licence_justification_required": N_("Say why this licence is used."),
    "access_rights_not_public": N_(
        "Anyone can download the dataset's files, so its access rights must be public."
    ),
    "not_machine_readable": N_(
        "Add the data in a machine-readable format (CSV, JSON, XLSX, an API): a document for "
        "people to read is not enough."
    ),
    "approval_required": N_("Your organisation asks a second person to approve each publication."),
    "approval_needs_person": N_("An approval is a person's: approve with your own account."),
    "nothing_to_sign_off": N_("The data of this distribution has no findings to sign off."),
    "approval_by_same_person": N_(
        "You approved this dataset yourself: another editor must publish it."
    ),
    "approval_outdated": N_(
        "Changed since it was approved (%(changes)s): a second person must approve it again."
    ),
    # Versions of a table (torget.datastore.version_store, issue 20).
    "diff_key_unknown": N_("The table has no column %(columns)s."),
    "retention_range": N_("Give a number of days between 0 and %(max)s."),
    "specification_not_followed": N_(
        "The data does not follow %(specification)s (%(errors)s errors): correct the file, or "
        "remove the declaration."
    ),
    "specification_not_found": N_("There is no such specification."),
    "hvd_terms_missing": N_(
        "A high-value dataset needs an API, a bulk download and CC0 or CC BY 4.0; "
        "missing: %(missing)s."
    ),
    "invalid_table_schema": N_("This is not a valid Table Schema: %(reason)s"),
    "check_format": N_("Choose a file in one of these formats: %(formats)s."),
    "check_unreadable": N_("The file could not be read: %(reason)s"),
    "distribution_not_found": N_("There is no such distribution."),
    "not_a_type": N_("Choose one of the listed types for the column %(column)s."),
    "not_loadable": N_(
        "The datastore loads only a download address of a CSV, TSV, XLSX, ODS, JSON or "
        "GeoJSON file."
    ),
}


@dataclass(frozen=True)
class Problem:
    """An error to show and the form field it belongs to, if any. `message` is the domain's
    (English) message, or with `ours` an interface message id to translate with `args`;
    `english` is then the domain's message, shown should the translation not fit its args."""

    field: str | None
    message: str
    ours: bool = False
    args: tuple[tuple[str, str], ...] = ()
    english: str | None = None


@dataclass
class Form:
    """What a form shows: the values as typed and the problems found with them."""

    values: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def posted(cls, data: FormData, fields: Collection[Field]) -> Form:
        values = {f.name: [v for v in data.getlist(f.name) if isinstance(v, str)] for f in fields}
        return cls(values)

    def value(self, name: str) -> str:
        found = self.values.get(name) or [""]
        return found[0]

    def has(self, name: str, option: str) -> bool:
        return option in self.values.get(name, [])

    def errors(self, name: str) -> list[Problem]:
        return [p for p in self.problems if p.field == name]

    def add(
        self,
        exc: ValidationFailed,
        fields: Collection[Field],
        messages: Mapping[str, str] = MESSAGES,
    ) -> None:
        """Put each error of `exc` on its field (or in the summary), in the page's words where
        `messages` has its code."""
        names = {f.name for f in fields}
        for error in exc.errors:
            where = field_for(error.field, names)
            msgid = messages.get(error.code)
            if msgid is None:
                self.problems.append(Problem(where, error.message))
            else:
                args = tuple(error.params.items())
                self.problems.append(Problem(where, msgid, True, args, error.message))

    def ours(self, field: str | None, message: str, **args: str) -> None:
        """Add an interface message (a msgid) about `field`, or about the whole form."""
        self.problems.append(Problem(field, message, True, tuple(args.items())))


def field_for(path: str, names: Collection[str]) -> str | None:
    """The form field that shows an error at `path`: the path itself or its nearest parent;
    a bilingual text's error goes to its Swedish half (`title` → `title.sv`)."""
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in names:
            return candidate
        if candidate + ".sv" in names:
            return candidate + ".sv"
    return None


def _read(kind: Kind, raw: list[str]) -> Any:
    if kind == "many":
        return [v for v in raw if v.strip()]
    text = raw[0].strip() if raw else ""
    if kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "words":
        return [w.strip() for w in re.split(r"[,\n]", text) if w.strip()]
    if not text:
        return None
    if kind == "int":
        # ASCII digits only ("²" is a digit to `isdigit` but not to `int`), at most what a
        # 64-bit column holds; anything else goes on as text for the model to refuse.
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else text
    return text


def payload(
    form: Form, fields: Collection[Field], required: Collection[str] = ()
) -> dict[str, Any]:
    """The nested payload of a model from the form's fields.

    A group of fields (`contact_point.*`, `temporal.*`) left wholly empty becomes None, so an
    optional part is absent (or removed, when editing). A bilingual text given at all has its
    Swedish half, perhaps empty, and so has every `required` text or group, and every
    `required` part (`contact_point.email`) of a group that is given: then the domain's rules,
    not a structural error, say what is missing, together with every other problem.
    """
    out: dict[str, Any] = {}
    for f in fields:
        value = _read(f.kind, form.values.get(f.name, []))
        node = out
        *parents, leaf = f.name.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    for key, group in out.items():
        if isinstance(group, dict) and all(v is None for v in group.values()):
            out[key] = None
    for name in required:
        group, dot, leaf = name.partition(".")
        if dot:  # a required part of an optional group: there when the group is
            if isinstance(out.get(group), dict) and out[group].get(leaf) is None:
                out[group][leaf] = ""
        elif name not in out or out[name] is None:
            out[name] = {"sv": ""} if any(f.name == f"{name}.sv" for f in fields) else ""
    for group in out.values():
        if isinstance(group, dict) and "sv" in group and group["sv"] is None:
            group["sv"] = ""
    return out


def values_from(record: Mapping[str, Any], fields: Collection[Field]) -> dict[str, list[str]]:
    """A stored record (its JSON form) as the values a form shows for editing it."""
    values: dict[str, list[str]] = {}
    for f in fields:
        node: Any = record
        for part in f.name.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is None:
            values[f.name] = []
        elif f.kind == "many":
            values[f.name] = [str(v) for v in node]
        elif f.kind == "lines":
            values[f.name] = ["\n".join(str(v) for v in node)]
        elif f.kind == "words":
            values[f.name] = [", ".join(str(v) for v in node)]
        elif isinstance(node, dt.date):
            values[f.name] = [node.isoformat()]
        else:
            values[f.name] = [str(node)]
    return values


def problem_text(problem: Problem, gettext: Callable[[str], str], lang: str) -> Text:
    """The page's words for a problem, or the domain's message itself marked as English."""
    if not problem.ours:
        return Text(problem.message, "en")
    try:
        return Text(gettext(problem.message) % dict(problem.args), lang)
    except KeyError:  # a translation naming a value its refusal does not give
        if problem.english is None:
            raise
        return Text(problem.english, "en")
