"""What was read live, as the files of a configuration directory. Pure: no I/O, no clock.

The files are such that a plan over them adopts everything and changes nothing: each field is
written as the kinds compare it (`kinds/*.desired` of what is written equals
`kinds/*.observed` of what is live), defaults are left out, objects and keys come in a fixed
order, so that the same account gives the same bytes.

What the platform makes with every instance (`PLATFORM_SKILL_GROUP`, `PLATFORM_FLOW`, the
administrators given at creation, numbers routed as it routes them) is left out, and a comment
at the top of the instance says what was left out and why (docs/import.md, "Platform
defaults"). The default skill group is declared when something written uses it (an agent's
skill, a number's group): leaving it out would plan that use away.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cccform.addresses import Address, ResourceType
from cccform.config.models import (
    ACCESS_PATH_PATTERN,
    ADDRESS_KEY_PATTERN,
    ADMIN_ID_PATTERN,
    FLOW_NAME_PATTERN,
)
from cccform.config.redaction import REDACTED_MOBILE, redacted_email
from cccform.config.yaml_writer import FlowMap, FlowSeq, KeyPath, Quoted, dump_yaml
from cccform.live import (
    LiveAgent,
    LiveContents,
    LiveFlow,
    LiveInstance,
    LiveNumber,
    LiveSkillGroup,
)
from cccform.wire import unscoped_name

# What the platform makes inside every new instance (as the emulation does, ccc_emulator
# `defaults.py`): a default skill group, and a default IVR main flow that answers its numbers,
# which are used both ways.
PLATFORM_SKILL_GROUP = "default_skill_group"
PLATFORM_FLOW = "default_main_flow"
PLATFORM_NUMBER_USAGE = "Bidirection"

SCHEMA_FILE = "cccform.schema.json"
ONE_LINE_ITEMS = 8
# A dot is never in an access path: this name cannot be an instance's file.
PROVIDER_FILE = "provider.settings.yaml"
MODELINE = f"yaml-language-server: $schema={SCHEMA_FILE}"


@dataclass(frozen=True)
class ImportOptions:
    contents: bool = True
    redact: bool = False


@dataclass(frozen=True)
class ImportedInstance:
    """One instance as read: its contents (empty without --contents)."""

    live: LiveInstance
    contents: LiveContents = field(default_factory=LiveContents)


@dataclass
class Counts:
    instances: int = 0
    skill_groups: int = 0
    agents: int = 0
    flows: int = 0
    numbers: int = 0
    left_out: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass(frozen=True)
class Composed:
    """The files to write, by path relative to the output directory, in writing order."""

    files: dict[str, str]
    counts: Counts
    unreadable: list[UnreadableFlow] = field(default_factory=list)  # left out of the files


@dataclass(frozen=True)
class UnreadableFlow:
    """A flow left out because its definition is empty or not a JSON object."""

    access_path: str  # of its instance
    key: str  # its instance's key in the configuration
    name: str
    type: str

    @property
    def address(self) -> Address:
        return Address(self.key, ResourceType.FLOW, self.name)


def compose(
    instances: list[ImportedInstance],
    provider: Mapping[str, Any],
    schema: str,
    options: ImportOptions,
) -> Composed:
    """Every file of the configuration directory for `instances`."""
    counts = Counts()
    files: dict[str, str] = {SCHEMA_FILE: schema, PROVIDER_FILE: _provider_file(provider)}
    unreadable: list[UnreadableFlow] = []
    for imported in sorted(instances, key=lambda i: i.live.access_path):
        writer = _InstanceWriter(imported, options, counts)
        files.update(writer.files())
        unreadable += writer.unreadable
    return Composed(files, counts, unreadable)


def instance_key(access_path: str) -> str:
    """The address key of an instance: its access path, which may need a leading `_`."""
    return access_path if re.match(ADDRESS_KEY_PATTERN, access_path) else f"_{access_path}"


def instance_file(access_path: str) -> str:
    return f"{safe_name(access_path, ACCESS_PATH_PATTERN)}.yaml"


def flow_file(access_path: str, flow: str) -> str:
    directory = safe_name(access_path, ACCESS_PATH_PATTERN)
    return f"flows/{directory}/{safe_name(flow, FLOW_NAME_PATTERN)}.json"


def safe_name(name: str, pattern: str) -> str:
    """`name` as one file name: as it is when the configuration's rule for it holds (which
    has no `/` and no leading `.`), else a name made from its hash. Names come from the
    cloud, which may allow more: a flow named `../../x` must not write outside `--out`."""
    if re.match(pattern, name) and name not in (".", ".."):
        return name
    return "unnamed-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


def _provider_file(provider: Mapping[str, Any]) -> str:
    header = (
        f"{MODELINE}\n\nWritten by cccform import: where the instances of this directory live.\n"
        "Plan and apply talk to the same account as the import did."
    )
    return dump_yaml({"provider": dict(provider)}, header, {})


class _InstanceWriter:
    def __init__(self, imported: ImportedInstance, options: ImportOptions, counts: Counts) -> None:
        self.live = imported.live
        self.contents = imported.contents
        self.options = options
        self.counts = counts
        self.key = instance_key(self.live.access_path)
        self.left_out: list[str] = []
        self.unreadable: list[UnreadableFlow] = []
        self.notes: dict[KeyPath, str] = {}
        self.flow_files: dict[str, str] = {}

    def files(self) -> dict[str, str]:
        self.counts.instances += 1
        body = self._instance()
        notes = [
            f"Written by cccform import from instance {self.live.access_path} "
            f"({self.live.instance_id})."
        ]
        if self.options.redact:
            notes.append(
                "REDACTED: agents' emails and mobiles are placeholders; this configuration "
                "cannot be applied (validate and plan refuse it)."
            )
        notes.append(
            "conversation_analysis (QA) is left out: the API cannot tell whether it is on,\n"
            "and writing true plans turning it on (a console order, one-way)."
        )
        if self.left_out:
            notes.append(
                "Left out, made by the platform (see docs/import.md, Platform defaults):\n"
                + "\n".join(f"  {line}" for line in self.left_out)
            )
        if self.unreadable:
            notes.append(
                "Left out, as their definition is empty or not a JSON object (see docs/import.md,\n"
                "Limits); they are left as they are:\n"
                + "\n".join(f"  flow {flow.name} ({flow.type})" for flow in self.unreadable)
            )
        self.notes[("instances", self.key, "name")] = "\n".join(notes)
        text = dump_yaml({"instances": {self.key: body}}, MODELINE, self.notes)
        return {instance_file(self.live.access_path): text, **self.flow_files}

    def _instance(self) -> dict[str, Any]:
        live = self.live
        body: dict[str, Any] = {"name": live.name, "access_path": live.access_path}
        if live.description:
            body["description"] = live.description
        body["phone_numbers"] = _listed([Quoted(n) for n in live.phone_numbers])
        body["admins"] = _listed([Quoted(a) for a in platform_admins(live)])
        if not self.options.contents:
            return body
        agents = self._agents()
        numbers = self._numbers()
        used_groups = {g for a in agents.values() for g in a.get("skills", {})} | {
            g for n in numbers.values() for g in n.get("skill_groups", [])
        }
        sections = {
            "skill_groups": self._skill_groups(used_groups),
            "agents": agents,
            "flows": self._flows(),
            "numbers": numbers,
        }
        return body | {name: found for name, found in sections.items() if found}

    def _read(self, kind: ResourceType) -> list[Any]:
        found = self.contents.read(kind) or {}
        return [found[name] for name in sorted(found)]

    def _skill_groups(self, used: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for group in self._read(ResourceType.SKILL_GROUP):
            if group.name == PLATFORM_SKILL_GROUP and group.name not in used:
                self._leave_out(f"skill group {group.name} ({group.display_name!r})")
                continue
            out[group.name] = _skill_group(group)
            self.counts.skill_groups += 1
            if group.name == PLATFORM_SKILL_GROUP:
                self.notes[("instances", self.key, "skill_groups", group.name)] = (
                    "Made by the platform with the instance; declared because agents or "
                    "numbers written here use it."
                )
        return out

    def _agents(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        admins = set(platform_admins(self.live))
        for agent in self._read(ResourceType.AGENT):
            if agent.login_name in admins:
                self._leave_out(
                    f"administrator {agent.login_name} (a RAM user given at creation: see admins)"
                )
            elif not agent.email:
                self._leave_out(
                    f"user {agent.login_name} ({agent.role}): it has no email, which a "
                    "declared agent needs"
                )
            else:
                out[agent.login_name] = self._agent(agent)
                self.counts.agents += 1
        return out

    def _agent(self, agent: LiveAgent) -> dict[str, Any]:
        redact = self.options.redact
        body: dict[str, Any] = {
            "display_name": agent.display_name,
            "email": redacted_email(agent.login_name) if redact else agent.email,
        }
        if agent.mobile is not None:
            body["mobile"] = Quoted(REDACTED_MOBILE if redact else agent.mobile)
        if agent.role != "Agent":
            body["role"] = agent.role
        if agent.work_mode != "ON_SITE":
            body["work_mode"] = agent.work_mode
        if agent.skills:
            body["skills"] = FlowMap(sorted(agent.skills.items()))
        return body

    def _flows(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for flow in self._read(ResourceType.FLOW):
            if flow.name == PLATFORM_FLOW:
                self._leave_out(f"flow {flow.name} ({flow.type}), the default IVR flow")
                continue
            if flow.definition is None:
                # Written as {}, the first plan would put an empty flow over it.
                self.unreadable.append(
                    UnreadableFlow(self.live.access_path, self.key, flow.name, flow.type)
                )
                continue
            path = flow_file(self.live.access_path, flow.name)
            out[flow.name] = _flow(flow, path)
            self.flow_files[path] = _definition_text(flow)
            self.counts.flows += 1
        return out

    def _numbers(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        flows = {f.name for f in self._read(ResourceType.FLOW) if f.definition is not None} - {
            PLATFORM_FLOW
        }
        for number in self._read(ResourceType.NUMBER):
            if _as_made(number):
                self._leave_out(f"number {number.number}: routed as the platform made it")
                continue
            out[Quoted(number.number)] = self._number(number, flows)
            self.counts.numbers += 1
        return out

    def _number(self, number: LiveNumber, flows: set[str]) -> dict[str, Any]:
        body: dict[str, Any] = {"usage": number.usage}
        if number.flow_name in flows:
            body["flow"] = number.flow_name
        elif number.flow_name is not None:
            path = ("instances", self.key, "numbers", number.number, "usage")
            self.notes[path] = (
                f"flow: {number.flow_name} (left out, as that flow is: its routing is left "
                "as it is)"
            )
        if number.skill_groups:
            body["skill_groups"] = _listed(sorted(number.skill_groups))
        return body

    def _leave_out(self, line: str) -> None:
        self.left_out.append(line)
        self.counts.left_out += 1


def _listed(items: list[Any]) -> list[Any]:
    """A short list on one line; a long one an item per line, so that a change is one line of
    the diff."""
    return FlowSeq(items) if len(items) <= ONE_LINE_ITEMS else items


def _as_made(number: LiveNumber) -> bool:
    """A number routed as the platform routes it in a new instance: both ways, to the
    default flow, in no skill group. Declaring that would only manage the platform's choice."""
    return (
        number.usage == PLATFORM_NUMBER_USAGE
        and number.flow_name == PLATFORM_FLOW
        and not number.skill_groups
    )


def platform_admins(live: LiveInstance) -> list[str]:
    """The RAM user ids given as administrators at creation: the administrators whose login
    name is such an id (the platform names them so; one made later has a login of its own)."""
    names = (unscoped_name(user_id) for user_id in live.admins)
    return sorted(name for name in names if re.fullmatch(ADMIN_ID_PATTERN, name))


def _skill_group(group: LiveSkillGroup) -> dict[str, Any]:
    body: dict[str, Any] = {"display_name": group.display_name}
    if group.description:
        body["description"] = group.description
    if group.media_type != "AUDIO":
        body["media_type"] = group.media_type
    return body


def _flow(flow: LiveFlow, path: str) -> dict[str, Any]:
    return {"type": flow.type, "description": flow.description, "definition_file": path}


def _definition_text(flow: LiveFlow) -> str:
    """The flow's definition as reviewable JSON: indented, keys sorted, one final newline."""
    return json.dumps(flow.definition, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
