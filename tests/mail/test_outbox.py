"""The outbox: mail queued in a transaction is delivered after the commit, never on rollback,
and a failing transport is retried later."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
import sqlalchemy as sa

from torget.db.engine import make_engine, write
from torget.db.schema import mail_queue
from torget.mail import OutboxFolder, deliver_pending, make_transport, queue_mail
from torget.mail.transport import Smtp
from torget.settings import Settings


def _outbox(settings: Settings) -> list[email.message.Message]:
    folder = settings.data_dir / "outbox"
    return [
        email.message_from_bytes(p.read_bytes(), policy=default)
        for p in sorted(folder.glob("*.eml"))
    ]


def test_committed_mail_is_written_to_the_outbox(settings: Settings, engine: sa.Engine) -> None:
    with write(engine) as conn:
        queue_mail(conn, "anna@example.se", "Välkommen", "Hej Anna!\nÅäö fungerar.")
        assert _outbox(settings) == []  # nothing leaves before the commit
    [message] = _outbox(settings)
    assert message["To"] == "anna@example.se"
    assert message["Subject"] == "Välkommen"
    assert message["From"] == settings.mail_from
    assert isinstance(message, EmailMessage)
    assert message.get_content().strip() == "Hej Anna!\nÅäö fungerar."
    with engine.connect() as conn:
        assert conn.execute(sa.select(mail_queue.c.sent_at)).scalar_one() is not None


def test_rolled_back_mail_is_never_sent(settings: Settings, engine: sa.Engine) -> None:
    with pytest.raises(RuntimeError), write(engine) as conn:
        queue_mail(conn, "anna@example.se", "Nej", "ska inte skickas")
        raise RuntimeError("the change fails")
    assert _outbox(settings) == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(mail_queue)).scalar() == 0


class _Down:
    local = True

    def send(self, message: EmailMessage) -> None:
        raise ConnectionRefusedError("mail server down")


def test_a_failed_send_is_kept_and_retried(settings: Settings, engine: sa.Engine) -> None:
    # Queued through an engine of no site: nothing delivers it until deliver_pending runs.
    bare = make_engine(settings.resolved_database_url)
    with write(bare) as conn:
        queue_mail(conn, "bo@example.se", "Ämne", "text")
    bare.dispose()
    assert deliver_pending(engine, _Down(), settings.mail_from) == 0
    with engine.connect() as conn:
        row = conn.execute(sa.select(mail_queue)).one()
    assert row.sent_at is None and row.attempts == 1
    assert "mail server down" in row.last_error
    # Not due yet: a retry waits for its back-off.
    folder = OutboxFolder(settings.data_dir / "outbox")
    assert deliver_pending(engine, folder, settings.mail_from) == 0
    with write(engine) as conn:
        conn.execute(mail_queue.update().values(next_attempt_at=row.created_at))
    assert deliver_pending(engine, folder, settings.mail_from) == 1
    assert [m["To"] for m in _outbox(settings)] == ["bo@example.se"]


def test_transport_is_chosen_by_mail_url(settings: Settings, tmp_path: Path) -> None:
    assert make_transport(settings) == OutboxFolder(settings.data_dir / "outbox")
    other = Settings(data_dir=tmp_path, mail_url=f"file://{tmp_path}/mails")
    assert make_transport(other) == OutboxFolder(tmp_path / "mails")
    smtp = make_transport(Settings(mail_url="smtps://u%40x:p%3Aw@mail.example:2465"))
    assert smtp == Smtp("mail.example", 2465, "u@x", "p:w", tls=True)
    with pytest.raises(ValueError, match="mail_url"):
        make_transport(Settings(mail_url="http://mail.example"))
    assert "p%3Aw" not in str(Settings(mail_url="smtp://u:p%3Aw@h").describe())
