"""Unit tests for cccform.plan.moves: renamed keys found by access path, state rewritten."""

from __future__ import annotations

from pathlib import Path

from cccform.addresses import Address
from cccform.config.models import Config, InstanceConfig, LoadedConfig
from cccform.plan.models import Move
from cccform.plan.moves import find_moves, moved_state, onto_free_keys
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


def move(target: str, source: str, remote_id: str) -> Move:
    return Move(
        address=Address.of_instance(target),
        from_address=Address.of_instance(source),
        remote_id=remote_id,
    )


def test_swapped_keys_are_two_moves() -> None:
    state = State(
        resources={"instance.a": managed("acme-x", "i-x"), "instance.b": managed("acme-y", "i-y")}
    )
    moves = find_moves(loaded(a=instance("acme-y"), b=instance("acme-x")), state)
    assert moves == [move("a", "b", "i-y"), move("b", "a", "i-x")]


def test_keys_renamed_in_a_ring_are_moves() -> None:
    state = State(
        resources={
            "instance.a": managed("acme-x", "i-x"),
            "instance.b": managed("acme-y", "i-y"),
            "instance.c": managed("acme-z", "i-z"),
        }
    )
    moves = find_moves(
        loaded(a=instance("acme-z"), b=instance("acme-x"), c=instance("acme-y")), state
    )
    assert moves == [move("a", "c", "i-z"), move("b", "a", "i-x"), move("c", "b", "i-y")]


def test_no_move_onto_a_managed_key_that_stays() -> None:
    # a now declares y, which b managed; but x, which a managed, is declared by no one:
    # moving b onto a would lose a's instance from the state.
    state = State(
        resources={"instance.a": managed("acme-x", "i-x"), "instance.b": managed("acme-y", "i-y")}
    )
    assert find_moves(loaded(a=instance("acme-y")), state) == []
    # ... and a move that needed that one goes too: c onto b needs b to move away, onto a.
    three = State(
        resources={
            "instance.a": managed("acme-x", "i-x"),
            "instance.b": managed("acme-y", "i-y"),
            "instance.c": managed("acme-z", "i-z"),
        }
    )
    assert find_moves(loaded(a=instance("acme-y"), b=instance("acme-z")), three) == []


def test_a_key_declaring_another_access_path_frees_its_instance_for_a_new_key() -> None:
    # a's instance (x) is now declared under b; a declares a new access path.
    state = State(resources={"instance.a": managed("acme-x", "i-x")})
    assert find_moves(loaded(a=instance("acme-new"), b=instance("acme-x")), state) == [
        move("b", "a", "i-x")
    ]


def test_moved_state_swaps_two_instances_with_their_contents() -> None:
    state = State(
        resources={
            "instance.a": managed("acme-x", "i-x"),
            "instance.a.agent.alice": ResourceState(remote_id="u-x", attributes={}),
            "instance.b": managed("acme-y", "i-y"),
            "instance.b.skill_group.sales": ResourceState(remote_id="s-y", attributes={}),
        }
    )
    after = moved_state(state, [move("a", "b", "i-y"), move("b", "a", "i-x")])
    assert {k: v.remote_id for k, v in after.resources.items()} == {
        "instance.a": "i-y",
        "instance.a.skill_group.sales": "s-y",
        "instance.b": "i-x",
        "instance.b.agent.alice": "u-x",
    }


def test_a_move_onto_a_managed_key_waits_for_that_key_to_move() -> None:
    chain = [move("b", "a", "i-x"), move("c", "b", "i-y")]  # a onto b, b out of the way to c
    assert onto_free_keys([chain[0]], ["instance.a", "instance.b"]) == []
    assert onto_free_keys(chain, ["instance.a", "instance.b"]) == chain
    assert onto_free_keys([chain[1]], ["instance.a", "instance.b"]) == [chain[1]]
