"""Interactive approval: `yes` for the plan, the access path of each instance to delete."""

from __future__ import annotations

import sys
from typing import TextIO

from cccform.plan.models import Plan
from cccform.plan.qa import qa_cost_notes_of
from cccform.render.errors import render_error
from cccform.render.plan_view import warning_lines
from cccform.render.style import Style

PLAIN = Style()


def _ask(err: TextIO, question: str) -> str | None:
    err.write(question)
    err.flush()
    line = sys.stdin.readline()
    if line == "":
        return None
    return line.strip()


def confirm_plan(plan: Plan, err: TextIO, style: Style = PLAIN) -> bool:
    """Ask on the terminal; True only for exactly `yes` and every access path typed right.

    A wrong access path is said to be wrong: the view then says that nothing was changed.
    """
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
            if answer is not None:
                err.write("\n" + _mismatch(answer, str(change.address), access_path, style))
            return False
    return True


def _mismatch(answer: str, address: str, access_path: str, style: Style) -> str:
    return render_error(
        f"{answer!r} does not match the access path of {address} ({access_path})",
        style,
        hint=f"to delete {address}, run the apply again and type {access_path} exactly",
    )
