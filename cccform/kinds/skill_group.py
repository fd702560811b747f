"""Skill groups: ListSkillGroups, Create/Modify/DeleteSkillGroup. A group's CCC id is
`<name>@<instance id>`."""

from __future__ import annotations

from typing import Any, ClassVar

from cccform.addresses import ResourceType
from cccform.config.models import SkillGroupConfig
from cccform.kinds.base import Attributes, ContentKind, Part, PlannedChanges, Usage
from cccform.live import LiveSkillGroup
from cccform.plan.models import Action, Change
from cccform.wire import Caller, scoped_id


class SkillGroupAttributes(Attributes):
    display_name: str
    description: str
    media_type: str


class SkillGroupKind(ContentKind[SkillGroupConfig, LiveSkillGroup, SkillGroupAttributes]):
    resource_type: ClassVar[ResourceType] = ResourceType.SKILL_GROUP
    model: ClassVar[type[Attributes]] = SkillGroupAttributes
    config_field: ClassVar[str] = "skill_groups"
    immutable: ClassVar[tuple[str, ...]] = ("media_type",)
    # Whether a group may be deleted depends on the agents and numbers that use it.
    also_read: ClassVar[frozenset[ResourceType]] = frozenset(
        {ResourceType.AGENT, ResourceType.NUMBER}
    )

    def desired(self, name: str, value: SkillGroupConfig) -> SkillGroupAttributes:
        del name
        return SkillGroupAttributes(
            display_name=value.display_name,
            description=value.description,
            media_type=value.media_type,
        )

    def observed(self, live: LiveSkillGroup) -> SkillGroupAttributes:
        return SkillGroupAttributes(
            display_name=live.display_name,
            description=live.description,
            media_type=live.media_type,
        )

    def live_id(self, live: LiveSkillGroup) -> str:
        return live.skill_group_id

    def recalled(self, name: str, remote_id: str, recorded: SkillGroupAttributes) -> LiveSkillGroup:
        return LiveSkillGroup(
            skill_group_id=remote_id,
            name=name,
            display_name=recorded.display_name,
            description=recorded.description,
            media_type=recorded.media_type,
        )

    def predicted_id(self, name: str, instance_id: str) -> str | None:
        return scoped_id(name, instance_id)

    def read(self, caller: Caller, instance_id: str) -> dict[str, LiveSkillGroup]:
        found: dict[str, LiveSkillGroup] = {}
        for item in caller.pages("ListSkillGroups", {"InstanceId": instance_id}):
            group = _live(item)
            found[group.name] = group
        return found

    def dependencies(self, change: Change, planned: PlannedChanges) -> list[str]:
        if change.action is not Action.DELETE:
            return []
        # its members and numbers leave it first
        return planned.keys(ResourceType.AGENT, Action.UPDATE, Action.DELETE) + planned.keys(
            ResourceType.NUMBER, Action.UPDATE
        )

    def users(self, change: Change, usage: Usage) -> list[str]:
        name = change.object_name
        declared_agents = set(usage.instance.agents)
        deleted_agents = usage.planned.deleted(ResourceType.AGENT)
        declared_numbers = set(usage.instance.numbers)
        agents = [
            f"agent {a.login_name}"
            for a in usage.live.agents.values()
            if name in a.skills
            and a.login_name not in declared_agents
            and a.login_name not in deleted_agents
        ]
        numbers = [
            f"number {n.number}"
            for n in usage.live.numbers.values()
            if name in n.skill_groups and n.number not in declared_numbers
        ]
        return agents + numbers

    def create(
        self, caller: Caller, instance_id: str, name: str, after: SkillGroupAttributes
    ) -> str:
        data = caller.call(
            "CreateSkillGroup",
            {
                "InstanceId": instance_id,
                "Name": name,
                "DisplayName": after.display_name,
                "Description": after.description,
                "MediaType": after.media_type,
            },
        )
        if isinstance(data, dict) and data.get("SkillGroupId"):
            return str(data["SkillGroupId"])
        return scoped_id(name, instance_id)

    def adopt(
        self, caller: Caller, instance_id: str, name: str, after: SkillGroupAttributes
    ) -> str:
        group_id = scoped_id(name, instance_id)
        self.modify(caller, instance_id, group_id, after)
        return group_id

    def update(self, caller: Caller, instance_id: str, change: Change, part: Part) -> None:
        del part
        if set(change.changed_fields) & {"display_name", "description"}:
            after = self.parse(change.required_after())
            self.modify(caller, instance_id, change.required_remote_id(), after)

    def delete(self, caller: Caller, instance_id: str, remote_id: str) -> None:
        # The plan has checked that nothing it keeps uses the group; members it removes go too.
        caller.call(
            "DeleteSkillGroup",
            {"InstanceId": instance_id, "SkillGroupId": remote_id, "Force": "true"},
        )

    @staticmethod
    def modify(
        caller: Caller, instance_id: str, group_id: str, after: SkillGroupAttributes
    ) -> None:
        caller.call(
            "ModifySkillGroup",
            {
                "InstanceId": instance_id,
                "SkillGroupId": group_id,
                "DisplayName": after.display_name,
                "Description": after.description,
            },
        )


def _live(item: dict[str, Any]) -> LiveSkillGroup:
    return LiveSkillGroup(
        skill_group_id=str(item["SkillGroupId"]),
        name=str(item.get("SkillGroupName") or item.get("Name")),
        display_name=str(item.get("DisplayName") or ""),
        description=str(item.get("Description") or ""),
        media_type=str(item.get("MediaType") or "AUDIO"),
    )
