"""Moves: an instance whose key was renamed, with the same access path, is the same instance.

The access path is an instance's identity: `support:` renamed to `helpdesk:` with the same
access path is planned as a move of `instance.support` (and everything managed inside it) to
`instance.helpdesk`. A move costs no API call; apply only rewrites the state. The planner
plans everything else against the state as it will be after the moves.
"""

from __future__ import annotations

import dataclasses

from cccform.addresses import Address, children_of
from cccform.config.models import LoadedConfig
from cccform.plan.models import Move
from cccform.state.models import State


def find_moves(loaded: LoadedConfig, state: State) -> list[Move]:
    """A move for each declared key the state does not know, whose access path is that of a
    managed instance that is no longer declared."""
    declared = loaded.config.instances
    by_access_path: dict[str, list[Address]] = {}
    for text, managed in state.resources.items():
        address = Address.try_parse(text)
        if address is None or not address.is_instance or address.instance in declared:
            continue
        access_path = managed.attributes.get("access_path")
        if isinstance(access_path, str):
            by_access_path.setdefault(access_path, []).append(address)
    moves = []
    for key, instance in declared.items():
        target = Address.of_instance(key)
        if str(target) in state.resources or str(target) in state.pending:
            continue
        sources = by_access_path.get(instance.access_path, [])
        if len(sources) == 1:  # two managed instances of one access path: not ours to pick
            source = sources[0]
            moves.append(
                Move(
                    address=target,
                    from_address=source,
                    remote_id=state.resources[str(source)].remote_id,
                )
            )
    return sorted(moves, key=lambda m: str(m.address))


def moved_state(state: State, moves: list[Move]) -> State:
    """`state` with every move applied: each instance and what lives in it under its new key."""
    if not moves:
        return state
    resources = dict(state.resources)
    pending = dict(state.pending)
    for move in moves:
        for text in [str(move.from_address), *children_of(move.from_address, state.resources)]:
            resources[moved_address(text, move)] = resources.pop(text)
        intent = pending.pop(str(move.from_address), None)
        if intent is not None:
            pending[str(move.address)] = intent
    return state.model_copy(update={"resources": resources, "pending": pending})


def moved_address(text: str, move: Move) -> str:
    """`text` (the moved instance, or an address inside it) under the instance's new key."""
    return str(dataclasses.replace(Address.parse(text), instance=move.address.instance))
