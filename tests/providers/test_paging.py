"""Paginated Lists: page 1, then the other pages at once, put together in page order; a failed
page retried by the transport's policy; a List that changes while it is read, read again."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from cccform.errors import ProviderError
from cccform.providers.aliyun.failures import CallFailure
from cccform.providers.aliyun.ratelimit import RateLimiter
from cccform.providers.aliyun.retry import RetryPolicy
from cccform.providers.aliyun.transport import AliyunTransport
from cccform.providers.ccc import CccProvider
from cccform.providers.paging import LIST_ATTEMPTS

from .test_ccc_mapping import FakeConsole

WAIT = 5.0  # seconds a page waits for another before the test gives up


class Listing:
    """A List of `count` named objects served page by page; `before_page(n)` runs first."""

    def __init__(self, count: int) -> None:
        self.names = [f"u{n:04d}" for n in range(count)]
        self.pages: list[int] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0

    def before_page(self, number: int) -> None:
        """Called before page `number` is answered (tests override it)."""

    def __call__(self, action: str, params: dict[str, str]) -> Any:
        assert action == "ListUsers"
        number, size = int(params["PageNumber"]), int(params["PageSize"])
        with self.lock:
            self.pages.append(number)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self.before_page(number)
            with self.lock:
                names = list(self.names)
        finally:
            with self.lock:
                self.in_flight -= 1
        start = (number - 1) * size
        items = [{"LoginName": name} for name in names[start : start + size]]
        return {"PageNumber": number, "PageSize": size, "TotalCount": len(names), "List": items}

    call = __call__


def read(listing: Listing, parallelism: int = 10) -> list[str]:
    provider = CccProvider(listing, FakeConsole(), parallelism)
    return [item["LoginName"] for item in provider.pages("ListUsers", {"InstanceId": "i"})]


def test_pages_answered_last_first_come_in_page_order() -> None:
    answered = {n: threading.Event() for n in range(2, 6)}

    class LastFirst(Listing):
        def before_page(self, number: int) -> None:
            if number in answered:
                # page n answers only once page n+1 has: page 5 first, page 2 last
                following = answered.get(number + 1)
                assert following is None or following.wait(WAIT), f"page {number + 1} not read"
                answered[number].set()

    listing = LastFirst(450)
    assert read(listing) == listing.names
    assert listing.pages[0] == 1 and sorted(listing.pages) == [1, 2, 3, 4, 5]


def test_at_most_parallelism_pages_are_in_flight() -> None:
    class Slow(Listing):
        def before_page(self, _number: int) -> None:
            time.sleep(0.05)

    listing = Slow(2_000)
    assert read(listing, parallelism=3) == listing.names
    assert listing.most_in_flight == 3
    assert sorted(listing.pages) == list(range(1, 21))


def test_a_failed_page_is_retried_while_the_others_are_read() -> None:
    listing = Listing(450)
    failed: list[int] = []

    def send(action: str, params: dict[str, str]) -> Any:
        if params["PageNumber"] == "2" and not failed:
            failed.append(2)
            listing.pages.append(2)
            raise CallFailure("server", "InternalService.Common", "try again", 500)
        return listing(action, params)

    policy = RetryPolicy(3, sleep=lambda _s: time.sleep(0.3), random=lambda: 0.5)
    transport = AliyunTransport(send, policy, RateLimiter(sleep=lambda _s: None))
    provider = CccProvider(transport, FakeConsole())
    found = [item["LoginName"] for item in provider.pages("ListUsers", {})]
    assert found == listing.names
    # pages 3 to 5 did not wait for page 2's second attempt
    assert listing.pages[0] == 1 and listing.pages[-1] == 2
    assert sorted(listing.pages) == [1, 2, 2, 3, 4, 5]
    assert provider.calls.counts["ListUsers"] == 5


@pytest.mark.parametrize("change", ["created", "deleted"])
def test_a_list_that_changes_between_pages_is_read_again(change: str) -> None:
    class Changing(Listing):
        def before_page(self, number: int) -> None:
            if number == 2 and self.pages.count(2) == 1:
                # between page 1 and the others, at the front of the list, as CCC sorts it
                if change == "created":
                    self.names.insert(0, "a-new-agent")
                else:
                    del self.names[0]

    listing = Changing(250)
    found = read(listing)
    assert found == listing.names
    assert len(set(found)) == len(found) == (251 if change == "created" else 249)
    assert listing.pages.count(1) == 2


def test_a_list_that_keeps_changing_is_an_error() -> None:
    class Busy(Listing):
        def before_page(self, number: int) -> None:
            if number == 2:
                self.names.append(f"x{len(self.names)}")

    listing = Busy(150)
    with pytest.raises(ProviderError, match="ListUsers gave a different count") as error:
        read(listing)
    assert "Run cccform again" in str(error.value)
    assert listing.pages.count(1) == LIST_ATTEMPTS
