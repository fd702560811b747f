"""cccform.plan.targets: the part of a plan that --target and --exclude ask for."""

from __future__ import annotations

import pytest

from cccform.addresses import Address
from cccform.errors import UsageError
from cccform.plan.models import Action, Change, Move, Plan, PriorState
from cccform.plan.targets import Selection, select

PRIOR = PriorState(lineage="L", serial=1, existed=True)


def change(address: str, action: Action = Action.UPDATE, *needs: Change) -> Change:
    return Change(address=Address.parse(address), action=action, depends_on=[n.key for n in needs])


def addresses(plan: Plan) -> list[str]:
    return [str(c.address) for c in plan.changes]


def selection(*, targets: tuple[str, ...] = (), excludes: tuple[str, ...] = ()) -> Selection:
    return Selection(
        tuple(Address.parse(t) for t in targets), tuple(Address.parse(e) for e in excludes)
    )


INSTANCE = change("instance.a", Action.CREATE)
GROUP = change("instance.a.skill_group.sales", Action.CREATE, INSTANCE)
AGENT = change("instance.a.agent.alice", Action.CREATE, INSTANCE, GROUP)
OTHER = change("instance.b", Action.UPDATE)
PLAN = Plan(changes=[INSTANCE, GROUP, AGENT, OTHER], prior_state=PRIOR)
KNOWN = [c.address for c in PLAN.changes]


def test_the_whole_plan_when_nothing_is_selected() -> None:
    assert select(PLAN, Selection(), KNOWN) is PLAN


def test_a_target_pulls_in_what_it_depends_on_and_says_so() -> None:
    chosen = select(PLAN, selection(targets=("instance.a.agent.alice",)), KNOWN)
    assert addresses(chosen) == [
        "instance.a",
        "instance.a.skill_group.sales",
        "instance.a.agent.alice",
    ]
    kinds = [(w.kind, w.subjects) for w in chosen.warnings]
    assert ("partial_plan", ["instance.a.agent.alice"]) in kinds
    assert ("target_dependency", ["instance.a"]) in kinds
    assert ("target_dependency", ["instance.a.skill_group.sales"]) in kinds


def test_an_exclusion_leaves_out_what_depends_on_it() -> None:
    chosen = select(PLAN, selection(excludes=("instance.a.skill_group.sales",)), KNOWN)
    assert addresses(chosen) == ["instance.a", "instance.b"]
    assert ("excluded_dependent", ["instance.a.agent.alice"]) in [
        (w.kind, w.subjects) for w in chosen.warnings
    ]


def test_a_selection_that_names_nothing_known_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"--target instance\.zz names nothing"):
        select(PLAN, selection(targets=("instance.zz",)), KNOWN)


def move(source: str, target: str) -> Move:
    return Move(address=Address.parse(target), from_address=Address.parse(source), remote_id="r")


SWAP = Plan(
    changes=[OTHER],
    moves=[move("instance.a", "instance.c"), move("instance.c", "instance.a")],
    prior_state=PRIOR,
)


def test_a_partial_plan_takes_both_sides_of_every_move_or_is_refused() -> None:
    known = [*KNOWN, Address.parse("instance.c")]
    both = select(SWAP, selection(targets=("instance.a", "instance.c")), known)
    assert both.moves == SWAP.moves
    with pytest.raises(UsageError) as error:
        select(SWAP, selection(targets=("instance.b",)), known)
    assert str(error.value).startswith(
        "this plan moves instance.a to instance.c, instance.c to instance.a (renamed instance "
        "keys), and a partial plan must take both sides of every move"
    )
    assert str(error.value).endswith("or add --target instance.a --target instance.c")
    with pytest.raises(UsageError) as error:
        select(SWAP, selection(targets=("instance.a",), excludes=("instance.c",)), known)
    assert str(error.value).endswith("or add --target instance.c and do not exclude instance.c")
    with pytest.raises(UsageError) as error:
        select(SWAP, selection(excludes=("instance.c",)), known)
    assert str(error.value).endswith("or do not exclude instance.c")
    with pytest.raises(UsageError) as error:
        select(SWAP, selection(targets=("instance.a.agent.alice",)), known)
    assert str(error.value).endswith("or add --target instance.a --target instance.c")
