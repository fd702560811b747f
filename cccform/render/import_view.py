"""What `cccform import` shows: progress on stderr while reading, then a summary of what was
written on stdout (or, with --json, one document listing the files and the counts)."""

from __future__ import annotations

from typing import Any, TextIO

from cccform.addresses import Address
from cccform.importer.account import ImportResult
from cccform.live import LiveInstance

IMPORT_FORMAT_VERSION = "1"
KINDS_SHOWN = ("skill_groups", "agents", "flows", "numbers")


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else noun + 's'}"


def _contents(counts: dict[str, int]) -> str:
    return ", ".join(
        _counted(counts.get(kind, 0), kind.removesuffix("s").replace("_", " "))
        for kind in KINDS_SHOWN
    )


class ImportProgress:
    """Tells, on `stream`, which instance was read and how many objects it holds."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.done = 0
        self.total = 0

    def listed(self, total: int, selected: int) -> None:
        self.total = selected
        self.stream.write(f"Reading {_counted(selected, 'instance')} of {total}...\n")

    def skipped(self, instance: LiveInstance) -> None:
        self.stream.write(
            f"  {instance.access_path}: skipped, it is {instance.status} (import it once it "
            "is RUNNING)\n"
        )

    def read(self, instance: LiveInstance, counts: dict[str, int]) -> None:
        self.done += 1
        what = f": {_contents(counts)}" if counts else ""
        self.stream.write(f"  [{self.done}/{self.total}] {instance.access_path}{what}\n")


SHOWN_OTHERS = 10  # the other configuration files named in the summary; --json has them all


def render_summary(result: ImportResult) -> str:
    counts = result.counts
    lines = [
        f"Imported {_counted(counts.instances, 'instance')} ({_contents(counts.as_dict())}) "
        f"into {result.out_dir}: {_counted(len(result.files), 'file')} written.",
    ]
    if counts.left_out:
        lines.append(
            f"Left out {_counted(counts.left_out, 'platform default')} (each instance's file "
            "says which, in a comment)."
        )
    for flow in result.unreadable:
        lines.append(
            f"Warning: {flow.address} ({flow.type}) was left out: its definition is empty or "
            "not a JSON object. If this directory's state manages it (a re-import over "
            "applied files), the next plan would delete it, or be rejected while a number "
            "answers with it: declare it again by hand, with its definition."
        )
    for gone in result.gone:  # all of them: each would be a create
        lines.append(
            f"Warning: {gone.file} declares {Address.of_instance(gone.key)} (access path "
            f"{gone.access_path}), which an earlier import read and the account no longer "
            "has. plan would create it again: remove it from the file if it is gone for good."
        )
    named = {gone.file for gone in result.gone}
    plain = [name for name in result.others if name not in named]
    for name in plain[:SHOWN_OTHERS]:
        lines.append(
            f"Note: {name} was there already and is not from this import; plan reads it too."
        )
    if len(plain) > SHOWN_OTHERS:
        more = len(plain) - SHOWN_OTHERS
        lines.append(
            f"Note: {more} more configuration file{' was' if more == 1 else 's were'} there "
            "already; plan reads them too (--json lists them all)."
        )
    if result.redacted:
        lines.append(
            "REDACTED: agents' emails and mobiles are placeholders. This configuration is for "
            "reading only: it cannot be applied, and validate and plan refuse it."
        )
    else:
        lines.append(
            f"Next: cccform plan {result.out_dir} shows what will be adopted; review it "
            "(docs/import.md), then cccform apply."
        )
    return "\n".join(lines) + "\n"


def import_document(result: ImportResult) -> dict[str, Any]:
    return {
        "format_version": IMPORT_FORMAT_VERSION,
        "out": str(result.out_dir),
        "files": result.files,
        "counts": result.counts.as_dict(),
        "redacted": result.redacted,
        "other_files": result.others,
        "gone_instances": [
            {
                "file": g.file,
                "address": str(Address.of_instance(g.key)),
                "access_path": g.access_path,
            }
            for g in result.gone
        ],
        "unreadable_flows": [
            {
                "address": str(f.address),
                "access_path": f.access_path,
                "name": f.name,
                "type": f.type,
            }
            for f in result.unreadable
        ],
        "api_calls": result.calls,
    }
