"""Skill-level changes as batch calls: one call per skill group and kind of change, or one per
agent, whichever makes fewer calls. Pure: it computes the calls; `run_memberships` makes them.

Kinds of change: add (join a group at a level), remove (leave a group), modify (new level in a
group the agent stays in). CCC's ModifySkillLevelsOfUser only modifies existing memberships, so
an agent whose change has all three kinds leaves the groups whose level changes and joins them
again at the new level: two calls for any change of one agent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from cccform.wire import Caller, json_list, scoped_id


class Membership(StrEnum):
    """The kinds of change of a membership."""

    REMOVE = "remove"
    ADD = "add"
    MODIFY = "modify"


class By(StrEnum):
    """Whose batch call it is: one skill group's, or one agent's."""

    GROUP = "group"
    USER = "user"


@dataclass(frozen=True)
class SkillChange:
    login: str
    before: dict[str, int]
    after: dict[str, int]


@dataclass(frozen=True)
class MembershipCall:
    """One batch call. `by` is "group" or "user"; `target` the group or login name."""

    kind: Membership
    by: By
    target: str
    levels: dict[str, int] = field(default_factory=dict)  # login or group -> level
    members: tuple[str, ...] = ()  # logins or groups to remove


@dataclass
class _Diff:
    add: dict[tuple[str, str], int] = field(default_factory=dict)  # (login, group) -> level
    remove: set[tuple[str, str]] = field(default_factory=set)
    modify: dict[tuple[str, str], int] = field(default_factory=dict)


def _diff(changes: list[SkillChange]) -> _Diff:
    diff = _Diff()
    for change in changes:
        for group, level in change.after.items():
            if group not in change.before:
                diff.add[(change.login, group)] = level
            elif change.before[group] != level:
                diff.modify[(change.login, group)] = level
        for group in change.before:
            if group not in change.after:
                diff.remove.add((change.login, group))
    return diff


def plan_calls(changes: list[SkillChange]) -> list[MembershipCall]:
    """The fewest batch calls that take every agent from `before` to `after`."""
    diff = _diff(changes)
    by_group = _by_group(diff)
    by_user = _by_user(diff)
    return by_user if len(by_user) < len(by_group) else by_group


def _by_group(diff: _Diff) -> list[MembershipCall]:
    calls: list[MembershipCall] = []
    removes: dict[str, list[str]] = {}
    for login, group in diff.remove:
        removes.setdefault(group, []).append(login)
    calls += [
        MembershipCall(Membership.REMOVE, By.GROUP, g, members=tuple(sorted(logins)))
        for g, logins in sorted(removes.items())
    ]
    for kind, source in ((Membership.ADD, diff.add), (Membership.MODIFY, diff.modify)):
        grouped: dict[str, dict[str, int]] = {}
        for (login, group), level in source.items():
            grouped.setdefault(group, {})[login] = level
        calls += [
            MembershipCall(kind, By.GROUP, g, levels=dict(sorted(levels.items())))
            for g, levels in sorted(grouped.items())
        ]
    return calls


def _by_user(diff: _Diff) -> list[MembershipCall]:
    logins = sorted({login for login, _ in [*diff.add, *diff.remove, *diff.modify]})
    calls: list[MembershipCall] = []
    for login in logins:
        add = {g: lvl for (u, g), lvl in diff.add.items() if u == login}
        remove = {g for (u, g) in diff.remove if u == login}
        modify = {g: lvl for (u, g), lvl in diff.modify.items() if u == login}
        if modify and (add or remove):
            remove |= set(modify)  # leave and join again at the new level: 2 calls, not 3
            add |= modify
            modify = {}
        if remove:
            calls.append(
                MembershipCall(Membership.REMOVE, By.USER, login, members=tuple(sorted(remove)))
            )
        if add:
            calls.append(
                MembershipCall(Membership.ADD, By.USER, login, levels=dict(sorted(add.items())))
            )
        if modify:
            calls.append(
                MembershipCall(
                    Membership.MODIFY, By.USER, login, levels=dict(sorted(modify.items()))
                )
            )
    return calls


def run_memberships(caller: Caller, instance_id: str, calls: list[MembershipCall]) -> None:
    """Removals first, so that a group never holds an agent twice."""
    order = {Membership.REMOVE: 0, Membership.ADD: 1, Membership.MODIFY: 2}
    for call in sorted(calls, key=lambda c: (order[c.kind], c.by, c.target)):
        caller.call(*_wire(instance_id, call))


# The CCC operation of each batch call, and the name of its list parameter.
_OPERATIONS = {
    (By.GROUP, Membership.REMOVE): ("RemoveUsersFromSkillGroup", "UserIdList"),
    (By.GROUP, Membership.ADD): ("AddUsersToSkillGroup", "UserSkillLevelList"),
    (By.GROUP, Membership.MODIFY): ("ModifyUserLevelsOfSkillGroup", "UserLevelList"),
    (By.USER, Membership.REMOVE): ("RemoveSkillGroupsFromUser", "SkillGroupIdList"),
    (By.USER, Membership.ADD): ("AddSkillGroupsToUser", "SkillLevelList"),
    (By.USER, Membership.MODIFY): ("ModifySkillLevelsOfUser", "SkillLevelList"),
}


def _wire(instance_id: str, call: MembershipCall) -> tuple[str, dict[str, str]]:
    """A batch call as its CCC operation and parameters."""
    action, list_param = _OPERATIONS[(call.by, call.kind)]
    params = {"InstanceId": instance_id}
    if call.by is By.GROUP:
        params["SkillGroupId"] = scoped_id(call.target, instance_id)
    else:
        params["UserId"] = scoped_id(call.target, instance_id)
    if call.kind is Membership.REMOVE:
        members = [scoped_id(member, instance_id) for member in sorted(call.members)]
        params[list_param] = json_list(members)
    else:
        params[list_param] = skill_levels(instance_id, call.levels, by_group=call.by is By.GROUP)
    return action, params


def skill_levels(instance_id: str, levels: dict[str, int], *, by_group: bool) -> str:
    """A level list: of agents in a group (`userId`), or of groups of an agent
    (`skillGroupId`)."""
    key = "userId" if by_group else "skillGroupId"
    items = [
        {key: scoped_id(name, instance_id), "skillLevel": level}
        for name, level in sorted(levels.items())
    ]
    return json.dumps(items, separators=(",", ":"))
