"""One view per command, human or JSON, chosen once by the command (`plan_view(as_json, ...)`).

A command hands its run a view (which the run tells of the plan as soon as it exists and asks
for the observer of apply's progress) and then hands the run's outcome to the same view.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from cccform.apply.observer import ApplyObserver
from cccform.plan.models import Plan
from cccform.plan.review import Verdict
from cccform.render.apply_view import ProgressPrinter, render_result
from cccform.render.json_plan import apply_output, plan_document
from cccform.render.markdown_plan import MarkdownOptions, render_markdown
from cccform.render.plan_view import render_plan, render_rejections
from cccform.render.state_view import (
    history_document,
    render_addresses,
    render_history,
    render_pending_note,
    render_state,
    state_document,
)
from cccform.render.style import Style
from cccform.run import ApplyOutcome, PlanOutcome, ShowOutcome
from cccform.state.models import HistoryEntry, State


@dataclass(frozen=True)
class Terminal:
    """Where views write, and how each stream is styled (colour only on a terminal)."""

    out: TextIO
    err: TextIO
    style: Callable[[TextIO], Style]

    def write_json(self, doc: dict[str, Any]) -> None:
        # JSON escapes control characters itself; the human views' escaping would break it.
        raw: TextIO = getattr(self.out, "raw", self.out)
        raw.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")

    def show_plan(self, plan: Plan) -> None:
        """The plan on stdout, its rejections on stderr."""
        doc = plan_document(plan)
        self.out.write(render_plan(doc, self.style(self.out)))
        self.out.flush()
        self.show_rejections(doc)

    def show_rejections(self, doc: dict[str, Any]) -> None:
        self.err.write(render_rejections(doc, self.style(self.err)))


# -- plan ----------------------------------------------------------------------


class PlanView(Protocol):
    """`cccform plan`."""

    def planned(self, plan: Plan) -> None: ...

    def finished(self, outcome: PlanOutcome) -> None: ...


class HumanPlanView:
    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def planned(self, plan: Plan) -> None:
        self.terminal.show_plan(plan)

    def finished(self, outcome: PlanOutcome) -> None:
        out = self.terminal.out
        if outcome.saved_to is not None:
            out.write(
                f"\nSaved the plan to: {outcome.saved_to}\n\nTo perform exactly these actions, "
                f"run:\n    cccform apply {outcome.saved_to}\n"
            )
        elif outcome.verdict is Verdict.CHANGES:
            out.write(
                "\nNote: you didn't use --out to save this plan, so cccform can't guarantee "
                "to take exactly these actions if you run cccform apply now.\n"
            )


class JsonPlanView:
    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def planned(self, plan: Plan) -> None:
        self.terminal.write_json(plan_document(plan))

    def finished(self, outcome: PlanOutcome) -> None:
        pass  # the document said it all


class MarkdownPlanView:
    """The plan as markdown on stdout (a pull-request comment); rejections stay on stderr."""

    def __init__(self, terminal: Terminal, options: MarkdownOptions) -> None:
        self.terminal = terminal
        self.options = options

    def planned(self, plan: Plan) -> None:
        doc = plan_document(plan)
        self.terminal.out.write(render_markdown(doc, self.options))
        self.terminal.out.flush()
        self.terminal.show_rejections(doc)

    def finished(self, outcome: PlanOutcome) -> None:
        # On stderr: stdout is the comment, and a note after it would end up in it.
        if outcome.saved_to is not None:
            self.terminal.err.write(f"Saved the plan to: {outcome.saved_to}\n")


def plan_view(
    as_json: bool, terminal: Terminal, markdown: MarkdownOptions | None = None
) -> PlanView:
    if markdown is not None:
        return MarkdownPlanView(terminal, markdown)
    return JsonPlanView(terminal) if as_json else HumanPlanView(terminal)


# -- apply ---------------------------------------------------------------------


class ApplyView(Protocol):
    """`cccform apply`."""

    def planned(self, plan: Plan) -> None: ...

    def applying(self) -> ApplyObserver: ...

    def finished(self, outcome: ApplyOutcome) -> None: ...


class HumanApplyView:
    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def planned(self, plan: Plan) -> None:
        self.terminal.show_plan(plan)

    def applying(self) -> ApplyObserver:
        out = self.terminal.out
        out.write("\n")
        return ProgressPrinter(out, self.terminal.style(out))

    def finished(self, outcome: ApplyOutcome) -> None:
        terminal = self.terminal
        verdict = outcome.verdict
        # a planned configuration's rejections were shown with the plan; a saved plan's were not
        if verdict.unapproved or (verdict.rejected and outcome.from_file):
            terminal.show_rejections(plan_document(outcome.plan))
        elif verdict is Verdict.CANCELLED:
            terminal.err.write("\nApply cancelled. Nothing was changed.\n")
        elif outcome.result is not None:
            terminal.out.write(render_result(outcome.result, terminal.style(terminal.out)))


class JsonApplyView:
    """One JSON document on stdout; progress and rejections go to stderr."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def planned(self, plan: Plan) -> None:
        pass  # the plan is part of the document written at the end

    def applying(self) -> ApplyObserver:
        err = self.terminal.err
        return ProgressPrinter(err, self.terminal.style(err))

    def finished(self, outcome: ApplyOutcome) -> None:
        if outcome.verdict.rejected:
            self.terminal.show_rejections(plan_document(outcome.plan))
        self.terminal.write_json(apply_output(outcome.plan, outcome.result))


def apply_view(as_json: bool, terminal: Terminal) -> ApplyView:
    return JsonApplyView(terminal) if as_json else HumanApplyView(terminal)


# -- show and state list ---------------------------------------------------------


class ShowView(Protocol):
    """`cccform show`: a saved plan or the state."""

    def finished(self, outcome: ShowOutcome) -> None: ...


class HumanShowView:
    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def finished(self, outcome: ShowOutcome) -> None:
        if outcome.plan is not None:
            self.terminal.show_plan(outcome.plan)
        elif outcome.state is not None:
            self.terminal.out.write(render_state(outcome.state))


class JsonShowView:
    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def finished(self, outcome: ShowOutcome) -> None:
        if outcome.plan is not None:
            self.terminal.write_json(plan_document(outcome.plan))
        elif outcome.state is not None:
            self.terminal.write_json(state_document(outcome.state))


class MarkdownShowView:
    """`show --markdown PLANFILE`: the saved plan as a pull-request comment."""

    def __init__(self, terminal: Terminal, options: MarkdownOptions) -> None:
        self.terminal = terminal
        self.options = options

    def finished(self, outcome: ShowOutcome) -> None:
        if outcome.plan is not None:  # the command refuses --markdown for a state
            self.terminal.out.write(render_markdown(plan_document(outcome.plan), self.options))


def show_view(
    as_json: bool, terminal: Terminal, markdown: MarkdownOptions | None = None
) -> ShowView:
    if markdown is not None:
        return MarkdownShowView(terminal, markdown)
    return JsonShowView(terminal) if as_json else HumanShowView(terminal)


def show_addresses(terminal: Terminal, state: State) -> None:
    """`cccform state list`: managed addresses, one per line (there is no JSON form); the
    creations not confirmed yet, which are not addresses to script with, on stderr."""
    terminal.out.write(render_addresses(state))
    terminal.err.write(render_pending_note(state))


def show_history(
    terminal: Terminal, where: str, entries: list[HistoryEntry], as_json: bool
) -> None:
    """`cccform state history`: the kept serials, newest first (a table, or one document)."""
    if as_json:
        terminal.write_json(history_document(where, entries))
    else:
        terminal.out.write(render_history(where, entries))
