"""What each rejection says, and what to do instead."""

from __future__ import annotations

import json
from typing import Any

AFTER_ADOPTION = "it exists already: adopted first, then changed to what the configuration says"
PLATFORM_DEFAULTS = (
    "the platform also creates administrators (admins, or you when none are given), a default "
    "skill group and a default IVR flow that the numbers route to; cccform leaves them alone "
    "unless you declare them"
)


def show(value: Any) -> str:
    """A value as the user would write it in YAML (JSON is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def immutable(field: str, before: Any, after: Any) -> tuple[str, str]:
    what, other = {
        "name": ("the name of an instance is fixed when it is created", "another name"),
        "access_path": (
            "the access path is the instance id and is fixed when it is created",
            "another access path",
        ),
        "phone_numbers": (
            "phone numbers are bound when the instance is created and cannot change",
            "other numbers",
        ),
    }[field]
    message = f"{field} cannot change: {what} ({show(before)} -> {show(after)})"
    hint = (
        f"put back {field}: {show(before)}. For {other}, declare a new instance under another "
        "key and remove this one (a deliberate deletion)."
    )
    return message, hint


def admins_changed(before: Any, after: Any) -> tuple[str, str]:
    message = (
        "admins cannot change: they are used only when the instance is created "
        f"({show(before)} -> {show(after)})"
    )
    hint = (
        f"put back admins: {show(before)}; manage the administrators of a running instance "
        "in the CCC console."
    )
    return message, hint


def one_way_qa() -> tuple[str, str]:
    message = (
        "conversation_analysis cannot be turned off: conversation analysis (QA) is one-way, "
        "and the product offers no way to turn it off from the call center"
    )
    hint = "set conversation_analysis: true for this instance."
    return message, hint


def protected() -> tuple[str, str]:
    message = "is protected against deletion (deletion_protection, as last applied)"
    hint = (
        "to delete it, first set deletion_protection: false on it and apply; then remove it. "
        "To keep it, put it back in the configuration."
    )
    return message, hint


def delete_not_allowed(access_path: str | None) -> tuple[str, str]:
    """An instance is named by its access path too; an object inside one by its address only."""
    which = f" (access path {access_path})" if access_path is not None else ""
    message = f"would be deleted{which}, and deletion was not allowed"
    hint = "review the plan, then run again with --allow-delete to allow deletions."
    return message, hint


def forget_not_allowed(remote_id: str, reason: str) -> tuple[str, str]:
    message = (
        f"would be forgotten, dropped from the state ({remote_id}: {reason}), and forgetting "
        "was not allowed"
    )
    hint = (
        "if it really is gone or no longer yours to manage, run again with --allow-forget; if "
        "it should still be there, check the provider block (type, region or endpoint, "
        "account) before applying."
    )
    return message, hint


def content_immutable(kind: str, name: str, field: str, before: Any, after: Any) -> tuple[str, str]:
    label = kind.replace("_", " ")
    message = (
        f"{field} of {label} {name!r} cannot change after it is created "
        f"({show(before)} -> {show(after)})"
    )
    hint = (
        f"put back {field}: {show(before)}. For another {field}, declare a new {label} under "
        "another name and remove this one (a deliberate deletion)."
    )
    return message, hint


def immutable_at_adoption(
    kind: str, name: str, field: str, before: Any, after: Any
) -> tuple[str, str]:
    """An object to adopt differs in what can never change: adopting it would not make it
    what the configuration says, and adoption is never a way to replace it."""
    label = kind.replace("_", " ")
    message = (
        f"{label} {name!r} exists already, with {field} {show(before)}; the configuration says "
        f"{show(after)}, and {field} cannot change once it is created, so it cannot be adopted"
    )
    hint = (
        f"to adopt it, set {field}: {show(before)}. If it is another {label}, give yours "
        f"another {'access path' if label == 'instance' else 'name'}, so that a new one is "
        "created."
    )
    return message, hint


def in_use(users: list[str]) -> tuple[str, str]:
    shown = ", ".join(users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
    verb = "uses" if len(users) == 1 else "use"
    message = f"would be deleted, but {shown} still {verb} it, and the plan keeps them"
    hint = (
        "move those users to something that stays (in the CCC console, or by declaring them), "
        "or keep this object in the configuration."
    )
    return message, hint


def abandoned_creation(access_path: str) -> str:
    return (
        f"an interrupted creation, no longer declared: instance {access_path} exists; declare "
        "it again to manage it, or delete it in the CCC console"
    )


def number_bound(number: str, holder: str, managed_as: str | None) -> tuple[str, str]:
    who = f"managed here as {managed_as}" if managed_as else "not managed by this state"
    message = (
        f"phone number {number} is already bound to another instance, {holder} ({who}): "
        "the creation would fail"
    )
    hint = (
        f"remove {number} from phone_numbers, or choose another number; a number is free "
        f"again only once instance {holder} is deleted."
    )
    return message, hint


def omitted_qa(key: str) -> tuple[str, str]:
    message = (
        "conversation_analysis is omitted, and omitted means false; but conversation analysis "
        "(QA) is on for this instance, and it is one-way: it cannot be turned off"
    )
    hint = (
        f"add conversation_analysis: true to instance.{key}: QA stays on either way, and the "
        "configuration should say so."
    )
    return message, hint


def count_by_kind(contents: list[str]) -> str:
    """`1 agent, 2 skill groups`: the addresses of objects in instances, counted by kind."""
    by_kind: dict[str, int] = {}
    for address in contents:
        kind = address.split(".")[2].replace("_", " ")
        by_kind[kind] = by_kind.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in sorted(by_kind.items()))


def deleted_with_instance(contents: list[str], numbers: list[str]) -> str:
    """What deleting an instance takes with it: its managed contents, and calls to its numbers."""
    parts = []
    if contents:
        counted = count_by_kind(contents)
        parts.append(f"deleting it also deletes everything in it, managed here: {counted}")
    else:
        parts.append("deleting it also deletes everything in it (nothing in it is managed here)")
    if numbers:
        parts.append(f"these numbers stop answering: {', '.join(numbers)}")
    return "; ".join(parts)


def all_instances_gone(count: int, binding: str | None) -> str:
    """Every instance the state manages is missing: more likely the wrong place than deletions."""
    where = f"at {binding}" if binding else "at the provider this run talks to"
    if count == 1:
        missing = f"the one instance this state manages does not exist {where}"
        them = "it"
    else:
        missing = f"none of the {count} instances this state manages exists {where}"
        them = "them"
    return (
        f"{missing}. This looks like a wrong provider, region or account (or a restored or "
        "replaced emulation) rather than deletions outside cccform: check the provider block "
        f"and the state's binding before applying, since this plan would create {them} again or "
        f"forget {them}"
    )


def partial_plan(asked: list[str]) -> str:
    """A plan made with --target or --exclude, as Terraform warns of resource targeting."""
    return (
        f"this plan is partial ({', '.join(asked)}): it leaves out changes the configuration "
        "asks for, so after applying it the call center may still differ from the "
        "configuration. Use it for exceptional cases (recovering from a mistake, working "
        "around a failing object), not routinely, and run cccform plan without them afterwards"
    )


def pulled_in(address: str, action: str, needed_by: list[str]) -> str:
    """A change planned although no target names it: a selected change depends on it."""
    verb = "depends" if len(needed_by) == 1 else "depend"
    return f"{address} ({action}) is planned too: {', '.join(needed_by)} {verb} on it"


def left_out(address: str, action: str) -> str:
    """A change left out although selected: it depends on something excluded."""
    return f"{address} ({action}) is left out too: it depends on a change that --exclude leaves out"


def unknown_selection(flag: str, address: str) -> str:
    """A --target or --exclude that names nothing cccform knows."""
    return (
        f"{flag} {address} names nothing in the configuration or the state; check the "
        "address (cccform state list shows the managed ones)"
    )


def partial_moves(moves: list[tuple[str, str]], missing: list[str], excluded: list[str]) -> str:
    """A --target or --exclude that leaves out a side of a move (a renamed instance key)."""
    shown = ", ".join(f"{source} to {target}" for source, target in moves)
    fixes = []
    if missing:
        fixes.append("add " + " ".join(f"--target {address}" for address in missing))
    if excluded:
        fixes.append("do not exclude " + ", ".join(excluded))
    return (
        f"this plan moves {shown} (renamed instance keys), and a partial plan must take both "
        "sides of every move, or the state would be left with an instance under two keys or "
        "under none. Plan without --target and --exclude, or " + " and ".join(fixes)
    )


def refresh_skipped() -> str:
    """A plan made from the state alone (--refresh=false): what it cannot see."""
    return (
        "this plan was made from the state alone (--refresh=false): no object was read "
        "from the provider, so it cannot see changes made outside cccform, objects deleted "
        "outside it, or objects that exist but this state does not manage (it plans to "
        "create them, where a refresh would adopt them). Applying it may fail, or undo such a "
        "change without showing it: run cccform plan without --refresh=false before applying"
    )


def remade(old_id: str) -> str:
    """Why a managed object is adopted again: deleted and made anew outside cccform."""
    return (
        f"made again outside cccform under the same name: its id is no longer {old_id}; "
        "cccform records the new one"
    )


def adopted_while_creating(instance_id: str) -> str:
    return (
        f"{instance_id} is still being created: cccform adopts it now and changes nothing in "
        "it yet; run plan again once it is running to plan its contents and settings"
    )
