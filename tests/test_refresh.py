"""`refresh`: the contents of many instances read at once, within the parallelism, in job
order whatever order the answers come in; a failed List or a cancel starts no other."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cccform import refresh
from cccform.addresses import ResourceType
from cccform.errors import ApiError, RefreshInterrupted
from cccform.live import RUNNING, LiveInstance, LiveInventory
from cccform.refresh import refresh_contents

GROUPS = frozenset({ResourceType.SKILL_GROUP})


class SlowGroups:
    """A caller whose ListSkillGroups answers one group named after the instance, after a
    random delay; it counts the Lists in flight, and fails or cancels where told."""

    def __init__(self, fail: str = "", cancel_after: int = 0) -> None:
        self.fail = fail
        self.cancel = threading.Event()
        self.cancel_after = cancel_after
        self.lock = threading.Lock()
        self.now = self.most = self.started = 0
        self.answered: list[str] = []
        self.started_at_failure = 0

    def call(self, action: str, params: dict[str, str]) -> Any:
        raise AssertionError(f"no single call expected, got {action} {params}")

    def pages(self, action: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        assert action == "ListSkillGroups"
        instance_id = params["InstanceId"]
        with self.lock:
            self.now += 1
            self.started += 1
            self.most = max(self.most, self.now)
            if self.cancel_after and self.started == self.cancel_after:
                self.cancel.set()
            if instance_id == self.fail:
                self.started_at_failure = self.started
        try:
            if instance_id == self.fail:  # at once: nothing else moves meanwhile
                raise ApiError("Throttling.User", "slow down", 400)
            time.sleep(random.uniform(0.001, 0.01))
            with self.lock:
                self.answered.append(instance_id)
            item = {"SkillGroupId": f"sg-{instance_id}", "SkillGroupName": instance_id}
            return iter([item])
        finally:
            with self.lock:
                self.now -= 1


def inventory(n: int) -> LiveInventory:
    return LiveInventory(
        {
            f"cc-{i:03d}": LiveInstance(
                f"cc-{i:03d}", f"CC {i}", f"cc-{i:03d}", "", (), (), RUNNING
            )
            for i in range(n)
        }
    )


def wanted(n: int) -> dict[str, frozenset[ResourceType]]:
    return {f"cc-{i:03d}": GROUPS for i in range(n)}


def test_every_instance_is_read_within_the_parallelism_and_kept_in_job_order() -> None:
    caller = SlowGroups()
    heard: list[str] = []
    read = refresh_contents(
        caller, inventory(60), wanted(60), 4, instance_read=lambda i, _c: heard.append(i)
    )
    assert caller.most == 4
    assert caller.answered != sorted(caller.answered)  # answers came in any order
    assert list(read.contents) == [f"cc-{i:03d}" for i in range(60)]
    groups = read.contents["cc-007"].read(ResourceType.SKILL_GROUP)
    assert groups is not None and list(groups) == ["cc-007"]
    assert sorted(heard) == list(read.contents)


def test_a_failed_list_starts_no_other_and_raises() -> None:
    caller = SlowGroups(fail="cc-005")
    with pytest.raises(ApiError, match="slow down"):
        refresh_contents(caller, inventory(200), wanted(200), 3)
    # the Lists in flight when it failed finish; at most one round of others was being
    # submitted as it failed, and none starts after that
    assert caller.started - caller.started_at_failure <= 3
    assert caller.now == 0


def test_a_cancel_starts_no_other_list_and_says_nothing_changed() -> None:
    caller = SlowGroups(cancel_after=10)
    with pytest.raises(RefreshInterrupted, match="nothing was planned or changed"):
        refresh_contents(caller, inventory(200), wanted(200), 3, cancel=caller.cancel)
    assert caller.started < 10 + 3 * 4
    assert caller.now == 0


def test_what_was_read_ahead_is_not_read_again() -> None:
    caller = SlowGroups()
    first = refresh_contents(caller, inventory(5), wanted(5), 2)
    ahead = {
        (instance_id, ResourceType.SKILL_GROUP): dict(contents.read(ResourceType.SKILL_GROUP) or {})
        for instance_id, contents in first.contents.items()
        if instance_id != "cc-002"
    }
    again = SlowGroups()
    read = refresh_contents(again, inventory(5), wanted(5), 2, ahead)
    assert again.answered == ["cc-002"]
    assert list(read.contents) == [f"cc-{i:03d}" for i in range(5)]


def test_no_more_lists_are_submitted_at_a_time_than_run_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool gets the next List as one ends: waiting on a few futures costs little, on
    thousands at every answer it adds up."""
    lock = threading.Lock()
    queued = [0, 0]  # now, most: submitted and not yet done

    class Counting(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            with lock:
                queued[0] += 1
                queued[1] = max(queued)
            return super().submit(counted, fn, *args, **kwargs)

    def counted(fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        # Counted down before the future is done: a done callback runs only after whoever
        # waits on the future has been woken, and so could count one List too many.
        try:
            return fn(*args, **kwargs)
        finally:
            with lock:
                queued[0] -= 1

    monkeypatch.setattr(refresh, "ThreadPoolExecutor", Counting)
    read = refresh.refresh_contents(SlowGroups(), inventory(60), wanted(60), 4)
    assert len(read.contents) == 60
    assert queued[1] == 4
