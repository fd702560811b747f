"""Saved plans (`plan --out FILE`): the plan plus what apply needs to carry out exactly it."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cccform import __version__, files
from cccform.config.models import LocalStateConfig, ProviderConfig
from cccform.errors import CccformError
from cccform.plan.models import Plan
from cccform.timestamps import utc_now

PLANFILE_KIND = "cccform-plan"
PLANFILE_VERSION = 2  # 2: changes name what they change by their address; impacts a subject


class SavedPlan(BaseModel):
    """A plan file. `config_dir` anchors relative provider and state paths."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = PLANFILE_KIND
    version: int = PLANFILE_VERSION
    cccform_version: str = __version__
    created_at: str = Field(default_factory=utc_now)
    config_dir: str
    provider: ProviderConfig
    state: LocalStateConfig
    plan: Plan


def is_plan_file(path: Path) -> bool:
    """True for a file that starts like a saved plan (cheap sniffing, no full parse)."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(256)
    return head.lstrip().startswith(b"{") and PLANFILE_KIND.encode() in head


def write_plan_file(path: Path, saved: SavedPlan) -> None:
    """Atomic, mode 0600."""
    text = json.dumps(saved.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
    files.write_private_file(path, text.encode("utf-8"))


def read_plan_file(path: Path) -> SavedPlan:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CccformError(f"cannot read the saved plan {path}: {error}") from error
    if not isinstance(raw, dict) or raw.get("kind") != PLANFILE_KIND:
        raise CccformError(f"{path} is not a cccform plan file (make one with cccform plan --out)")
    if raw.get("version") != PLANFILE_VERSION:
        raise CccformError(
            f"{path} is a plan file of format {raw.get('version')!r}; this cccform reads "
            f"format {PLANFILE_VERSION}. Make a new plan with this version."
        )
    try:
        return SavedPlan.model_validate(raw)
    except ValidationError as error:
        raise CccformError(f"the saved plan {path} is damaged: {error}") from error
