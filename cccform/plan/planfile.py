"""Saved plans (`plan --out FILE`): the plan plus what apply needs to carry out exactly it.

What a PATH is, by a rule that cannot be confused: a directory, or a file named `*.yaml` or
`*.yml`, is a configuration; any other file is a saved plan, and a file that is not a
readable saved plan is refused (exit 7), never read as a configuration.

A saved plan carries a checksum of its content (SHA-256 of its canonical JSON, every field
but the checksum itself), verified before anything else is read from it. Its `config_dir` is
relative to the working directory of `cccform plan`; apply resolves it against its own.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from cccform import __version__, files
from cccform.config.loader import YAML_SUFFIXES
from cccform.config.models import ProviderConfig, StateConfig
from cccform.diagnostics import summarise_validation_error
from cccform.errors import StalePlanError
from cccform.kinds import kind_of
from cccform.plan.models import Action, Change, Plan, Refreshed
from cccform.timestamps import utc_now

PLANFILE_KIND = "cccform-plan"
# 2: changes name what they change by their address; impacts a subject
# 3: a checksum of the content; config_dir relative to where plan ran
PLANFILE_VERSION = 3
CHECKSUM_FIELD = "checksum"
MAX_PLAN_BYTES = 64 * 1024 * 1024
"""The largest saved plan cccform reads, as for the state: what a mistaken path is refused at."""


class SavedPlan(BaseModel):
    """A plan file. `config_dir` (relative to the working directory) anchors relative paths."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = PLANFILE_KIND
    version: int = PLANFILE_VERSION
    cccform_version: str = __version__
    created_at: str = Field(default_factory=utc_now)
    config_dir: str
    provider: ProviderConfig
    state: StateConfig
    plan: Plan


def is_configuration_path(path: Path) -> bool:
    """True for what a configuration is: a directory, or a `*.yaml`/`*.yml` file."""
    return path.is_dir() or path.suffix.lower() in YAML_SUFFIXES


def is_plan_file(path: Path) -> bool:
    """True for an existing file that is not a configuration: it is read as a saved plan.

    Decided by the name alone, never by the content: an empty or damaged plan is refused as
    a plan, and no content can make a configuration of it.
    """
    # Anything that is there and is not a configuration, a FIFO or a device included: the
    # plan reader then refuses what is not a regular file.
    return os.path.lexists(path) and not is_configuration_path(path)


def content_checksum(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of `content` (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_plan_file(path: Path, saved: SavedPlan) -> None:
    """Atomic, mode 0600, with the checksum of the content."""
    content = saved.model_dump(mode="json")
    content[CHECKSUM_FIELD] = content_checksum(content)
    text = json.dumps(content, indent=2, sort_keys=True) + "\n"
    files.write_private_file(path, text.encode("utf-8"))


def _unusable(path: Path, why: str) -> StalePlanError:
    return StalePlanError(
        f"{path} is not a usable saved plan: {why}. A file that is not named *.yaml or *.yml "
        "is read as a saved plan (made with cccform plan --out FILE); a configuration is a "
        "directory or a .yaml/.yml file. Pass the configuration, or make the plan again."
    )


def read_plan_file(path: Path) -> SavedPlan:
    """Read and verify a saved plan; `StalePlanError` (exit 7) says why it cannot be used."""
    raw = _read_document(path)
    if not isinstance(raw, dict) or raw.get("kind") != PLANFILE_KIND:
        raise _unusable(path, f'it has no "kind": "{PLANFILE_KIND}"')
    if raw.get("version") != PLANFILE_VERSION:
        raise StalePlanError(
            f"{path} is a plan file of format {raw.get('version')!r}; this cccform reads "
            f"format {PLANFILE_VERSION}. Make a new plan with this version (cccform plan --out)."
        )
    claimed = raw.pop(CHECKSUM_FIELD, None)
    if not isinstance(claimed, str):
        raise _unusable(path, f'it has no "{CHECKSUM_FIELD}"')
    if claimed != content_checksum(raw):
        raise StalePlanError(
            f"the saved plan {path} has been changed since cccform plan wrote it: its checksum "
            "does not match its content. Make the plan again with cccform plan --out."
        )
    try:
        saved = SavedPlan.model_validate(raw)
    except ValidationError as error:
        summary = summarise_validation_error(error)
        raise _unusable(path, f"its content is damaged ({summary})") from None
    problems = [problem for change in saved.plan.changes for problem in _check_change(change)]
    problems += [problem for entry in saved.plan.refreshed for problem in _check_refreshed(entry)]
    if problems:
        raise _unusable(path, f"its content is damaged ({'; '.join(problems)})")
    return saved


def _read_document(path: Path) -> Any:
    try:
        data, _ = files.read_regular_file(path, MAX_PLAN_BYTES)
        return files.load_json(data.decode("utf-8"))
    except files.FileTooLargeError as error:
        raise _unusable(path, f"{error.strerror} ({error.size} bytes)") from None
    except OSError as error:
        raise _unusable(path, f"cannot read it ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise _unusable(path, "it is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise _unusable(
            path, f"it is not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except files.PathologicalJsonError as error:
        raise _unusable(path, str(error)) from None


# -- what each change must hold for apply (and show) to carry it out ----------------------


class _InstanceCreate(BaseModel):
    """The attributes an instance create carries (`planner.desired_attributes`)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    access_path: str
    description: str
    phone_numbers: list[str]
    admins: list[str]
    conversation_analysis: bool
    deletion_protection: bool


class _InstanceUpdate(BaseModel):
    """The fields an instance update may carry; the recheck refuses any other as immutable."""

    model_config = ConfigDict(extra="allow", strict=True)

    description: str | None = None
    deletion_protection: bool | None = None


class _InstanceRefresh(BaseModel):
    """The fields a refresh-only plan records for an instance (`refresh_only._observed`)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    description: str | None = None
    conversation_analysis: bool | None = None


def _check_refreshed(entry: Refreshed) -> list[str]:
    """What a refresh-only entry would record in the state, checked field by field."""
    where = f"{entry.address} (refresh)"
    if entry.address.is_instance:
        model: type[BaseModel] = _InstanceRefresh
    else:
        model = kind_of(entry.address.kind).model
    problems = [
        f"{where}: after.{name}: not a field"
        for name in entry.after
        if name not in model.model_fields
    ]
    for name, value in entry.after.items():
        field = model.model_fields.get(name)
        if field is None or field.annotation is None:
            continue
        try:
            TypeAdapter(field.annotation).validate_python(value, strict=True)
        except ValidationError as error:
            problems.append(f"{where}: {summarise_validation_error(error, prefix=('after', name))}")
    return problems


def _check_change(change: Change) -> list[str]:
    """What `change` lacks, or holds in the wrong shape, each as `address (action): what`."""
    where = f"{change.address} ({change.action.value})"
    problems = [f"{where}: {what}" for what in _missing_ids(change)]
    if change.action in (Action.CREATE, Action.UPDATE):
        if change.after is None:
            problems.append(f"{where}: after is missing")
        else:
            problems += [f"{where}: {what}" for what in _attribute_problems(change)]
    return problems


def _missing_ids(change: Change) -> list[str]:
    missing: list[str] = []
    if not change.address.is_instance and change.instance_id is None:
        missing.append("instance_id is missing")
    if not change.address.is_instance and change.action is Action.ENABLE_QA:
        missing.append("only an instance has conversation analysis to enable")
    needs_remote = change.action is Action.DELETE or (
        change.address.is_instance and change.action is not Action.CREATE
    )
    if needs_remote and change.remote_id is None:
        missing.append("remote_id is missing")
    return missing


def _attribute_problems(change: Change) -> list[str]:
    after = change.after or {}
    if change.address.is_instance:
        model: type[BaseModel] = (
            _InstanceCreate if change.action is Action.CREATE else _InstanceUpdate
        )
    else:
        model = kind_of(change.resource_type).model
    try:
        model.model_validate(after)
    except ValidationError as error:
        return [summarise_validation_error(error, prefix=("after",))]
    absent = [field for field in change.changed_fields if field not in after]
    return [f"after.{field}: Field required (it is a changed field)" for field in absent]
