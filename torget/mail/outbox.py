"""The outbox: e-mail queued with the change that causes it, delivered after the commit.

A message is a row of `mail_queue` written in the caller's transaction, so a rolled-back
change sends nothing. After the commit the mailer attached to the engine delivers what is due:
at once when the transport is local (a folder), in a background thread for SMTP so a request
never waits on a mail server. A sender claims a row by moving its `next_attempt_at` forward
(a conditional UPDATE), so two processes never send the same message; a failure is retried
with back-off, and the worker's periodic sweep (`deliver_pending`) picks up what is left.

Subjects carry people's text (a suggestion's or a dataset's title), so the headers are made
one line where the message is built (`torget.text.header_line`): Python's `email` refuses a
header with a line break, which would leave the message unsendable for good, and a line break
that got through would add a header of the writer's choosing.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from huey import Huey, crontab

from torget.clock import now
from torget.db.engine import after_commit, write
from torget.db.schema import mail_queue
from torget.ids import new_id
from torget.mail.transport import Transport, make_transport
from torget.settings import Settings
from torget.site_lookup import find_site
from torget.text import header_line

__all__ = ["queue_mail", "deliver_pending", "Mailer", "make_mailer", "schedule_retries"]

log = logging.getLogger(__name__)

# Minutes to wait before attempt 2, 3, …; after the last, a message stays unsent with its error.
BACKOFF_MINUTES = [1, 5, 30, 120, 720]
CLAIM = timedelta(minutes=10)  # a claimed message is left alone this long by other senders


def queue_mail(conn: sa.Connection, recipient: str, subject: str, body: str) -> str:
    """Queue a plain-text message in this transaction; it is sent after the commit."""
    message_id = new_id()
    stamp = now()
    conn.execute(
        mail_queue.insert().values(
            id=message_id,
            recipient=recipient,
            subject=subject[:500],
            body=body,
            created_at=stamp,
            next_attempt_at=stamp,
            attempts=0,
        )
    )
    site = find_site(conn)
    if site is not None:  # otherwise the worker's sweep delivers it
        after_commit(conn, site.mailer.wake)
    return message_id


@dataclass(eq=False)
class Mailer:
    """Delivers an engine's outbox through one transport."""

    engine: sa.Engine
    transport: Transport
    sender: str
    _signal: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wake(self) -> None:
        if self.transport.local:
            deliver_pending(self.engine, self.transport, self.sender)
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="torget-mail", daemon=True)
                self._thread.start()
        self._signal.set()

    def _run(self) -> None:
        while self._signal.wait(timeout=60):
            self._signal.clear()
            try:
                deliver_pending(self.engine, self.transport, self.sender)
            except Exception:
                log.exception("mail delivery failed")


def make_mailer(engine: sa.Engine, settings: Settings) -> Mailer:
    """The mailer of a site: delivers the mail that commits on `engine` queued."""
    return Mailer(engine, make_transport(settings), settings.mail_from)


def deliver_pending(engine: sa.Engine, transport: Transport, sender: str, limit: int = 200) -> int:
    """Send every message that is due; return how many were sent."""
    sent = 0
    for row in _due(engine, limit):
        if not _claim(engine, row.id, row.next_attempt_at):
            continue  # another sender has it
        try:
            transport.send(_message(sender, row.recipient, row.subject, row.body, row.id))
        except Exception as exc:  # any transport failure: record it and retry later
            _failed(engine, row.id, row.attempts + 1, f"{type(exc).__name__}: {exc}")
            log.warning("could not send mail %s to %s: %s", row.id, row.recipient, exc)
            continue
        with write(engine) as conn:
            conn.execute(
                mail_queue.update()
                .where(mail_queue.c.id == row.id)
                .values(sent_at=now(), attempts=row.attempts + 1, last_error=None)
            )
        sent += 1
    return sent


def _due(engine: sa.Engine, limit: int) -> list[sa.Row[tuple[object, ...]]]:
    with engine.connect() as conn:
        query = (
            sa.select(mail_queue)
            .where(mail_queue.c.sent_at.is_(None) & (mail_queue.c.next_attempt_at <= now()))
            .where(mail_queue.c.attempts <= len(BACKOFF_MINUTES))
            .order_by(mail_queue.c.created_at)
            .limit(limit)
        )
        return list(conn.execute(query))


def _claim(engine: sa.Engine, message_id: str, seen_at: object) -> bool:
    with write(engine) as conn:
        claimed = conn.execute(
            mail_queue.update()
            .where((mail_queue.c.id == message_id) & (mail_queue.c.next_attempt_at == seen_at))
            .where(mail_queue.c.sent_at.is_(None))
            .values(next_attempt_at=now() + CLAIM)
        )
        return claimed.rowcount == 1


def _failed(engine: sa.Engine, message_id: str, attempts: int, error: str) -> None:
    wait = BACKOFF_MINUTES[min(attempts - 1, len(BACKOFF_MINUTES) - 1)]
    with write(engine) as conn:
        conn.execute(
            mail_queue.update()
            .where(mail_queue.c.id == message_id)
            .values(
                attempts=attempts,
                last_error=error[:2000],
                next_attempt_at=now() + timedelta(minutes=wait),
            )
        )


def _message(sender: str, recipient: str, subject: str, body: str, key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = header_line(recipient)
    message["Subject"] = header_line(subject)
    message["Date"] = formatdate(localtime=False)
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "torget.invalid"
    message["Message-ID"] = make_msgid(idstring=key, domain=domain)
    message.set_content(body)  # UTF-8 text/plain
    return message


def schedule_retries(huey: Huey, mailer: Mailer) -> None:
    """Let the worker send, every minute, whatever is due: retries, and mail queued by a
    process that died before delivering it."""

    def deliver() -> None:
        deliver_pending(mailer.engine, mailer.transport, mailer.sender)

    huey.periodic_task(crontab(minute="*"), name="torget.mail.deliver")(deliver)
