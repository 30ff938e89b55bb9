"""The form layer's pure steps, with literal inputs: fields to payloads, errors to fields."""

from __future__ import annotations

import dataclasses

from torget.errors import FieldError, ValidationFailed
from torget.web.forms import Field, Form, Problem, field_for, payload, problem_text, values_from

FIELDS = (
    Field("title.sv"),
    Field("title.en"),
    Field("keywords.sv", kind="words"),
    Field("themes", kind="many"),
    Field("spatial", kind="lines"),
    Field("byte_size", kind="int"),
    Field("contact_point.name"),
    Field("contact_point.email"),
    Field("temporal.start"),
    Field("temporal.end"),
)


def test_payload_nests_fields_and_reads_each_kind() -> None:
    form = Form({
        "title.sv": [" Badplatser "], "title.en": [""], "keywords.sv": ["bad, strand,,\nsol"],
        "themes": ["ENVI", "", "HEAL"], "spatial": ["https://a.example\n\n https://b.example "],
        "byte_size": ["2048"], "contact_point.name": [""], "contact_point.email": [""],
        "temporal.start": ["2024-01-01"], "temporal.end": [""],
    })  # fmt: skip
    assert payload(form, FIELDS) == {
        "title": {"sv": "Badplatser", "en": None},
        "keywords": {"sv": ["bad", "strand", "sol"]},
        "themes": ["ENVI", "HEAL"],
        "spatial": ["https://a.example", "https://b.example"],
        "byte_size": 2048,
        "contact_point": None,  # wholly empty: absent (or removed when editing)
        "temporal": {"start": "2024-01-01", "end": None},
    }


def test_payload_fills_what_is_required_so_the_rules_name_it() -> None:
    form = Form({"title.en": ["Beaches"], "contact_point.email": ["x@example.se"]})
    body = payload(form, FIELDS, required=("title", "contact_point.name"))
    assert body["title"] == {"sv": "", "en": "Beaches"}
    assert body["contact_point"] == {"name": "", "email": "x@example.se"}
    assert payload(Form(), FIELDS, required=("title",))["title"] == {"sv": ""}


def test_errors_land_on_the_field_that_shows_them() -> None:
    names = {f.name for f in FIELDS}
    assert field_for("title.sv", names) == "title.sv"
    assert field_for("title", names) == "title.sv"
    assert field_for("keywords.sv.2", names) == "keywords.sv"
    assert field_for("themes.0", names) == "themes"
    assert field_for("contact_point.email", names) == "contact_point.email"
    assert field_for("dcat:dcterms:title", names) is None
    form = Form()
    form.add(ValidationFailed([FieldError("themes.1", "m"), FieldError("dcat:x", "n")]), FIELDS)
    assert form.problems == [Problem("themes", "m"), Problem(None, "n")]
    assert [p.message for p in form.errors("themes")] == ["m"]


def test_values_from_a_stored_record() -> None:
    record = {
        "title": {"sv": "Badplatser", "en": None}, "keywords": {"sv": ["bad", "strand"]},
        "themes": ["ENVI"], "spatial": ["https://a.example", "https://b.example"],
        "byte_size": 10, "temporal": None,
    }  # fmt: skip
    values = values_from(record, FIELDS)
    assert values["title.sv"] == ["Badplatser"] and values["title.en"] == []
    assert values["keywords.sv"] == ["bad, strand"] and values["themes"] == ["ENVI"]
    assert values["spatial"] == ["https://a.example\nhttps://b.example"]
    assert values["byte_size"] == ["10"] and values["temporal.start"] == []


def test_domain_messages_in_the_page_language_or_marked_english() -> None:
    swedish = {"%(value)s is not an e-mail address.": "%(value)s är inte en e-postadress."}
    refusal = FieldError("email", "'x' is not an e-mail address", code="not_an_email")
    form = Form()
    form.add(ValidationFailed([dataclasses.replace(refusal, params={"value": "x"})]), FIELDS)
    known = problem_text(form.problems[0], swedish.get, "sv")
    assert (known.text, known.lang) == ("x är inte en e-postadress.", "sv")
    unknown = problem_text(Problem(None, "something new went wrong"), swedish.get, "sv")
    assert (unknown.text, unknown.lang) == ("something new went wrong", "en")
