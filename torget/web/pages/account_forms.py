"""What the account pages share: their form fields and the accounts' refusals in words for the
page (the domain's messages are English; each refusal with a known code is shown translated,
on its field)."""

from __future__ import annotations

from torget.errors import ValidationFailed
from torget.web.forms import MESSAGES as CATALOG_MESSAGES
from torget.web.forms import Field, Form
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
    "MESSAGES",
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

MESSAGES: dict[str, str] = CATALOG_MESSAGES | {
    "too_long": N_("This is %(length)s characters long; the limit is %(limit)s."),
    "user_name_taken": N_("The user name %(value)s is taken: choose another."),
    "bad_user_name": N_(
        "Use 2–100 characters a–z, 0–9, dot, hyphen or underscore, starting with a letter or digit."
    ),
    "password_too_short": N_("Use at least %(limit)s characters."),
    "wrong_password": N_("The password is wrong."),
    "link_not_valid": N_(
        "This link is not valid. It may be mistyped, or a newer link has replaced it."
    ),
    "link_used": N_("This link has already been used."),
    "link_expired": N_("This link has expired. Ask for a new one."),
    "account_email_required": N_("Give the e-mail address of your account."),
    "not_allowed": N_("Choose one of the languages."),  # the only choice on these pages
}


def add_problems(form: Form, exc: ValidationFailed, fields: tuple[Field, ...]) -> None:
    """Put each error of `exc` on its field (or in the summary), in the page's words."""
    form.add(exc, fields, MESSAGES)
