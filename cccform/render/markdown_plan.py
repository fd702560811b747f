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

from cccform.render.plan_view import change_block
from cccform.render.style import Style

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
    title = headline(doc["summary"])
    if doc["errors"]:
        count = len(doc["errors"])
        rejected = f"rejected, {count} error{'s' if count != 1 else ''}"
        title = rejected if title == "No changes" else f"{rejected}; planned: {title}"
    if doc.get("drift"):
        count = len(doc["drift"])
        title = f"refresh-only, {count} object{'s' if count != 1 else ''} changed outside cccform"
    head = [MARKER, "", f"### cccform plan: {title}", ""]
    head += _warnings(doc.get("warnings", []))
    head += _rejections(doc["errors"])
    head += _deletions(doc)
    head += _impacts(doc["impacts"])
    head += _drift(doc.get("drift", []))
    head += _moves_and_forgets(doc)
    blocks = [_instance_block(instance, changes) for instance, changes in _by_instance(doc)]
    notes = _notes(doc["notes"])
    return _fit("\n".join(head), blocks, "\n".join(notes), options)


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
    if not errors:
        return []
    lines = ["#### Rejected", "", "Nothing can be applied until these are fixed.", ""]
    for error in errors:
        where = error.get("location")
        place = f"{code(_place(where))} " if where else ""
        lines.append(f"- {place}**{text(error['address'])}**: {text(error['message'])}")
        lines.append(f"  To fix: {text(error['hint'])}")
    return [*lines, ""]


def _deletions(doc: dict[str, Any]) -> list[str]:
    deleted = [change for change in doc["changes"] if change["action"] == "delete"]
    if not deleted:
        return []
    taken = {
        impact["subject"]: impact["message"]
        for impact in doc["impacts"]
        if impact["kind"] == "deleted_with_instance"
    }
    lines = [f"#### Deletions: {len(deleted)}", ""]
    for change in deleted:
        address = change["address"]
        line = f"- **{text(address)}** ({text(change['remote_id'] or 'no id')})"
        if address in taken:
            line += f": {text(taken[address])}"
        lines.append(line)
    return [*lines, ""]


def _impacts(impacts: list[dict[str, Any]]) -> list[str]:
    shown = [impact for impact in impacts if impact["kind"] != "deleted_with_instance"]
    if not shown:
        return []
    lines = ["#### Impact on callers", ""]
    lines += [
        f"- {code('instance.' + item['instance'])}: {text(item['message'])}" for item in shown
    ]
    return [*lines, ""]


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
    if not lines:
        return []
    recorded = "Applying this refresh-only plan records them in the state; nothing live changes."
    return ["#### Changed outside cccform", "", *lines, "", recorded, ""]


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
    return ["#### State only", "", *lines, ""] if lines else []


def _notes(notes: list[dict[str, Any]]) -> list[str]:
    if not notes:
        return []
    lines = ["#### Notes", ""]
    lines += [
        f"- {code('instance.' + note['instance'])}: {text(note['message'])}" for note in notes
    ]
    return [*lines, ""]


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


def _fit(head: str, blocks: list[str], notes: str, options: MarkdownOptions) -> str:
    """Head and notes whole; as many instance blocks as the budget leaves room for."""
    parts = [head, "#### Changes", ""] if blocks else [head]
    room = options.budget - len(head) - len(notes) - 400  # the notice below and the joins
    kept = 0
    for block in blocks:
        if len(block) + 1 > room:
            break
        parts.append(block)
        room -= len(block) + 1
        kept += 1
    if kept < len(blocks):
        left = len(blocks) - kept
        see = f"`cccform show {options.plan_file}`" if options.plan_file else "`cccform plan`"
        parts.append(
            f"_The changes of {left} of {len(blocks)} instances are left out to keep this "
            f"comment within GitHub's size limit; run {see} to see them all._"
        )
        parts.append("")
    if notes:
        parts.append(notes)
    return "\n".join(parts).rstrip("\n") + "\n"


# -- escaping and masking ------------------------------------------------------------


def text(raw: str) -> str:
    """`raw` as literal markdown text: no emphasis, link, heading, table cell or HTML."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", _html(raw))
    return " ".join(escaped.split())  # one line: a newline would end the list item


def _place(where: dict[str, Any]) -> str:
    return f"{where['file']}:{where['line']}:{where['column']}"


def _instance(item: dict[str, Any]) -> str:
    return code(f"instance.{item['instance']}")


def code(raw: str) -> str:
    """`raw` as an inline code span, whatever backticks it holds."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", raw)), default=0) + 1)
    pad = " " if raw.startswith("`") or raw.endswith("`") else ""
    return f"{fence}{pad}{' '.join(raw.split())}{pad}{fence}"


def _html(raw: str) -> str:
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mask_email(match: re.Match[str]) -> str:
    local, _, domain = match.group().partition("@")
    return f"{local[:1]}***@{domain}"


def _mask_value(name: str, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    if name == "mobile":
        return "*" * max(len(value) - 2, 0) + value[-2:]
    return _EMAIL.sub(mask_email, value)


def masked(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of `doc` with agents' emails and mobiles masked, in attributes and in text."""
    copy: dict[str, Any] = json.loads(json.dumps(doc))
    for change in [*copy["changes"], *copy.get("drift", [])]:
        for side in ("before", "after"):
            attributes = change[side] or {}
            for name in PERSONAL_FIELDS:
                if name in attributes:
                    attributes[name] = _mask_value(name, attributes[name])
    for key in ("errors", "impacts", "notes"):
        for item in copy[key]:
            for field in ("message", "hint"):
                if isinstance(item.get(field), str):
                    item[field] = _EMAIL.sub(mask_email, item[field])
            for side in ("before", "after"):
                if isinstance(item.get(side), str):
                    item[side] = _EMAIL.sub(mask_email, item[side])
    return copy
