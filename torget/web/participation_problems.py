"""The participation domain's error messages in the pages' words (Swedish or English).

The domain speaks English (the API's messages); a form shows each problem translated when it
is one of these, and as it is, marked `lang="en"`, otherwise (see `torget.web.forms`).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from torget.errors import ValidationFailed
from torget.web.forms import Field, Form, field_for
from torget.web.i18n import N_

__all__ = ["add_problems"]

_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^write something$"), N_("Write something.")),
    (re.compile(r"^this field is required$"), N_("This field is required.")),
    (
        re.compile(r"^\w+ is (?P<count>\d+) characters; at most (?P<limit>\d+) are allowed$"),
        N_("This is %(count)s characters long; at most %(limit)s are allowed."),
    ),
    (
        re.compile(r"^give an http:// or https:// address$"),
        N_("Give an address starting with http:// or https://."),
    ),
    (re.compile(r"^choose what kind of work it is$"), N_("Choose what kind of work it is.")),
    (
        re.compile(r"^choose at least one published dataset$"),
        N_("Choose at least one published dataset."),
    ),
    (
        re.compile(r"^the image must be a PNG, JPEG or WebP file$"),
        N_("The image must be a PNG, JPEG or WebP file."),
    ),
    (
        re.compile(r"^the image is (?P<size>\d+) bytes; at most (?P<limit>\d+)$"),
        N_("The image is %(size)s bytes; at most %(limit)s bytes are allowed."),
    ),
    (re.compile(r"^choose at least one event$"), N_("Choose at least one event.")),
    (re.compile(r"^\w+ is required$"), N_("This field is required.")),
    (re.compile(r"^no organisation '.*'$"), N_("Choose an organisation.")),
    (re.compile(r"^not an EU data theme$"), N_("Choose one of the themes.")),
    (re.compile(r"^unknown status$"), N_("Choose a status.")),
    (
        re.compile(r"^say publicly why the suggestion is declined$"),
        N_("Say publicly why the suggestion is declined."),
    ),
    (
        re.compile(r"^choose the published dataset that answers it$"),
        N_("Choose the published dataset that answers it."),
    ),
]


def add_problems(form: Form, exc: ValidationFailed, fields: Collection[Field]) -> None:
    """Put each error on its field, in the page's words where there are some."""
    names = {f.name for f in fields}
    for error in exc.errors:
        where = field_for(error.field, names)
        for pattern, msgid in _MESSAGES:
            match = pattern.match(error.message)
            if match is not None:
                form.ours(where, msgid, **match.groupdict())
                break
        else:
            form.add(ValidationFailed([error]), fields)
