"""The versioned on-disk form of the state: canonical JSON, parsing, and format upgrades.

A state file is one JSON object with sorted keys and two-space indentation, so that
two versions diff line by line. `format_version` says how to read it. When the format
changes, bump `STATE_FORMAT_VERSION` and register an upgrader from the old version to
the next one; `parse` then walks old files forward one version at a time. A file from
a newer cccform is refused with a message that says to upgrade cccform.

Error messages never quote the file's content: a state may hold secrets.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pydantic_core
from pydantic import ValidationError

from cccform import __version__, files
from cccform.addresses import Address
from cccform.diagnostics import summarise_validation_error
from cccform.errors import StateError
from cccform.state.models import STATE_FORMAT_VERSION, State

CURRENT_FORMAT_VERSION = STATE_FORMAT_VERSION
"""The format this cccform writes, and the newest it can read."""

Document = dict[str, Any]
Upgrader = Callable[[Document], Document]

UPGRADERS: dict[int, Upgrader] = {}
"""Upgraders keyed by the version they read; each returns the document one version later."""

_MAX_REPORTED_ERRORS = 5
_REQUIRED_KEYS = ("lineage", "serial")


def upgrader(from_version: int) -> Callable[[Upgrader], Upgrader]:
    """Register the decorated function as the upgrade from `from_version` to the next."""

    def register(function: Upgrader) -> Upgrader:
        if from_version in UPGRADERS:
            raise ValueError(f"an upgrader from state format {from_version} already exists")
        UPGRADERS[from_version] = function
        return function

    return register


@upgrader(1)
def _intents_say_whether_they_were_sent(document: Document) -> Document:
    """Format 2 records whether an intent's create went out. Format 1 cannot tell: its
    intents count as sent, as format 1 treated them."""
    pending = {
        address: {**intent, "sent": True} for address, intent in document.get("pending", {}).items()
    }
    return {**document, "format_version": 2, "pending": pending}


@upgrader(2)
def _states_record_their_provider(document: Document) -> Document:
    """Format 3 records the provider and account a state belongs to. A format 2 state has
    no binding; it is bound to the provider of the run that next writes it."""
    return {**document, "format_version": 3}


def to_document(state: State) -> Document:
    """The JSON-ready form of `state`, keys sorted at every level, sharing nothing with it."""
    return _sorted_dict(state.model_dump(mode="json"))


def encode(document: Document) -> bytes:
    """Canonical bytes of a document from `to_document`: UTF-8, indent 2, final newline."""
    # json.dumps(indent=2) runs the pure-Python encoder (about 2 s/100 MB);
    # pydantic-core's encoder keeps the key order we gave it and is ~10x faster.
    return pydantic_core.to_json(document, indent=2) + b"\n"


def serialise(state: State) -> bytes:
    """The bytes of `state` as written to disk."""
    return encode(to_document(state))


def parse(data: bytes, source: str, recovery: str = "") -> State:
    """Read a state file's bytes, upgrading older formats; StateError if unusable.

    `source` names the file in messages; `recovery` is appended to the messages about
    a damaged file and should say what to do (for example, restore the backup).
    """
    document = upgrade(_load_json(data, source, recovery), source, recovery)
    # The model would invent a lineage and serial for a file without them: refuse instead.
    missing = [key for key in _REQUIRED_KEYS if key not in document]
    if missing:
        problems = "; ".join(f"{key}: Field required" for key in missing)
        raise StateError(_join(f"{source} is not a valid cccform state: {problems}.", recovery))
    try:
        state = State.model_validate(document)
    except RecursionError:
        raise StateError(
            _join(f"{source} cannot be read as a state: it is nested too deeply.", recovery)
        ) from None
    except ValidationError as exc:
        raise StateError(
            _join(f"{source} is not a valid cccform state: {summarise(exc)}.", recovery)
        ) from None
    check(state, source, recovery)
    return state


def check(state: State, source: str, recovery: str = "") -> None:
    """Refuse a state the models accept but the planner cannot use (StateError)."""
    if state.serial < 0:
        raise StateError(
            _join(f"{source} is not a valid cccform state: serial is negative.", recovery)
        )
    # An intent names the instance it creates: the planner reads its key as an address.
    for key in state.pending:
        address = Address.try_parse(key)
        if address is None or not address.is_instance:
            raise StateError(
                _join(
                    f"{source} is not a valid cccform state: pending.{key}: an intent is "
                    "keyed by the address of an instance (instance.<key>).",
                    recovery,
                )
            )
    _check_one_address_per_object(state, source, recovery)


def _check_one_address_per_object(state: State, source: str, recovery: str) -> None:
    """Two addresses with one remote id would let a plan delete, under one of them, the
    object the configuration keeps under the other: such a state is refused."""
    seen: dict[tuple[str, str], str] = {}
    for key in sorted(state.resources):
        address = Address.try_parse(key)
        kind = address.kind.value if address is not None else key
        ident = (kind, state.resources[key].remote_id)
        if ident in seen:
            raise StateError(
                _join(
                    f"{source} is not a valid cccform state: {seen[ident]} and {key} are "
                    f"both {state.resources[key].remote_id!r}; one object has one address "
                    "(remove the wrong one with cccform state rm, after restoring a backup "
                    "if the file was edited).",
                    recovery,
                )
            )
        seen[ident] = key


def upgrade(
    document: Document,
    source: str,
    recovery: str = "",
    *,
    target: int = CURRENT_FORMAT_VERSION,
    upgraders: Mapping[int, Upgrader] = UPGRADERS,
) -> Document:
    """Bring `document` from its `format_version` up to `target`, one version at a time."""
    version = _format_version(document, source, recovery)
    if version > target:
        raise StateError(
            f"{source} was written by a newer cccform (state format {version}; "
            f"cccform {__version__} reads formats up to {target}). Upgrade cccform to "
            "use this state; do not edit the file or go back to an older cccform."
        )
    while version < target:
        step = upgraders.get(version)
        if step is None:
            raise StateError(
                f"{source} uses state format {version}, which cccform {__version__} "
                f"cannot upgrade (no upgrade from format {version} to {version + 1})."
            )
        document = step(document)
        version += 1
        document["format_version"] = version
    return document


def _load_json(data: bytes, source: str, recovery: str) -> Document:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise StateError(_join(f"{source} is damaged: it is not UTF-8 text.", recovery)) from None
    if not text.strip():
        raise StateError(_join(f"{source} is empty, so it holds no state.", recovery))
    try:
        document = files.load_json(text)
    except files.PathologicalJsonError as exc:
        raise StateError(_join(f"{source} cannot be read as a state: {exc}.", recovery)) from None
    except json.JSONDecodeError as exc:
        raise StateError(
            _join(
                f"{source} is damaged: it is not valid JSON "
                f"({exc.msg} at line {exc.lineno}, column {exc.colno}).",
                recovery,
            )
        ) from None
    if not isinstance(document, dict):
        raise StateError(
            _join(f"{source} is not a cccform state: its top level is not a JSON object.", recovery)
        )
    return document


def _format_version(document: Document, source: str, recovery: str) -> int:
    if "format_version" not in document:
        raise StateError(
            _join(f"{source} is not a cccform state: it has no format_version.", recovery)
        )
    version = document["format_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        shown = version if isinstance(version, int) else f"a {type(version).__name__}"
        raise StateError(
            _join(
                f"{source} has an invalid format_version ({shown}); it must be a whole number "
                "of 1 or more.",
                recovery,
            )
        )
    return version


def summarise(exc: ValidationError) -> str:
    """The first few errors of a state's validation, without the values."""
    return summarise_validation_error(exc, _MAX_REPORTED_ERRORS)


def _join(message: str, recovery: str) -> str:
    return f"{message} {recovery}" if recovery else message


def sorted_document(mapping: dict[str, Any]) -> dict[str, Any]:
    """A copy of a JSON-ready mapping with its keys sorted at every level."""
    return _sorted_dict(mapping)


def _sorted_dict(mapping: dict[str, Any]) -> dict[str, Any]:
    # Hot path for large states: recurse only into containers, not into every leaf.
    result: dict[str, Any] = {}
    for key in sorted(mapping):
        value = mapping[key]
        kind = type(value)
        if kind is dict:
            value = _sorted_dict(value)
        elif kind is list:
            value = _sorted_list(value)
        result[key] = value
    return result


def _sorted_list(items: list[Any]) -> list[Any]:
    return [
        _sorted_dict(item)
        if type(item) is dict
        else _sorted_list(item)
        if type(item) is list
        else item
        for item in items
    ]
