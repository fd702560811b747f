"""Offline checks of the names an instance refers to, and its flow definitions, read.

Inside one validated instance (`instances.<key>`):

- each skill of an agent (`agents.<login>.skills.<name>`) names a declared skill group;
- each key of `numbers` is one of the instance's `phone_numbers`;
- a number's `flow` is a declared flow, and its `skill_groups` are declared skill groups;
- each flow's `definition_file` (relative to the directory of the YAML file that declares
  it; absolute paths and `..` are allowed) is a regular file (opened without blocking, so
  a FIFO is refused, never waited on) of at most `MAX_DEFINITION_BYTES`, valid UTF-8 JSON
  (a leading byte order mark is ignored; NaN and Infinity are not JSON) whose top level is
  an object;
- each inline `definition` is at most `MAX_DEFINITION_BYTES` as compact JSON once its
  aliases are expanded (measured on the shared nodes, never by expanding them).

A name that is not declared gets `did you mean ...?` when one is close, else the declared
names. A problem inside a JSON file is located there (line and column), with the YAML
location of `definition_file` as related; every other problem is located at the value or
key that names the missing thing.

`References.check` returns the instance with every flow's `definition` filled: the
parsed file, or the inline definition as plain JSON data (lists, not tuples), so that
both read the same downstream. Each file is read once, however many flows name it.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cccform import files
from cccform.config.document import Document, byte_location, display_path
from cccform.config.models import FlowConfig, InstanceConfig
from cccform.config.suggest import closest
from cccform.config.values import describe
from cccform.diagnostics import Diagnostic, FieldPath, SourceLocation

MAX_DEFINITION_BYTES = 1024 * 1024
_LISTED = 10  # names listed in a hint before "..."


@dataclass(frozen=True)
class _Problem:
    """Why a definition file cannot be used; `inside` is a location in the file itself."""

    message: str
    hint: str
    inside: SourceLocation | None = None

    def at(self, path: FieldPath, location: SourceLocation | None) -> Diagnostic:
        if self.inside is None:
            return Diagnostic(self.message, location, path, self.hint)
        related = (location,) if location is not None else ()
        return Diagnostic(self.message, self.inside, path, self.hint, related)


_Parsed = dict[str, Any] | _Problem


class References:
    """Checks the references of instances one by one; reads each definition file once."""

    def __init__(self) -> None:
        self._files: dict[str, _Parsed] = {}

    def check(
        self, key: str, instance: InstanceConfig, document: Document, directory: Path
    ) -> tuple[InstanceConfig, list[Diagnostic]]:
        """`instance` with its flows' definitions filled, and what is wrong in it.

        `directory` is the directory of the YAML file (`document`) that declares it.
        """
        if not (instance.agents or instance.flows or instance.numbers):
            return instance, []
        checker = _Checker(key, instance, document)
        checker.skills()
        checker.numbers()
        flows = {
            name: self._resolve(flow, (*checker.prefix, "flows", name), checker, directory)
            for name, flow in instance.flows.items()
        }
        return instance.model_copy(update={"flows": flows}), checker.found

    def _inline(self, flow: FlowConfig, path: FieldPath, checker: _Checker) -> FlowConfig:
        """An inline definition as JSON data, unless aliases expand it past the limit."""
        size = _json_size(flow.definition, MAX_DEFINITION_BYTES, {})
        if size <= MAX_DEFINITION_BYTES:
            return flow.model_copy(update={"definition": _plain(flow.definition)})
        value_path = (*path, "definition")
        message = f"the inline definition of flow '{path[-1]}' is larger than 1 MiB as JSON"
        hint = (
            "a flow definition is at most 1 MiB; the *aliases in it repeat what they refer to, "
            "so write less or split the flow into sub-flows"
        )
        location = checker.document.entry_location(value_path)
        checker.found.append(Diagnostic(message, location, value_path, hint))
        return flow

    def _resolve(
        self, flow: FlowConfig, path: FieldPath, checker: _Checker, directory: Path
    ) -> FlowConfig:
        if flow.definition_file is None:
            return self._inline(flow, path, checker)
        value_path = (*path, "definition_file")
        if checker.document.is_poisoned(value_path):
            return flow  # a problem with the value (a tag) is already reported
        target = directory / flow.definition_file
        cache_key = os.path.abspath(target)
        parsed = self._files.get(cache_key)
        if parsed is None:
            parsed = _read_definition(target, flow.definition_file)
            self._files[cache_key] = parsed
        if isinstance(parsed, _Problem):
            checker.found.append(parsed.at(value_path, checker.document.location_of(value_path)))
            return flow
        return flow.model_copy(update={"definition": parsed})


class _Checker:
    """The name checks of one instance; problems collect in `found`."""

    def __init__(self, key: str, instance: InstanceConfig, document: Document) -> None:
        self.key = key
        self.instance = instance
        self.document = document
        self.prefix: FieldPath = ("instances", key)
        self.found: list[Diagnostic] = []

    def skills(self) -> None:
        groups = self.instance.skill_groups
        for login, agent in self.instance.agents.items():
            for name in agent.skills:
                if name not in groups:
                    path = (*self.prefix, "agents", login, "skills", name)
                    self._undeclared("skill group", name, groups, "skill_groups", path, True)

    def numbers(self) -> None:
        instance = self.instance
        own = set(instance.phone_numbers)  # a list: membership in it would cost a scan per number
        for number, routing in instance.numbers.items():
            path = (*self.prefix, "numbers", number)
            if number not in own:
                self._not_own(number, path)
            flow_path = (*path, "flow")
            if routing.flow is not None and routing.flow not in instance.flows:
                self._undeclared("flow", routing.flow, instance.flows, "flows", flow_path, False)
            elif routing.flow is not None:
                self._routable(routing.flow, routing.usage, flow_path)
            for index, name in enumerate(routing.skill_groups):
                if name not in instance.skill_groups:
                    item = (*path, "skill_groups", index)
                    groups = instance.skill_groups
                    self._undeclared("skill group", name, groups, "skill_groups", item, False)

    def _routable(self, flow: str, usage: str, path: FieldPath) -> None:
        """Only inbound calls reach a flow, and only a main flow answers a number."""
        if usage == "Outbound":
            message = (
                f"an Outbound number takes no inbound calls, so it routes to no flow ('{flow}')"
            )
            self._report(message, path, "remove flow, or use usage Inbound or Bidirection", False)
        elif self.instance.flows[flow].type != "MAIN_FLOW":
            kind = self.instance.flows[flow].type
            message = f"flow '{flow}' is a {kind}; only a MAIN_FLOW answers a number"
            self._report(message, path, "route the number to a MAIN_FLOW that calls it", False)

    def _undeclared(
        self,
        what: str,
        name: str,
        declared: Collection[str],
        section: str,
        path: FieldPath,
        is_key: bool,
    ) -> None:
        where = f"instances.{self.key}.{section}"
        close = self.document.suggester.closest(name, declared)
        if close:
            hint = f"did you mean '{close}'?"
        elif declared:
            hint = f"declared {what}s: {_listing(declared)}; or declare it under {where}"
        else:
            hint = f"declare it under {where}"
        message = f"{what} '{name}' is not declared in instance.{self.key}"
        self._report(message, path, hint, is_key)

    def _not_own(self, number: str, path: FieldPath) -> None:
        own = self.instance.phone_numbers
        close = self.document.suggester.closest(number, own)
        if close:
            hint = f"did you mean '{close}'?"
        elif own:
            hint = f"numbers routes the instance's own phone_numbers: {_listing(own)}"
        else:
            hint = f"instance.{self.key} has no phone_numbers; list the number there first"
        message = f"number '{number}' is not one of the phone_numbers of instance.{self.key}"
        self._report(message, path, hint, True)

    def _report(self, message: str, path: FieldPath, hint: str, is_key: bool) -> None:
        document = self.document
        if document.is_poisoned(path):
            return  # a problem with this value (a tag) is already reported
        location = document.entry_location(path) if is_key else document.location_of(path)
        self.found.append(Diagnostic(message, location, path, hint))


def _listing(names: Collection[str]) -> str:
    shown = list(itertools.islice(names, _LISTED))
    more = f", ... ({len(names)} in all)" if len(names) > _LISTED else ""
    return ", ".join(shown) + more


def _json_size(value: Any, limit: int, sizes: dict[int, int]) -> int:
    """The bytes of `value` as compact JSON, counting no further than just past `limit`.

    A node that aliases share counts each time it is used but is measured once (`sizes`, by
    id), so an alias bomb costs the work of its distinct nodes, not of its expansion.
    """
    if not isinstance(value, (dict, tuple, list)):
        return len(json.dumps(value, ensure_ascii=False, default=str).encode())
    known = sizes.get(id(value))
    if known is not None:
        return known
    pairs = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    total = 1 if value else 2  # the opening bracket; each item adds its comma or the closing one
    for key, item in pairs:
        total += 1 if key is None else _json_size(key, limit, sizes) + 2
        total += _json_size(item, limit, sizes)
        if total > limit:
            break
    sizes[id(value)] = total
    return total


def _plain(value: Any) -> Any:
    """YAML data as JSON data: tuples become lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


# --- definition files ----------------------------------------------------------------


def _read_definition(target: Path, written: str) -> _Parsed:
    """The JSON object in `target` (named `written` in the YAML file), or what is wrong."""
    if not written.strip():
        return _Problem(
            "definition_file is empty",
            "give the path of a JSON file, relative to the directory of this YAML file",
        )
    display = display_path(target)
    data = _read_bytes(target, written, display)
    if isinstance(data, _Problem):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _Problem(
            f"definition file {display} is not valid UTF-8: byte 0x{data[exc.start]:02x} "
            f"at byte offset {exc.start}",
            "save the file with UTF-8 encoding",
            byte_location(data, exc.start, display),
        )
    return _parse_json(text.removeprefix("\ufeff"), display)


def _read_bytes(target: Path, written: str, display: str) -> bytes | _Problem:
    try:
        data, _ = files.read_regular_file(target, MAX_DEFINITION_BYTES)
    except FileNotFoundError:
        return _missing(target, written, display)
    except files.NotRegularFileError as exc:
        return _Problem(
            f"definition file {display} is {exc.kind}, not a regular file",
            "point definition_file at a JSON file",
        )
    except files.FileTooLargeError as exc:
        limit = files.describe_size(MAX_DEFINITION_BYTES)
        return _Problem(
            f"definition file {display} is larger than {limit} ({exc.size} bytes)",
            f"a flow definition is at most {limit}; split the flow into sub-flows",
        )
    except OSError as exc:
        return _Problem(f"cannot read definition file {display}: {exc.strerror}", _PERMISSIONS)
    return data


_PERMISSIONS = "check the file's permissions"


def _missing(target: Path, written: str, display: str) -> _Problem:
    message = f"definition file {display} does not exist"
    base = display_path(target.parent)
    hint = "definition_file is relative to the directory of the YAML file that declares it"
    if target.parent.is_dir():
        siblings = [entry.name for entry in target.parent.iterdir() if entry.is_file()]
        close = closest(target.name, siblings)
        if close and written.endswith(target.name):
            return _Problem(message, f"did you mean '{written[: -len(target.name)]}{close}'?")
        return _Problem(message, f"{hint}; {base} has no file named {target.name}")
    return _Problem(message, f"{hint}; there is no directory {base}")


class _NotJson(ValueError):
    """NaN, Infinity or -Infinity, which Python's reader accepts and JSON does not."""

    def __init__(self, word: str) -> None:
        super().__init__(word)
        self.word = word


def _reject_constant(word: str) -> Any:
    raise _NotJson(word)


def _parse_json(text: str, display: str) -> _Parsed:
    syntax = "check the brackets, commas and quotes; JSON has no comments or trailing commas"
    try:
        value = files.load_json(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        inside = SourceLocation(display, exc.lineno, exc.colno)
        message = f"invalid JSON in {display} at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        return _Problem(message, syntax, inside)
    except _NotJson as exc:
        word_at = _word_location(text, exc.word, display)
        where = f" at line {word_at.line}, column {word_at.column}" if word_at else ""
        message = f"invalid JSON in {display}{where}: {exc.word} is not a JSON value"
        return _Problem(message, "write null, or a number", word_at)
    except files.JsonTooDeepError:
        return _Problem(
            f"definition file {display} is nested too deeply to read",
            "a flow definition is the JSON object the console exports; check the file",
        )
    except files.JsonNumberTooLongError:
        return _Problem(
            f"invalid JSON in {display}: a number has too many digits",
            "a number in a flow definition has at most 4300 digits",
        )
    if not isinstance(value, dict):
        return _Problem(
            f"the top level of {display} must be a JSON object {{...}}, got {describe(value)}",
            "a flow definition is the JSON object the console exports",
            _first_value_location(text, display),
        )
    return value


def _word_location(text: str, word: str, display: str) -> SourceLocation | None:
    """Where the bare `word` (NaN, Infinity) first appears outside a string, roughly."""
    found = re.search(rf'(?<![\w"]){re.escape(word)}(?![\w"])', text)
    if found is None:
        return None
    return _text_location(text, found.start(), display)


def _first_value_location(text: str, display: str) -> SourceLocation:
    offset = len(text) - len(text.lstrip(" \t\r\n"))
    return _text_location(text, offset, display)


def _text_location(text: str, offset: int, display: str) -> SourceLocation:
    line_start = text.rfind("\n", 0, offset) + 1
    return SourceLocation(display, text.count("\n", 0, offset) + 1, offset - line_start + 1)
