"""The routing of an instance's numbers: ListPhoneNumbers, ModifyPhoneNumber, and the
number <-> skill group operations. Numbers are bound with their instance: cccform manages their
routing, never their existence. A number's CCC id is the number itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from cccform.addresses import Address, ResourceType
from cccform.config.models import NumberConfig
from cccform.errors import ProviderError
from cccform.kinds.base import Attributes, ContentKind, Part, PlannedChanges, StepKind
from cccform.live import LiveNumber
from cccform.plan.models import Change
from cccform.wire import Caller, json_list, scoped_id, unscoped_name


class NumberAttributes(Attributes):
    usage: str
    flow: str | None = None  # unset: the number's binding is left as it is
    skill_groups: list[str]


class NumberKind(ContentKind[NumberConfig, LiveNumber, NumberAttributes]):
    resource_type: ClassVar[ResourceType] = ResourceType.NUMBER
    model: ClassVar[type[Attributes]] = NumberAttributes
    config_field: ClassVar[str] = "numbers"
    bound: ClassVar[bool] = True
    bound_note: ClassVar[str] = "cccform will manage its routing"
    release_note: ClassVar[str] = "no longer declared; its routing is left as it is"

    def desired(self, name: str, value: NumberConfig) -> NumberAttributes:
        del name
        if value.flow is None:
            return NumberAttributes(usage=value.usage, skill_groups=sorted(value.skill_groups))
        return NumberAttributes(
            usage=value.usage, flow=value.flow, skill_groups=sorted(value.skill_groups)
        )

    def observed(self, live: LiveNumber) -> NumberAttributes:
        return NumberAttributes(
            usage=live.usage, flow=live.flow_name, skill_groups=sorted(live.skill_groups)
        )

    def live_id(self, live: LiveNumber) -> str:
        return live.number

    def recalled(self, name: str, remote_id: str, recorded: NumberAttributes) -> LiveNumber:
        return LiveNumber(
            number=remote_id or name,
            usage=recorded.usage,
            flow_id=None,
            flow_name=recorded.flow,
            skill_groups=tuple(recorded.skill_groups),
        )

    def predicted_id(self, name: str, instance_id: str) -> str | None:
        del instance_id
        return name

    def read(self, caller: Caller, instance_id: str) -> dict[str, LiveNumber]:
        found: dict[str, LiveNumber] = {}
        for item in caller.pages("ListPhoneNumbers", {"InstanceId": instance_id}):
            number = _live(item)
            found[number.number] = number
        return found

    def dependencies(self, change: Change, planned: PlannedChanges) -> list[str]:
        after = change.after or {}
        created_groups = planned.created(ResourceType.SKILL_GROUP)
        deps = [created_groups[g] for g in after.get("skill_groups", []) if g in created_groups]
        flows = planned.kept(ResourceType.FLOW)
        if after.get("flow") in flows:
            deps.append(flows[after["flow"]])
        return deps

    def ids_needed(self, change: Change) -> list[Address]:
        flow = (change.after or {}).get("flow")
        return [Address.of_content(change.instance, ResourceType.FLOW, flow)] if flow else []

    def run(
        self,
        kind: StepKind,
        parts: list[tuple[Change, Part]],
        caller: Caller,
        ids: Mapping[str, str],
    ) -> dict[str, str]:
        del kind
        ((change, _),) = parts
        self._route(change, caller, change.required_instance_id(), ids)
        return {}

    def _route(
        self, change: Change, caller: Caller, instance_id: str, ids: Mapping[str, str]
    ) -> None:
        after = self.parse(change.required_after())
        number = change.object_name
        fields = set(change.changed_fields)
        if {"usage", "flow"} & fields:
            flow_id = None
            if after.flow:
                (flow_address,) = self.ids_needed(change)
                flow_id = ids.get(str(flow_address))
                if flow_id is None:
                    raise ProviderError(f"{change.address}: flow {after.flow!r} has no known id")
            self.route(caller, instance_id, number, after.usage, flow_id)
        if "skill_groups" in fields:
            wanted = set(after.skill_groups)
            current = set((change.before or {}).get("skill_groups") or [])
            if current - wanted:
                self.leave_groups(caller, instance_id, number, current - wanted)
            if wanted - current:
                self.join_groups(caller, instance_id, number, wanted - current)

    @staticmethod
    def route(
        caller: Caller, instance_id: str, number: str, usage: str, flow_id: str | None
    ) -> None:
        params = {"InstanceId": instance_id, "Number": number, "Usage": usage}
        if flow_id:
            params["ContactFlowId"] = flow_id
        caller.call("ModifyPhoneNumber", params)

    @staticmethod
    def join_groups(caller: Caller, instance_id: str, number: str, groups: set[str]) -> None:
        _groups(caller, "AddPhoneNumberToSkillGroups", instance_id, number, groups)

    @staticmethod
    def leave_groups(caller: Caller, instance_id: str, number: str, groups: set[str]) -> None:
        _groups(caller, "RemovePhoneNumberFromSkillGroups", instance_id, number, groups)


def _groups(caller: Caller, action: str, instance_id: str, number: str, groups: set[str]) -> None:
    caller.call(
        action,
        {
            "InstanceId": instance_id,
            "Number": number,
            "SkillGroupIdList": json_list([scoped_id(g, instance_id) for g in sorted(groups)]),
        },
    )


def _live(item: dict[str, Any]) -> LiveNumber:
    groups = tuple(
        sorted(
            str(g.get("Name") or g.get("SkillGroupName") or unscoped_name(str(g["SkillGroupId"])))
            for g in item.get("SkillGroups") or []
        )
    )
    return LiveNumber(
        number=str(item["Number"]),
        usage=str(item.get("Usage") or "Bidirection"),
        flow_id=str(item["ContactFlowId"]) if item.get("ContactFlowId") else None,
        flow_name=str(item["ContactFlowName"]) if item.get("ContactFlowName") else None,
        skill_groups=groups,
    )
