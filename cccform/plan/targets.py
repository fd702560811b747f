"""Partial plans (`--target`, `--exclude`): part of the full plan, and warnings that say so.

A target selects what its address names (an instance with everything in it) and pulls in the
changes those depend on (a number's flow, an agent's skill groups, the instance they live in).
An exclusion leaves out what it names and every change that depends on it. The plan remembers
its targets and exclusions, and its warnings say what was pulled in or left out. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cccform.addresses import Address
from cccform.errors import UsageError
from cccform.plan import messages
from cccform.plan.models import Change, Impact, Plan, PlanWarning


@dataclass(frozen=True)
class Selection:
    """What `--target` and `--exclude` asked for (neither: the whole plan)."""

    targets: tuple[Address, ...] = ()
    excludes: tuple[Address, ...] = ()

    @property
    def partial(self) -> bool:
        return bool(self.targets or self.excludes)

    def excluded(self, address: Address) -> bool:
        return any(exclude.contains(address) for exclude in self.excludes)

    def chosen(self, address: Address) -> bool:
        if self.excluded(address):
            return False
        return not self.targets or any(target.contains(address) for target in self.targets)


WHOLE = Selection()


def select(plan: Plan, selection: Selection, known: Iterable[Address]) -> Plan:
    """The part of `plan` that `selection` asks for; `known` are the addresses the configuration
    and the state hold (a target or an exclusion that names none of them is a usage error)."""
    if not selection.partial:
        return plan
    _check_known(selection, set(known) | {c.address for c in plan.changes})
    _check_moves(selection, plan)
    by_key = {change.key: change for change in plan.changes}
    blocked = _with_dependents({c.key for c in plan.changes if selection.excluded(c.address)}, plan)
    seed = {c.key for c in plan.changes if selection.chosen(c.address) and c.key not in blocked}
    kept = _with_dependencies(seed, by_key)
    changes = [c for c in plan.changes if c.key in kept]
    addresses = {c.address for c in changes}

    def wanted(address: Address | None) -> bool:
        return address is not None and (address in addresses or selection.chosen(address))

    warnings = [w for w in plan.warnings if any(wanted(Address.try_parse(s)) for s in w.subjects)]
    warnings += _partial_warnings(selection, plan.changes, seed, kept, blocked)
    return plan.model_copy(
        update={
            "changes": changes,
            "errors": [e for e in plan.errors if wanted(e.address)],
            "forget": [f for f in plan.forget if wanted(f.address)],
            "refreshed": [r for r in plan.refreshed if wanted(r.address)],
            "moves": plan.moves,  # every side of each is chosen (_check_moves)
            "impacts": _about(plan.impacts, wanted),
            "notes": _about(plan.notes, wanted),
            "warnings": warnings,
            "targets": list(selection.targets),
            "excludes": list(selection.excludes),
        }
    )


def _check_known(selection: Selection, known: set[Address]) -> None:
    for flag, addresses in (("--target", selection.targets), ("--exclude", selection.excludes)):
        for address in addresses:
            if not any(address.contains(other) for other in known):
                raise UsageError(messages.unknown_selection(flag, str(address)))


def _check_moves(selection: Selection, plan: Plan) -> None:
    """Refuse a partial plan that leaves out a side of a move, as Terraform refuses a targeted
    plan that leaves out a pending move: everything else is planned as after every move, so
    a move left out would leave changes landing on the wrong instance's records."""
    uncovered = [
        m
        for m in plan.moves
        if not (selection.chosen(m.from_address) and selection.chosen(m.address))
    ]
    if not uncovered:
        return
    sides = sorted({a for m in uncovered for a in (m.from_address, m.address)}, key=str)
    excluded = [str(a) for a in sides if selection.excluded(a)]
    targeted = [a for a in sides if any(t.contains(a) for t in selection.targets)]
    missing = [str(a) for a in sides if selection.targets and a not in targeted]
    moves = sorted((str(m.from_address), str(m.address)) for m in uncovered)
    raise UsageError(messages.partial_moves(moves, missing, excluded))


def _with_dependents(keys: set[str], plan: Plan) -> set[str]:
    """`keys` and every change that depends on one of them, directly or not."""
    found = set(keys)
    grew = True
    while grew:
        more = {c.key for c in plan.changes if c.key not in found and found & set(c.depends_on)}
        found |= more
        grew = bool(more)
    return found


def _with_dependencies(keys: set[str], by_key: dict[str, Change]) -> set[str]:
    """`keys` and every change they depend on, directly or not."""
    found = set(keys)
    todo = list(keys)
    while todo:
        for dependency in by_key[todo.pop()].depends_on:
            if dependency in by_key and dependency not in found:
                found.add(dependency)
                todo.append(dependency)
    return found


def _about(impacts: list[Impact], wanted: Callable[[Address | None], bool]) -> list[Impact]:
    return [i for i in impacts if wanted(Address.try_parse(i.subject))]


def _partial_warnings(
    selection: Selection, changes: list[Change], seed: set[str], kept: set[str], blocked: set[str]
) -> list[PlanWarning]:
    asked = [f"--target {a}" for a in selection.targets]
    asked += [f"--exclude {a}" for a in selection.excludes]
    subjects = [str(a) for a in (*selection.targets, *selection.excludes)]
    message = messages.partial_plan(asked)
    warnings = [PlanWarning(kind="partial_plan", subjects=subjects, message=message)]
    for change in changes:
        if change.key in kept and change.key not in seed:
            needed_by = sorted(
                {str(c.address) for c in changes if c.key in kept and change.key in c.depends_on}
            )
            message = messages.pulled_in(str(change.address), change.action.value, needed_by)
            warnings.append(
                PlanWarning(
                    kind="target_dependency", subjects=[str(change.address)], message=message
                )
            )
        elif change.key in blocked and not selection.excluded(change.address):
            if selection.targets and not any(t.contains(change.address) for t in selection.targets):
                continue
            message = messages.left_out(str(change.address), change.action.value)
            warnings.append(
                PlanWarning(
                    kind="excluded_dependent", subjects=[str(change.address)], message=message
                )
            )
    return warnings
