"""Unit tests of `cccform.state.surgery`: moves and removals on a State, nothing else."""

from __future__ import annotations

import pytest

from cccform.errors import StateError, UsageError
from cccform.state.models import PendingCreate, ResourceState, State
from cccform.state.surgery import move, remove


def _state() -> State:
    entry = ResourceState(remote_id="x", attributes={})
    return State(
        resources={
            "instance.a": entry,
            "instance.a.agent.al.ice": entry,
            "instance.ab": entry,
            "instance.b": entry,
        },
        pending={"instance.p": PendingCreate(access_path="p", name="P")},
    )


def test_move_instance_takes_its_contents_and_not_a_prefix_neighbour() -> None:
    result = move(_state(), "instance.a", "instance.c")
    assert set(result.state.resources) == {
        "instance.c",
        "instance.c.agent.al.ice",
        "instance.ab",
        "instance.b",
    }
    assert result.moved == (
        ("instance.a", "instance.c"),
        ("instance.a.agent.al.ice", "instance.c.agent.al.ice"),
    )


def test_move_pending_intent() -> None:
    assert "instance.q" in move(_state(), "instance.p", "instance.q").state.pending


def test_content_moves_only_within_its_instance() -> None:
    moved = move(_state(), "instance.a.agent.al.ice", "instance.a.agent.alice").state
    assert "instance.a.agent.alice" in moved.resources
    for target in ("instance.b.agent.al.ice", "instance.z.agent.al.ice"):
        with pytest.raises(StateError, match="an object's id belongs to its instance"):
            move(_state(), "instance.a.agent.al.ice", target)


@pytest.mark.parametrize(
    ("source", "target", "error"),
    [
        ("instance.a", "instance.b.flow.f", UsageError),
        ("instance.a.agent.al.ice", "instance.a.flow.al.ice", UsageError),
        ("instance.a", "instance.a", UsageError),
        ("instance.a", "instance.b", StateError),
        ("instance.zz", "instance.yy", StateError),
        ("bogus", "instance.yy", UsageError),
    ],
)
def test_move_refuses(source: str, target: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        move(_state(), source, target)


def test_remove_instance_with_contents_leaves_the_original_alone() -> None:
    original = _state()
    result = remove(original, ["instance.a", "instance.a.agent.al.ice"])
    assert set(result.state.resources) == {"instance.ab", "instance.b"}
    assert result.removed == ("instance.a", "instance.a.agent.al.ice")
    assert "instance.a" in original.resources


def test_remove_refuses_an_absent_address_and_removes_nothing() -> None:
    with pytest.raises(StateError, match=r"instance\.zz"):
        remove(_state(), ["instance.a", "instance.zz"])
