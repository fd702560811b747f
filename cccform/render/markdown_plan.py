"""The plan as GitHub-flavoured markdown, for a pull-request comment or a job summary.

Rendered from the public JSON plan document only (as every view is), in the order a
reviewer reads: a headline that counts every action, the rejections with where to fix
them, the deletions and what they take with them, the impact on callers, then the changes,
one collapsible block per instance.

A comment has a size budget (GitHub refuses comments over 65,536 characters): the
headline, rejections, deletions and impacts are always kept whole, and the per-instance
blocks are left out from the end, saying how many and how to see them all.

Agents' emails and mobiles are masked unless asked for: a pull request is read by more
people than the state.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from cccform.printable import printable
from cccform.render.plan_view import change_block, printable_document
from cccform.render.style import Style

HEAD_CAPS = (100, 50, 20, 10, 5)
"""Items per list when the head alone would not fit the budget, tried in turn."""
HEAD_RESERVE = 2_000
"""Characters kept free for the changes and the notes when the head is measured."""
BLOCK_MINIMUM = 2_000
"""Below this room, an instance block too large to fit is left out instead of cut."""

MARKER = "<!-- cccform:plan -->"
"""The comment's first line: a bot finds its earlier comment by it and edits it in place."""

COMMENT_BUDGET = 60_000
"""Characters: under GitHub's 65,536 limit for a comment, with room for a bot's own text."""

# Every action of the summary, in the headline's order; an unknown key is counted after them.
ACTIONS = (
    ("create", "to create"),
    ("update", "to update"),
    ("delete", "to delete"),
    ("enable_qa", "to enable QA"),
    ("adopt", "to adopt"),
    ("move", "to move"),
    ("forget", "to forget"),
)
PERSONAL_FIELDS = ("email", "mobile")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Inside a line (every text of ours starts after a list marker or a word), these are what
# can start emphasis, code, a link, a table cell, strikethrough or an autolink.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_PLAIN = Style(color=False)


@dataclass(frozen=True)
class MarkdownOptions:
    budget: int = COMMENT_BUDGET
    show_personal_data: bool = False
    plan_file: str | None = None  # named in the "left out" notice when the plan was saved


def render_markdown(doc: dict[str, Any], options: MarkdownOptions | None = None) -> str:
    """The whole comment for the plan document `doc`."""
    options = options or MarkdownOptions()
    if not options.show_personal_data:
        doc = masked(doc)
    doc = printable_document(doc)  # one line each, no control character, as in the terminal
    title = headline(doc["summary"])
    if doc["errors"]:
        count = len(doc["errors"])
        rejected = f"rejected, {count} error{'s' if count != 1 else ''}"
        title = rejected if title == "No changes" else f"{rejected}; planned: {title}"
    if doc.get("drift"):
        count = len(doc["drift"])
        title = f"refresh-only, {count} object{'s' if count != 1 else ''} changed outside cccform"
    see = f"`cccform show {options.plan_file}`" if options.plan_file else "`cccform plan`"
    head = _head(doc, title, None, see)
    for cap in HEAD_CAPS:  # the head alone would pass the limit: cut each of its lists
        if len(head) <= options.budget - HEAD_RESERVE:
            break
        head = _head(doc, title, cap, see)
    blocks = [_instance_block(instance, changes) for instance, changes in _by_instance(doc)]
    notes = _section(["#### Notes", ""], _notes(doc["notes"]), 20, see)
    return _fit(head, blocks, "\n".join(notes), options, see)


def _head(doc: dict[str, Any], title: str, cap: int | None, see: str) -> str:
    """The part of the comment always shown: headline, rejections, deletions, impacts."""
    deleted = [change for change in doc["changes"] if change["action"] == "delete"]
    lines = [MARKER, "", f"### cccform plan: {title}", ""]
    lines += _warnings(doc.get("warnings", []))
    rejected = ["#### Rejected", "", "Nothing can be applied until these are fixed.", ""]
    lines += _section(rejected, _rejections(doc["errors"]), cap, see)
    lines += _section([f"#### Deletions: {len(deleted)}", ""], _deletions(doc), cap, see)
    lines += _section(["#### Impact on callers", ""], _impacts(doc["impacts"]), cap, see)
    recorded = "Applying this refresh-only plan records them in the state; nothing live changes."
    drift = _section(["#### Changed outside cccform", ""], _drift(doc.get("drift", [])), cap, see)
    lines += [*drift, recorded, ""] if drift else []
    lines += _section(["#### State only", ""], _moves_and_forgets(doc), cap, see)
    return "\n".join(lines)


def _section(title: list[str], items: list[str], cap: int | None, see: str) -> list[str]:
    """A titled list, cut to its first `cap` items (saying how many more) when asked."""
    if not items:
        return []
    shown = items if cap is None else items[:cap]
    lines = [*title, *shown]
    if len(shown) < len(items):
        lines.append(f"- _... and {len(items) - len(shown)} more: run {see} to see them all_")
    return [*lines, ""]


def headline(summary: dict[str, int]) -> str:
    """`1 to create, 2 to update` (only the actions there are), or `No changes`."""
    counts = [(key, summary[key], words) for key, words in ACTIONS if summary.get(key)]
    known = {key for key, _ in ACTIONS}
    counts += [(key, n, f"to {key}") for key, n in summary.items() if key not in known and n]
    if not counts:
        return "No changes"
    return ", ".join(f"{n} {words}" for _, n, words in counts)


# -- sections ------------------------------------------------------------------


def _warnings(warnings: list[dict[str, Any]]) -> list[str]:
    lines = []
    for warning in warnings:
        lines += ["> [!WARNING]", f"> {text(warning['message'])}", ""]
    return lines


def _rejections(errors: list[dict[str, Any]]) -> list[str]:
    items = []
    for error in errors:
        where = error.get("location")
        place = f"{code(_place(where))} " if where else ""
        items.append(
            f"- {place}**{text(error['address'])}**: {text(error['message'])}\n"
            f"  To fix: {text(error['hint'])}"
        )
    return items


def _deletions(doc: dict[str, Any]) -> list[str]:
    deleted = [change for change in doc["changes"] if change["action"] == "delete"]
    taken = {
        impact["subject"]: impact["message"]
        for impact in doc["impacts"]
        if impact["kind"] == "deleted_with_instance"
    }
    items = []
    for change in deleted:
        address = change["address"]
        line = f"- **{text(address)}** ({text(change['remote_id'] or 'no id')})"
        if address in taken:
            line += f": {text(taken[address])}"
        items.append(line)
    return items


def _impacts(impacts: list[dict[str, Any]]) -> list[str]:
    shown = [impact for impact in impacts if impact["kind"] != "deleted_with_instance"]
    return [f"- {_instance(item)}: {text(item['message'])}" for item in shown]


def _drift(entries: list[dict[str, Any]]) -> list[str]:
    """A refresh-only plan: what changed outside cccform, which apply records in the state."""
    lines: list[str] = []
    for entry in entries:
        changed = ", ".join(
            f"{code(name)} {code(json.dumps(entry['before'][name], ensure_ascii=False))} → "
            f"{code(json.dumps(entry['after'][name], ensure_ascii=False))}"
            for name in entry["changed_fields"]
        )
        lines.append(f"- {code(entry['address'])}: {changed}")
    return lines


def _moves_and_forgets(doc: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for move in doc.get("moves", []):
        lines.append(
            f"- {code(move['from'])} has moved to {code(move['address'])} (same access path: apply "
            "only rewrites the state)"
        )
    for entry in doc["forget"]:
        lines.append(
            f"- {code(entry['address'])} will be forgotten (nothing is changed in it): "
            f"{text(entry['reason'])}"
        )
    return lines


def _notes(notes: list[dict[str, Any]]) -> list[str]:
    return [f"- {_instance(note)}: {text(note['message'])}" for note in notes]


def _by_instance(doc: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for change in doc["changes"]:
        grouped.setdefault(change["instance"], []).append(change)
    return list(grouped.items())


def _instance_block(instance: str, changes: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change["action"]] = counts.get(change["action"], 0) + 1
    # Every line of the body starts with a mark or spaces: nothing in it can close the fence.
    body = [line for change in changes for line in (*_diff_lines(change), "")]
    fence = "```"
    return "\n".join(
        [
            "<details>",
            f"<summary><code>instance.{_html(instance)}</code>: {headline(counts)}</summary>",
            "",
            f"{fence}diff",
            *body[:-1],
            fence,
            "",
            "</details>",
            "",
        ]
    )


def _diff_lines(change: dict[str, Any]) -> list[str]:
    """The human plan's block for `change`, its marks moved to the first column so that
    GitHub colours additions and removals."""
    lines = []
    for line in change_block(change, _PLAIN):
        stripped = line.lstrip()
        if stripped[:2] in ("+ ", "- "):
            lines.append(stripped[0] + line[1:].replace(stripped[0], " ", 1))
        else:
            lines.append(line)
    return lines


def _fit(head: str, blocks: list[str], notes: str, options: MarkdownOptions, see: str) -> str:
    """Head and notes whole; as many instance blocks as the budget leaves room for (the
    first one cut line by line when it alone is too large)."""
    parts = [head, "#### Changes", ""] if blocks else [head]
    room = options.budget - len(head) - len(notes) - 400  # the notice below and the joins
    kept = 0
    for block in blocks:
        if len(block) + 1 > room:
            if kept == 0 and room > BLOCK_MINIMUM:
                parts.append(_cut_block(block, room, see))
            break
        parts.append(block)
        room -= len(block) + 1
        kept += 1
    if kept < len(blocks):
        left = len(blocks) - kept
        parts.append(
            f"_The changes of {left} of {len(blocks)} instances are left out (or cut) to keep "
            f"this comment within GitHub's size limit; run {see} to see them all._"
        )
        parts.append("")
    if notes:
        parts.append(notes)
    return "\n".join(parts).rstrip("\n") + "\n"


def _cut_block(block: str, room: int, see: str) -> str:
    """An instance block larger than `room`, its diff cut to fit, saying where the rest is."""
    lines = block.split("\n")
    fence = lines.index("```diff")
    closing = len(lines) - 1 - lines[::-1].index("```")
    kept, size = lines[: fence + 1], sum(len(line) + 1 for line in lines[: fence + 1]) + 200
    body = lines[fence + 1 : closing]
    for line in body:
        if size + len(line) + 1 > room:
            break
        kept.append(line)
        size += len(line) + 1
    left = len(body) - (len(kept) - fence - 1)
    kept.append(f"  # ... {left} more lines: run {see} to see them all")
    return "\n".join([*kept, *lines[closing:]])


# -- escaping and masking ------------------------------------------------------------


def text(raw: str) -> str:
    """`raw` as literal markdown text: no emphasis, link, heading, table cell or HTML."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", _html(printable(raw)))
    return " ".join(escaped.split())  # one line: a newline would end the list item


def _place(where: dict[str, Any]) -> str:
    return f"{where['file']}:{where['line']}:{where['column']}"


def _instance(item: dict[str, Any]) -> str:
    return code(f"instance.{item['instance']}")


def code(raw: str) -> str:
    """`raw` as an inline code span, whatever backticks it holds."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", raw)), default=0) + 1)
    pad = " " if raw.startswith("`") or raw.endswith("`") else ""
    return f"{fence}{pad}{' '.join(printable(raw).split())}{pad}{fence}"


def _html(raw: str) -> str:
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mask_email(match: re.Match[str]) -> str:
    local, _, domain = match.group().partition("@")
    return f"{local[:1]}***@{domain}"


def _mask_value(name: str, value: Any) -> Any:
    """An agent's email or mobile, masked whole (whatever characters it is written in)."""
    if not isinstance(value, str) or not value:
        return value
    if name == "mobile":
        return "*" * max(len(value) - 2, 0) + value[-2:]
    local, at, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}" if at else "***"


def masked(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of `doc` with agents' emails and mobiles masked, in attributes and in text."""
    copy: dict[str, Any] = json.loads(json.dumps(doc))
    for change in [*copy["changes"], *copy.get("drift", [])]:
        for side in ("before", "after"):
            attributes = change[side] or {}
            for name in PERSONAL_FIELDS:
                if name in attributes:
                    attributes[name] = _mask_value(name, attributes[name])
    for key in ("errors", "impacts", "notes", "warnings", "forget"):
        for item in copy.get(key, []):
            for field in ("message", "hint", "reason"):
                if isinstance(item.get(field), str):
                    item[field] = _EMAIL.sub(mask_email, item[field])
            for side in ("before", "after"):
                if isinstance(item.get(side), str):
                    item[side] = _EMAIL.sub(mask_email, item[side])
    return copy
