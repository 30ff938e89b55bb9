"""A run's report as text: the e-mail to the source's contact, in Swedish and English.

Mailed when something failed or was skipped (a run that only mapped values sends nothing), so
the people who keep the source hear of it without logging in; each problem says the dataset,
the property and how to fix it.
"""

from __future__ import annotations

from torget.harvest.problems import Problem, hint

__all__ = ["mail_subject", "mail_body", "MAX_LISTED"]

MAX_LISTED = 50


def mail_subject(title: str, failed: bool) -> str:
    if failed:
        return f"Skörden av {title} misslyckades / Harvest of {title} failed"
    return f"Skörden av {title}: datamängder hoppades över / Harvest of {title}: datasets skipped"


def _lines(
    counts: dict[str, int], problems: list[Problem], error: str | None, lang: str
) -> list[str]:
    sv = lang == "sv"
    words = {
        "created": "nya" if sv else "created",
        "updated": "ändrade" if sv else "updated",
        "unchanged": "oförändrade" if sv else "unchanged",
        "removed": "borttagna" if sv else "removed",
        "skipped": "överhoppade" if sv else "skipped",
    }
    lines = [", ".join(f"{words[k]}: {v}" for k, v in counts.items())]
    if error:
        lines.append(("Fel: " if sv else "Error: ") + error)
        lines.append("Förra skörden finns kvar." if sv else "The previous harvest is kept.")
    errors = [p for p in problems if p.severity == "error"]
    for p in errors[:MAX_LISTED]:
        where = " ".join(x for x in (p.dataset, p.property) if x)
        lines.append(f"- {where}: {p.detail}" if where else f"- {p.detail}")
        if text := hint(p.code, lang):
            lines.append(f"  {text}")
    if len(errors) > MAX_LISTED:
        more = len(errors) - MAX_LISTED
        lines.append(f"… {more} till" if sv else f"… {more} more")
    return lines


def mail_body(
    title: str,
    url: str,
    counts: dict[str, int],
    problems: list[Problem],
    error: str | None,
    page: str,
) -> str:
    sv = "\n".join(_lines(counts, problems, error, "sv"))
    en = "\n".join(_lines(counts, problems, error, "en"))
    return (
        f"Skörd av {title} ({url})\n\n{sv}\n\nHela rapporten: {page}\n\n"
        f"-- \n\nHarvest of {title} ({url})\n\n{en}\n\nThe whole report: {page}\n"
    )
