"""The one rule for the characters a text may hold, and the writers' last line of defence."""

from __future__ import annotations

import email
import xml.etree.ElementTree as ET
from email.message import EmailMessage
from email.policy import default

import pytest

from torget.text import header_line, text_error, unify_newlines, xml_safe

# Every character that cannot be in an XML 1.0 document, escaped or not (§2.2 Char).
NOT_XML = [chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]] + [
    "\ud800", "\udfff", "\ufffe", "\uffff",
]  # fmt: skip


@pytest.mark.parametrize("char", [*NOT_XML, "\x7f", "\x85", "\x9f"])
def test_no_field_takes_a_control_character_or_non_character(char: str) -> None:
    for lines in (False, True):
        error = text_error("title", f"Cykel{char}ställ", lines=lines)
        assert error is not None and error.field == "title"
        assert f"U+{ord(char):04X} at character 6" in error.message


@pytest.mark.parametrize("char", ["\n", "\r", "\u2028", "\u2029"])
def test_a_one_line_field_refuses_a_line_break(char: str) -> None:
    error = text_error("title", f"Cykel{char}Bcc: x@example.se")
    assert error is not None and error.field == "title"
    assert error.message == "must be one line: there is a line break at character 6"


def test_a_one_line_field_refuses_a_tab_and_a_multi_line_field_keeps_it() -> None:
    assert text_error("title", "a\tb") is not None
    assert text_error("description", "Rad ett\n\tRad två\r\n", lines=True) is None


def test_ordinary_text_passes() -> None:
    text = 'Badplatser i Sjöstad — "bäst" <b>&</b> 😀 ﬁ \u00a0 é'
    assert text_error("title", text) is None
    assert text_error("title", None) is None


def test_newlines_are_unified() -> None:
    assert unify_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


def test_xml_safe_leaves_what_xml_can_carry() -> None:
    text = "".join(NOT_XML) + "Bad\tplats\n\r\x85 & <ok>"
    cleaned = xml_safe(text)
    assert cleaned == "Bad\tplats\n\r\x85 & <ok>"
    element = ET.Element("t")
    element.text = cleaned
    ET.fromstring(ET.tostring(element, encoding="utf-8"))  # well-formed


def test_header_line_is_one_line_a_mail_can_carry() -> None:
    subject = header_line("Förslag\r\nBcc: evil@example.se\x00\t\u2028 \x85slut ")
    assert subject == "Förslag Bcc: evil@example.se slut"
    message = EmailMessage()
    message["Subject"] = subject  # with a line break: ValueError, and the mail never leaves
    read = email.message_from_bytes(message.as_bytes(), policy=default)
    assert read["Subject"] == subject and read["Bcc"] is None
