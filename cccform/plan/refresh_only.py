"""`--refresh-only`: what changed outside cccform, as a plan that changes nothing live.

Compares what the state recorded with what the refresh read, object by object, for what the
state manages; the configuration plays no part. Applying it records what exists: the fields
that differ (`Refreshed`) and, for objects gone, a `Forget`. Pure.
"""

from __future__ import annotations

from typing import Any

from cccform.addresses import Address, ResourceType
from cccform.kinds import kind_of
from cccform.live import CREATING, LiveInstance, LiveInventory
from cccform.plan.contents import index_contents
from cccform.plan.diff import changed_fields
from cccform.plan.models import Forget, Plan, PriorState, Refreshed
from cccform.state.models import State


def contents_managed(state: State, live: LiveInventory) -> dict[str, frozenset[ResourceType]]:
    """Which kinds to read in which live instances: those the state manages objects of."""
    wanted: dict[str, frozenset[ResourceType]] = {}
    for key, by_kind in index_contents(state.resources).items():
        instance = state.resources.get(str(Address.of_instance(key)))
        current = live.get(instance.remote_id) if instance is not None else None
        if current is not None and current.status != CREATING:
            wanted[current.instance_id] = frozenset(by_kind)
    return wanted


def refresh_only_plan(state: State, live: LiveInventory, prior: PriorState) -> Plan:
    """What differs between the state and what exists, to accept into the state."""
    refreshed: list[Refreshed] = []
    forget: list[Forget] = []
    for text, resource in sorted(state.resources.items()):
        address = Address.try_parse(text)
        if address is None:
            continue
        current = _observed(address, state, live)
        if current is None:
            if _gone(address, state, live):
                forget.append(Forget(address=address, remote_id=resource.remote_id))
            continue
        recorded = {f: resource.attributes[f] for f in current if f in resource.attributes}
        fields = changed_fields(recorded, {f: current[f] for f in recorded})
        if fields:
            refreshed.append(
                Refreshed(
                    address=address,
                    remote_id=resource.remote_id,
                    before={f: recorded[f] for f in fields},
                    after={f: current[f] for f in fields},
                    changed_fields=fields,
                )
            )
    return Plan(refresh_only=True, refreshed=refreshed, forget=forget, prior_state=prior)


def _instance_of(address: Address, state: State, live: LiveInventory) -> LiveInstance | None:
    managed = state.resources.get(str(address.instance_address))
    return live.get(managed.remote_id) if managed is not None else None


def _observed(address: Address, state: State, live: LiveInventory) -> dict[str, Any] | None:
    """What exists of a managed object, in the state's terms (None: gone or not read)."""
    instance = _instance_of(address, state, live)
    if instance is None:
        return None
    if address.is_instance:
        observed: dict[str, Any] = {"description": instance.description}
        if instance.conversation_analysis is not None:
            observed["conversation_analysis"] = instance.conversation_analysis
        return observed
    contents = live.contents.get(instance.instance_id)
    kind = kind_of(address.kind)
    objects = kind.live_of(contents) if contents is not None else None
    found = objects.get(address.name) if objects is not None else None
    return None if found is None else kind.observed(found).recorded()


def _gone(address: Address, state: State, live: LiveInventory) -> bool:
    """Whether a managed object is known to be gone (not merely unread). What lived in an
    instance that is gone is forgotten with it."""
    instance = _instance_of(address, state, live)
    if address.is_instance:
        return instance is None
    if instance is None:
        return False
    contents = live.contents.get(instance.instance_id)
    return contents is not None and kind_of(address.kind).live_of(contents) is not None
