"""The planner: pure, every action and every rejection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cccform.config.models import Config, InstanceConfig, LoadedConfig
from cccform.diagnostics import FieldPath, SourceLocation
from cccform.live import CREATING, RELEASED, RUNNING, LiveInstance, LiveInventory
from cccform.plan.models import Action, Drift, RejectionKind
from cccform.plan.planner import desired_attributes, plan
from cccform.state.models import PendingCreate, ProviderBinding, ResourceState, State

BASE: dict[str, Any] = {
    "name": "Support Center",
    "access_path": "acme-support",
    "description": "Hotline",
    "phone_numbers": ("057188880001",),
    "admins": ("248613806810701",),
}


def loaded(**instances: dict[str, Any]) -> LoadedConfig:
    config = Config(instances={k: InstanceConfig(**v) for k, v in instances.items()})
    locations: dict[FieldPath, SourceLocation] = {
        ("instances", key, field): SourceLocation("c.yaml", 3 + i, 5)
        for key in instances
        for i, field in enumerate(InstanceConfig.model_fields)
    }
    return LoadedConfig(config, Path("."), [Path("c.yaml")], locations)


def live(qa: bool | None = False, status: str = RUNNING, **changes: Any) -> LiveInstance:
    values = {**BASE, **changes}
    return LiveInstance(
        instance_id=values["access_path"],
        name=values["name"],
        access_path=values["access_path"],
        description=values["description"],
        phone_numbers=tuple(values["phone_numbers"]),
        admins=("admin@x",),
        status=status,
        conversation_analysis=qa,
    )


def managed(protect: bool = False, **changes: Any) -> ResourceState:
    instance = InstanceConfig(**{**BASE, **changes})
    attributes = desired_attributes(instance)
    attributes.pop("deletion_protection")
    return ResourceState(
        remote_id=instance.access_path, attributes=attributes, deletion_protection=protect
    )


def inventory(*items: LiveInstance) -> LiveInventory:
    return LiveInventory({item.instance_id: item for item in items})


def test_new_instance_is_created_with_every_attribute() -> None:
    result = plan(loaded(support=BASE), State(), inventory(), state_exists=False)
    (change,) = result.changes
    assert change.action is Action.CREATE
    assert str(change.address) == "instance.support"
    assert change.after == {
        "name": "Support Center",
        "access_path": "acme-support",
        "description": "Hotline",
        "phone_numbers": ["057188880001"],
        "admins": ["248613806810701"],
        "conversation_analysis": False,
        "deletion_protection": True,
    }
    assert result.summary() == {
        "create": 1,
        "adopt": 0,
        "update": 0,
        "delete": 0,
        "enable_qa": 0,
        "move": 0,
        "forget": 0,
    }


def test_qa_on_a_new_instance_is_its_own_step_after_the_create() -> None:
    result = plan(
        loaded(support={**BASE, "conversation_analysis": True}),
        State(),
        inventory(),
        state_exists=False,
    )
    create, qa = result.changes
    assert (create.action, qa.action) == (Action.CREATE, Action.ENABLE_QA)
    assert qa.depends_on == [create.key]


def test_matching_instance_has_no_changes() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    result = plan(loaded(support=BASE), state, inventory(live()), state_exists=True)
    assert result.changes == [] and result.errors == [] and not result.has_changes


def test_description_change_is_an_update_with_only_that_field() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    config = loaded(support={**BASE, "description": "New"})
    (change,) = plan(config, state, inventory(live()), state_exists=True).changes
    assert change.action is Action.UPDATE
    assert (change.before, change.after) == ({"description": "Hotline"}, {"description": "New"})
    assert change.drift is None


def test_drift_is_planned_back_and_marked() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    current = live(description="edited in the console")
    (change,) = plan(loaded(support=BASE), state, inventory(current), state_exists=True).changes
    assert change.action is Action.UPDATE and change.drift is Drift.CHANGED
    assert change.drift_fields == ["description"]
    assert change.after == {"description": "Hotline"}


def test_instance_deleted_outside_is_created_again() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    (change,) = plan(loaded(support=BASE), state, inventory(), state_exists=True).changes
    assert change.action is Action.CREATE and change.drift is Drift.DELETED


def test_released_instance_counts_as_gone() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    result = plan(loaded(support=BASE), state, inventory(live(status=RELEASED)), state_exists=True)
    assert [c.action for c in result.changes] == [Action.CREATE]


@pytest.mark.parametrize(
    ("field", "new"),
    [("name", "Other Name"), ("access_path", "acme-other"), ("phone_numbers", ("0571999",))],
)
def test_immutable_fields_are_rejected_with_location(field: str, new: Any) -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    current = live()
    result = plan(
        loaded(support={**BASE, field: new}), state, inventory(current), state_exists=True
    )
    (error,) = [e for e in result.errors if e.field == field]
    assert error.kind is RejectionKind.IMMUTABLE
    assert str(error.address) == "instance.support"
    assert error.location is not None and error.location.file == "c.yaml"
    assert "cannot change" in error.message and error.hint.startswith(f"put back {field}")


def test_phone_number_order_is_not_a_change() -> None:
    numbers = ("057188880001", "057188880002")
    state = State(resources={"instance.support": managed(phone_numbers=numbers)})
    current = live(phone_numbers=numbers)
    config = loaded(
        support={**BASE, "phone_numbers": tuple(reversed(numbers)), "deletion_protection": False}
    )
    result = plan(config, state, inventory(current), state_exists=True)
    assert result.errors == [] and result.changes == []


def test_admins_are_creation_only() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    result = plan(
        loaded(support={**BASE, "admins": ("1", "2")}), state, inventory(live()), state_exists=True
    )
    (error,) = result.errors
    assert (error.field, error.kind) == ("admins", RejectionKind.IMMUTABLE)


def test_turning_qa_off_is_rejected_as_one_way() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    result = plan(loaded(support=BASE), state, inventory(live(qa=True)), state_exists=True)
    (error,) = result.errors
    assert (error.field, error.kind) == ("conversation_analysis", RejectionKind.ONE_WAY)


def test_qa_state_is_used_when_the_control_plane_cannot_tell() -> None:
    resource = managed(protect=True)
    resource.attributes["conversation_analysis"] = True
    state = State(resources={"instance.support": resource})
    result = plan(loaded(support=BASE), state, inventory(live(qa=None)), state_exists=True)
    assert [e.kind for e in result.errors] == [RejectionKind.ONE_WAY]


def test_enabling_qa_on_an_existing_instance() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    config = loaded(support={**BASE, "conversation_analysis": True})
    (change,) = plan(config, state, inventory(live()), state_exists=True).changes
    assert change.action is Action.ENABLE_QA and change.depends_on == []


def test_removed_instance_is_deleted_when_unprotected() -> None:
    state = State(resources={"instance.support": managed(protect=False)})
    (change,) = plan(loaded(), state, inventory(live()), state_exists=True).changes
    assert change.action is Action.DELETE
    assert change.before is not None and change.before["access_path"] == "acme-support"


def test_removed_protected_instance_is_rejected() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    result = plan(loaded(), state, inventory(live()), state_exists=True)
    assert result.changes == []
    (error,) = result.errors
    assert error.kind is RejectionKind.PROTECTED and "deletion_protection: false" in error.hint


def test_turning_protection_off_is_a_state_only_update() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    config = loaded(support={**BASE, "deletion_protection": False})
    (change,) = plan(config, state, inventory(live()), state_exists=True).changes
    assert change.action is Action.UPDATE and change.changed_fields == ["deletion_protection"]


def test_managed_instance_gone_and_removed_is_forgotten() -> None:
    state = State(resources={"instance.support": managed(protect=True)})
    result = plan(loaded(), state, inventory(), state_exists=True)
    assert result.changes == [] and [str(f.address) for f in result.forget] == ["instance.support"]
    assert result.has_changes


def test_interrupted_creation_is_resumed_not_repeated() -> None:
    state = State(
        pending={
            "instance.support": PendingCreate(
                access_path="acme-support", name="Support Center", sent=True
            )
        }
    )
    result = plan(loaded(support=BASE), state, inventory(live(status=CREATING)), state_exists=True)
    (change,) = result.changes
    assert change.action is Action.CREATE and change.resume
    assert change.reason is not None and "earlier apply" in change.reason


def test_intent_without_instance_is_a_plain_create() -> None:
    state = State(
        pending={
            "instance.support": PendingCreate(
                access_path="acme-support", name="Support Center", sent=True
            )
        }
    )
    (change,) = plan(loaded(support=BASE), state, inventory(), state_exists=True).changes
    assert change.action is Action.CREATE and not change.resume


def test_intent_for_a_removed_instance_that_exists_is_forgotten_not_deleted() -> None:
    state = State(
        pending={
            "instance.support": PendingCreate(
                access_path="acme-support", name="Support Center", sent=True
            )
        }
    )
    result = plan(loaded(), state, inventory(live()), state_exists=True)
    assert result.changes == []
    (entry,) = result.forget
    assert "declare it again to manage it" in entry.reason


def test_intent_for_another_access_path_is_not_resumed() -> None:
    state = State(
        pending={
            "instance.support": PendingCreate(
                access_path="acme-old", name="Support Center", sent=True
            )
        }
    )
    (change,) = plan(
        loaded(support=BASE), state, inventory(live(access_path="acme-old")), state_exists=True
    ).changes
    assert change.action is Action.CREATE and not change.resume


def test_stale_intent_is_forgotten() -> None:
    state = State(
        pending={"instance.gone": PendingCreate(access_path="acme-gone", name="Gone", sent=True)}
    )
    result = plan(loaded(), state, inventory(), state_exists=True)
    assert [str(f.address) for f in result.forget] == ["instance.gone"]


def test_prior_state_is_recorded() -> None:
    state = State(serial=7)
    result = plan(loaded(), state, inventory(), state_exists=True)
    assert (result.prior_state.lineage, result.prior_state.serial) == (state.lineage, 7)


def test_changes_are_sorted_by_address_then_action() -> None:
    config = loaded(
        b={**BASE, "access_path": "acme-b", "phone_numbers": (), "conversation_analysis": True},
        a={**BASE, "access_path": "acme-a", "phone_numbers": ()},
    )
    result = plan(config, State(), inventory(), state_exists=False)
    assert [c.key for c in result.changes] == [
        "instance.a:create",
        "instance.b:create",
        "instance.b:enable_qa",
    ]


def test_every_managed_instance_gone_warns_and_names_the_binding() -> None:
    binding = ProviderBinding(type="aliyun", location="cn-hangzhou", account="1234")
    other = managed(access_path="acme-other", name="Other Center", phone_numbers=("0571",))
    state = State(
        resources={"instance.support": managed(), "instance.other": other}, binding=binding
    )
    result = plan(loaded(support=BASE), state, inventory(), state_exists=True)
    (warning,) = result.warnings
    assert warning.kind == "all_instances_gone"
    assert warning.subjects == ["instance.other", "instance.support"]
    assert "none of the 2 instances this state manages exists at aliyun cn-hangzhou, " in (
        warning.message
    )
    assert "account 1234. This looks like a wrong provider, region or account" in warning.message


@pytest.mark.parametrize(
    ("resources", "pending", "found"),
    [
        ({}, {}, ()),  # nothing managed: nothing to lose
        ({"instance.support": managed()}, {}, (live(),)),  # still there
        ({}, {"instance.support": PendingCreate(access_path="acme-support", name="S")}, ()),
    ],
)
def test_no_wrong_provider_warning_without_a_managed_instance_gone(
    resources: dict[str, ResourceState],
    pending: dict[str, PendingCreate],
    found: tuple[LiveInstance, ...],
) -> None:
    state = State(resources=resources, pending=pending)
    assert plan(loaded(), state, inventory(*found), state_exists=True).warnings == []
