"""Checks across files and instances: what must be defined or used once only.

- an instance key (`instances.<key>`) and a top-level section (`provider`, `state`) may
  be defined in one file only (`FirstDefinitions`); `version` is a per-file format marker;
- an access path or a phone number may belong to one instance only, and be listed once
  (`unique_values`).

Each repeat is reported where it is, naming the first place as related.
"""

from __future__ import annotations

from collections.abc import Mapping

from cccform.config.document import Document
from cccform.config.models import InstanceConfig
from cccform.diagnostics import Diagnostic, FieldPath, SourceLocation


class FirstDefinitions:
    """Where each name was first defined, to report any later definition of it.

    `message` and `hint` are format strings of `{key}` and `{first}` (the location).
    """

    def __init__(self, message: str, hint: str) -> None:
        self._first: dict[str, SourceLocation | None] = {}
        self._message = message
        self._hint = hint

    def claim(self, key: str, document: Document, path: FieldPath) -> Diagnostic | None:
        """Record `key` as defined at `path`; a diagnostic if it already was."""
        if key not in self._first:
            self._first[key] = document.key_location(path)
            return None
        first = self._first[key]
        return Diagnostic(
            self._message.format(key=key, first=first),
            document.entry_location(path),
            path,
            self._hint.format(key=key, first=first),
            (first,) if first else (),
        )


def instance_definitions() -> FirstDefinitions:
    return FirstDefinitions(
        "instance '{key}' is defined more than once; first at {first}",
        "each key under 'instances' may appear in one file only",
    )


def section_definitions() -> FirstDefinitions:
    return FirstDefinitions(
        "'{key}' is set in more than one file; first at {first}",
        "keep '{key}' in one file only",
    )


_Seen = dict[str, tuple[str, SourceLocation | None]]


def unique_values(instances: Mapping[str, tuple[InstanceConfig, Document]]) -> list[Diagnostic]:
    """Access paths and phone numbers used more than once, over all instances."""
    found: list[Diagnostic] = []
    paths: _Seen = {}
    numbers: _Seen = {}
    for key, (instance, document) in instances.items():
        path: FieldPath = ("instances", key, "access_path")
        found += _repeat(paths, instance.access_path, key, document, path, "access path")
        for index, number in enumerate(instance.phone_numbers):
            path = ("instances", key, "phone_numbers", index)
            found += _repeat(numbers, number, key, document, path, "phone number")
    return found


def _repeat(
    seen: _Seen, value: str, key: str, document: Document, path: FieldPath, what: str
) -> list[Diagnostic]:
    """Record `value` as used by instance `key`; a diagnostic if it already was."""
    location = document.location_of(path)
    if value not in seen:
        seen[value] = (key, location)
        return []
    first_key, first = seen[value]
    where = f"; first at {first}" if first else ""
    hint = f"each {what} may belong to one instance only"
    if first_key == key:
        message = f"{what} {value!r} is listed twice in instance.{key}{where}"
        hint = "remove the repeated one"
    else:
        both = f"instance.{first_key} and instance.{key}"
        message = f"{what} {value!r} is used by both {both}{where}"
    return [Diagnostic(message, location, path, hint, (first,) if first else ())]
