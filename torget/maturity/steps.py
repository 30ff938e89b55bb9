"""The next steps of one organisation, each drawn from its own gaps and naming what to work
on ("3 of your 8 high-value datasets lack an API: Badplatser, …"), in the order that lifts it
soonest: the criteria that fail at the next level first, then those of the levels above.

A step is a msgid with parameters, translated where it is shown (the page's language, or
`torget maturity --lang`), and the things it names with their links: a dataset's publishing
page, a suggestion's page, the inventory. Only what the public may read is named (published
datasets, suggestions, a public inventory's candidates), since the maturity page is public.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from torget.maturity.evidence import Entry
from torget.maturity.levels import N_, Assessment, Verdict
from torget.maturity.measures import Scope

__all__ = ["Named", "Step", "next_steps", "NAMED"]

NAMED = 5  # things named per step; the rest are counted


@dataclass(frozen=True)
class Named:
    title: dict[str, str]  # by language; "sv" always
    href: str

    def text(self, lang: str) -> str:
        return self.title.get(lang) or self.title["sv"]


@dataclass(frozen=True)
class Step:
    criterion: str
    level: int  # the level this step is needed for
    message: str  # msgid, with %(name)s parameters
    params: dict[str, Any]
    named: list[Named] = field(default_factory=list)
    more: int = 0  # how many more there are than those named
    link: str | None = None  # where to do it, when no single thing is named

    def text(self, gettext: Callable[[str], str]) -> str:
        return gettext(self.message) % self.params

    def as_json(self, gettext: Callable[[str], str], lang: str, base: str) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "level": self.level,
            "text": self.text(gettext),
            "named": [{"title": n.text(lang), "url": base + n.href} for n in self.named],
            "more": self.more,
            "link": base + self.link if self.link else None,
        }


def _dataset(e: Entry) -> Named:
    return Named({k: v for k, v in e.title.items() if v} | {"sv": e.quality.title or e.name},
                 f"/publish/dataset/{e.id}")  # fmt: skip


def _naming(entries: list[Entry]) -> tuple[list[Named], int]:
    return [_dataset(e) for e in entries[:NAMED]], max(0, len(entries) - NAMED)


def _pct(share: float | None) -> int:
    return round((share or 0) * 100)


def _step(v: Verdict, message: str, params: dict[str, Any], entries: list[Entry] | None = None,
          link: str | None = None) -> Step:  # fmt: skip
    named, more = _naming(entries or [])
    return Step(v.criterion.key, v.fails_at or 0, message, params, named, more, link)


def _candidates(scope: Scope) -> list[Named]:
    left = [c for c in scope.candidates if not c.published and c.public]
    return [Named({"sv": c.title}, f"/publish/inventory/{c.id}") for c in left]


def _waiting(scope: Scope) -> list[Named]:
    waiting = sorted((s for s in scope.suggestions if s.answered_at is None),
                     key=lambda s: s.created_at)  # fmt: skip
    return [Named({"sv": s.title}, f"/suggestions/{s.id}") for s in waiting]


def _first(named: list[Named]) -> tuple[list[Named], int]:
    return named[:NAMED], max(0, len(named) - NAMED)


def _publish_more(v: Verdict, scope: Scope, org: str, message: str, target: float) -> Step:
    """New datasets: the public inventory's candidates and the data people asked for."""
    more = max(1, math.ceil(target - (v.value or 0)))
    named, rest = _first(_candidates(scope) + _waiting(scope))
    link = f"/publish/organisation/{org}/inventory"
    params = {"value": int(v.value or 0), "more": more, "target": int(target)}
    return Step(v.criterion.key, v.fails_at or 0, message, params, named, rest, link)


def _number(value: float | None) -> str:
    return f"{value or 0:g}"


def _target(v: Verdict) -> float:
    return v.criterion.threshold(v.fails_at or 0) or 0


def _datasets(v: Verdict, scope: Scope, org: str) -> Step:
    message = N_("You publish %(value)d datasets; publish %(more)d more to reach %(target)d. "
                 "Start with the candidates in your inventory and the data people ask you "
                 "for.")  # fmt: skip
    return _publish_more(v, scope, org, message, _target(v))


def _growth(v: Verdict, scope: Scope, org: str) -> Step:
    message = N_("%(value)d of your datasets were first published in the last 12 months; "
                 "publish %(more)d more new ones to reach %(target)d, for instance from your "
                 "inventory or the data people ask you for.")  # fmt: skip
    return _publish_more(v, scope, org, message, _target(v))


def _inventory(v: Verdict, scope: Scope, org: str) -> Step:
    message = N_("Start an inventory: list the data your organisation holds that could be "
                 "opened, at least %(target)d candidate.")  # fmt: skip
    return _step(v, message, {"target": int(_target(v))},
                 link=f"/publish/organisation/{org}/inventory")  # fmt: skip


def _quality(v: Verdict, scope: Scope, org: str) -> Step:
    worst = sorted(scope.entries, key=lambda e: (e.quality.score.points, e.name))
    message = N_(
        "Your datasets score %(value)s of 405 points on average; raise it to "
        "%(target)s. Start with the lowest scored, whose hints say what to add:"
    )
    return _step(v, message, {"value": _number(v.value), "target": int(_target(v))}, worst)


def _freshness(v: Verdict, scope: Scope, org: str) -> Step:
    late = sorted((e for e in scope.scheduled if e.overdue),
                  key=lambda e: (e.due_at, e.name))  # fmt: skip
    message = N_("%(late)d of your %(total)d datasets with a due date are overdue; "
                 "publish their new data (the aim: %(target)d %% on time):")  # fmt: skip
    params = {"late": len(late), "total": len(scope.scheduled), "target": _pct(_target(v))}
    return _step(v, message, params, late)


def _hvd_api(v: Verdict, scope: Scope, org: str) -> Step:
    missing = sorted((e for e in scope.high_value if not e.api), key=lambda e: e.name)
    message = N_("%(missing)d of your %(total)d high-value datasets lack an API, which the EU "
                 "regulation on high-value datasets requires:")  # fmt: skip
    return _step(v, message, {"missing": len(missing), "total": len(scope.high_value)}, missing)


def _api(v: Verdict, scope: Scope, org: str) -> Step:
    without = sorted((e for e in scope.entries if not e.api), key=lambda e: (-e.uses, e.name))
    with_api = len(scope.entries) - len(without)
    more = max(1, math.ceil(_target(v) * len(scope.entries)) - with_api)
    message = N_(
        "%(with)d of your %(total)d datasets have an API; give %(more)d more one, "
        "for instance by loading a CSV file into the datastore. The most used first:"
    )
    return _step(v, message, {"with": with_api, "total": len(scope.entries), "more": more},
                 without)  # fmt: skip


def _specifications(v: Verdict, scope: Scope, org: str) -> Step:
    """Those that declare a specification but do not pass its check first; with none, the
    registry's specifications to publish after."""
    params = {"value": int(v.value or 0), "target": int(_target(v))}
    unmet = sorted((e for e in scope.entries if e.specification in ("fails", "declared")),
                   key=lambda e: (e.specification != "fails", e.name))  # fmt: skip
    if unmet:
        message = N_(
            "%(value)d of your datasets follow a national specification (the aim: "
            "%(target)d). These declare one but have not passed its check; load "
            "their data into the datastore and correct what the check finds:"
        )
        return _step(v, message, params, unmet)
    message = N_("%(value)d of your datasets follow a national specification (the aim: "
                 "%(target)d). Publish data after one of the national specifications, such "
                 "as:")  # fmt: skip
    named, more = _first([Named(k.title, f"/specifications/{k.name}/{k.version}")
                          for k in scope.specifications])  # fmt: skip
    return Step(v.criterion.key, v.fails_at or 0, message, params, named, more, "/specifications")


def _answered(v: Verdict, scope: Scope, org: str) -> Step:
    waiting = len(scope.suggestions) - len(scope.answered)
    message = N_("%(waiting)d of the %(total)d suggestions to you have no answer yet; "
                 "answer them, the longest waiting first:")  # fmt: skip
    named, more = _first(_waiting(scope))
    params = {"waiting": waiting, "total": len(scope.suggestions)}
    return Step(v.criterion.key, v.fails_at or 0, message, params, named, more)


def _answer_days(v: Verdict, scope: Scope, org: str) -> Step:
    message = N_("A suggestion waits %(value)s days for an answer (the median); answer within "
                 "%(target)d days. Waiting now:")  # fmt: skip
    named, more = _first(_waiting(scope))
    params = {"value": _number(v.value), "target": int(_target(v))}
    return Step(v.criterion.key, v.fails_at or 0, message, params, named, more,
                f"/suggestions?organisation={org}")  # fmt: skip


def _use(v: Verdict, scope: Scope, org: str) -> Step:
    least = sorted(scope.entries, key=lambda e: (e.uses, e.name))
    message = N_(
        "Each of your datasets was used %(value)s times in the last 12 months (the "
        "aim: %(target)d). Tell those who could use them about the least used:"
    )
    return _step(v, message, {"value": _number(v.value), "target": int(_target(v))}, least)


def _inventory_published(v: Verdict, scope: Scope, org: str) -> Step:
    total = len(scope.candidates)
    done = sum(c.published for c in scope.candidates)
    message = N_("%(done)d of the %(total)d candidates in your inventory are published; "
                 "publish them until at least %(target)d %% are.")  # fmt: skip
    named, more = _first(_candidates(scope))
    params = {"done": done, "total": total, "target": _pct(_target(v))}
    return Step(v.criterion.key, v.fails_at or 0, message, params, named, more,
                f"/publish/organisation/{org}/inventory")  # fmt: skip


_STEPS: dict[str, Callable[[Verdict, Scope, str], Step]] = {
    "datasets": _datasets,
    "growth": _growth,
    "inventory": _inventory,
    "quality": _quality,
    "freshness": _freshness,
    "answered": _answered,
    "hvd_api": _hvd_api,
    "api": _api,
    "specifications": _specifications,
    "answer_days": _answer_days,
    "use": _use,
    "inventory_published": _inventory_published,
}


def next_steps(assessment: Assessment, scope: Scope, organisation: str) -> list[Step]:
    """A step per criterion that fails at some level, the next level's first."""
    failing = [v for v in assessment.verdicts if v.fails_at is not None]
    failing.sort(key=lambda v: v.fails_at or 0)  # stable: the criteria's own order within
    return [_STEPS[v.criterion.key](v, scope, organisation) for v in failing]
