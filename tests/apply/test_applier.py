"""The applier against the embedded emulation: ordering, waits, failures, state, intents."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cccform.apply import applier
from cccform.apply.applier import ApplyOptions, apply_plan
from cccform.apply.observer import SilentObserver
from cccform.apply.result import StepStatus
from cccform.config.models import Config, InstanceConfig, LoadedConfig, LocalProviderConfig
from cccform.plan.models import Action, Plan
from cccform.plan.planner import contents_to_read, plan
from cccform.providers.base import InstanceSpec
from cccform.providers.ccc import CccProvider
from cccform.providers.local import make_local_provider
from cccform.refresh import refresh, refresh_contents
from cccform.state.local import LocalStateStore
from cccform.state.models import PendingCreate, State

FAST = ApplyOptions(first_poll=0.05, max_poll_interval=0.2)


def instance(n: int, **extra: Any) -> InstanceConfig:
    values: dict[str, Any] = {
        "name": f"Center {n:04d}",
        "access_path": f"acme-{n:04d}",
        "description": f"center {n}",
        "phone_numbers": (f"0571{n:08d}",),
        "admins": ("248613806810701",),
        "deletion_protection": False,
    }
    return InstanceConfig(**{**values, **extra})


def loaded(tmp_path: Path, instances: dict[str, InstanceConfig]) -> LoadedConfig:
    return LoadedConfig(Config(instances=instances), tmp_path, [], {})


class RecordingStore(LocalStateStore):
    """The real store, remembering every persisted snapshot."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.snapshots: list[State] = []

    def write(self, state: State) -> State:
        written = super().write(state)
        self.snapshots.append(written.model_copy(deep=True))
        return written


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[CccProvider]:
    made = make_local_provider(LocalProviderConfig(create_seconds=0.3), tmp_path)
    yield made
    made.close()


def make_plan(
    tmp_path: Path,
    provider: CccProvider,
    store: LocalStateStore,
    instances: dict[str, InstanceConfig],
) -> tuple[Plan, State]:
    state = store.read()
    config = loaded(tmp_path, instances)
    live = refresh(provider)
    live = refresh_contents(provider, live, contents_to_read(config, state, live))
    return plan(config, state, live, state_exists=store.path.exists()), state


def run(
    tmp_path: Path,
    provider: CccProvider,
    store: LocalStateStore,
    instances: dict[str, InstanceConfig],
    **kwargs: Any,
) -> Any:
    planned, state = make_plan(tmp_path, provider, store, instances)
    return apply_plan(
        planned,
        store,
        state,
        provider,
        SilentObserver(),
        options=kwargs.pop("options", FAST),
        **kwargs,
    )


def test_creations_are_polled_together(tmp_path: Path, provider: CccProvider) -> None:
    store = RecordingStore(tmp_path / "state.json")
    wanted = {f"c{n}": instance(n) for n in range(30)}
    result = run(tmp_path, provider, store, wanted)
    assert result.complete
    assert sorted(store.read().resources) == sorted(f"instance.c{n}" for n in range(30))
    # 30 creations of 0.3 s, polled with one List call per round: a handful of rounds,
    # not one wait per instance.
    assert provider.calls.counts["CreateInstance"] == 30
    assert provider.calls.counts["ListInstances"] <= 12


def test_next_plan_after_apply_is_empty(tmp_path: Path, provider: CccProvider) -> None:
    store = LocalStateStore(tmp_path / "state.json")
    wanted = {"a": instance(1, conversation_analysis=True), "b": instance(2)}
    assert run(tmp_path, provider, store, wanted).complete
    again, _ = make_plan(tmp_path, provider, store, wanted)
    assert again.changes == [] and again.errors == []


def test_intents_are_durable_before_any_create_call(tmp_path: Path) -> None:
    store = LocalStateStore(tmp_path / "state.json")
    inner = make_local_provider(LocalProviderConfig(create_seconds=0), tmp_path)
    seen: list[dict[str, PendingCreate]] = []
    original = inner.create_instance

    def checking_create(spec: InstanceSpec) -> None:
        seen.append(LocalStateStore(store.path).read().pending)
        original(spec)

    inner.create_instance = checking_create  # type: ignore[method-assign]
    result = run(tmp_path, inner, store, {"a": instance(1), "b": instance(2)})
    assert result.complete
    assert all({"instance.a", "instance.b"} <= set(p) for p in seen) and len(seen) == 2
    assert store.read().pending == {}


def test_state_is_saved_after_each_completed_step(tmp_path: Path, provider: CccProvider) -> None:
    store = RecordingStore(tmp_path / "state.json")
    run(tmp_path, provider, store, {"a": instance(1), "b": instance(2, description="x")})
    store.snapshots.clear()
    run(
        tmp_path,
        provider,
        store,
        {"a": instance(1, description="new a")},
        options=ApplyOptions(parallelism=1, first_poll=0.05, max_poll_interval=0.2),
    )
    # the update of a, then the deletion of b, each persisted as it completed
    assert len(store.snapshots) >= 2
    first = store.snapshots[0]
    assert first.resources["instance.a"].attributes["description"] == "new a"
    assert "instance.b" in first.resources
    assert "instance.b" not in store.snapshots[-1].resources


def test_failed_step_skips_dependents_and_not_independent_steps(
    tmp_path: Path, provider: CccProvider
) -> None:
    store = LocalStateStore(tmp_path / "state.json")
    wanted = {"taken": instance(1, conversation_analysis=True), "free": instance(2)}
    planned, state = make_plan(tmp_path, provider, store, wanted)
    # made by someone else since the plan: AlreadyExists, and no intent of ours
    provider.create_instance(InstanceSpec("Not Ours", "acme-0001", "", (), ("1",)))
    result = apply_plan(planned, store, state, provider, SilentObserver(), options=FAST)
    status = {(str(o.change.address), o.change.action): o for o in result.outcomes}
    failed = status[("instance.taken", Action.CREATE)]
    assert failed.status is StepStatus.FAILED
    assert failed.message is not None and "not managed by this state" in failed.message
    assert status[("instance.taken", Action.ENABLE_QA)].status is StepStatus.SKIPPED
    assert status[("instance.free", Action.CREATE)].status is StepStatus.DONE
    assert not result.complete
    assert "instance.taken" not in store.read().resources


def test_already_exists_is_adopted_when_an_earlier_intent_is_ours(
    tmp_path: Path, provider: CccProvider
) -> None:
    store = LocalStateStore(tmp_path / "state.json")
    wanted = {"a": instance(1)}
    planned, state = make_plan(tmp_path, provider, store, wanted)  # plans a plain create
    # an earlier run recorded the intent and its create went through, unseen by the plan
    state.pending["instance.a"] = PendingCreate(
        access_path="acme-0001", name="Center 0001", sent=True
    )
    state = store.write(state)
    provider.create_instance(
        InstanceSpec(
            "Center 0001", "acme-0001", "center 1", ("057100000001",), ("248613806810701",)
        )
    )
    result = apply_plan(planned, store, state, provider, SilentObserver(), options=FAST)
    assert result.complete
    assert store.read().resources["instance.a"].remote_id == "acme-0001"
    assert len([i for i in provider.list_instances() if i.access_path == "acme-0001"]) == 1


def test_deletion_waits_until_the_instance_is_gone(tmp_path: Path, provider: CccProvider) -> None:
    store = LocalStateStore(tmp_path / "state.json")
    run(tmp_path, provider, store, {"a": instance(1)})
    result = run(tmp_path, provider, store, {})
    assert result.complete
    assert provider.list_instances() == [] and store.read().resources == {}


def test_cancel_starts_nothing_new(tmp_path: Path, provider: CccProvider) -> None:
    store = LocalStateStore(tmp_path / "state.json")
    cancel = threading.Event()
    cancel.set()
    result = run(tmp_path, provider, store, {"a": instance(1), "b": instance(2)}, cancel=cancel)
    assert result.interrupted
    assert {o.status for o in result.outcomes} == {StepStatus.NOT_STARTED}
    assert "CreateInstance" not in provider.calls.counts
    assert set(store.read().pending) == {"instance.a", "instance.b"}  # intents are harmless


def test_interrupted_wait_is_finished_by_the_next_apply(tmp_path: Path) -> None:
    slow = make_local_provider(LocalProviderConfig(create_seconds=1.0), tmp_path)
    store = LocalStateStore(tmp_path / "state.json")
    cancel = threading.Event()

    class CancelAfterCreate(SilentObserver):
        def step_started(self, _change: Any) -> None:
            threading.Timer(0.3, cancel.set).start()

    planned, state = make_plan(tmp_path, slow, store, {"a": instance(1)})
    result = apply_plan(
        planned, store, state, slow, CancelAfterCreate(), options=FAST, cancel=cancel
    )
    assert result.interrupted
    assert [o.status for o in result.outcomes] == [StepStatus.INTERRUPTED]
    again = run(tmp_path, slow, store, {"a": instance(1)})
    assert again.complete and again.outcomes[0].change.resume
    assert slow.calls.counts["CreateInstance"] == 1
    slow.close()


def test_manual_step_is_reported_and_stays_pending(tmp_path: Path, provider: CccProvider) -> None:
    from cccform.errors import ManualStepRequired

    store = LocalStateStore(tmp_path / "state.json")
    run(tmp_path, provider, store, {"a": instance(1)})

    def refuse(instance_id: str) -> None:
        raise ManualStepRequired(f"turn on conversation analysis for {instance_id} in the console")

    provider.enable_conversation_analysis = refuse  # type: ignore[method-assign]
    wanted = {"a": instance(1, conversation_analysis=True)}
    result = run(tmp_path, provider, store, wanted)
    (outcome,) = result.outcomes
    assert outcome.status is StepStatus.MANUAL and "in the console" in str(outcome.message)
    assert not result.complete
    again, _ = make_plan(tmp_path, provider, store, wanted)
    assert [c.action for c in again.changes] == [Action.ENABLE_QA]


def test_numbers_the_platform_did_not_bind_fail_the_creation(
    tmp_path: Path, provider: CccProvider
) -> None:
    original = provider.create_instance

    def drop_numbers(spec: InstanceSpec) -> None:
        original(InstanceSpec(spec.name, spec.access_path, spec.description, (), spec.admins))

    provider.create_instance = drop_numbers  # type: ignore[method-assign]
    store = LocalStateStore(tmp_path / "state.json")
    result = run(tmp_path, provider, store, {"a": instance(1)})
    (outcome,) = result.outcomes
    assert outcome.status is StepStatus.FAILED
    assert "numbers were not bound to it: 057100000001" in str(outcome.message)
    assert "instance.a" not in store.read().resources


def test_a_failed_state_write_keeps_what_was_done_in_an_errored_file(
    tmp_path: Path, provider: CccProvider
) -> None:
    from cccform.errors import StateError
    from cccform.state.fileformat import parse

    class FailingStore(LocalStateStore):
        writes = 0

        def write(self, state: State) -> State:
            self.writes += 1
            if self.writes > 2:  # intents saved, then marked sent; later writes hit a full disk
                raise OSError(28, "No space left on device")
            return super().write(state)

    store = FailingStore(tmp_path / "state.json")
    planned, state = make_plan(tmp_path, provider, store, {"a": instance(1), "b": instance(2)})
    with pytest.raises(StateError) as raised:
        apply_plan(planned, store, state, provider, SilentObserver(), options=FAST)
    errored = tmp_path / "state.json.errored"
    assert f"Everything this apply did is in {errored}" in str(raised.value)
    assert f"cp {errored} {store.path}" in str(raised.value)
    assert errored.stat().st_mode & 0o777 == 0o600
    rescued = parse(errored.read_bytes(), str(errored))
    created = {i.access_path for i in provider.list_instances()}
    assert {r.remote_id for r in rescued.resources.values()} | {
        p.access_path for p in rescued.pending.values()
    } >= created
    assert created  # something was really made, and it is on record


def test_long_waits_report_progress(tmp_path: Path) -> None:
    slow = make_local_provider(LocalProviderConfig(create_seconds=1.5), tmp_path)
    store = LocalStateStore(tmp_path / "state.json")
    waits: list[tuple[str, float]] = []

    class Recorder(SilentObserver):
        def step_waiting(self, change: Any, elapsed: float) -> None:
            waits.append((str(change.address), elapsed))

    planned, state = make_plan(tmp_path, slow, store, {"a": instance(1)})
    options = ApplyOptions(first_poll=0.05, max_poll_interval=0.2, progress_every=0.5)
    result = apply_plan(planned, store, state, slow, Recorder(), options=options)
    assert result.complete
    assert waits and all(address == "instance.a" for address, _ in waits)
    assert [round(e) for _, e in waits] == sorted(round(e) for _, e in waits)
    slow.close()


def test_an_agent_made_between_plan_and_apply_is_adopted_with_its_skills(
    tmp_path: Path, provider: CccProvider
) -> None:
    store = LocalStateStore(tmp_path / "state.json")
    groups = {"billing": {"display_name": "Billing"}, "tech": {"display_name": "Tech"}}
    run(tmp_path, provider, store, {"a": instance(1, skill_groups=groups)})
    agent = {
        "display_name": "Alice",
        "email": "alice@example.com",
        "skills": {"billing": 2, "tech": 5},
    }
    wanted = {"a": instance(1, skill_groups=groups, agents={"alice": agent})}
    planned, state = make_plan(tmp_path, provider, store, wanted)
    provider.call(
        "CreateUser",
        {  # someone makes it in the console meanwhile
            "InstanceId": "acme-0001",
            "LoginName": "alice",
            "DisplayName": "A",
            "Email": "alice@example.com",
            "RoleId": "Agent@acme-0001",
            "SkillLevelList": '[{"skillGroupId":"billing@acme-0001","skillLevel":9}]',
        },
    )
    result = apply_plan(planned, store, state, provider, SilentObserver(), options=FAST)
    assert result.complete, [o.message for o in result.outcomes]
    from cccform.kinds.agent import skill_levels_of

    assert skill_levels_of(provider, "acme-0001", "alice") == {"billing": 2, "tech": 5}
    again, _ = make_plan(tmp_path, provider, store, wanted)
    assert again.changes == []


def newly_sent(snapshots: list[State]) -> list[list[str]]:
    """For each state write that marked intents sent: which ones it marked."""
    batches: list[list[str]] = []
    before: set[str] = set()
    for snapshot in snapshots:
        sent = {a for a, i in snapshot.pending.items() if i.sent}
        if sent - before:
            batches.append(sorted(sent - before))
        before |= sent
    return batches


def test_sent_is_on_disk_before_each_create_and_costs_a_write_per_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(applier, "MARK_AHEAD_MAX", 8)  # so that 40 creates reach the cap
    store = RecordingStore(tmp_path / "state.json")
    inner = make_local_provider(LocalProviderConfig(create_seconds=0), tmp_path)
    unsent_at_call: list[str] = []
    original = inner.create_instance

    def checking_create(spec: InstanceSpec) -> None:
        pending = LocalStateStore(store.path).read().pending
        unsent_at_call.extend(
            a for a, i in pending.items() if i.access_path == spec.access_path and not i.sent
        )
        original(spec)

    inner.create_instance = checking_create  # type: ignore[method-assign]
    options = ApplyOptions(parallelism=1, first_poll=0.05, max_poll_interval=0.2)
    wanted = {f"c{n:02d}": instance(n) for n in range(40)}  # keys start in this order
    result = run(tmp_path, inner, store, wanted, options=options)
    assert result.complete and unsent_at_call == []
    # One create starts per round (parallelism 1); each write that marks also marks the next
    # ones ahead: 4 rounds of parallelism, then twice the last batch, at most 8 (the cap).
    keys = [f"instance.{key}" for key in wanted]
    expected: list[list[str]] = []
    ahead = start = 0
    while start < len(keys):
        ahead = min(max(ahead * 2, 1 * applier.MARK_AHEAD_ROUNDS), 8)
        expected.append(keys[start : start + 1 + ahead])
        start += 1 + ahead
    assert [len(batch) for batch in expected] == [5, 9, 9, 9, 8]  # the cap is reached
    assert newly_sent(store.snapshots) == expected
    assert inner.calls.counts["CreateInstance"] == 40
    inner.close()


def test_creates_marked_ahead_but_never_sent_are_unmarked(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path / "state.json")
    inner = make_local_provider(LocalProviderConfig(create_seconds=0), tmp_path)
    cancel = threading.Event()
    original = inner.create_instance

    def create_then_cancel(spec: InstanceSpec) -> None:
        original(spec)
        cancel.set()  # Ctrl-C after the first create call

    inner.create_instance = create_then_cancel  # type: ignore[method-assign]
    options = ApplyOptions(parallelism=1, first_poll=0.05, max_poll_interval=0.2)
    wanted = {f"c{n}": instance(n) for n in range(10)}
    result = run(tmp_path, inner, store, wanted, options=options, cancel=cancel)
    assert result.interrupted
    # c0 went out with c1..c4 marked ahead (4 rounds of parallelism 1) in one write ...
    assert newly_sent(store.snapshots) == [[f"instance.c{n}" for n in range(5)]]
    # ... and in the end only the create that went out is marked sent
    final = store.read()
    assert {a for a, i in final.pending.items() if i.sent} == {"instance.c0"}
    assert set(final.pending) == {f"instance.c{n}" for n in range(10)}
    assert final.resources == {}
    assert inner.calls.counts["CreateInstance"] == 1
    inner.close()


class FailingStore(LocalStateStore):
    """A state file that can no longer be written (a full disk)."""

    def write(self, _state: State) -> State:
        raise OSError(28, "No space left on device")


def test_after_a_failed_state_write_no_step_starts(tmp_path: Path, provider: CccProvider) -> None:
    from cccform.errors import StateError

    store = LocalStateStore(tmp_path / "state.json")
    assert run(tmp_path, provider, store, {f"c{n}": instance(n) for n in range(3)}).complete
    updated = {f"c{n}": instance(n, description="new") for n in range(3)}
    failing = FailingStore(store.path)
    planned, state = make_plan(tmp_path, provider, failing, updated)
    assert [c.action for c in planned.changes] == [Action.UPDATE] * 3
    options = ApplyOptions(parallelism=1, first_poll=0.05, max_poll_interval=0.2)
    with pytest.raises(StateError, match="could not be saved"):
        apply_plan(planned, failing, state, provider, SilentObserver(), options=options)
    # the first update went out; its record could not be written, so nothing else started
    assert provider.calls.counts["ModifyInstance"] == 1
    rescued = LocalStateStore(tmp_path / "state.json.errored").read()
    descriptions = [r.attributes["description"] for r in rescued.resources.values()]
    assert sorted(descriptions) == ["center 1", "center 2", "new"]


def test_creates_marked_in_a_save_that_failed_are_not_sent_nor_left_marked(
    tmp_path: Path, provider: CccProvider
) -> None:
    from cccform.errors import StateError

    class FullAfterIntents(LocalStateStore):
        def write(self, state: State) -> State:
            if state.serial > 0:  # the intents were saved; the "sent" marks hit a full disk
                raise OSError(28, "No space left on device")
            return super().write(state)

    store = FullAfterIntents(tmp_path / "state.json")
    planned, state = make_plan(tmp_path, provider, store, {"a": instance(1), "b": instance(2)})
    with pytest.raises(StateError, match="could not be saved"):
        apply_plan(planned, store, state, provider, SilentObserver(), options=FAST)
    assert "CreateInstance" not in provider.calls.counts
    rescued = LocalStateStore(tmp_path / "state.json.errored").read()
    assert {a: i.sent for a, i in rescued.pending.items()} == {
        "instance.a": False,
        "instance.b": False,
    }


def test_a_poll_that_began_before_a_wait_does_not_count_for_it_at_the_same_instant(
    tmp_path: Path, provider: CccProvider
) -> None:
    from concurrent.futures import Future, ThreadPoolExecutor

    from cccform.apply.ledger import Ledger
    from cccform.apply.schedule import StepResult

    store = LocalStateStore(tmp_path / "state.json")
    planned, state = make_plan(tmp_path, provider, store, {"a": instance(1), "b": instance(2)})
    frozen = ApplyOptions(first_poll=0.05, max_poll_interval=0.2)
    engine = applier._Applier(
        planned,
        Ledger(store, state),
        provider,
        SilentObserver(),
        frozen,
        threading.Event(),
        lambda: 100.0,  # a clock that does not advance: the wait and the poll share an instant
    )
    a, b = (engine.run_state.pending.pop(c.key) for c in planned.changes)

    def finish(step: Any, result: StepResult) -> None:
        future: Future[StepResult] = Future()
        future.set_result(result)
        engine.run_state.in_flight[future] = step
        engine._finish_call(future)

    with ThreadPoolExecutor(1) as poller:
        finish(a, StepResult(wait=True))  # a is being created: a poll round starts
        engine._start_poll(poller)
        assert engine.poll is not None and engine.poll.result() == []  # it lists nothing yet
        # meanwhile b, created by an earlier try of ours, is adopted and waited for
        provider.create_instance(
            InstanceSpec("Center 0002", "acme-0002", "center 2", ("057100000002",), ("1",))
        )
        finish(b, StepResult(wait=True, adopted=True))
        engine._finish_poll()
    # the listing predates b's wait: it cannot say that b is not in this account
    assert set(engine.run_state.waiting) == {a.key, b.key}
    assert engine.run_state.outcomes == {}
