"""Which requests come from bots: a User-Agent header against a maintained list of patterns.

The patterns are crawler-user-agents' (Martin Monperrus and contributors, MIT licence,
https://github.com/monperrus/crawler-user-agents), the list that isbot, Matomo's device
detector forks and many log analysers share; `bot_patterns.txt` keeps release 1.67.0 without
the patterns of plain HTTP libraries (curl, python-requests, …): a script that calls the
API or fetches a file is a person's use of the data, while a search engine, a link
previewer, an uptime monitor or an AI crawler is not. An empty header counts as a bot: a
browser always sends one.

The 1,462 patterns are one regular expression; a browser's header takes ~0.5 ms to match, so
the flush classifies (never the request) and the answer is cached per header: a server sees
few distinct ones, and a repeat costs a dict look-up.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

__all__ = ["is_bot", "bot_patterns"]

_PATTERNS = Path(__file__).with_name("bot_patterns.txt")


def bot_patterns() -> list[str]:
    """The list's patterns, in its order."""
    lines = _PATTERNS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def _matcher() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in bot_patterns()))


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Whether a request with this User-Agent header comes from a bot."""
    if not user_agent.strip():
        return True
    return _matcher().search(user_agent) is not None
