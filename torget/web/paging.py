"""Paging for list endpoints: `?page=N&page_size=M`, answered with counts and links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Query, Request

__all__ = ["Page", "page_params", "page_body"]


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_params(
    request: Request,
    page: int = Query(1, ge=1, description="Page number, from 1."),
    page_size: int = Query(20, ge=1, description="Items per page (at most max_page_size)."),
) -> Page:
    return Page(page, min(page_size, request.app.state.settings.max_page_size))


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
