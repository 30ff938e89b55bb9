"""Sending webhook calls: signed, time-limited, public addresses only, retried with back-off.

Each call is a POST of the stored JSON body with the headers `X-Torget-Event`,
`X-Torget-Delivery` and `X-Torget-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body
with the webhook's secret (the scheme GitHub uses), so a receiver can check that the call is
Torget's and unaltered. A 2xx answer delivers it; anything else (an error status, a redirect,
a refused or slow connection) is retried after `webhook_retry_seconds`, doubling each time,
until `webhook_max_attempts`, and then marked failed. Every attempt's status code or error is
kept for the delivery log.

The target's host is resolved and refused when any address is private, loopback or
link-local (SSRF), both when the webhook is registered and at every attempt, since a name
can be re-pointed later; each attempt connects through `torget.outbound`'s guard, so the
call goes to exactly the addresses checked. `allow_private_addresses` lifts this for tests.

After a commit that queued calls a background thread sends them, so a request never waits
for a receiver; the worker's periodic task (`schedule_webhooks`) sends whatever is due, which
includes every retry.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from huey import Huey, crontab

from torget.clock import now
from torget.db.engine import after_commit, write
from torget.db.schema import webhook_deliveries, webhooks
from torget.outbound import Guard, Refused
from torget.settings import Settings
from torget.site_lookup import find_site

__all__ = [
    "TargetRefused",
    "check_target",
    "sign",
    "deliver_due",
    "Sender",
    "wake_sender",
    "schedule_webhooks",
]

log = logging.getLogger(__name__)
CLAIM = timedelta(minutes=5)  # a claimed call is left alone this long by other senders
MAX_WAIT = timedelta(days=1)


class TargetRefused(ValueError):
    """A webhook URL Torget will not call."""


def check_target(url: str, allow_private: bool) -> None:
    try:
        Guard(allow_private=allow_private).check(url)
    except Refused as exc:
        raise TargetRefused(str(exc)) from None


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Due:
    id: str
    event: str
    payload: str
    attempts: int
    next_attempt_at: datetime
    url: str
    secret: str


def _due(engine: sa.Engine, limit: int) -> list[_Due]:
    d = webhook_deliveries.c
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(d.id, d.event, d.payload, d.attempts, d.next_attempt_at, webhooks.c.url,
                      webhooks.c.secret)
            .join(webhooks, webhooks.c.id == d.webhook_id)
            .where((d.state == "pending") & (d.next_attempt_at <= now()))
            .order_by(d.next_attempt_at)
            .limit(limit)
        )  # fmt: skip
        return [_Due(*row) for row in rows]


def _claim(engine: sa.Engine, call: _Due) -> bool:
    d = webhook_deliveries.c
    with write(engine) as conn:
        done = conn.execute(
            webhook_deliveries.update()
            .where((d.id == call.id) & (d.state == "pending"))
            .where(d.next_attempt_at == call.next_attempt_at)
            .values(next_attempt_at=now() + CLAIM)
        )
        return done.rowcount == 1


def _send(call: _Due, settings: Settings) -> tuple[int | None, str | None]:
    """(status, error): error is None when the receiver took the call."""
    body = call.payload.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Torget-Webhook",
        "X-Torget-Event": call.event,
        "X-Torget-Delivery": call.id,
        "X-Torget-Signature": sign(call.secret, body),
    }
    try:
        with Guard(allow_private=settings.allow_private_addresses).client(
            settings.webhook_timeout
        ) as client:
            response = client.post(call.url, content=body, headers=headers)
    except Refused as exc:
        return None, f"refused: {exc}"
    except httpx.TimeoutException:
        return None, f"no answer within {settings.webhook_timeout} seconds"
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"the receiver answered HTTP {response.status_code}"


def _record(engine: sa.Engine, call: _Due, settings: Settings, status: int | None,
            error: str | None) -> None:  # fmt: skip
    attempts = call.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "last_status": status, "last_error": error}
    if error is None:
        values.update(state="delivered", delivered_at=now())
    elif attempts >= settings.webhook_max_attempts:
        values.update(state="failed")
    else:
        wait = timedelta(seconds=settings.webhook_retry_seconds * 2 ** (attempts - 1))
        values.update(next_attempt_at=now() + min(wait, MAX_WAIT))
    with write(engine) as conn:
        conn.execute(
            webhook_deliveries.update().where(webhook_deliveries.c.id == call.id).values(**values)
        )


def deliver_due(engine: sa.Engine, settings: Settings, limit: int = 100) -> int:
    """Send every call that is due; return how many were delivered."""
    delivered = 0
    for call in _due(engine, limit):
        if not _claim(engine, call):
            continue  # another sender has it
        status, error = _send(call, settings)
        _record(engine, call, settings, status, error)
        if error is None:
            delivered += 1
        else:
            log.warning("webhook delivery %s to %s failed: %s", call.id, call.url, error)
    return delivered


@dataclass(eq=False)
class Sender:
    """Sends an engine's due webhook calls in a background thread, woken after commits."""

    engine: sa.Engine
    settings: Settings
    _signal: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wake(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="torget-webhooks",
                                                daemon=True)  # fmt: skip
                self._thread.start()
        self._signal.set()

    def _run(self) -> None:
        while self._signal.wait(timeout=60):
            self._signal.clear()
            try:
                deliver_due(self.engine, self.settings)
            except Exception:
                log.exception("webhook delivery failed")


def wake_sender(conn: sa.Connection) -> None:
    """After this transaction commits, let the site's sender send the calls it queued (for a
    connection of no site, the worker's periodic task will)."""
    site = find_site(conn)
    if site is not None:
        after_commit(conn, site.webhooks.wake)


def schedule_webhooks(huey: Huey, engine: sa.Engine, settings: Settings) -> Any:
    """The worker's periodic task: every minute, send the calls that are due (retries, and
    calls queued by a process that died before sending them). Returns the task."""

    def deliver() -> None:
        deliver_due(engine, settings)

    return huey.periodic_task(crontab(minute="*"), name="torget.webhooks.deliver")(deliver)
