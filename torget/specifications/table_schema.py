"""A specification's Frictionless Table Schema: checked, read and summarised.

The schema is the one in the Frictionless Data standard (specs.frictionlessdata.io/table-schema)
that the Swedish CSV specifications publish as `schema.json` (lankadedata.se/spec/<name>/
schema.json). `frictionless` checks a descriptor, so a schema Torget keeps is one the validator
accepts. Torget reads one property of its own on a field, `aliases`: other names the column has
had (badplatser's `nutskod` was `hov_ref` in an earlier version), which the validator accepts
with a warning instead of a missing column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frictionless import Schema

from torget.errors import FieldError, ValidationFailed

__all__ = ["Field", "checked_schema", "fields_of", "parsed_schema"]

_MAX_FIELDS = 1000


@dataclass(frozen=True)
class Field:
    """What a template, a page and the SQL validator need of one column."""

    name: str
    type: str
    format: str
    title: str
    description: str
    required: bool
    unique: bool
    pattern: str | None
    enum: list[str] | None
    minimum: Any
    maximum: Any
    min_length: int | None
    max_length: int | None
    aliases: list[str]

    def allowed(self) -> str:
        """The allowed values in words for a template's header comment."""
        if self.enum:
            return " | ".join(self.enum)
        if self.type == "boolean":
            return "true | false"
        if self.type == "date":
            return "YYYY-MM-DD"
        if self.pattern:
            return f"pattern {self.pattern}"
        if self.minimum is not None or self.maximum is not None:
            return f"{self.minimum if self.minimum is not None else ''}–{self.maximum or ''}"
        return self.type


def _refusal(message: str) -> ValidationFailed:
    return ValidationFailed(
        errors=[
            FieldError("schema", message, code="invalid_table_schema", params={"reason": message})
        ]
    )


def checked_schema(data: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """The descriptor, when it is a valid Table Schema; `ValidationFailed` saying why not."""
    if not isinstance(data, dict):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _refusal(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _refusal("a Table Schema is a JSON object with a list of fields")
    from frictionless import FrictionlessException, Schema  # 0.3 s: only when checked

    try:
        schema = Schema.from_descriptor(data)
    except FrictionlessException as exc:
        reasons = [r.note for r in exc.reasons] or [exc.error.note]
        raise _refusal("not a valid Table Schema: " + "; ".join(reasons)) from None
    if not schema.fields:
        raise _refusal("the Table Schema has no fields")
    if len(schema.fields) > _MAX_FIELDS:
        raise _refusal(f"more than {_MAX_FIELDS} fields")
    names = [f.name for f in schema.fields]
    if len(set(names)) != len(names):
        raise _refusal("two fields have the same name")
    for raw in data.get("fields", []):
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise _refusal(f"field {raw.get('name')!r}: aliases must be a list of names")
    return data


def parsed_schema(descriptor: dict[str, Any]) -> Schema:
    from frictionless import Schema

    return Schema.from_descriptor(descriptor)


def fields_of(descriptor: dict[str, Any]) -> list[Field]:
    out = []
    for raw in descriptor.get("fields", []):
        c = raw.get("constraints", {})
        enum = c.get("enum")
        out.append(
            Field(
                name=raw["name"],
                type=raw.get("type", "any"),
                format=raw.get("format", "default"),
                title=raw.get("title", ""),
                description=raw.get("description", ""),
                required=bool(c.get("required")),
                unique=bool(c.get("unique")),
                pattern=c.get("pattern"),
                enum=[str(v) for v in enum] if enum is not None else None,
                minimum=c.get("minimum"),
                maximum=c.get("maximum"),
                min_length=c.get("minLength"),
                max_length=c.get("maxLength"),
                aliases=list(raw.get("aliases", [])),
            )
        )
    return out
