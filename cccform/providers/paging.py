"""Reading every page of a paginated List: page 1 first, then the others at once, in order.

Page 1 says how many objects there are (`TotalCount`); the pages after it are read
concurrently, at most `parallelism` calls in flight across every List the provider reads, and
their items are put together in page order, so what a List gives does not depend on which
answer came first. Each page is one call through the transport, which applies the rate limits
and the retry policy to it as to any call.

Objects created or deleted while the pages are read shift the pages under the reader (an object
read twice, or never): a List whose pages disagree on `TotalCount`, or whose items do not add up
to it, is read again from page 1, up to `LIST_ATTEMPTS` times.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cccform.errors import ProviderError

PAGE_SIZE = 100
LIST_ATTEMPTS = 3
DEFAULT_PARALLELISM = 10
MAX_PARALLELISM = 256  # what --parallelism accepts; the SDK keeps as many connections
log = logging.getLogger("cccform.api")

PageCall = Callable[[str, dict[str, str]], Any]
"""Makes one call: wire action, wire parameters -> the response's `Data`."""


class Pager:
    """Reads whole Lists through `call`, with at most `parallelism` page calls in flight."""

    def __init__(self, call: PageCall, parallelism: int = DEFAULT_PARALLELISM) -> None:
        self._call = call
        self.parallelism = max(1, parallelism)
        self._slots = threading.BoundedSemaphore(self.parallelism)

    def items(self, action: str, params: dict[str, str]) -> list[dict[str, Any]]:
        """Every item of the List `action`, in page order."""
        for _attempt in range(LIST_ATTEMPTS):
            first = self._page(action, params, 1)
            if "TotalCount" not in first:  # nothing says there is more than this page
                return _items(first)
            total = _count(first)
            answers = [first, *self._rest(action, params, _page_count(total))]
            items = [item for answer in answers for item in _items(answer)]
            if len(items) == total and all(_count(a) == total for a in answers):
                return items
            log.debug("%s changed while its pages were read; reading it again", action)
        raise ProviderError(
            f"{action} gave a different count on every one of {LIST_ATTEMPTS} reads: objects "
            "are being created or deleted while cccform reads them. Run cccform again once "
            "the changes made elsewhere are done."
        )

    def _rest(self, action: str, params: dict[str, str], pages: int) -> list[dict[str, Any]]:
        numbers = range(2, pages + 1)
        if not numbers:
            return []
        workers = min(self.parallelism, len(numbers))
        with ThreadPoolExecutor(workers, "cccform-pages") as pool:
            return list(pool.map(lambda n: self._page(action, params, n), numbers))

    def _page(self, action: str, params: dict[str, str], number: int) -> dict[str, Any]:
        paging = {"PageNumber": str(number), "PageSize": str(PAGE_SIZE)}
        with self._slots:
            data = self._call(action, {**params, **paging})
        if not isinstance(data, dict):
            raise ProviderError(f"the CCC API answered {action} without a page: {data!r:.200}")
        return data


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    return list(data.get("List") or [])


def _count(data: dict[str, Any]) -> int:
    return int(data.get("TotalCount") or 0)


def _page_count(total: int) -> int:
    return -(-total // PAGE_SIZE)
