"""Reading the real `.eml` outbox the tests' Torget writes to (`<data_dir>/outbox`)."""

from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def messages(data_dir: Path, to: str | None = None) -> list[EmailMessage]:
    """The delivered messages, oldest first; only those to `to` when given."""
    found = []
    for path in sorted(
        (data_dir / "outbox").glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name)
    ):
        message = email.message_from_bytes(path.read_bytes(), policy=default)
        assert isinstance(message, EmailMessage)
        if to is None or message["To"] == to:
            found.append(message)
    return found


def body(message: EmailMessage) -> str:
    return str(message.get_content())


def link(message: EmailMessage, path: str) -> str:
    """The absolute link to `path` in the message's text."""
    found = re.search(r"https?://\S+" + re.escape(path) + r"\S*", body(message))
    assert found, f"no link to {path} in:\n{body(message)}"
    return found.group(0)


def token(message: EmailMessage, path: str) -> str:
    """The `token` parameter of the message's link to `path`."""
    return parse_qs(urlsplit(link(message, path)).query)["token"][0]
