"""Golden files of what `cccform import` shows: the progress on stderr, the summary on
stdout and the --json document. To regenerate after a deliberate change of output, run
    CCCFORM_UPDATE_GOLDEN=1 pytest tests/render/test_import_view.py
and review the diff before committing.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from cccform.importer.account import ImportResult
from cccform.importer.compose import Counts, UnreadableFlow
from cccform.importer.existing_config import GoneInstance
from cccform.live import LiveInstance
from cccform.render.import_view import (
    SHOWN_OTHERS,
    ImportProgress,
    import_document,
    render_summary,
)

GOLDEN = Path(__file__).resolve().parent.parent / "golden_import"
UPDATE = os.environ.get("CCCFORM_UPDATE_GOLDEN") == "1"
FILES = ["cccform.schema.json", "provider.settings.yaml", "acme-cs.yaml", "flows/acme-cs/main.json"]
COUNTS = Counts(instances=1, skill_groups=2, agents=3, flows=1, numbers=1, left_out=2)


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing {path}: run with CCCFORM_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


GONE = GoneInstance("acme-gone.yaml", "acme-gone", "acme-gone")
UNREADABLE = UnreadableFlow("acme-cs", "acme-cs", "after-hours", "SUB_FLOW")


def result(
    *,
    others: list[str] | None = None,
    redacted: bool = False,
    gone: list[GoneInstance] | None = None,
    unreadable: list[UnreadableFlow] | None = None,
) -> ImportResult:
    return ImportResult(
        Path("out"), FILES, COUNTS, redacted, others or [], 9, gone or [], unreadable or []
    )


def live(access_path: str, status: str = "RUNNING") -> LiveInstance:
    return LiveInstance("i-1", "Center", access_path, "", (), (), status)


def test_progress() -> None:
    stream = io.StringIO()
    progress = ImportProgress(stream)
    progress.listed(total=3, selected=2)
    progress.skipped(live("acme-new", "CREATING"))
    progress.read(live("acme-cs"), {"skill_groups": 2, "agents": 3, "flows": 1, "numbers": 1})
    progress.read(live("acme-sales"), {})  # --no-contents: no counts
    check("progress.txt", stream.getvalue())


@pytest.mark.parametrize(
    ("case", "others", "redacted"),
    [
        ("summary.txt", [], False),
        ("summary_others.txt", ["mine.yaml", "instances/eu/b.yaml"], False),
        ("summary_redacted.txt", [], True),
    ],
)
def test_summary(case: str, others: list[str], redacted: bool) -> None:
    check(case, render_summary(result(others=others, redacted=redacted)))


def test_a_summary_names_at_most_ten_other_files() -> None:
    others = [f"conf/{n:02d}.yaml" for n in range(SHOWN_OTHERS + 3)]
    text = render_summary(result(others=others))
    check("summary_many_others.txt", text)
    assert text.count("Note: conf/") == SHOWN_OTHERS
    assert "Note: 3 more configuration files were there already; plan reads them" in text
    assert import_document(result(others=others))["other_files"] == others


def test_a_summary_warns_of_instances_gone_and_flows_left_out() -> None:
    others = ["acme-gone.yaml", "mine.yaml"]
    text = render_summary(result(others=others, gone=[GONE], unreadable=[UNREADABLE]))
    check("summary_warnings.txt", text)


def test_document() -> None:
    everything = result(
        others=["mine.yaml", "acme-gone.yaml"], gone=[GONE], unreadable=[UNREADABLE]
    )
    check("document.json", json.dumps(import_document(everything), indent=2) + "\n")
