"""What enabling QA costs, and conversation_analysis left out of the configuration."""

from __future__ import annotations

from cccform.plan.models import RejectionKind
from cccform.plan.planner import plan
from cccform.plan.qa import QA_COST, qa_cost_notes_of
from cccform.state.models import State
from tests.plan.test_planner import BASE, inventory, live, loaded, managed


def test_each_enabling_of_qa_gets_a_cost_note() -> None:
    config = loaded(
        support={**BASE, "conversation_analysis": True},
        sales={**BASE, "access_path": "acme-sales", "phone_numbers": ("057100000002",)},
    )
    result = plan(config, State(), inventory(), state_exists=False)
    (note,) = qa_cost_notes_of(result.notes)
    assert (note.instance, note.kind, note.subject) == ("support", QA_COST, "instance.support")
    assert (note.before, note.after) == (False, True)
    assert "one-way" in note.message and "paid order" in note.message


def test_qa_already_on_costs_nothing_more() -> None:
    resource = managed(protect=True, conversation_analysis=True)
    state = State(resources={"instance.support": resource})
    config = loaded(support={**BASE, "conversation_analysis": True})
    result = plan(config, state, inventory(live(qa=None)), state_exists=True)
    assert qa_cost_notes_of(result.notes) == []


def test_omitted_conversation_analysis_is_explained_as_false() -> None:
    resource = managed(protect=True, conversation_analysis=True)
    state = State(resources={"instance.support": resource})
    result = plan(loaded(support=BASE), state, inventory(live(qa=None)), state_exists=True)
    (error,) = result.errors
    assert (error.field, error.kind) == ("conversation_analysis", RejectionKind.ONE_WAY)
    assert error.message.startswith("conversation_analysis is omitted, and omitted means false")
    assert "add conversation_analysis: true to instance.support" in error.hint


def test_explicit_false_is_not_called_omitted() -> None:
    resource = managed(protect=True, conversation_analysis=True)
    state = State(resources={"instance.support": resource})
    config = loaded(support={**BASE, "conversation_analysis": False})
    (error,) = plan(config, state, inventory(live(qa=None)), state_exists=True).errors
    assert "omitted" not in error.message
