"""Unit tests for cccform.plan.moves: renamed keys found by access path, state rewritten."""

from __future__ import annotations

from pathlib import Path

from cccform.addresses import Address
from cccform.config.models import Config, InstanceConfig, LoadedConfig
from cccform.plan.models import Move
from cccform.plan.moves import find_moves, moved_state
from cccform.state.models import PendingCreate, ResourceState, State


def instance(access_path: str) -> InstanceConfig:
    return InstanceConfig(
        name="Center",
        access_path=access_path,
        phone_numbers=("057100000001",),
        admins=("248613806810701",),
    )


def loaded(**instances: InstanceConfig) -> LoadedConfig:
    return LoadedConfig(Config(instances=instances), Path("."), [], {})


def managed(access_path: str, remote_id: str) -> ResourceState:
    return ResourceState(remote_id=remote_id, attributes={"access_path": access_path})


def test_a_renamed_key_with_the_same_access_path_is_a_move() -> None:
    state = State(resources={"instance.old": managed("acme", "i-1")})
    moves = find_moves(loaded(new=instance("acme")), state)
    assert moves == [
        Move(
            address=Address.of_instance("new"),
            from_address=Address.of_instance("old"),
            remote_id="i-1",
        )
    ]


def test_no_move_when_the_old_key_is_still_declared_or_the_new_key_is_known() -> None:
    state = State(resources={"instance.old": managed("acme", "i-1")})
    assert find_moves(loaded(old=instance("acme"), new=instance("acme")), state) == []
    pending = State(
        resources={"instance.old": managed("acme", "i-1")},
        pending={"instance.new": PendingCreate(access_path="acme", name="Center")},
    )
    assert find_moves(loaded(new=instance("acme")), pending) == []


def test_no_move_for_another_access_path_or_an_ambiguous_one() -> None:
    state = State(resources={"instance.old": managed("acme", "i-1")})
    assert find_moves(loaded(new=instance("other")), state) == []
    two = State(
        resources={"instance.a": managed("acme", "i-1"), "instance.b": managed("acme", "i-2")}
    )
    assert find_moves(loaded(new=instance("acme")), two) == []


def test_moved_state_takes_the_contents_along_and_leaves_others() -> None:
    state = State(
        resources={
            "instance.old": managed("acme", "i-1"),
            "instance.old.agent.alice": ResourceState(remote_id="u-1", attributes={}),
            "instance.older": managed("acme2", "i-2"),
        },
        pending={"instance.old": PendingCreate(access_path="acme", name="Center")},
    )
    move = Move(
        address=Address.of_instance("new"),
        from_address=Address.of_instance("old"),
        remote_id="i-1",
    )
    after = moved_state(state, [move])
    assert set(after.resources) == {"instance.new", "instance.new.agent.alice", "instance.older"}
    assert after.resources["instance.new.agent.alice"].remote_id == "u-1"
    assert set(after.pending) == {"instance.new"}
    assert set(state.resources) == {"instance.old", "instance.old.agent.alice", "instance.older"}
    assert moved_state(state, []) is state
