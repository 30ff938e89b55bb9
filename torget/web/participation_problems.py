"""The participation domain's refusals in the pages' words (Swedish or English).

The domain speaks English (the API's messages) and names each refusal by a code; a form shows
a refusal translated when its code is here or in the catalogue's table, and as it is, marked
`lang="en"`, otherwise (see `torget.web.forms`).
"""

from __future__ import annotations

from collections.abc import Collection

from torget.errors import ValidationFailed
from torget.web.forms import MESSAGES as CATALOG_MESSAGES
from torget.web.forms import Field, Form
from torget.web.i18n import N_

__all__ = ["add_problems", "MESSAGES"]

MESSAGES: dict[str, str] = CATALOG_MESSAGES | {
    "text_required": N_("Write something."),
    "not_http_url": N_("Give an address starting with http:// or https://."),
    "showcase_kind_required": N_("Choose what kind of work it is."),
    "datasets_required": N_("Choose at least one published dataset."),
    "not_an_image": N_("The image must be a PNG, JPEG or WebP file."),
    "image_too_large": N_("The image is %(size)s bytes; at most %(limit)s bytes are allowed."),
    "events_required": N_("Choose at least one event."),
    "unknown_events": N_("Choose events from the list."),
    "unknown_organisation": N_("Choose an organisation."),
    "not_a_theme": N_("Choose one of the themes."),
    "unknown_status": N_("Choose a status."),
    "decline_reason_required": N_("Say publicly why the suggestion is declined."),
    "answer_dataset_required": N_("Choose the published dataset that answers it."),
}


def add_problems(form: Form, exc: ValidationFailed, fields: Collection[Field]) -> None:
    """Put each error on its field, in the page's words where there are some."""
    form.add(exc, fields, MESSAGES)
