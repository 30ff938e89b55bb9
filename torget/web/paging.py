"""Paging for list endpoints: `?page=N&page_size=M`, answered with counts and links.

A page number is at most `MAX_PAGE`: with the largest page size that is an offset of 10⁹, far
past any catalogue, while a number such as 10³⁰ would overflow the databases' 64-bit OFFSET
(a 500 before). The API refuses a bad page with 422 naming the limit; the HTML pages read their
query strings leniently (`page_number`) and show the first page instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Query, Request

from torget.web.request_site import request_site

__all__ = ["Page", "page_params", "page_body", "page_number", "MAX_PAGE"]

MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


async def page_params(  # async: no thread of the pool for a few comparisons (issue 21)
    request: Request,
    page: int = Query(1, ge=1, le=MAX_PAGE, description="Page number, from 1."),
    page_size: int = Query(20, ge=1, description="Items per page (at most max_page_size)."),
) -> Page:
    return Page(page, min(page_size, request_site(request).settings.max_page_size))


def page_number(raw: str | None) -> int:
    """A page number from a page's query string; the first page for anything that is not a
    number from 1 to `MAX_PAGE` (`isdigit` alone also passes "²", which `int` refuses)."""
    text = (raw or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_PAGE)):
        return min(max(1, int(text)), MAX_PAGE)
    return 1


def page_body(request: Request, page: Page, total: int, items: list[Any]) -> dict[str, Any]:
    def link(number: int) -> str:
        return str(request.url.include_query_params(page=number, page_size=page.size))

    last = max(1, -(-total // page.size))
    return {
        "count": total,
        "page": page.number,
        "page_size": page.size,
        "next": link(page.number + 1) if page.number < last else None,
        "previous": link(page.number - 1) if page.number > 1 else None,
        "items": items,
    }
