"""One function per action: the provider calls a step makes. Run in worker threads."""

from __future__ import annotations

from cccform.apply.schedule import StepResult
from cccform.errors import AmbiguousError, ApiError, CccformError, ProviderError
from cccform.plan.models import Action, Change
from cccform.providers.base import InstanceSpec, Provider

ALREADY_EXISTS = "AlreadyExists.DomainName"
NOT_EXISTS = "NotExists.InstanceId"
ATTEMPTS = 3  # tries of a call whose outcome was unknown, each after reading back


def run_step(change: Change, provider: Provider, earlier_intents: frozenset[str]) -> StepResult:
    """Make the calls of one step. Raises CccformError subclasses on failure."""
    if change.action is Action.CREATE:
        return _create(change, provider, earlier_intents)
    if change.action is Action.ADOPT:  # it exists already: the state records it, no call
        return StepResult()
    if change.action is Action.UPDATE:
        if "description" in change.changed_fields:
            provider.modify_instance(
                change.required_remote_id(), str(change.required_after()["description"])
            )
        return StepResult()
    if change.action is Action.DELETE:
        _delete(change, provider)
        return StepResult(wait=True)
    provider.enable_conversation_analysis(change.required_remote_id())
    return StepResult()


def _create(change: Change, provider: Provider, earlier_intents: frozenset[str]) -> StepResult:
    if change.resume:
        return StepResult(wait=True, adopted=True)
    after = change.required_after()
    spec = InstanceSpec(
        name=str(after["name"]),
        access_path=str(after["access_path"]),
        description=str(after["description"]),
        phone_numbers=tuple(after["phone_numbers"]),
        admins=tuple(after["admins"]),
    )
    ours = str(change.address) in earlier_intents
    for attempt in range(ATTEMPTS):
        try:
            provider.create_instance(spec)
            return StepResult(wait=True)
        except AmbiguousError as unknown:
            # CreateInstance has no idempotency token: read back before trying again
            try:
                found = provider.get_instance(spec.access_path)
            except CccformError as error:  # still unknown: keep the intent for the next apply
                raise AmbiguousError(
                    f"{unknown}; reading {spec.access_path} back failed too: {error}"
                ) from error
            if found is not None:
                return StepResult(wait=True, adopted=True)
            ours = True  # a later AlreadyExists can only be our own earlier try
            if attempt == ATTEMPTS - 1:
                raise
        except ApiError as error:
            if error.code != ALREADY_EXISTS:
                raise
            return _already_exists(spec, ours, error)
    raise AssertionError("unreachable")


def _already_exists(spec: InstanceSpec, ours: bool, error: ApiError) -> StepResult:
    if not ours:
        raise ProviderError(
            f"access path {spec.access_path!r} already exists and is not managed by this "
            "state. Choose another access_path, or remove this instance from the configuration."
        ) from error
    # An earlier apply (or try) recorded the intent and may have created it: adopt it, but
    # only if it shows up in this account (checked while waiting).
    return StepResult(wait=True, adopted=True)


def _delete(change: Change, provider: Provider) -> None:
    """DeleteInstance again is harmless: an unknown outcome is simply tried again."""
    for attempt in range(ATTEMPTS):
        try:
            provider.delete_instance(change.required_remote_id())
            return
        except AmbiguousError:
            if attempt == ATTEMPTS - 1:
                raise
        except ApiError as error:
            if error.code != NOT_EXISTS:
                raise
            return
