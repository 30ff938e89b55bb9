"""The controlled vocabularies, with Swedish and English labels, for pickers and clients."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from torget.catalog.vocabularies import VOCABULARY_NAMES, file_types, vocabulary
from torget.errors import NotFound

router = APIRouter(prefix="/api", tags=["vocabularies"])


@router.get("/vocabularies", summary="Names of the controlled vocabularies")
def list_vocabularies() -> dict[str, Any]:
    return {"items": [*VOCABULARY_NAMES, "format"]}


@router.get("/vocabularies/{name}", summary="The allowed values of one vocabulary")
def get_vocabulary(name: str) -> dict[str, Any]:
    if name == "format":
        items = [
            {"iri": t.iri, "code": t.code, "label": t.label, "media_type": t.media_type}
            for t in file_types().types
        ]
        return {"name": name, "items": items}
    if name not in VOCABULARY_NAMES:
        raise NotFound(f"no vocabulary {name!r}; known: {', '.join(VOCABULARY_NAMES)}, format")
    concepts = vocabulary(name).concepts
    concept_items: list[dict[str, object]] = [
        {"iri": c.iri, "code": c.code, "label": {"sv": c.label_sv, "en": c.label_en}}
        for c in concepts
    ]
    return {"name": name, "items": concept_items}
