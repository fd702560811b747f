"""Interactive approval: `yes` for the plan, the access path of each instance to delete."""

from __future__ import annotations

import sys
from typing import TextIO

from cccform.plan.models import Plan
from cccform.plan.qa import qa_cost_notes_of
from cccform.render.plan_view import warning_lines


def _ask(err: TextIO, question: str) -> str | None:
    err.write(question)
    err.flush()
    line = sys.stdin.readline()
    if line == "":
        return None
    return line.strip()


def confirm_plan(plan: Plan, err: TextIO) -> bool:
    """Ask on the terminal; True only for exactly `yes` and every access path typed right."""
    err.write(
        "\nDo you want to perform these actions?\n"
        "  cccform will perform the actions described above.\n"
    )
    for warning in plan.warnings:
        err.write("\n".join(warning_lines(warning.message, indent="  ")) + "\n")
    for note in qa_cost_notes_of(plan.notes):
        err.write(f"  {note.subject}: {note.message}.\n")
    if plan.forget:
        err.write("  cccform will stop tracking these objects (nothing is changed in them):\n")
        for entry in plan.forget:
            err.write(f"    - {entry.address} ({entry.remote_id}): {entry.reason}\n")
    err.write("  Only 'yes' will be accepted to approve.\n\n")
    if _ask(err, "  Enter a value: ") != "yes":
        return False
    for change in plan.deletions:
        if not change.address.is_instance:
            continue  # contents: the plan listed them, and `yes` approved it
        access_path = str((change.before or {}).get("access_path", change.remote_id))
        err.write(f"\n{change.address} will be deleted, with everything in it.\n")
        for impact in plan.impacts:
            if impact.kind == "deleted_with_instance" and impact.subject == str(change.address):
                err.write(f"  {impact.message.capitalize()}.\n")
        answer = _ask(err, f"  Type its access path ({access_path}) to confirm: ")
        if answer != access_path:
            return False
    return True
