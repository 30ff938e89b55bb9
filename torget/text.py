"""The characters a person's text may hold, because it leaves Torget as XML, RDF and e-mail.

Suggestions, comments, showcases, display names and the catalogue's titles and descriptions
are written out in the Atom feed, the DCAT RDF/XML and Turtle documents and e-mail headers.
XML 1.0 cannot carry C0 control characters other than tab, LF and CR, lone surrogates or
U+FFFE/U+FFFF, not even escaped (§2.2, production [2] Char), and one such character makes the
whole document unreadable for everyone; an e-mail header is one line (RFC 5322 §2.2), and a
line break in a subject makes the message unsendable or, worse, adds a header.

So text is checked where it comes in, by the domain functions every shell calls:
- a one-line field (a title, a name, a keyword, an address) refuses every control character
  (C0, DEL and C1, tab and line breaks among them), U+2028/U+2029, lone surrogates and
  U+FFFE/U+FFFF;
- a multi-line field (a description, a comment) also allows tab, LF and CR, and
  `unify_newlines` stores a form's CRLF as LF.
A refusal names the field and the character's position rather than dropping it silently, so
what is stored is what was written. Rows stored before these checks may still hold such
characters, so the writers clean on the way out too: `xml_safe` for XML and RDF,
`header_line` for e-mail headers.
"""

from __future__ import annotations

import re
import unicodedata

from torget.errors import FieldError

__all__ = ["text_error", "unify_newlines", "checked_text", "xml_safe", "header_line"]

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_NOT_CHARACTERS = "\ud800-\udfff\ufffe\uffff"
_LINE_BREAKS = "\n\r\u2028\u2029"
_NOT_IN_LINES = re.compile(f"[{_CONTROLS}{_NOT_CHARACTERS}]")
_NOT_IN_LINE = re.compile(f"[{_CONTROLS}{_NOT_CHARACTERS}\t{_LINE_BREAKS}]")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f" + _NOT_CHARACTERS + "]")
_NOT_IN_HEADER = re.compile(f"[{_CONTROLS}{_NOT_CHARACTERS}\t{_LINE_BREAKS}]+")


def text_error(field: str, value: str | None, *, lines: bool = False) -> FieldError | None:
    """Why `value` may not be stored in `field` (one line unless `lines`), or None."""
    if value is None:
        return None
    found = (_NOT_IN_LINES if lines else _NOT_IN_LINE).search(value)
    if found is None:
        return None
    char, at = found.group(), found.start() + 1
    if char in _LINE_BREAKS:
        return FieldError(field, f"must be one line: there is a line break at character {at}")
    what = "control character" if unicodedata.category(char) == "Cc" else "non-character"
    return FieldError(field, f"has the {what} U+{ord(char):04X} at character {at}; remove it")


def unify_newlines(value: str) -> str:
    """CRLF (what browsers send from a textarea) and lone CR as LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def checked_text(
    errors: list[FieldError],
    field: str,
    value: str,
    limit: int,
    *,
    lines: bool,
    required: bool = True,
) -> str:
    """A person's text for `field`, trimmed with its line breaks unified; a missing or
    over-long value, or a character a feed or an e-mail cannot carry, adds an error naming the
    field (codes `required`, `too_long`, or `text_error`'s)."""
    text = unify_newlines(value.strip())
    if required and not text:
        errors.append(FieldError(field, f"{field} is required", code="required"))
    elif len(text) > limit:
        errors.append(
            FieldError(
                field,
                f"{field} is {len(text)} characters; at most {limit} are allowed",
                code="too_long",
                params={"length": str(len(text)), "limit": str(limit)},
            )
        )
    else:
        refused = text_error(field, text, lines=lines)
        if refused is not None:
            errors.append(refused)
    return text


def xml_safe(value: str) -> str:
    """`value` without the characters XML 1.0 cannot carry (for rows stored before the
    input checks); everything else is kept for the serialiser to escape."""
    # A printable text holds none of them, and `isprintable` is about twice as fast as a
    # regular expression that finds none: the feed passes every literal through here.
    return value if value.isprintable() else _NOT_IN_XML.sub("", value)


def header_line(value: str) -> str:
    """`value` as one line for an e-mail header: line breaks and control characters become
    spaces, and each run of spaces one space."""
    return " ".join(_NOT_IN_HEADER.sub(" ", value).split())
