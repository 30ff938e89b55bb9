"""The e-mails a suggestion's status change sends, each person once, in their language.

Who hears of a change (`status_recipients`, the one place that decides it):
- when it is published, its author and every voter get the "your suggestion is published"
  letter with a link to the dataset (the issue's promise to the people who asked);
- otherwise its author gets the status letter (they asked; a decline's reason is for them);
- followers get the status letter, unless they already get one of the above: a voter who
  also follows a suggestion receives one mail, not two.

The letters are queued in the transaction of the change (a subscriber to
`SuggestionStatusChanged`), so a rolled-back change mails nobody.
"""

from __future__ import annotations

import sqlalchemy as sa

from torget.events import Handler, SuggestionStatusChanged
from torget.participation.follows import followers
from torget.participation.letters import (
    N_,
    Recipient,
    recipients,
    send_letter,
    title_in,
    translator,
)
from torget.participation.suggestions import STATUS_LABELS, Suggestion, get_suggestion
from torget.participation.votes import voter_ids
from torget.site_lookup import settings_of

__all__ = ["ASKER", "AUTHOR", "FOLLOWER", "status_recipients"]

ASKER = "asker"  # author or voter of a published suggestion: the "published" letter
AUTHOR = "author"  # the author, of any other change
FOLLOWER = "follower"  # the status letter


def status_recipients(conn: sa.Connection, suggestion: Suggestion) -> dict[str, str]:
    """Account id → which letter it gets for the suggestion's current status; each once."""
    chosen: dict[str, str] = {}
    if suggestion.status == "published":
        for user_id in [suggestion.author_id, *voter_ids(conn, suggestion.id)]:
            if user_id is not None:
                chosen[user_id] = ASKER
    elif suggestion.author_id is not None:
        chosen[suggestion.author_id] = AUTHOR
    for user_id in followers(conn, "suggestion", [suggestion.id]):
        chosen.setdefault(user_id, FOLLOWER)
    return chosen


def _published(conn: sa.Connection, to: Recipient, suggestion: Suggestion, url: str) -> None:
    dataset = suggestion.dataset
    send_letter(
        conn, to,
        N_("Published: the data you asked for in %(title)s"),
        N_("The suggestion %(title)s that you made or voted for has been answered: the data "
           "is now published as open data.\n\n%(dataset)s\n%(dataset_url)s\n\n"
           "The suggestion: %(url)s\n"),
        title=suggestion.title, url=url,
        dataset=title_in(dataset.title, to.language) if dataset else "",
        dataset_url=settings_of(conn).public_base + dataset.path if dataset else "",
    )  # fmt: skip


_STATUS_BODIES = {
    AUTHOR: N_("Your suggestion %(title)s is now %(status)s.\n%(reason)s\n%(url)s\n"),
    FOLLOWER: N_(
        "The suggestion %(title)s that you follow is now %(status)s.\n%(reason)s\n%(url)s\n"
    ),
}


def _status(
    conn: sa.Connection, to: Recipient, suggestion: Suggestion, url: str, kind: str
) -> None:
    status = translator(to.language).gettext(STATUS_LABELS[suggestion.status])
    send_letter(
        conn, to,
        N_("The suggestion %(title)s is now %(status)s"), _STATUS_BODIES[kind],
        title=suggestion.title, status=status, reason=suggestion.status_reason or "", url=url,
    )  # fmt: skip


def _on_status(conn: sa.Connection, event: SuggestionStatusChanged) -> None:
    suggestion = get_suggestion(conn, event.suggestion_id)
    url = settings_of(conn).public_base + suggestion.path
    chosen = status_recipients(conn, suggestion)
    for to in recipients(conn, list(chosen)):
        assert to.user_id is not None
        kind = chosen[to.user_id]
        if kind == ASKER:
            _published(conn, to, suggestion, url)
        else:
            _status(conn, to, suggestion, url, kind)


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = ((SuggestionStatusChanged, _on_status),)
