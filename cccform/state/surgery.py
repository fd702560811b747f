"""State surgery: move and remove entries of a state without touching the cloud.

Pure functions on a `State`: they return a new state and what they did, or raise
`UsageError` (an address that cannot be one) or `StateError` (a request that makes no sense
for this state: a source that is absent, a target that exists, an instance moved onto an
address inside an instance, an object moved to another kind).
"""

from __future__ import annotations

from dataclasses import dataclass

from cccform.addresses import Address, children_of
from cccform.errors import StateError, UsageError
from cccform.state.models import State


@dataclass(frozen=True)
class SurgeryResult:
    """The new state, and each (from, to) address moved or each address removed."""

    state: State
    moved: tuple[tuple[str, str], ...] = ()
    removed: tuple[str, ...] = ()


def parse_address(text: str) -> Address:
    try:
        return Address.parse(text)
    except ValueError as exc:
        raise UsageError(f"{exc}.") from None


def move(state: State, source_text: str, target_text: str) -> SurgeryResult:
    """Rename `source` to `target`; an instance takes what lives in it along."""
    source, target = parse_address(source_text), parse_address(target_text)
    if source == target:
        raise UsageError(f"{source} and {target} are the same address: nothing to move.")
    if source.is_instance != target.is_instance:
        what = "an instance" if source.is_instance else f"a {source.kind.value}"
        where = "an address inside an instance" if source.is_instance else "an instance address"
        raise UsageError(
            f"cannot move {source} to {target}: {what} cannot become {where}. "
            "Move an instance to instance.<key>, and an object to the same kind of address."
        )
    if source.kind is not target.kind:
        raise UsageError(
            f"cannot move {source} to {target}: a {source.kind.value} cannot become a "
            f"{target.kind.value}. Move it to instance.<key>.{source.kind.value}.<name>."
        )
    resources = dict(state.resources)
    pending = dict(state.pending)
    source_key, target_key = str(source), str(target)
    if source_key not in resources and source_key not in pending:
        raise StateError(f"{source} is not in the state: nothing to move (see cccform state list).")
    if target_key in resources or target_key in pending:
        raise StateError(
            f"cannot move {source} to {target}: {target} is already in the state. "
            f"Remove it first (cccform state rm {target}) if it should go."
        )
    if source.is_instance and children_of(target, resources):
        raise StateError(
            f"cannot move {source} to {target}: the state already holds objects inside "
            f"{target}. Remove them first (cccform state rm)."
        )
    if not source.is_instance and target.instance_address != source.instance_address:
        raise StateError(
            f"cannot move {source} to {target}: an object's id belongs to its instance, so it "
            "stays in it. To manage it elsewhere, declare it there; cccform adopts it."
        )
    if not source.is_instance and str(target.instance_address) not in resources:
        raise StateError(
            f"cannot move {source} to {target}: {target.instance_address} is not in the "
            "state, and an object lives in a managed instance."
        )
    moves = [(source_key, target_key)]
    if source.is_instance:
        old_prefix, new_prefix = f"{source_key}.", f"{target_key}."
        moves += [
            (child, new_prefix + child[len(old_prefix) :])
            for child in sorted(children_of(source, resources))
        ]
    for old, new in moves:
        if old in resources:
            resources[new] = resources.pop(old)
        if old in pending:
            pending[new] = pending.pop(old)
    changed = state.model_copy(update={"resources": resources, "pending": pending})
    return SurgeryResult(changed, moved=tuple(moves))


def remove(state: State, address_texts: list[str]) -> SurgeryResult:
    """Forget each address (an instance with what lives in it); the cloud is not touched."""
    addresses = [parse_address(text) for text in address_texts]
    resources = dict(state.resources)
    pending = dict(state.pending)
    absent = [str(a) for a in addresses if str(a) not in resources and str(a) not in pending]
    if absent:
        raise StateError(
            f"not in the state: {', '.join(absent)}. Nothing was removed (see cccform state list)."
        )
    removed: list[str] = []
    for address in addresses:
        key = str(address)
        doomed = [key] + (sorted(children_of(address, resources)) if address.is_instance else [])
        for item in doomed:
            if item in removed:
                continue
            resources.pop(item, None)
            pending.pop(item, None)
            removed.append(item)
    changed = state.model_copy(update={"resources": resources, "pending": pending})
    return SurgeryResult(changed, removed=tuple(removed))
