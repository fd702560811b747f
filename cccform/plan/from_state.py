"""`--refresh=false`: what the state last recorded, standing in for what a refresh would read.

Nothing is read: an instance is as the state recorded it (running), and what lives in it is
what the state manages, every kind read as holding only that. So a plan made from it cannot
see changes made outside cccform, objects deleted outside it, or objects that exist but that
this state does not manage (a refresh would adopt them; this plan creates them). Pure.
"""

from __future__ import annotations

from typing import Any

from cccform.addresses import Address, ResourceType
from cccform.kinds import KINDS
from cccform.live import RUNNING, LiveContents, LiveInstance, LiveInventory
from cccform.plan.contents import index_contents
from cccform.state.models import ResourceState, State


def recalled_inventory(state: State) -> LiveInventory:
    """The live inventory as the state last recorded it."""
    instances: dict[str, LiveInstance] = {}
    contents: dict[str, LiveContents] = {}
    managed = index_contents(state.resources)
    for text, resource in state.resources.items():
        address = Address.try_parse(text)
        if address is None or not address.is_instance:
            continue
        live = _instance(resource)
        instances[live.instance_id] = live
        by_kind: dict[ResourceType, dict[str, Any]] = {}
        for kind in KINDS:
            objects = managed.get(address.instance, {}).get(kind.resource_type, {})
            by_kind[kind.resource_type] = {
                name: kind.recalled(name, record.remote_id, kind.parse(record.attributes))
                for name, record in objects.items()
            }
        contents[live.instance_id] = LiveContents(by_kind)
    return LiveInventory(instances, contents)


def _instance(resource: ResourceState) -> LiveInstance:
    recorded = resource.attributes
    return LiveInstance(
        instance_id=resource.remote_id,
        name=str(recorded.get("name", "")),
        access_path=str(recorded.get("access_path", resource.remote_id)),
        description=str(recorded.get("description", "")),
        phone_numbers=tuple(recorded.get("phone_numbers", ())),
        admins=tuple(recorded.get("admins", ())),
        status=RUNNING,
        conversation_analysis=recorded.get("conversation_analysis"),
    )
