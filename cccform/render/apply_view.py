"""Apply progress lines and the closing summary."""

from __future__ import annotations

from typing import TextIO

from cccform.apply.result import ApplyResult, DeletedWith, StepStatus
from cccform.plan.messages import count_by_kind
from cccform.plan.models import Action, Change
from cccform.printable import printable
from cccform.render.style import Style

_VERBS = {
    Action.CREATE: ("Creating...", "Creation complete", "still creating..."),
    Action.ADOPT: ("Adopting...", "Adoption complete", "still adopting..."),
    Action.UPDATE: ("Modifying...", "Modifications complete", "still modifying..."),
    Action.DELETE: ("Deleting...", "Deletion complete", "still deleting..."),
    Action.ENABLE_QA: (
        "Enabling conversation analysis (QA)...",
        "Conversation analysis (QA) enabled",
        "still enabling conversation analysis (QA)...",
    ),
}


class ProgressPrinter:
    """An ApplyObserver that writes one line per event."""

    def __init__(self, out: TextIO, style: Style) -> None:
        self.out = out
        self.style = style

    def _line(self, change: Change, text: str) -> None:
        address = printable(str(change.address))
        self.out.write(f"{self.style(address, 'bold')}: {printable(text)}\n")
        self.out.flush()

    def step_started(self, change: Change) -> None:
        self._line(change, _VERBS[change.action][0])

    def step_waiting(self, change: Change, elapsed: float) -> None:
        self._line(change, f"{_VERBS[change.action][2]} [{elapsed:.0f}s elapsed]")

    def step_finished(self, change: Change, elapsed: float) -> None:
        created = change.action is Action.CREATE and change.remote_id
        suffix = f" [id={change.remote_id}]" if created else ""
        self._line(change, f"{_VERBS[change.action][1]} after {elapsed:.0f}s{suffix}")

    def step_failed(self, change: Change, error: str) -> None:
        self._line(change, self.style(f"{change.action.value} failed: {error}", "red"))

    def step_manual(self, change: Change, instructions: str) -> None:
        self._line(change, self.style(f"needs a manual step: {instructions}", "yellow"))

    def step_skipped(self, change: Change, because: str) -> None:
        self._line(change, f"{change.action.value} skipped: {because}")


def render_result(result: ApplyResult, style: Style) -> str:
    done = result.done_counts()
    adopted = f"{done[Action.ADOPT]} adopted, " if done[Action.ADOPT] else ""
    counts = (
        f"{adopted}{done[Action.CREATE]} created, {done[Action.UPDATE]} updated, "
        f"{done[Action.DELETE]} deleted, {done[Action.ENABLE_QA]} QA enabled"
    )
    if result.moved:
        counts += f", {len(result.moved)} moved"
    if result.forgotten:
        counts += f", {len(result.forgotten)} forgotten"
    if result.refreshed:
        counts += f", {len(result.refreshed)} refreshed in the state"
    swept = _deleted_with(result.deleted_with)
    if result.complete:
        headline = style(f"Apply complete! Resources: {counts}.", "green", "bold")
        return "\n" + "\n".join([headline, *swept]) + "\n"
    lines = [""]
    if result.interrupted:
        lines.append(style("Interrupted.", "yellow", "bold") + f" Done: {counts}. State is saved.")
    else:
        failed = len(result.with_status(StepStatus.FAILED))
        manual = len(result.with_status(StepStatus.MANUAL))
        skipped = len(result.with_status(StepStatus.SKIPPED))
        need = f", {manual} need a manual step" if manual else ""
        lines.append(
            style("Apply partly done: ", "red", "bold")
            + f"{counts}; {failed} failed{need}, {skipped} skipped. State is saved."
        )
    lines += swept
    for outcome in result.outcomes:
        if outcome.status is not StepStatus.DONE:
            change = outcome.change
            address = printable(str(change.address))
            lines.append(
                f"  {outcome.status.value}: {address} ({change.action.value}): {outcome.message}"
            )
    lines.append("Run cccform plan to see what is left.")
    return "\n".join(lines) + "\n"


def _deleted_with(deleted: list[DeletedWith]) -> list[str]:
    """`  1 instance deleted, with 2 agents, 1 flow; 1 number stops answering (...).`"""
    if not deleted:
        return []
    instances = f"{len(deleted)} instance{'' if len(deleted) == 1 else 's'} deleted"
    contents = [address for entry in deleted for address in entry.contents]
    them = "it" if len(deleted) == 1 else "them"
    what = count_by_kind(contents) if contents else f"everything in {them} (nothing managed here)"
    line = f"  {instances}, with {what}"
    numbers = [number for entry in deleted for number in entry.phone_numbers]
    if numbers:
        stop = "number stops" if len(numbers) == 1 else "numbers stop"
        line += f"; {len(numbers)} {stop} answering ({', '.join(numbers)})"
    return [line + "."]
