"""E-mail: an outbox table written in the change's transaction, delivered after the commit.

`queue_mail` inside a write transaction; `attach_mailer(engine, settings)` (done by the app and
the worker) makes every commit that queued mail deliver it. Delivery goes to an `.eml` folder
(the default: `<data_dir>/outbox`, read by developers and the tests) or to an SMTP server.
"""

from torget.mail.outbox import (
    Mailer,
    attach_mailer,
    deliver_pending,
    queue_mail,
    schedule_retries,
)
from torget.mail.transport import OutboxFolder, Smtp, Transport, make_transport

__all__ = [
    "queue_mail",
    "deliver_pending",
    "Mailer",
    "attach_mailer",
    "schedule_retries",
    "Transport",
    "OutboxFolder",
    "Smtp",
    "make_transport",
]
