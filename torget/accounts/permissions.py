"""Who may do what: roles per organisation, inherited down the organisation tree.

Roles are ordered member < editor < admin. A role in a municipality also holds in its
departments and companies (the `parent` chain), so the municipality's open-data team can help
everywhere without being added to every unit. Sysadmins may do everything. Anonymous callers
read published records only; a draft is visible to members of its organisation.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import sqlalchemy as sa

from torget.accounts.users import User
from torget.db.schema import memberships, organisations
from torget.errors import NotAuthenticated, PermissionDenied

__all__ = ["Actor", "Acting", "Channel", "ANONYMOUS", "SYSTEM", "COMMAND_LINE", "actor_for", "RANK"]

RANK = {"member": 1, "editor": 2, "admin": 3}


@dataclass(frozen=True)
class Actor:
    """The caller of a domain function: a user with their effective roles, or anonymous."""

    user: User | None = None
    roles: dict[str, str] = field(default_factory=dict)  # organisation id -> effective role

    @property
    def sysadmin(self) -> bool:
        return self.user is not None and self.user.sysadmin

    def has_role(self, organisation_id: str, role: str) -> bool:
        if self.sysadmin:
            return True
        held = self.roles.get(organisation_id)
        return held is not None and RANK[held] >= RANK[role]

    def can_read(self, organisation_id: str, state: str) -> bool:
        return state == "published" or self.has_role(organisation_id, "member")

    def require(self, organisation_id: str, role: str, action: str) -> None:
        if self.user is None:
            raise NotAuthenticated(f"log in or send an API token to {action}")
        if not self.has_role(organisation_id, role):
            raise PermissionDenied(f"you need the {role} role in this organisation to {action}")

    def require_verified(self, action: str) -> None:
        """A logged-in account whose e-mail address is verified (public participation)."""
        if self.user is None:
            raise NotAuthenticated(f"log in or send an API token to {action}")
        if not self.user.email_verified:
            raise PermissionDenied(f"verify your e-mail address before you {action}")

    def require_sysadmin(self, action: str) -> None:
        if self.user is None:
            raise NotAuthenticated(f"log in or send an API token to {action}")
        if not self.sysadmin:
            raise PermissionDenied(f"only a system administrator may {action}")

    def via(self, channel: Channel) -> Acting:
        """This actor changing the catalogue through `channel` (what the audit log records)."""
        return Acting(self.user, self.roles, channel=channel)


class Channel(enum.StrEnum):
    """The path a change came in by: the audit log's "through which path"."""

    PAGES = "pages"
    API = "api"
    CKAN = "ckan"
    CLI = "cli"
    HARVEST = "harvest"
    WORKER = "worker"


@dataclass(frozen=True)
class Acting(Actor):
    """An actor changing the catalogue, with the path the change came in by. The use-case
    functions that write (`torget.publishing.changes`, `settlements`, `guard.sign_off`) take
    an `Acting`, so every shell must say which path it is; reads take any `Actor`."""

    channel: Channel = field(kw_only=True)


ANONYMOUS = Actor()

# The command line runs with the authority of whoever owns the machine and its database.
SYSTEM = Actor(User("system", "system", "system@localhost", "command line", sysadmin=True))
COMMAND_LINE = SYSTEM.via(Channel.CLI)  # the command line changing the catalogue


def actor_for(conn: sa.Connection, user: User | None) -> Actor:
    if user is None:
        return ANONYMOUS
    direct = {
        row.organisation_id: row.role
        for row in conn.execute(
            sa.select(memberships.c.organisation_id, memberships.c.role).where(
                memberships.c.user_id == user.id
            )
        )
    }
    if not direct:
        return Actor(user, {})
    parents = dict(conn.execute(sa.select(organisations.c.id, organisations.c.parent_id)).all())
    effective: dict[str, str] = {}
    for org_id in parents:
        best = None
        node: str | None = org_id
        seen: set[str] = set()
        while node is not None and node not in seen:
            seen.add(node)
            role = direct.get(node)
            if role is not None and (best is None or RANK[role] > RANK[best]):
                best = role
            node = parents.get(node)
        if best is not None:
            effective[org_id] = best
    return Actor(user, effective)
