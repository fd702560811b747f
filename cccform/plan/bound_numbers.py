"""A create that is certain to fail: a phone number bound to another instance. Pure.

A number is bound to one instance at a time, and CreateInstance refuses a number bound
elsewhere. The refreshed inventory lists every instance of the account with its numbers, so
the plan can refuse such a create before apply, naming the instance that holds the number.
A holder that this very plan deletes frees the number: the create then waits for that
deletion instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cccform.config.models import LoadedConfig
from cccform.live import LiveInstance, LiveInventory
from cccform.plan import messages
from cccform.plan.models import Action, Change, Location, Rejection, RejectionKind
from cccform.state.models import State


@dataclass
class BoundNumbers:
    """What the check found: rejections, and creates that must wait for a deletion."""

    errors: list[Rejection] = field(default_factory=list)
    waits: dict[str, list[str]] = field(default_factory=dict)  # create key -> delete keys


def check_bound_numbers(
    loaded: LoadedConfig, state: State, live: LiveInventory, changes: list[Change]
) -> BoundNumbers:
    """Every number of an instance to create that another live instance holds."""
    found = BoundNumbers()
    holders = _holders(live)
    deleting = {
        c.remote_id: c.key for c in changes if c.action is Action.DELETE and c.address.is_instance
    }
    managed = {r.remote_id: address for address, r in state.resources.items()}
    for change in changes:
        if change.action is not Action.CREATE or not change.address.is_instance or change.resume:
            continue
        key = change.instance
        for index, number in enumerate(loaded.config.instances[key].phone_numbers):
            holder = holders.get(number)
            if holder is None or holder.instance_id == change.remote_id:
                continue
            delete = deleting.get(holder.instance_id)
            if delete is not None:
                found.waits.setdefault(change.key, []).append(delete)
                continue
            message, hint = messages.number_bound(
                number, holder.access_path, managed.get(holder.instance_id)
            )
            found.errors.append(
                Rejection(
                    address=change.address,
                    field="phone_numbers",
                    kind=RejectionKind.IN_USE,
                    message=message,
                    hint=hint,
                    before=holder.access_path,
                    after=number,
                    location=_location(loaded, key, index),
                )
            )
    return found


def _holders(live: LiveInventory) -> Mapping[str, LiveInstance]:
    """Each number bound to a live (not released) instance, and that instance."""
    holders: dict[str, LiveInstance] = {}
    for instance_id in live.instances:
        instance = live.get(instance_id)
        if instance is not None:
            holders.update(dict.fromkeys(instance.phone_numbers, instance))
    return holders


def _location(loaded: LoadedConfig, key: str, index: int) -> Location | None:
    found = loaded.location("instances", key, "phone_numbers", index)
    return Location(file=found.file, line=found.line, column=found.column) if found else None


__all__ = ["BoundNumbers", "check_bound_numbers"]
