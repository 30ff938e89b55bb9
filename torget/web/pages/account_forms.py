"""What the account pages share: their form fields and the accounts' messages in words for the
page (the domain's messages are English; each known one is shown translated, on its field)."""

from __future__ import annotations

import re

from torget.errors import ValidationFailed
from torget.web.forms import Field, Form, Problem, field_for
from torget.web.i18n import N_

__all__ = [
    "NAME",
    "FULLNAME",
    "EMAIL",
    "PASSWORD",
    "NEW_PASSWORD",
    "LANGUAGE",
    "LANGUAGE_CHOICES",
    "add_problems",
]

NAME = Field(
    "name",
    N_("User name"),
    hint=N_("Shown to others. 2–100 characters: a–z, 0–9, dot, hyphen or underscore."),
)
FULLNAME = Field("fullname", N_("Your name (optional)"), hint=N_("Shown instead of the user name."))
EMAIL = Field(
    "email", N_("E-mail address"), hint=N_("We send a link to it. Never shown to others.")
)
PASSWORD = Field("password", N_("Password"))
NEW_PASSWORD = Field("password", N_("New password"), hint=N_("At least 10 characters."))
LANGUAGE = Field("language", N_("Language of e-mails"))
LANGUAGE_CHOICES = (("sv", "Svenska"), ("en", "English"))

_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^is (?P<length>\d+) characters long; the limit is (?P<limit>\d+)$"),
        N_("This is %(length)s characters long; the limit is %(limit)s."),
    ),
    (
        re.compile(r"^the user name '(?P<value>.*)' is taken$"),
        N_("The user name %(value)s is taken: choose another."),
    ),
    (
        re.compile(r"^must be at least (?P<limit>\d+) characters long$"),
        N_("Use at least %(limit)s characters."),
    ),
    (re.compile(r"^the password is wrong$"), N_("The password is wrong.")),
    (
        re.compile(r"^this link is not valid"),
        N_("This link is not valid. It may be mistyped, or a newer link has replaced it."),
    ),
    (re.compile(r"^this link has already been used$"), N_("This link has already been used.")),
    (re.compile(r"^this link has expired"), N_("This link has expired. Ask for a new one.")),
    (
        re.compile(r"^give the e-mail address of your account$"),
        N_("Give the e-mail address of your account."),
    ),
    (re.compile(r"^'(?P<value>.*)' is not an allowed value$"), N_("Choose one of the languages.")),
]


def add_problems(form: Form, exc: ValidationFailed, fields: tuple[Field, ...]) -> None:
    """Put each error of `exc` on its field (or in the summary), in the page's words."""
    names = {f.name for f in fields}
    for error in exc.errors:
        where = field_for(error.field, names)
        for pattern, msgid in _MESSAGES:
            found = pattern.match(error.message)
            if found is not None:
                form.ours(where, msgid, **found.groupdict())
                break
        else:
            form.problems.append(Problem(where, error.message))
