"""The CKAN Action API as an OpenAPI 3.1 document, generated from the action table.

Every action in `torget.ckan.actions.ACTIONS` is an operation at `/api/3/action/<name>` (and
the same at `/api/action/<name>`): POST for all, GET as well for the read-only ones (CKAN's
`side_effect_free`). The document is built from the table each time it is asked for, so an
action added to or removed from the table is added to or removed from the document, and
`tests/ckan/test_openapi.py` compares the two. Parameters are CKAN's own (each operation links
CKAN's reference); what Torget understands of them is in docs/ckan.md.
"""

from __future__ import annotations

from typing import Any

from torget.ckan.actions import ACTIONS

__all__ = ["ckan_openapi"]

_CKAN_DOCS = "https://docs.ckan.org/en/2.10"
_VERBS = {
    "show": "Read one {noun}",
    "list": "List {noun}s",
    "search": "Search {noun}s",
    "create": "Create a {noun}",
    "update": "Replace a {noun}",
    "patch": "Change some fields of a {noun}",
    "delete": "Delete a {noun}",
    "revoke": "Revoke a {noun}",
    "read": "Whether the {noun} can be read",
    "info": "Describe a {noun}'s table",
    "upsert": "Insert or update rows of a {noun}",
    "sql": "Run one read-only SELECT over {noun} tables",
}
_ENVELOPE = {
    "type": "object",
    "required": ["help", "success"],
    "properties": {
        "help": {"type": "string", "description": "The address of this action's help."},
        "success": {"type": "boolean"},
        "result": {"description": "The action's answer, as CKAN gives it."},
        "error": {
            "type": "object",
            "properties": {"__type": {"type": "string"}, "message": {"type": "string"}},
            "description": "When success is false: CKAN's error type and message.",
        },
    },
}


def _summary(name: str) -> str:
    noun, _, verb = name.rpartition("_")
    template = _VERBS.get(verb)
    if template is None or not noun:
        return name.replace("_", " ").capitalize()
    return template.format(noun=noun.replace("_", " "))


def _reference(name: str, read_only: bool) -> str:
    if name.startswith("datastore_"):
        return f"{_CKAN_DOCS}/maintaining/datastore.html#ckanext.datastore.logic.action.{name}"
    verb = name.rpartition("_")[2]
    module = "get" if read_only else {"revoke": "delete"}.get(verb, verb)
    if module not in ("get", "create", "update", "patch", "delete"):
        module = "create"
    return f"{_CKAN_DOCS}/api/#ckan.logic.action.{module}.{name}"


def _operation(name: str, read_only: bool, method: str) -> dict[str, Any]:
    doc = (ACTIONS[name].run.__doc__ or "").strip()
    operation: dict[str, Any] = {
        "operationId": f"{name}_{method}",
        "summary": _summary(name),
        "tags": [name.partition("_")[0]],
        "externalDocs": {"description": "CKAN's reference", "url": _reference(name, read_only)},
        "responses": {
            "200": _answer("The action's result"),
            "400": _answer("A parameter CKAN would refuse (success: false)"),
            "403": _answer("Not allowed, or a wrong API token"),
            "404": _answer("No such record"),
            "409": _answer("A validation error: the fields and why"),
        },
    }
    if doc:
        operation["description"] = " ".join(doc.split())
    if method == "get":
        operation["parameters"] = [{
            "name": "params", "in": "query", "style": "form", "explode": True,
            "schema": {"type": "object", "additionalProperties": True},
            "description": "The action's parameters as query parameters (lists as JSON).",
        }]  # fmt: skip
    else:
        operation["requestBody"] = {
            "content": {
                "application/json": {"schema": {"type": "object", "additionalProperties": True}},
                "multipart/form-data": {"schema": {"type": "object", "additionalProperties": True}},
            },
            "description": "The action's parameters (multipart with `upload` to send a file).",
        }
    if not read_only:
        operation["security"] = [{"apiKey": []}, {"bearer": []}]
    return operation


def _answer(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Envelope"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def ckan_openapi(base: str, version: str) -> dict[str, Any]:
    """The document for the site at `base`."""
    paths: dict[str, Any] = {}
    for name, action in ACTIONS.items():
        item = {"post": _operation(name, action.read_only, "post")}
        if action.read_only:
            item["get"] = _operation(name, action.read_only, "get")
        paths[f"/api/3/action/{name}"] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Torget: CKAN Action API",
            "version": version,
            "description": "CKAN's Action API over Torget's catalogue and datastore, for CKAN "
            "tools and clients (ckanapi). Read actions need no token; writes take an API "
            "token as `Authorization: <token>`, `Authorization: Bearer <token>` or "
            "`X-CKAN-API-Key`. The same actions answer at /api/action/<name>.",
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "schemas": {"Envelope": _ENVELOPE},
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-CKAN-API-Key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }
