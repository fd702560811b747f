"""The calls each step makes, and how completed steps land in the state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cccform.apply.instance_steps import run_step
from cccform.apply.ledger import Ledger
from cccform.errors import AmbiguousError, ApiError, ProviderError
from cccform.live import LiveInstance
from cccform.plan.models import Action, Change, Forget
from cccform.providers.base import ApiCallCounter, InstanceSpec
from cccform.state.local import LocalStateStore
from cccform.state.models import ResourceState, State

AFTER = {
    "name": "Center A",
    "access_path": "acme-a",
    "description": "d",
    "phone_numbers": ["0571"],
    "admins": ["1"],
    "conversation_analysis": False,
    "deletion_protection": True,
}


class FakeProvider:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.existing: LiveInstance | None = None
        self.calls: list[tuple[str, Any]] = []
        self.counter = ApiCallCounter()

    def _record(self, name: str, arg: Any) -> None:
        self.calls.append((name, arg))
        if self.error:
            raise self.error

    def create_instance(self, spec: InstanceSpec) -> None:
        self._record("create", spec)

    def get_instance(self, instance_id: str) -> LiveInstance | None:
        self.calls.append(("get", instance_id))
        return self.existing

    def modify_instance(self, instance_id: str, description: str) -> None:
        self._record("modify", (instance_id, description))

    def delete_instance(self, instance_id: str) -> None:
        self._record("delete", instance_id)

    def enable_conversation_analysis(self, instance_id: str) -> None:
        self._record("qa", instance_id)


def change(action: Action, **fields: Any) -> Change:
    return Change(address="instance.a", action=action, remote_id="acme-a", **fields)


def step(provider: FakeProvider, item: Change, intents: frozenset[str] = frozenset()) -> Any:
    return run_step(item, provider, intents)  # type: ignore[arg-type]


def test_create_calls_create_instance_then_waits() -> None:
    provider = FakeProvider()
    result = step(provider, change(Action.CREATE, after=AFTER))
    assert result.wait and not result.adopted
    assert provider.calls == [
        ("create", InstanceSpec("Center A", "acme-a", "d", ("0571",), ("1",)))
    ]


def test_resumed_create_makes_no_call() -> None:
    provider = FakeProvider()
    result = step(provider, change(Action.CREATE, after=AFTER, resume=True))
    assert result.wait and result.adopted and provider.calls == []


def test_already_exists_is_adopted_only_with_an_earlier_intent() -> None:
    taken = ApiError("AlreadyExists.DomainName", "Instance acme-a already exists.", 409)
    assert step(
        FakeProvider(taken), change(Action.CREATE, after=AFTER), frozenset({"instance.a"})
    ).adopted
    with pytest.raises(ProviderError, match="not managed by this state"):
        step(FakeProvider(taken), change(Action.CREATE, after=AFTER))


def test_ambiguous_create_reads_back_then_tries_again() -> None:
    provider = FakeProvider(AmbiguousError("timed out"))
    with pytest.raises(AmbiguousError):
        step(provider, change(Action.CREATE, after=AFTER))
    assert [name for name, _ in provider.calls] == ["create", "get"] * 3
    provider.existing = live()
    result = step(provider, change(Action.CREATE, after=AFTER))
    assert result.adopted and [name for name, _ in provider.calls][-2:] == ["create", "get"]


def test_ambiguous_then_already_exists_is_our_own_try() -> None:
    class ThenTaken(FakeProvider):
        def create_instance(self, spec: InstanceSpec) -> None:
            self.calls.append(("create", spec))
            if len(self.calls) == 1:
                raise AmbiguousError("500 after commit")
            raise ApiError("AlreadyExists.DomainName", "exists", 409)

    assert step(ThenTaken(), change(Action.CREATE, after=AFTER)).adopted


def test_other_api_errors_propagate() -> None:
    with pytest.raises(ApiError, match=r"Parameter\.Maximum"):
        step(
            FakeProvider(ApiError("Parameter.Maximum", "too long")),
            change(Action.CREATE, after=AFTER),
        )


def test_update_calls_modify_only_for_the_description() -> None:
    provider = FakeProvider()
    step(
        provider,
        change(
            Action.UPDATE,
            after={"deletion_protection": False},
            changed_fields=["deletion_protection"],
        ),
    )
    assert provider.calls == []
    step(
        provider, change(Action.UPDATE, after={"description": "x"}, changed_fields=["description"])
    )
    assert provider.calls == [("modify", ("acme-a", "x"))]


def test_delete_of_an_instance_already_gone_still_waits_and_succeeds() -> None:
    gone = ApiError("NotExists.InstanceId", "gone", 404)
    assert step(FakeProvider(gone), change(Action.DELETE)).wait


def test_enable_qa() -> None:
    provider = FakeProvider()
    assert not step(provider, change(Action.ENABLE_QA)).wait
    assert provider.calls == [("qa", "acme-a")]


def test_step_without_remote_id_is_an_error() -> None:
    with pytest.raises(ValueError, match="no remote id"):
        step(FakeProvider(), Change(address="instance.a", action=Action.DELETE))


def live(description: str = "d") -> LiveInstance:
    return LiveInstance(
        "acme-a", "Center A", "acme-a", description, ("0571",), ("x",), "RUNNING", False
    )


def test_ledger_records_intents_results_and_saves_only_changes(tmp_path: Path) -> None:
    store = LocalStateStore(tmp_path / "s.json")
    ledger = Ledger(store, store.read())
    ledger.save()
    assert not store.path.exists()  # nothing changed: nothing written
    create = change(Action.CREATE, after=AFTER)
    ledger.record_intents([create])
    ledger.save()
    assert store.read().pending["instance.a"].access_path == "acme-a"
    ledger.created(create, live())
    ledger.qa_enabled(change(Action.ENABLE_QA))
    ledger.updated(
        change(
            Action.UPDATE,
            after={"description": "n", "deletion_protection": False},
            changed_fields=["description", "deletion_protection"],
        )
    )
    ledger.save()
    saved = store.read()
    assert saved.pending == {}
    resource = saved.resources["instance.a"]
    assert resource.attributes["description"] == "n" and not resource.deletion_protection
    assert resource.attributes["conversation_analysis"] is True
    assert resource.attributes["admins"] == ["1"]
    ledger.deleted(change(Action.DELETE))
    ledger.save()
    assert store.read().resources == {}


def test_ledger_forgets(tmp_path: Path) -> None:
    store = LocalStateStore(tmp_path / "s.json")
    state = State(resources={"instance.a": ResourceState(remote_id="acme-a", attributes={})})
    ledger = Ledger(store, state)
    ledger.forget([Forget(address="instance.a", remote_id="acme-a")])
    ledger.save()
    assert store.read().resources == {}


def test_forgetting_an_agent_keeps_agents_whose_login_extends_it(tmp_path: Path) -> None:
    store = LocalStateStore(tmp_path / "s.json")
    state = State(
        resources={
            "instance.a.agent.alice": ResourceState(remote_id="alice@x", attributes={}),
            "instance.a.agent.alice.wang": ResourceState(remote_id="alice.wang@x", attributes={}),
        }
    )
    ledger = Ledger(store, state)
    ledger.forget([Forget(address="instance.a.agent.alice", remote_id="alice@x")])
    assert list(ledger.state.resources) == ["instance.a.agent.alice.wang"]


def test_a_failed_read_back_after_an_unknown_create_stays_unknown() -> None:
    class NoReadBack(FakeProvider):
        def get_instance(self, _instance_id: str) -> LiveInstance | None:
            raise ApiError("Forbidden.RAM", "not allowed", 403)

    with pytest.raises(AmbiguousError, match="reading acme-a back failed too"):
        step(NoReadBack(AmbiguousError("connection dropped")), change(Action.CREATE, after=AFTER))
