"""Contact flows (IVR): ListContactFlows, CreateContactFlow, and StartEdit -> Commit -> Publish,
since CCC has no ModifyContactFlow. A flow's CCC id is known only once it exists."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from cccform.addresses import ResourceType
from cccform.config.models import FlowConfig
from cccform.kinds.base import Attributes, ContentKind, Part, PlannedChanges, Usage
from cccform.live import LiveFlow
from cccform.plan.models import Action, Change
from cccform.wire import Caller


class FlowAttributes(Attributes):
    type: str
    description: str
    definition: dict[str, Any] | None


class FlowKind(ContentKind[FlowConfig, LiveFlow, FlowAttributes]):
    resource_type: ClassVar[ResourceType] = ResourceType.FLOW
    model: ClassVar[type[Attributes]] = FlowAttributes
    config_field: ClassVar[str] = "flows"
    immutable: ClassVar[tuple[str, ...]] = ("type",)
    # Whether a flow may be deleted depends on the numbers that route to it.
    also_read: ClassVar[frozenset[ResourceType]] = frozenset({ResourceType.NUMBER})

    def desired(self, name: str, value: FlowConfig) -> FlowAttributes:
        return FlowAttributes(
            type=value.type,
            description=value.description or name,  # CCC requires a non-blank one
            definition=value.definition,
        )

    def observed(self, live: LiveFlow) -> FlowAttributes:
        return FlowAttributes(
            type=live.type, description=live.description, definition=live.definition
        )

    def live_id(self, live: LiveFlow) -> str:
        return live.flow_id

    def recalled(self, name: str, remote_id: str, recorded: FlowAttributes) -> LiveFlow:
        return LiveFlow(
            flow_id=remote_id,
            name=name,
            type=recorded.type,
            description=recorded.description,
            definition=recorded.definition,
            numbers=(),  # the numbers' own records say where they route
        )

    def read(self, caller: Caller, instance_id: str) -> dict[str, LiveFlow]:
        found: dict[str, LiveFlow] = {}
        for item in caller.pages("ListContactFlows", {"InstanceId": instance_id}):
            flow = _live(item)
            found[flow.name] = flow
        return found

    def dependencies(self, change: Change, planned: PlannedChanges) -> list[str]:
        if change.action is not Action.DELETE:
            return []
        return planned.keys(ResourceType.NUMBER, Action.UPDATE)  # numbers route away first

    def users(self, change: Change, usage: Usage) -> list[str]:
        # a declared number without `flow` keeps its binding: it still uses the flow
        rerouted = {n for n, r in usage.instance.numbers.items() if r.flow is not None}
        return [
            f"number {n.number}"
            for n in usage.live.numbers.values()
            if n.flow_id == change.remote_id and n.number not in rerouted
        ]

    def create(self, caller: Caller, instance_id: str, name: str, after: FlowAttributes) -> str:
        data = caller.call(
            "CreateContactFlow",
            {
                "InstanceId": instance_id,
                "Name": name,
                "Type": after.type,
                "Definition": encode_definition(after.definition or {}),
                "Description": after.description,
            },
        )
        if isinstance(data, dict):
            return str(data.get("ContactFlowId"))
        return str(data)

    def adopt(self, caller: Caller, instance_id: str, name: str, after: FlowAttributes) -> str:
        flow_id = self.read(caller, instance_id)[name].flow_id
        self.publish(caller, instance_id, flow_id, after)
        return flow_id

    def update(self, caller: Caller, instance_id: str, change: Change, part: Part) -> None:
        del part
        if set(change.changed_fields) & {"definition", "description"}:
            after = self.parse(change.required_after())
            self.publish(caller, instance_id, change.required_remote_id(), after)

    def delete(self, caller: Caller, instance_id: str, remote_id: str) -> None:
        caller.call(
            "DeleteContactFlow",
            {"InstanceId": instance_id, "ContactFlowId": remote_id, "Force": "true"},
        )

    @staticmethod
    def publish(caller: Caller, instance_id: str, flow_id: str, after: FlowAttributes) -> None:
        """StartEdit -> Commit -> Publish: the only way CCC changes a flow."""
        base = {"InstanceId": instance_id, "ContactFlowId": flow_id}
        data = caller.call("StartEditContactFlow", base)
        draft = str(data.get("DraftId") if isinstance(data, dict) else data)
        caller.call(
            "CommitContactFlow",
            {
                **base,
                "DraftId": draft,
                "Definition": encode_definition(after.definition or {}),
                "Description": after.description,
            },
        )
        caller.call("PublishContactFlow", {**base, "DraftId": draft})


def _live(item: dict[str, Any]) -> LiveFlow:
    return LiveFlow(
        flow_id=str(item["ContactFlowId"]),
        name=str(item["Name"]),
        type=str(item.get("Type") or "MAIN_FLOW"),
        description=str(item.get("Description") or ""),
        definition=parse_definition(item.get("Definition")),
        numbers=tuple(str(n) for n in item.get("NumberList") or []),
    )


def parse_definition(raw: Any) -> dict[str, Any] | None:
    """The console's flow JSON, parsed, so that key order and whitespace never count."""
    if isinstance(raw, dict):
        return raw
    if not raw:
        return None
    try:
        parsed = json.loads(str(raw))
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def encode_definition(definition: dict[str, Any]) -> str:
    return json.dumps(definition, ensure_ascii=False, separators=(",", ":"))
