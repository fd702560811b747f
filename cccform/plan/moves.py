"""Moves: an instance whose key was renamed, with the same access path, is the same instance.

The access path is an instance's identity: `support:` renamed to `helpdesk:` with the same
access path is planned as a move of `instance.support` (and everything managed inside it) to
`instance.helpdesk`. Keys swapped, or renamed in a ring (`a:` now declaring what `b:` managed
and `b:` what `a:` managed), are moves too, applied together. A move costs no API call; apply
only rewrites the state. The planner plans everything else against the state as it will be
after the moves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from cccform.addresses import Address, children_of
from cccform.config.models import LoadedConfig
from cccform.plan.models import Move
from cccform.state.models import ResourceState, State


def find_moves(loaded: LoadedConfig, state: State) -> list[Move]:
    """A move for each declared key that does not name, in the state, the instance of its
    access path, when exactly one managed instance of that access path is no longer declared
    under its key. A move onto a key the state manages is kept only when that key's instance
    moves away in the same plan."""
    declared = loaded.config.instances
    leaving: dict[str, list[Address]] = {}  # access path -> managed instances not declared so
    for text, managed in state.resources.items():
        address = Address.try_parse(text)
        if address is None or not address.is_instance:
            continue
        access_path = _access_path(managed)
        still = declared.get(address.instance)
        if access_path is not None and (still is None or still.access_path != access_path):
            leaving.setdefault(access_path, []).append(address)
    moves = []
    for key, instance in declared.items():
        target = Address.of_instance(key)
        if str(target) in state.pending:
            continue
        there = state.resources.get(str(target))
        if there is not None and _access_path(there) == instance.access_path:
            continue  # the same instance, under the same key
        sources = leaving.get(instance.access_path, [])
        if len(sources) == 1:  # two managed instances of one access path: not ours to pick
            source = sources[0]
            moves.append(
                Move(
                    address=target,
                    from_address=source,
                    remote_id=state.resources[str(source)].remote_id,
                )
            )
    return sorted(onto_free_keys(moves, state.resources), key=lambda m: str(m.address))


def onto_free_keys(moves: list[Move], managed: Iterable[str]) -> list[Move]:
    """The moves that never land on a key the state manages and keeps: a move onto a managed
    key stays only while a move of that key stays (dropping one can drop those that needed
    it, so until nothing changes)."""
    occupied = set(managed)
    kept = list(moves)
    while True:
        vacated = {str(m.from_address) for m in kept}
        still = [m for m in kept if str(m.address) not in occupied or str(m.address) in vacated]
        if len(still) == len(kept):
            return kept
        kept = still


def _access_path(managed: ResourceState) -> str | None:
    access_path = managed.attributes.get("access_path")
    return access_path if isinstance(access_path, str) else None


def moved_state(state: State, moves: list[Move]) -> State:
    """`state` with every move applied at once: each instance and what lives in it under its
    new key (so that two keys can swap)."""
    if not moves:
        return state
    resources = dict(state.resources)
    pending = dict(state.pending)
    landing: dict[str, ResourceState] = {}
    intents = {}
    for move in moves:
        for text in [str(move.from_address), *children_of(move.from_address, state.resources)]:
            landing[moved_address(text, move)] = resources.pop(text)
        intent = pending.pop(str(move.from_address), None)
        if intent is not None:
            intents[str(move.address)] = intent
    resources.update(landing)
    pending.update(intents)
    return state.model_copy(update={"resources": resources, "pending": pending})


def moved_address(text: str, move: Move) -> str:
    """`text` (the moved instance, or an address inside it) under the instance's new key."""
    return str(dataclasses.replace(Address.parse(text), instance=move.address.instance))
