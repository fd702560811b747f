"""cccform.importer.read: which instances an import reads (patterns, running only), what
the observer hears, and that it reads with List calls only and stops when cancelled."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from threading import Event

import pytest

from ccc_emulator.engine import CccEmulation
from cccform.addresses import ResourceType
from cccform.errors import RefreshInterrupted, UsageError
from cccform.importer.read import Selection, read_account
from cccform.live import CREATING, RELEASED, RUNNING, LiveInstance
from cccform.providers.ccc import CccProvider
from cccform.providers.local import LocalConsole, LocalTransport
from tests.importer.helpers import ADMIN, Heard, create

RUNNING_PATHS = ["acme-cs", "acme-sales", "other-01"]
CONTENTS_LISTS = ["ListSkillGroups", "ListUsers", "ListContactFlows", "ListPhoneNumbers"]


@pytest.fixture
def emulation(tmp_path: Path) -> Iterator[CccEmulation]:
    """Three running instances, made out of the order of their access paths: acme-cs with
    a number and a skill group of its own, acme-sales with two numbers, other-01 as the
    platform made it."""
    with CccEmulation(tmp_path / ".cccform", create_seconds=0) as emulation:
        create(emulation, "other-01")
        create(emulation, "acme-sales", "057188880010", "057188880011")
        create(emulation, "acme-cs", "057188880001")
        emulation.handle(
            "CreateSkillGroup",
            {"InstanceId": "acme-cs", "Name": "support", "DisplayName": "Support"},
        )
        yield emulation


@pytest.fixture
def provider(emulation: CccEmulation) -> CccProvider:
    return CccProvider(LocalTransport(emulation), LocalConsole(emulation))


def test_selection_by_shell_patterns_of_access_paths() -> None:
    everything = Selection()
    assert all(everything.wants(path) for path in ["acme-cs", "x", "other-01"])
    acme = Selection(include=("acme-*",))
    assert [acme.wants(p) for p in ["acme-cs", "acme-sales", "other-01"]] == [True, True, False]
    assert not acme.wants("ACME-CS")  # patterns are case-sensitive
    two = Selection(include=("acme-cs", "other-0?"))
    assert [two.wants(p) for p in ["acme-cs", "acme-sales", "other-01"]] == [True, False, True]
    # an exclusion wins over an inclusion
    but = Selection(include=("acme-*",), exclude=("*-sales",))
    assert [but.wants(p) for p in ["acme-cs", "acme-sales", "other-01"]] == [True, False, False]
    assert not Selection(exclude=("*",)).wants("acme-cs")


def test_an_instance_pattern_that_matches_nothing_is_named() -> None:
    Selection(include=("acme-*",), exclude=("nothing-*",)).check(RUNNING_PATHS)
    with pytest.raises(UsageError) as error:
        Selection(include=("acme-cs", "acme-support", "x*")).check(RUNNING_PATHS)
    assert str(error.value).startswith(
        "--instance 'acme-support', 'x*' matches no instance of the account; nothing was written."
    )
    with pytest.raises(UsageError):
        Selection(include=("acme-*",)).check([])


def test_every_running_instance_is_read_with_one_list_per_kind(provider: CccProvider) -> None:
    assert [i.access_path for i in provider.list_instances()] != RUNNING_PATHS
    found = read_account(provider, Selection(), Heard(), parallelism=2)
    assert [i.live.access_path for i in found] == RUNNING_PATHS  # in access path order
    assert provider.calls.counts == {"ListInstances": 2, **dict.fromkeys(CONTENTS_LISTS, 3)}
    cs = found[0]
    assert cs.live.phone_numbers == ("057188880001",)
    assert sorted(cs.contents.read(ResourceType.SKILL_GROUP) or {}) == [
        "default_skill_group",
        "support",
    ]
    assert sorted(cs.contents.read(ResourceType.AGENT) or {}) == [ADMIN]
    assert sorted(cs.contents.read(ResourceType.FLOW) or {}) == ["default_main_flow"]
    assert sorted(cs.contents.numbers) == ["057188880001"]
    assert sorted(found[1].contents.numbers) == ["057188880010", "057188880011"]
    assert found[2].contents.numbers == {}


def test_the_observer_hears_the_listing_then_each_instance_with_its_counts(
    provider: CccProvider,
) -> None:
    heard = Heard()
    read_account(provider, Selection(), heard, parallelism=1)
    assert heard.order == ["listed", "read", "read", "read"]
    assert heard.listings == [(3, 3)]
    assert sorted(heard.reads) == [
        ("acme-cs", {"skill_groups": 2, "flows": 1, "agents": 1, "numbers": 1}),
        ("acme-sales", {"skill_groups": 1, "flows": 1, "agents": 1, "numbers": 2}),
        ("other-01", {"skill_groups": 1, "flows": 1, "agents": 1, "numbers": 0}),
    ]


def test_only_the_selected_instances_are_read(provider: CccProvider) -> None:
    heard = Heard()
    selection = Selection(include=("acme-*", "other-*"), exclude=("acme-sales",))
    found = read_account(provider, selection, heard, parallelism=2)
    assert [i.live.access_path for i in found] == ["acme-cs", "other-01"]
    assert heard.listings == [(3, 2)]
    assert sorted(heard.read_paths()) == ["acme-cs", "other-01"]
    assert provider.calls.counts == {"ListInstances": 1, **dict.fromkeys(CONTENTS_LISTS, 2)}


def test_a_pattern_that_matches_nothing_stops_before_any_contents_are_read(
    provider: CccProvider,
) -> None:
    heard = Heard()
    with pytest.raises(UsageError, match="'acme-support'"):
        read_account(provider, Selection(include=("acme-support",)), heard, parallelism=2)
    assert heard.order == []
    assert provider.calls.counts == {"ListInstances": 1}


def test_an_instance_not_running_is_skipped_and_named(
    provider: CccProvider, tmp_path: Path
) -> None:
    with CccEmulation(tmp_path / ".cccform", create_seconds=3600) as slow:
        create(slow, "acme-slow")
    heard = Heard()
    found = read_account(provider, Selection(), heard, parallelism=2)
    assert [i.live.access_path for i in found] == RUNNING_PATHS
    assert heard.listings == [(4, 4)]  # it is listed, and matches the patterns
    assert heard.skips == [("acme-slow", CREATING)]
    assert heard.order[:2] == ["listed", "skipped"]
    assert sorted(heard.read_paths()) == RUNNING_PATHS
    assert provider.calls.counts == {"ListInstances": 1, **dict.fromkeys(CONTENTS_LISTS, 3)}
    # A pattern that matches only it is no typo: nothing to import, and no error.
    alone = Heard()
    assert read_account(provider, Selection(include=("acme-slow",)), alone, parallelism=2) == []
    assert alone.listings == [(4, 1)]
    assert alone.skips == [("acme-slow", CREATING)]


def test_a_released_instance_is_neither_counted_nor_matched(
    provider: CccProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = provider.list_instances()
    gone = replace(listed[0], instance_id="gone-01", access_path="gone-01", status=RELEASED)
    monkeypatch.setattr(provider, "list_instances", lambda: [*listed, gone])
    heard = Heard()
    found = read_account(provider, Selection(), heard, parallelism=2)
    assert [i.live.access_path for i in found] == RUNNING_PATHS
    assert heard.listings == [(3, 3)]
    assert heard.skips == []
    with pytest.raises(UsageError, match="'gone-\\*' matches no instance"):
        read_account(provider, Selection(include=("gone-*",)), Heard(), parallelism=2)


def test_without_contents_only_the_instances_are_listed(provider: CccProvider) -> None:
    heard = Heard()
    found = read_account(provider, Selection(), heard, contents=False, parallelism=2)
    assert [i.live.access_path for i in found] == RUNNING_PATHS
    assert all(i.live.status == RUNNING for i in found)
    assert all(i.contents.by_kind == {} for i in found)
    assert provider.calls.counts == {"ListInstances": 1}
    assert heard.order == ["listed", "read", "read", "read"]
    assert heard.reads == [("acme-cs", {}), ("acme-sales", {}), ("other-01", {})]


def test_a_set_cancel_event_reads_no_contents(provider: CccProvider) -> None:
    cancel = Event()
    cancel.set()
    heard = Heard()
    with pytest.raises(RefreshInterrupted):
        read_account(provider, Selection(), heard, parallelism=2, cancel=cancel)
    assert provider.calls.counts == {"ListInstances": 1}
    assert heard.reads == []


class CancelOnFirstRead(Heard):
    """Sets `cancel` once it hears of the first instance read."""

    def __init__(self, cancel: Event) -> None:
        super().__init__()
        self.cancel = cancel

    def read(self, instance: LiveInstance, counts: dict[str, int]) -> None:
        super().read(instance, counts)
        self.cancel.set()


def test_a_cancel_while_reading_starts_no_other_list(provider: CccProvider) -> None:
    """One List at a time: the cancel set once the first instance is read stops the rest."""
    cancel = Event()
    heard = CancelOnFirstRead(cancel)
    with pytest.raises(RefreshInterrupted):
        read_account(provider, Selection(), heard, parallelism=1, cancel=cancel)
    assert heard.read_paths() == ["acme-cs"]
    assert provider.calls.counts == {"ListInstances": 1, **dict.fromkeys(CONTENTS_LISTS, 1)}
