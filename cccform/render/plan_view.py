"""The human plan, in Terraform's conventions, rendered from the JSON document."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from cccform.printable import printable
from cccform.render.errors import error_lines
from cccform.render.json_diff import diff_lines
from cccform.render.style import Style

SYMBOLS = {"create": "+", "adopt": "=", "update": "~", "delete": "-", "enable_qa": "*"}
LEGEND = {
    "create": "create",
    "adopt": "adopt (exists already; recorded in the state, nothing is called)",
    "update": "update in-place",
    "delete": "delete",
    "enable_qa": "enable conversation analysis (QA)",
}
COLORS = {
    "create": "green",
    "adopt": "bold",
    "update": "yellow",
    "delete": "red",
    "enable_qa": "cyan",
}
HEADERS = {
    "create": "will be created",
    "adopt": "will be adopted: it exists already, cccform will manage it from now on",
    "update": "will be updated in-place",
    "delete": "will be deleted",
    "enable_qa": "will have conversation analysis (QA) enabled",
}


MAX_VALUE = 72


def value(item: Any) -> str:
    text = json.dumps(item, ensure_ascii=False)
    if isinstance(item, dict) and len(text) > MAX_VALUE:
        return f"{text[: MAX_VALUE - 5]}...}} ({len(text)} characters of JSON)"
    return text


def render_plan(doc: dict[str, Any], style: Style) -> str:
    """The plan body for stdout. Rejections are rendered by `render_rejections`."""
    doc = printable_document(doc)
    lines: list[str] = []
    lines += _warnings(doc.get("warnings", []), style)
    lines += _moved(doc.get("moves", []), style)
    lines += _drift(doc.get("drift", []), style)
    lines += _forgotten(doc["forget"])
    if doc.get("refresh_only"):
        return "\n".join(lines + _refresh_only_end(doc, style)) + "\n"
    changes = doc["changes"]
    if not changes and (doc.get("moves") or doc["forget"]):
        lines.append(style(summary_line(doc["summary"]), "bold"))
        return "\n".join(lines) + "\n"
    if not changes:
        if not doc["errors"]:
            lines.append(
                style("No changes.", "bold") + " Your call centers match the configuration."
            )
        return "\n".join(lines) + "\n"
    lines += _legend(changes, style)
    lines.append("cccform will perform the following actions:")
    lines.append("")
    grouped = _by_instance(changes)
    impacts = _messages_by_instance(doc.get("impacts", []))
    notes = _messages_by_instance(doc.get("notes", []))
    for instance, group in grouped.items():
        if len(grouped) > 1 or any(c["resource_type"] != "instance" for c in group):
            lines.append(style(f"## instance.{instance}", "bold"))
            lines.append("")
        for change in group:
            lines += _change(change, style)
            lines.append("")
        lines += _impacts(instance, impacts.get(instance, []), notes.get(instance, []))
    lines.append(style(summary_line(doc["summary"]), "bold"))
    return "\n".join(lines) + "\n"


def _by_instance(changes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for change in changes:
        grouped.setdefault(change.get("instance") or "", []).append(change)
    return grouped


def _messages_by_instance(items: list[dict[str, Any]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for item in items:
        grouped.setdefault(item["instance"], []).append(item["message"])
    return grouped


def _impacts(instance: str, mine: list[str], said: list[str]) -> list[str]:
    lines: list[str] = []
    if mine:
        lines.append(f"  Impact on instance.{instance}:")
        lines += [f"    - {message}" for message in mine]
    for message in said:
        lines += textwrap.wrap(
            f"Note: {message}.", width=92, initial_indent="  ", subsequent_indent="        "
        )
    return [*lines, ""] if lines else []


def printable_document(doc: Any, *, json_value: bool = False) -> Any:
    """`doc` with every string it prints raw escaped (`printable`): addresses, names,
    reasons, messages, attribute names. Attribute values are printed as JSON, which escapes
    what would break a line; the output stream escapes the rest."""
    if isinstance(doc, dict):
        return {
            printable(key) if isinstance(key, str) else key: printable_document(
                value, json_value=json_value or key in ("before", "after")
            )
            for key, value in doc.items()
        }
    if isinstance(doc, list):
        return [printable_document(item, json_value=json_value) for item in doc]
    if isinstance(doc, str) and not json_value:
        return printable(doc)
    return doc


def summary_line(summary: dict[str, int]) -> str:
    """`Plan: 1 to create, ...`; adoptions, moves and forgets only when there are any."""
    adopt = f"{summary['adopt']} to adopt, " if summary.get("adopt") else ""
    extra = ""
    if summary.get("move"):
        extra += f", {summary['move']} to move"
    if summary.get("forget"):
        extra += f", {summary['forget']} to forget"
    return (
        f"Plan: {adopt}{summary['create']} to create, {summary['update']} to update, "
        f"{summary['delete']} to delete, {summary['enable_qa']} to enable QA{extra}."
    )


def warning_lines(message: str, indent: str = "") -> list[str]:
    """`Warning: ...`, wrapped as the notes are."""
    return textwrap.wrap(
        f"Warning: {message}.",
        width=92,
        initial_indent=indent,
        subsequent_indent=indent + "         ",
    )


def _warnings(warnings: list[dict[str, Any]], style: Style) -> list[str]:
    """What to check before applying, above everything else."""
    lines: list[str] = []
    for warning in warnings:
        wrapped = warning_lines(warning["message"])
        lines += [style(wrapped[0], "yellow", "bold"), *wrapped[1:]]
        lines += [f"  - {subject}" for subject in warning["subjects"]]
        lines.append("")
    return lines


def _moved(moves: list[dict[str, Any]], style: Style) -> list[str]:
    """Renamed keys: no API call, the state only."""
    if not moves:
        return []
    lines = []
    for move in moves:
        lines.append(style(f"  # {move['from']} has moved to {move['address']}", "bold"))
    lines.append(
        "  (same access path: the same call center under a new key; apply only rewrites "
        "the state, with no API call)"
    )
    return [*lines, ""]


def _forgotten(entries: list[dict[str, Any]]) -> list[str]:
    if not entries:
        return []
    lines = ["Note: cccform will stop tracking these objects; nothing is changed in them:"]
    lines += [
        f"  - {entry['address']} ({entry['remote_id']}): {entry['reason']}" for entry in entries
    ]
    return [*lines, ""]


def _drift(entries: list[dict[str, Any]], style: Style) -> list[str]:
    """Terraform's "Objects have changed outside of Terraform", for a refresh-only plan."""
    if not entries:
        return []
    lines = [
        style("Objects have changed outside of cccform", "bold"),
        "",
        "cccform detected the following changes made outside of cccform since the last apply:",
        "",
    ]
    for entry in entries:
        lines += [f"  # {entry['address']} has changed", f"  ~ {entry['address']} {{"]
        width = max(len(name) for name in entry["changed_fields"])
        lines += [
            f"      ~ {name:<{width}} = {value(entry['before'][name])} -> "
            f"{value(entry['after'][name])}"
            for name in entry["changed_fields"]
        ]
        lines += ["    }", ""]
    return lines


def _refresh_only_end(doc: dict[str, Any], style: Style) -> list[str]:
    if not (doc.get("drift") or doc["forget"]):
        return [style("No changes.", "bold") + " The state matches what exists."]
    return textwrap.wrap(
        "This is a refresh-only plan: cccform will not undo these changes. Apply it "
        "(cccform apply --refresh-only) to record them in the state; nothing live is changed.",
        width=92,
    )


def _legend(changes: list[dict[str, Any]], style: Style) -> list[str]:
    used = {change["action"] for change in changes}
    lines = ["Resource actions are indicated with the following symbols:"]
    for action, symbol in SYMBOLS.items():
        if action in used:
            lines.append(f"  {style(symbol, COLORS[action])} {LEGEND[action]}")
    return [*lines, ""]


def change_block(change: dict[str, Any], style: Style) -> list[str]:
    """One change as the plan shows it (the markdown view shows the same, in a diff)."""
    return _change(change, style)


def _change(change: dict[str, Any], style: Style) -> list[str]:
    action = change["action"]
    symbol = style(SYMBOLS[action], COLORS[action])
    header = HEADERS[action]
    lines = [style(f"  # {change['address']} {header}", "bold")]
    if change["reason"]:
        lines.append(f"  # ({change['reason']})")
    if change["drift"] == "changed":
        lines.append(f"  # (changed outside cccform: {', '.join(change['drift_fields'])})")
    lines.append(f"  {symbol} {change['address']} {{")
    lines += _attributes(change, style)
    lines.append("    }")
    return lines


def _attributes(change: dict[str, Any], style: Style) -> list[str]:
    action = change["action"]
    if action == "create" or (action == "update" and change["before"] is None):
        rows = [("+", key, value(val)) for key, val in sorted(change["after"].items())]
    elif action == "delete":
        rows = [("-", key, value(val)) for key, val in sorted(change["before"].items())]
    elif action == "adopt":
        rows = [("=", key, value(val)) for key, val in sorted(change["after"].items())]
    else:
        rows = [_update_row(change, key) for key in change["changed_fields"]]
        if not rows:
            return ["      # (it already matches the configuration)"]
    width = max((len(key) for _, key, _ in rows), default=0)
    colors = {"+": "green", "-": "red", "~": "yellow", "=": "bold"}
    lines = []
    for mark, key, text in rows:
        first, *more = text.split("\n")
        lines.append(f"      {style(mark, colors[mark])} {key.ljust(width)} = {first}")
        lines += [f"        {_marked(line, style, colors)}" for line in more]
    return lines


def _marked(line: str, style: Style, colors: dict[str, str]) -> str:
    """A line of a nested diff, its mark coloured."""
    stripped = line.lstrip()
    mark = stripped[:1]
    if mark in colors and stripped[1:2] == " ":
        return line[: len(line) - len(stripped)] + style(mark, colors[mark]) + stripped[1:]
    return line


def _update_row(change: dict[str, Any], key: str) -> tuple[str, str, str]:
    old, new = change["before"][key], change["after"][key]
    if isinstance(old, dict | list) and isinstance(new, type(old)) and key == "definition":
        # nested, old and new value at each changed path; continuation lines carry no mark
        return "~", key, "\n".join(diff_lines(old, new))
    paths = change["changed_paths"].get(key)
    if paths:
        return "~", key, f"(changed at {', '.join(paths)})"
    return "~", key, f"{value(old)} -> {value(new)}"


def render_rejections(doc: dict[str, Any], style: Style) -> str:
    """Every rejection: what, where, what to do. For stderr."""
    errors = doc["errors"]
    if not errors:
        return ""
    lines: list[str] = []
    for error in errors:
        found = error.get("location")
        where = f"{found['file']}:{found['line']}:{found['column']}" if found else None
        message = f"{error['address']}: {error['message']}"
        lines += error_lines(message, style, where=where, hint=error["hint"])
    count = len(errors)
    lines.append(
        style(
            f"Plan rejected: {count} error{'s' if count != 1 else ''}. Nothing was changed.", "bold"
        )
    )
    return "\n".join(lines) + "\n"
