"""E-mail: an outbox table written in the change's transaction, delivered after the commit.

`queue_mail` inside a write transaction; the site's mailer (`make_mailer`, made by
`torget.site.Site.open`) delivers it after every commit that queued some. Delivery goes to an
`.eml` folder (the default: `<data_dir>/outbox`, read by developers and the tests) or to an
SMTP server.
"""

from torget.mail.outbox import (
    Mailer,
    deliver_pending,
    make_mailer,
    queue_mail,
    schedule_retries,
)
from torget.mail.transport import OutboxFolder, Smtp, Transport, make_transport

__all__ = [
    "queue_mail",
    "deliver_pending",
    "Mailer",
    "make_mailer",
    "schedule_retries",
    "Transport",
    "OutboxFolder",
    "Smtp",
    "make_transport",
]
