"""What enabling conversation analysis (QA) costs, said wherever the plan is reviewed. Pure.

Enabling QA is one-way, and on Alibaba Cloud it is a change of configuration (变配): a paid
order billed to the account. Each `enable_qa` change gets a note of kind `QA_COST`, so the
human plan, the approval prompt and the JSON plan all say so.
"""

from __future__ import annotations

from cccform.plan.models import Action, Change, Impact

QA_COST = "qa_one_way_paid"

QA_COST_MESSAGE = (
    "enabling conversation analysis (QA) is one-way: it cannot be turned off afterwards; "
    "on Alibaba Cloud it is a change of configuration, a paid order billed to the account"
)


def qa_cost_notes(changes: list[Change]) -> list[Impact]:
    """One note for each instance whose QA the plan enables."""
    return [
        Impact(
            instance=change.instance,
            kind=QA_COST,
            subject=str(change.address),
            message=QA_COST_MESSAGE,
            before=False,
            after=True,
        )
        for change in changes
        if change.action is Action.ENABLE_QA
    ]


def qa_cost_notes_of(notes: list[Impact]) -> list[Impact]:
    """The QA cost notes among a plan's notes."""
    return [note for note in notes if note.kind == QA_COST]
