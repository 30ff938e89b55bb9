"""HTML forms over the domain's models: flat form fields in, nested payloads out, errors back.

A form field is named by its dotted path in the model (`title.sv`, `contact_point.email`), the
same path `ValidationFailed` names in its errors, so every error from the domain's rules lands
on the field it is about (or in the summary when no field shows it, such as a finding of the
publish guard). The domain's messages are English; the common ones have interface
translations here, and the rest are shown as they are, marked `lang="en"`.
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


@dataclass(frozen=True)
class Problem:
    """An error to show and the form field it belongs to, if any. `message` is the domain's
    (English) message, or with `ours` an interface message id to translate."""

    field: str | None
    message: str
    ours: bool = False
    args: tuple[tuple[str, str], ...] = ()


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

    def add(self, exc: ValidationFailed, fields: Collection[Field]) -> None:
        names = {f.name for f in fields}
        for error in exc.errors:
            self.problems.append(Problem(field_for(error.field, names), error.message))

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
        return int(text) if text.isdigit() else text
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


# The domain's most common messages, in words for the page; the rest are shown in English.
_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Swedish text is required"), N_("Write this text in Swedish.")),
    (re.compile(r"^is required, with Swedish text"), N_("Write this text in Swedish.")),
    (re.compile(r"^'(?P<value>.*)' is not an allowed value$"), N_("%(value)s is not allowed.")),
    (
        re.compile(r"^'(?P<value>.*)' is not an absolute .* URL"),
        N_("%(value)s is not a full web address: start with https:// and leave out spaces."),
    ),
    (
        re.compile(r"^'(?P<value>.*)' is not an e-mail address$"),
        N_("%(value)s is not an e-mail address."),
    ),
    (
        re.compile(r"^'(?P<value>.*)' is not a known file type"),
        N_(
            "%(value)s is not a known format: give a code such as CSV, JSON or GEOJSON, or a "
            "media type such as text/csv."
        ),
    ),
    (re.compile(r"^the end date is before"), N_("The end date is before the start date.")),
    (
        re.compile(r"^is required \(dcat:accessURL\)"),
        N_("Give a download link or an address where the data can be reached."),
    ),
    (
        re.compile(r"^a high-value dataset needs"),
        N_("A high-value dataset needs at least one high-value category."),
    ),
    (
        re.compile(r"^HVD categories are only allowed"),
        N_("Choose high-value categories only for a high-value dataset."),
    ),
    (
        re.compile(r"^use 2-100 characters"),
        N_("Use 2–100 characters a–z, 0–9, - or _, starting with a letter or digit."),
    ),
    (
        re.compile(r"^at least one endpoint URL"),
        N_("Give at least one address of the API."),
    ),
    (re.compile(r"^only digits, spaces"), N_("Use only digits, spaces and + ( ) - .")),
    (re.compile(r"^Field required$"), N_("This field is required.")),
    (re.compile(r"^is required \(vcard"), N_("This field is required.")),
    (re.compile(r"^Input should be a valid string"), N_("This field is required.")),
    (re.compile(r"^Input should be a valid date"), N_("Give a date as YYYY-MM-DD.")),
    (re.compile(r"^Input should be a valid integer"), N_("Give a whole number.")),
    (re.compile(r"^describe the problem$"), N_("Describe the problem.")),
    (re.compile(r"^no organisation ''$"), N_("Choose an organisation.")),
    (
        re.compile(r"^a dataset named '(?P<value>.*)' already exists$"),
        N_("Another dataset already has the web name %(value)s."),
    ),
    (
        re.compile(r"^give the token a name"),
        N_("Give the token a name of 1–200 characters."),
    ),
]


def problem_text(problem: Problem, gettext: Callable[[str], str], lang: str) -> Text:
    """The page's words for a problem, or the domain's message itself marked as English."""
    message = problem.message
    if problem.ours:
        return Text(gettext(message) % dict(problem.args), lang)
    for pattern, msgid in _PROBLEMS:
        match = pattern.match(message)
        if match is not None:
            return Text(gettext(msgid) % match.groupdict(), lang)
    return Text(message, "en")
