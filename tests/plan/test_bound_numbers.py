"""Numbers another instance holds: refused at plan time, or waited for when it is deleted."""

from __future__ import annotations

from typing import Any

from cccform.live import RELEASED
from cccform.plan.models import Action, RejectionKind
from cccform.plan.planner import plan
from cccform.state.models import PendingCreate, State
from tests.plan.test_planner import BASE, inventory, live, loaded, managed

OTHER: dict[str, Any] = {
    "name": "Other Center",
    "access_path": "acme-other",
    "phone_numbers": ("057188880001",),
}


def test_a_number_held_by_an_unmanaged_instance_rejects_the_create() -> None:
    result = plan(loaded(support=BASE), State(), inventory(live(**OTHER)), state_exists=False)
    (error,) = result.errors
    assert (str(error.address), error.field, error.kind) == (
        "instance.support",
        "phone_numbers",
        RejectionKind.IN_USE,
    )
    assert (error.before, error.after) == ("acme-other", "057188880001")
    assert "acme-other (not managed by this state)" in error.message
    assert error.location is not None and error.location.file == "c.yaml"


def test_a_number_held_by_a_managed_instance_names_its_address() -> None:
    state = State(resources={"instance.old": managed(protect=True, **OTHER)})
    config = loaded(support=BASE, old={**BASE, **OTHER, "phone_numbers": ("057100000000",)})
    result = plan(config, state, inventory(live(**OTHER)), state_exists=True)
    bound = [e for e in result.errors if str(e.address) == "instance.support"]
    (error,) = bound
    assert "acme-other (managed here as instance.old)" in error.message


def test_a_holder_this_plan_deletes_makes_the_create_wait() -> None:
    state = State(resources={"instance.old": managed(**OTHER)})
    result = plan(loaded(support=BASE), state, inventory(live(**OTHER)), state_exists=True)
    assert result.errors == []
    create = next(c for c in result.changes if c.action is Action.CREATE)
    assert create.depends_on == ["instance.old:delete"]


def test_a_released_holder_frees_the_number() -> None:
    held = live(status=RELEASED, **OTHER)
    assert plan(loaded(support=BASE), State(), inventory(held), state_exists=False).errors == []


def test_a_resumed_create_holds_its_own_numbers() -> None:
    pending = PendingCreate(
        access_path="acme-support", name="Support Center", phone_numbers=["057188880001"], sent=True
    )
    state = State(pending={"instance.support": pending})
    result = plan(loaded(support=BASE), state, inventory(live()), state_exists=True)
    assert result.errors == []
    assert [c.resume for c in result.changes if c.action is Action.CREATE] == [True]
