"""Paging parameters of list endpoints: any whole number is an answer, never an error.

A page past the end is the last page (Django's ``Paginator.get_page``, and the search
entry point does the same); zero and negative numbers are the first page; a page size is
held between 1 and ``PAGE_SIZE_MAX``.
"""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZE_MAX = 100
#: Far past any real list, and small enough that ``(page - 1) × page size`` stays a
#: 64-bit SQL OFFSET whatever number a client sends.
PAGE_MAX = 1_000_000

PAGE_DESCRIPTION = "Page number from 1; a page past the end gives the last page."
PAGE_SIZE_DESCRIPTION = f"Items per page, from 1 to {PAGE_SIZE_MAX} (held within those bounds)."


def page_number(page: int) -> int:
    """``page`` held between 1 and ``PAGE_MAX``."""
    return max(1, min(page, PAGE_MAX))


def page_size(size: int) -> int:
    """``size`` held between 1 and ``PAGE_SIZE_MAX``."""
    return max(1, min(size, PAGE_SIZE_MAX))


def page_of(items, page: int, size: int) -> tuple[int, list]:
    """The count of ``items`` (a queryset or a list) and the rows of page ``page`` of
    ``size`` (both held as above): what every list endpoint answers."""
    paginator = Paginator(items, page_size(size))
    if not paginator.count:
        return 0, []
    return paginator.count, list(paginator.get_page(page_number(page)).object_list)
