"""The calls of the steps that change what lives inside an instance: each step is handed to
the kind it belongs to. Run in worker threads."""

from __future__ import annotations

from cccform.apply.schedule import ADOPT_STEP, Step, StepResult
from cccform.kinds import kind_of
from cccform.wire import Caller


def addresses_needed(step: Step) -> list[str]:
    """The objects made by earlier steps whose remote ids `step` needs (e.g. the flows that
    numbers route to)."""
    kind = kind_of(step.resource_type)
    return [str(address) for change in step.changes for address in kind.ids_needed(change)]


def run_content_step(step: Step, caller: Caller, ids: dict[str, str]) -> StepResult:
    """Make the calls of `step`; its result holds the remote ids of what it created.

    `ids` holds the remote ids the step needs that earlier steps made (e.g. a new flow's id
    for the numbers that route to it).
    """
    if step.kind == ADOPT_STEP:  # it exists already: the state records it, nothing is called
        return StepResult()
    created = kind_of(step.resource_type).run(step.kind, step.parts, caller, ids)
    return StepResult(created=created)
