"""Skill-level changes as batch calls: one call per skill group and kind of change, or one per
agent, whichever makes fewer calls. Pure: it computes the calls; `run_memberships` makes them.

Kinds of change: add (join a group at a level), remove (leave a group), modify (new level in a
group the agent stays in). CCC's ModifySkillLevelsOfUser only modifies existing memberships, so
an agent whose change has all three kinds leaves the groups whose level changes and joins them
again at the new level: two calls for any change of one agent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cccform.providers import agents as ops
from cccform.providers.base import Caller


@dataclass(frozen=True)
class SkillChange:
    login: str
    before: dict[str, int]
    after: dict[str, int]


@dataclass(frozen=True)
class MembershipCall:
    """One batch call. `by` is "group" or "user"; `target` the group or login name."""

    kind: str  # "remove" | "add" | "modify"
    by: str
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
        MembershipCall("remove", "group", g, members=tuple(sorted(logins)))
        for g, logins in sorted(removes.items())
    ]
    for kind, source in (("add", diff.add), ("modify", diff.modify)):
        grouped: dict[str, dict[str, int]] = {}
        for (login, group), level in source.items():
            grouped.setdefault(group, {})[login] = level
        calls += [
            MembershipCall(kind, "group", g, levels=dict(sorted(levels.items())))
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
            calls.append(MembershipCall("remove", "user", login, members=tuple(sorted(remove))))
        if add:
            calls.append(MembershipCall("add", "user", login, levels=dict(sorted(add.items()))))
        if modify:
            calls.append(
                MembershipCall("modify", "user", login, levels=dict(sorted(modify.items())))
            )
    return calls


def run_memberships(caller: Caller, instance_id: str, calls: list[MembershipCall]) -> None:
    """Removals first, so that a group never holds an agent twice."""
    order = {"remove": 0, "add": 1, "modify": 2}
    for call in sorted(calls, key=lambda c: (order[c.kind], c.by, c.target)):
        _run(caller, instance_id, call)


def _run(caller: Caller, instance_id: str, call: MembershipCall) -> None:
    if call.by == "group":
        if call.kind == "remove":
            ops.remove_users_from_group(caller, instance_id, call.target, list(call.members))
        elif call.kind == "add":
            ops.add_users_to_group(caller, instance_id, call.target, call.levels)
        else:
            ops.modify_levels_in_group(caller, instance_id, call.target, call.levels)
    elif call.kind == "remove":
        ops.remove_groups_from_user(caller, instance_id, call.target, list(call.members))
    elif call.kind == "add":
        ops.add_groups_to_user(caller, instance_id, call.target, call.levels)
    else:
        ops.modify_levels_of_user(caller, instance_id, call.target, call.levels)
