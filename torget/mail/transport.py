"""Where e-mail goes: a folder of `.eml` files (development, tests) or an SMTP server.

Selected by the `mail_url` setting: empty → `<data_dir>/outbox`; `file:///path` → that folder;
`smtp://user:password@host:587` (STARTTLS when the server offers it) or
`smtps://user:password@host:465` (TLS from the start).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from torget.settings import Settings

__all__ = ["Transport", "OutboxFolder", "Smtp", "make_transport"]


class Transport(Protocol):
    local: bool  # True when sending is fast and local, so it may run inside a request

    def send(self, message: EmailMessage) -> None: ...


@dataclass
class OutboxFolder:
    """Each message becomes `<folder>/<Message-ID>.eml`, written atomically (temp + rename) so
    a reader never sees half a file."""

    folder: Path
    local: bool = True

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").replace("/", "_") + ".eml"
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(message.as_bytes())
        os.replace(tmp, self.folder / name)


@dataclass
class Smtp:
    host: str
    port: int
    username: str
    password: str
    tls: bool  # implicit TLS (smtps); otherwise STARTTLS when offered
    timeout: float = 30.0
    local: bool = False

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self.tls:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if not self.tls and client.has_extn("starttls"):
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password)
            client.send_message(message)


def make_transport(settings: Settings) -> Transport:
    url = settings.mail_url
    if not url:
        return OutboxFolder(settings.data_dir / "outbox")
    parts = urlsplit(url)
    if parts.scheme == "file":
        return OutboxFolder(Path(unquote(parts.path)))
    if parts.scheme in ("smtp", "smtps"):
        tls = parts.scheme == "smtps"
        return Smtp(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if tls else 587),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            tls=tls,
        )
    raise ValueError(f"mail_url must be empty, file:///…, smtp://… or smtps://…, got {url!r}")
