"""The public JSON documents: `plan --json`, `show --json PLANFILE` and `apply --json`.

This is a contract with scripts and review bots, documented field by field in
docs/json-plan.md and described by `schemas/plan.schema.json` (generated from the models
below, by `json_schema.py`: `cccform schema --plan --write`). It is built from the internal
plan by an explicit mapping, so the internal models (and the saved plan file, which has its
own format) can change without changing it. Any change of these models needs a new
`FORMAT_VERSION`: the minor number for added fields, the major number for anything else.

History of `FORMAT_VERSION`:
- 2.1: `warnings` (kind `all_instances_gone`); the rejection kind `forget_not_allowed`;
  `deleted_with` in `apply --json`.
- 2.2: the action `adopt` (an object that exists already is recorded in the state, with no
  call; what differs is an `update` after it) and `adopt` in the summaries.
- 2.3: impacts are what the plan changes for callers (routing graph before and after); the
  kinds `number_stops_answering`, `agent_stops_answering`, `flow_published`.
- 2.4: `targets` and `excludes` (a partial plan) and the warning kinds `partial_plan`,
  `target_dependency`, `excluded_dependent`, `refresh_skipped`; `refresh_only` and `drift`
  (`--refresh-only`), `refreshed` in `apply --json`; `validate --json` (`JsonValidateOutput`);
  the note kind `adopted_while_creating`.
- 2.0: `cccform_version`; `location` on changes; impacts and notes with `subject`, `before`
  and `after`; `details` renamed `changed_paths`; `resume` replaced by `adopt` and
  `resumes_creation`; `depends_on` dropped; `apply --json` carries the versions at its top.
- 1.0: the first version (the internal plan as it was).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any, Final, Literal

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from cccform import __version__
from cccform.addresses import ResourceType
from cccform.apply.result import ApplyResult, StepStatus
from cccform.plan.models import (
    Action,
    Change,
    Drift,
    Forget,
    Impact,
    Location,
    Plan,
    PlanWarning,
    Rejection,
    RejectionKind,
)

FORMAT_VERSION: Final = "2.4"


# no field outside the contract: the tests validate every document against the schema
_CLOSED = ConfigDict(extra="forbid")


def cccform_version() -> str:
    """The installed distribution's version (the package's own when it is not installed)."""
    try:
        return version("cccform")
    except PackageNotFoundError:
        return __version__


@with_config(_CLOSED)
class JsonLocation(TypedDict):
    """Where the configuration says it: file (relative to the working directory), 1-based."""

    file: str
    line: int
    column: int


@with_config(_CLOSED)
class JsonChange(TypedDict):
    """One change the plan makes."""

    address: str
    action: Action
    resource_type: ResourceType
    instance: str
    name: str | None
    instance_id: str | None
    remote_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed_fields: list[str]
    changed_paths: dict[str, list[str]]
    drift: Drift | None
    drift_fields: list[str]
    reason: str | None
    adopt: bool
    resumes_creation: bool
    location: JsonLocation | None


@with_config(_CLOSED)
class JsonRejection(TypedDict):
    """A change the plan refuses to make, and what to do instead."""

    address: str
    field: str
    kind: RejectionKind
    message: str
    hint: str
    before: Any
    after: Any
    location: JsonLocation | None


@with_config(_CLOSED)
class JsonForget(TypedDict):
    """An object that apply only drops from the state."""

    address: str
    remote_id: str
    reason: str


@with_config(_CLOSED)
class JsonDrift(TypedDict):
    """A managed object changed outside cccform: recorded (`before`) and live (`after`)."""

    address: str
    remote_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    changed_fields: list[str]


# An instance whose key was renamed (same access path): apply only rewrites the state.
# Functional form, since `from` is a keyword.
JsonMove = TypedDict(
    "JsonMove", {"action": Literal["move"], "address": str, "from": str, "remote_id": str}
)
with_config(_CLOSED)(JsonMove)


@with_config(_CLOSED)
class JsonImpact(TypedDict):
    """What the plan means beyond the objects it changes (impacts), or a note."""

    instance: str
    kind: str
    subject: str
    before: Any
    after: Any
    message: str


@with_config(_CLOSED)
class JsonWarning(TypedDict):
    """Something about the plan as a whole to check before applying it."""

    kind: str
    subjects: list[str]
    message: str


@with_config(_CLOSED)
class JsonSummary(TypedDict):
    """How many changes of each action."""

    create: int
    adopt: int
    update: int
    delete: int
    enable_qa: int
    move: int
    forget: int


@with_config(_CLOSED)
class JsonPriorState(TypedDict):
    """The state the plan was made from."""

    lineage: str
    serial: int
    existed: bool


@with_config(_CLOSED)
class JsonPlan(TypedDict):
    """`plan --json` and `show --json PLANFILE`."""

    format_version: Literal["2.4"]
    cccform_version: str
    changes: list[JsonChange]
    errors: list[JsonRejection]
    forget: list[JsonForget]
    moves: list[JsonMove]
    impacts: list[JsonImpact]
    notes: list[JsonImpact]
    warnings: list[JsonWarning]
    targets: list[str]
    excludes: list[str]
    refresh_only: bool
    drift: list[JsonDrift]
    summary: JsonSummary
    prior_state: JsonPriorState


@with_config(_CLOSED)
class JsonStep(TypedDict):
    """What happened to one change during apply."""

    address: str
    action: Action
    status: StepStatus
    message: str | None
    elapsed_seconds: float


@with_config(_CLOSED)
class JsonStepCounts(TypedDict):
    """How many steps ended in each status."""

    done: int
    failed: int
    manual: int
    skipped: int
    interrupted: int
    not_started: int


@with_config(_CLOSED)
class JsonApplySummary(TypedDict):
    """Changes done by action, and steps by status."""

    done: JsonSummary
    steps: JsonStepCounts


@with_config(_CLOSED)
class JsonDeletedWith(TypedDict):
    """What a deleted instance took with it."""

    address: str
    contents: list[str]
    phone_numbers: list[str]


@with_config(_CLOSED)
class JsonApply(TypedDict):
    """What apply did."""

    complete: bool
    interrupted: bool
    steps: list[JsonStep]
    forgotten: list[str]
    refreshed: list[str]
    deleted_with: list[JsonDeletedWith]
    summary: JsonApplySummary


@with_config(_CLOSED)
class JsonApplyOutput(TypedDict):
    """`apply --json`: the plan as reviewed, and what apply did (null: apply did not run)."""

    format_version: Literal["2.4"]
    cccform_version: str
    plan: JsonPlan
    apply: JsonApply | None


# -- the mapping ---------------------------------------------------------------------
# Plain dictionaries, typed by the TypedDicts above (mypy checks that every field is set):
# validating what cccform itself builds would double the cost of a large plan; the tests
# validate the output against the schema instead.


def _location(location: Location | None) -> JsonLocation | None:
    if location is None:
        return None
    return JsonLocation(file=location.file, line=location.line, column=location.column)


def _change(change: Change) -> JsonChange:
    return JsonChange(
        address=str(change.address),
        action=change.action,
        resource_type=change.resource_type,
        instance=change.instance,
        name=None if change.address.is_instance else change.object_name,
        instance_id=change.instance_id,
        remote_id=change.remote_id,
        before=change.before,
        after=change.after,
        changed_fields=change.changed_fields,
        changed_paths=change.details,
        drift=change.drift,
        drift_fields=change.drift_fields,
        reason=change.reason,
        adopt=change.adopt,
        resumes_creation=change.resume,
        location=_location(change.location),
    )


def _rejection(error: Rejection) -> JsonRejection:
    return JsonRejection(
        address=str(error.address),
        field=error.field,
        kind=error.kind,
        message=error.message,
        hint=error.hint,
        before=error.before,
        after=error.after,
        location=_location(error.location),
    )


def _forget(entry: Forget) -> JsonForget:
    return JsonForget(address=str(entry.address), remote_id=entry.remote_id, reason=entry.reason)


def _impact(impact: Impact) -> JsonImpact:
    return JsonImpact(
        instance=impact.instance,
        kind=impact.kind,
        subject=impact.subject,
        before=impact.before,
        after=impact.after,
        message=impact.message,
    )


def _warning(warning: PlanWarning) -> JsonWarning:
    return JsonWarning(kind=warning.kind, subjects=list(warning.subjects), message=warning.message)


def _summary(counts: dict[str, int]) -> JsonSummary:
    return JsonSummary(
        create=counts["create"],
        adopt=counts["adopt"],
        update=counts["update"],
        delete=counts["delete"],
        enable_qa=counts["enable_qa"],
        move=counts.get("move", 0),
        forget=counts.get("forget", 0),
    )


def _step_counts(counts: dict[str, int]) -> JsonStepCounts:
    return JsonStepCounts(
        done=counts["done"],
        failed=counts["failed"],
        manual=counts["manual"],
        skipped=counts["skipped"],
        interrupted=counts["interrupted"],
        not_started=counts["not_started"],
    )


def json_plan(plan: Plan) -> JsonPlan:
    """The public form of `plan`."""
    prior = plan.prior_state
    return JsonPlan(
        format_version=FORMAT_VERSION,
        cccform_version=cccform_version(),
        changes=[_change(c) for c in plan.changes],
        errors=[_rejection(e) for e in plan.errors],
        forget=[_forget(f) for f in plan.forget],
        moves=[
            JsonMove(
                {
                    "action": "move",
                    "address": str(m.address),
                    "from": str(m.from_address),
                    "remote_id": m.remote_id,
                }
            )
            for m in plan.moves
        ],
        impacts=[_impact(i) for i in plan.impacts],
        notes=[_impact(n) for n in plan.notes],
        warnings=[_warning(w) for w in plan.warnings],
        targets=[str(a) for a in plan.targets],
        excludes=[str(a) for a in plan.excludes],
        refresh_only=plan.refresh_only,
        drift=[
            JsonDrift(
                address=str(r.address),
                remote_id=r.remote_id,
                before=r.before,
                after=r.after,
                changed_fields=list(r.changed_fields),
            )
            for r in plan.refreshed
        ],
        summary=_summary(plan.summary()),
        prior_state=JsonPriorState(
            lineage=prior.lineage, serial=prior.serial, existed=prior.existed
        ),
    )


def json_apply(result: ApplyResult) -> JsonApply:
    """The public form of what apply did."""
    steps = [
        JsonStep(
            address=str(outcome.change.address),
            action=outcome.change.action,
            status=outcome.status,
            message=outcome.message,
            elapsed_seconds=round(outcome.elapsed, 3),
        )
        for outcome in result.outcomes
    ]
    counts = {status.value: len(result.with_status(status)) for status in StepStatus}
    done = {action.value: n for action, n in result.done_counts().items()}
    done.update(move=len(result.moved), forget=len(result.forgotten))
    return JsonApply(
        complete=result.complete,
        interrupted=result.interrupted,
        steps=steps,
        forgotten=result.forgotten,
        refreshed=result.refreshed,
        deleted_with=[
            JsonDeletedWith(
                address=d.address, contents=list(d.contents), phone_numbers=list(d.phone_numbers)
            )
            for d in result.deleted_with
        ],
        summary=JsonApplySummary(done=_summary(done), steps=_step_counts(counts)),
    )


def plan_document(plan: Plan) -> dict[str, Any]:
    """`plan --json` and `show --json PLANFILE`, as JSON data."""
    return dict(json_plan(plan))


def apply_output(plan: Plan, result: ApplyResult | None) -> dict[str, Any]:
    """`apply --json`, as JSON data: the plan as reviewed, and what apply did (if it ran)."""
    output = JsonApplyOutput(
        format_version=FORMAT_VERSION,
        cccform_version=cccform_version(),
        plan=json_plan(plan),
        apply=None if result is None else json_apply(result),
    )
    return dict(output)
