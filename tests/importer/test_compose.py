"""cccform.importer.compose: live objects to the files' text, the same bytes for the same
account, defaults and the platform's own objects left out, and what is written compares
equal to what is live."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from cccform.addresses import ResourceType
from cccform.errors import ConfigError
from cccform.importer.compose import (
    PROVIDER_FILE,
    SCHEMA_FILE,
    Composed,
    ImportedInstance,
    ImportOptions,
    UnreadableFlow,
    compose,
    flow_file,
    instance_file,
    instance_key,
    platform_admins,
    safe_name,
)
from cccform.importer.output import write_files
from cccform.kinds import KINDS
from cccform.live import (
    RUNNING,
    LiveAgent,
    LiveContents,
    LiveFlow,
    LiveInstance,
    LiveNumber,
    LiveSkillGroup,
)
from cccform.plan.diff import changed_fields
from cccform.run import load_configuration
from tests.live_contents import live_contents

ADMIN = "248613806810701"
CS_NUMBERS = ("057188880001", "057188880002", "057188880003")
SALES_NUMBER = "057188880010"
LOCAL = {"type": "local", "path": "../src/.cccform"}
SCHEMA = '{"schema": true}\n'


def instance(access_path: str, numbers: tuple[str, ...] = (), **changes: Any) -> LiveInstance:
    live = LiveInstance(
        instance_id=access_path,
        name=f"Center {access_path}",
        access_path=access_path,
        description="",
        phone_numbers=numbers,
        admins=(f"{ADMIN}@{access_path}",),
        status=RUNNING,
    )
    return replace(live, **changes)


def group(
    access_path: str, name: str, display: str, description: str = "", media: str = "AUDIO"
) -> LiveSkillGroup:
    return LiveSkillGroup(f"{name}@{access_path}", name, display, description, media)


def agent(access_path: str, login: str, **changes: Any) -> LiveAgent:
    live = LiveAgent(
        user_id=f"{login}@{access_path}",
        login_name=login,
        display_name=login.title(),
        email=f"{login}@example.com",
        mobile=None,
        role="Agent",
        work_mode="ON_SITE",
        skills={},
    )
    return replace(live, **changes)


def flow(name: str, definition: dict[str, Any] | None, **changes: Any) -> LiveFlow:
    live = LiveFlow(f"id-{name}", name, "MAIN_FLOW", f"The {name} flow", definition, ())
    return replace(live, **changes)


def number(value: str, usage: str, flow_name: str | None, *groups: str) -> LiveNumber:
    return LiveNumber(value, usage, f"id-{flow_name}" if flow_name else None, flow_name, groups)


def platform_made(access_path: str, numbers: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """What the platform makes with every instance: an administrator, the default skill
    group, the default flow, and its numbers routed both ways to that flow."""
    return {
        "skill_groups": {
            "default_skill_group": group(access_path, "default_skill_group", "Default skill group")
        },
        "agents": {
            ADMIN: agent(access_path, ADMIN, display_name=ADMIN, email="", role="Admin"),
        },
        "flows": {"default_main_flow": flow("default_main_flow", {"activities": []})},
        "numbers": {n: number(n, "Bidirection", "default_main_flow") for n in numbers},
    }


def acme_cs() -> ImportedInstance:
    """An instance with something of each kind: defaults, values other than the defaults,
    and everything the platform made."""
    path = "acme-cs"
    made = platform_made(path, CS_NUMBERS[:1])
    return ImportedInstance(
        instance(path, CS_NUMBERS, description="Front line"),
        live_contents(
            skill_groups={
                **made["skill_groups"],
                "support": group(path, "support", "Support", "First line"),
                "chat": group(path, "chat", "Chat", media="CHAT"),
            },
            agents={
                **made["agents"],
                "alice.wang": agent(path, "alice.wang", skills={"support": 1}),
                "bob.li": agent(
                    path,
                    "bob.li",
                    mobile="13800000001",
                    role="Manager",
                    work_mode="OFF_SITE",
                    skills={"support": 3, "chat": 2},
                ),
                "carol.wu": agent(path, "carol.wu", email=""),
            },
            flows={
                **made["flows"],
                "cs-main": flow("cs-main", {"start": "menu", "activities": [{"id": "menu"}]}),
                "after-hours": flow("after-hours", {"closed": True}, type="SUB_FLOW"),
            },
            numbers={
                **made["numbers"],
                CS_NUMBERS[1]: number(CS_NUMBERS[1], "Inbound", "cs-main", "support"),
                CS_NUMBERS[2]: number(CS_NUMBERS[2], "Outbound", "default_main_flow"),
            },
        ),
    )


def acme_sales() -> ImportedInstance:
    path = "acme-sales"
    made = platform_made(path, (SALES_NUMBER,))
    return ImportedInstance(
        instance(path, (SALES_NUMBER,)),
        live_contents(
            skill_groups={**made["skill_groups"], "outbound": group(path, "outbound", "Out")},
            agents={**made["agents"], "erin.sun": agent(path, "erin.sun")},
            flows={**made["flows"], "sales-main": flow("sales-main", {"sales": 1})},
            numbers={SALES_NUMBER: number(SALES_NUMBER, "Bidirection", "sales-main")},
        ),
    )


def reversed_contents(imported: ImportedInstance) -> ImportedInstance:
    """The same instance, each kind's objects in the opposite order."""
    by_kind = {
        kind: dict(reversed(list(found.items())))
        for kind, found in imported.contents.by_kind.items()
    }
    return ImportedInstance(imported.live, LiveContents(by_kind))


def composed(*instances: ImportedInstance, **options: bool) -> Composed:
    return compose(list(instances), LOCAL, SCHEMA, ImportOptions(**options))


def test_the_same_account_gives_the_same_bytes_in_whatever_order_it_was_read() -> None:
    first = composed(acme_cs(), acme_sales())
    again = composed(reversed_contents(acme_sales()), reversed_contents(acme_cs()))
    assert again.files == first.files
    assert list(again.files) == list(first.files)
    assert again.counts == first.counts


def test_the_schema_and_provider_come_first_then_each_instance_with_its_flows() -> None:
    result = composed(acme_sales(), acme_cs())
    assert list(result.files) == [
        SCHEMA_FILE,
        PROVIDER_FILE,
        "acme-cs.yaml",
        "flows/acme-cs/after-hours.json",
        "flows/acme-cs/cs-main.json",
        "acme-sales.yaml",
        "flows/acme-sales/sales-main.json",
    ]
    assert result.files[SCHEMA_FILE] == SCHEMA
    assert result.files[PROVIDER_FILE] == (
        "# yaml-language-server: $schema=cccform.schema.json\n"
        "#\n"
        "# Written by cccform import: where the instances of this directory live.\n"
        "# Plan and apply talk to the same account as the import did.\n"
        "provider:\n"
        "  type: local\n"
        "  path: ../src/.cccform\n"
    )


def test_the_counts_are_of_what_is_written_and_of_what_is_left_out() -> None:
    counts = composed(acme_cs(), acme_sales()).counts
    assert counts.as_dict() == {
        "instances": 2,
        "skill_groups": 3,  # support, chat, outbound
        "agents": 3,  # alice.wang, bob.li, erin.sun
        "flows": 3,  # after-hours, cs-main, sales-main
        "numbers": 3,  # two of acme-cs, the one of acme-sales
        # acme-cs: the administrator, carol.wu, a number, the default group and flow;
        # acme-sales: the administrator, the default group and flow
        "left_out": 8,
    }


def test_fields_equal_to_their_defaults_are_left_out() -> None:
    text = composed(acme_cs()).files["acme-cs.yaml"]
    assert (
        "    skill_groups:\n"
        "      chat:\n"
        "        display_name: Chat\n"
        "        media_type: CHAT\n"
        "      support:\n"
        "        display_name: Support\n"
        "        description: First line\n"
        "    agents:\n"
        "      alice.wang:\n"
        "        display_name: Alice.Wang\n"
        "        email: alice.wang@example.com\n"
        "        skills: {support: 1}\n"
        "      bob.li:\n"
        "        display_name: Bob.Li\n"
        "        email: bob.li@example.com\n"
        '        mobile: "13800000001"\n'
        "        role: Manager\n"
        "        work_mode: OFF_SITE\n"
        "        skills: {chat: 2, support: 3}\n"
        "    flows:\n"
    ) in text
    assert "    description: Front line\n" in text
    no_description = composed(acme_sales()).files["acme-sales.yaml"]
    assert "description:" not in no_description.split("    skill_groups:")[0]


def test_what_is_written_loads_and_compares_equal_to_what_is_live(tmp_path: Path) -> None:
    """Each kind's `desired` of the written value equals its `observed` of the live one: the
    first plan adopts everything and changes nothing."""
    account = [acme_cs(), acme_sales()]
    write_files(tmp_path, composed(*account).files)
    loaded = load_configuration(tmp_path)
    assert sorted(loaded.config.instances) == ["acme-cs", "acme-sales"]
    written: dict[str, set[str]] = {}
    for imported in account:
        declared = loaded.config.instances[imported.live.access_path]
        assert declared.name == imported.live.name
        assert declared.description == imported.live.description
        assert declared.phone_numbers == imported.live.phone_numbers
        assert declared.admins == (ADMIN,)
        for kind in KINDS:
            live = imported.contents.read(kind.resource_type) or {}
            for name, value in kind.declared(declared).items():
                wanted = kind.desired(name, value).recorded()
                assert changed_fields(kind.observed(live[name]).recorded(), wanted) == []
            written[f"{declared.access_path} {kind.config_field}"] = set(kind.declared(declared))
    assert written == {
        "acme-cs skill_groups": {"chat", "support"},
        "acme-cs flows": {"after-hours", "cs-main"},
        "acme-cs agents": {"alice.wang", "bob.li"},
        "acme-cs numbers": {CS_NUMBERS[1], CS_NUMBERS[2]},
        "acme-sales skill_groups": {"outbound"},
        "acme-sales flows": {"sales-main"},
        "acme-sales agents": {"erin.sun"},
        "acme-sales numbers": {SALES_NUMBER},
    }


def test_the_platform_defaults_are_left_out_and_named_in_a_comment() -> None:
    text = composed(acme_cs()).files["acme-cs.yaml"]
    assert (
        "    # Left out, made by the platform (see docs/import.md, Platform defaults):\n"
        "    #   administrator 248613806810701 (a RAM user given at creation: see admins)\n"
        "    #   user carol.wu (Agent): it has no email, which a declared agent needs\n"
        "    #   number 057188880001: routed as the platform made it\n"
        "    #   skill group default_skill_group ('Default skill group')\n"
        "    #   flow default_main_flow (MAIN_FLOW), the default IVR flow\n"
        "    name: Center acme-cs\n"
    ) in text
    for name in ("default_skill_group:", "default_main_flow:", "carol.wu:", f"{ADMIN}:"):
        assert name not in text
    assert '      "057188880001":' not in text
    assert '    phone_numbers: ["057188880001", "057188880002", "057188880003"]\n' in text
    assert '    admins: ["248613806810701"]\n' in text


def test_an_instance_as_the_platform_made_it_has_no_sections() -> None:
    path = "acme-0007"
    numbers = ("057100000007",)
    bare = ImportedInstance(instance(path, numbers), live_contents(**platform_made(path, numbers)))
    result = composed(bare)
    assert list(result.files) == [SCHEMA_FILE, PROVIDER_FILE, "acme-0007.yaml"]
    text = result.files["acme-0007.yaml"]
    assert text.endswith('    admins: ["248613806810701"]\n')
    assert result.counts.as_dict() == {
        "instances": 1,
        "skill_groups": 0,
        "agents": 0,
        "flows": 0,
        "numbers": 0,
        "left_out": 4,
    }


def test_the_default_skill_group_is_declared_when_a_number_uses_it() -> None:
    path = "acme-0008"
    value = "057100000008"
    contents = platform_made(path, (value,))
    contents["numbers"] = {
        value: number(value, "Bidirection", "default_main_flow", "default_skill_group")
    }
    live = ImportedInstance(instance(path, (value,)), live_contents(**contents))
    text = composed(live).files["acme-0008.yaml"]
    assert (
        "    skill_groups:\n"
        "      # Made by the platform with the instance; declared because agents or numbers "
        "written here use it.\n"
        "      default_skill_group:\n"
        "        display_name: Default skill group\n"
    ) in text
    assert "skill group default_skill_group" not in text  # not among those left out
    assert text.endswith(
        '      "057100000008":\n'
        "        # flow: default_main_flow (left out, as that flow is: its routing is left "
        "as it is)\n"
        "        usage: Bidirection\n"
        "        skill_groups: [default_skill_group]\n"
    )


def test_an_administrator_with_a_login_of_its_own_is_an_agent() -> None:
    path = "acme-cs"
    live = instance(path, admins=(f"{ADMIN}@{path}", f"ops.lead@{path}", f"1024@{path}"))
    assert platform_admins(live) == ["1024", ADMIN]
    lead = agent(path, "ops.lead", role="Admin")
    text = composed(ImportedInstance(live, live_contents(agents={"ops.lead": lead}))).files[
        "acme-cs.yaml"
    ]
    assert '    admins: ["1024", "248613806810701"]\n' in text
    assert "      ops.lead:\n" in text
    assert "        role: Admin\n" in text


def test_redact_writes_placeholders_that_the_loader_refuses(tmp_path: Path) -> None:
    plain = composed(acme_cs(), acme_sales())
    redacted = composed(acme_cs(), acme_sales(), redact=True)
    assert list(redacted.files) == list(plain.files)
    assert redacted.counts == plain.counts
    instance_files = ["acme-cs.yaml", "acme-sales.yaml"]
    for name in plain.files:
        if name not in instance_files:
            assert redacted.files[name] == plain.files[name], name
    # Only the agents' emails and mobiles differ, and a note says so.
    text = redacted.files["acme-cs.yaml"]
    before = plain.files["acme-cs.yaml"].splitlines()
    after = text.splitlines()
    assert [line for line in after if line not in before] == [
        "    # REDACTED: agents' emails and mobiles are placeholders; this configuration cannot "
        "be applied (validate and plan refuse it).",
        "        email: alice.wang@redacted.invalid",
        "        email: bob.li@redacted.invalid",
        '        mobile: "00000000000"',
    ]
    assert [line for line in before if line not in after] == [
        "        email: alice.wang@example.com",
        "        email: bob.li@example.com",
        '        mobile: "13800000001"',
    ]
    assert "@example.com" not in redacted.files["acme-sales.yaml"]
    write_files(tmp_path, redacted.files)
    with pytest.raises(ConfigError) as refused:
        load_configuration(tmp_path)
    assert [(d.path, "placeholder" in d.message) for d in refused.value.diagnostics] == [
        (("instances", "acme-cs", "agents", "alice.wang", "email"), True),
        (("instances", "acme-sales", "agents", "erin.sun", "email"), True),
    ]


def test_each_flow_is_a_json_file_indented_with_its_keys_sorted() -> None:
    files = composed(acme_cs()).files
    assert files["flows/acme-cs/cs-main.json"] == (
        '{\n  "activities": [\n    {\n      "id": "menu"\n    }\n  ],\n  "start": "menu"\n}\n'
    )
    assert (
        "      after-hours:\n"
        "        type: SUB_FLOW\n"
        "        description: The after-hours flow\n"
        "        definition_file: flows/acme-cs/after-hours.json\n"
    ) in files["acme-cs.yaml"]


def test_a_flow_definition_keeps_its_characters_and_an_unreadable_one_is_left_out() -> None:
    path = "acme-cs"
    flows = {
        "问候": flow("问候", {"say": "您好", "b": 1}),
        "blank": flow("blank", None),
    }
    numbers = {"057100000009": number("057100000009", "Inbound", "blank")}
    made = composed(ImportedInstance(instance(path), live_contents(flows=flows, numbers=numbers)))
    files = made.files
    assert files["flows/acme-cs/问候.json"] == '{\n  "b": 1,\n  "say": "您好"\n}\n'
    assert "flows/acme-cs/blank.json" not in files
    text = files["acme-cs.yaml"]
    assert "blank:" not in text
    assert (
        "    # Left out, as their definition is empty or not a JSON object (see docs/import.md,\n"
        "    # Limits); they are left as they are:\n"
        "    #   flow blank (MAIN_FLOW)\n"
    ) in text
    assert made.counts.left_out == 0  # no platform default
    assert made.unreadable == [UnreadableFlow("acme-cs", "acme-cs", "blank", "MAIN_FLOW")]
    assert str(made.unreadable[0].address) == "instance.acme-cs.flow.blank"
    assert "flow: blank (left out, as that flow is: its routing is left as it is)" in text
    assert made.counts.flows == 1


def test_a_flow_name_that_cannot_be_a_file_name_is_written_under_its_hash() -> None:
    path = "acme-cs"
    flows = {name: flow(name, {"n": name}) for name in ("../../../escaped", "a/b", ".hidden")}
    files = composed(ImportedInstance(instance(path), live_contents(flows=flows))).files
    hashed = {name: "unnamed-" + hashlib.sha256(name.encode()).hexdigest()[:16] for name in flows}
    for name, file in hashed.items():
        assert json.loads(files[f"flows/acme-cs/{file}.json"]) == {"n": name}
        assert f"definition_file: flows/acme-cs/{file}.json\n" in files["acme-cs.yaml"]
    flow_files = [name for name in files if name.startswith("flows/")]
    assert len(flow_files) == 3
    assert all(name.count("/") == 2 and ".." not in name for name in flow_files)


def test_safe_names() -> None:
    pattern = r"^[A-Za-z0-9._-]+$"
    assert safe_name("main", pattern) == "main"
    for name in (".", "..", "a/b", ""):
        hashed = safe_name(name, pattern)
        assert hashed == "unnamed-" + hashlib.sha256(name.encode()).hexdigest()[:16]
    assert safe_name("a/b", pattern) != safe_name("a/c", pattern)
    assert flow_file("acme-cs", "cs-main") == "flows/acme-cs/cs-main.json"
    assert instance_file("acme-cs") == "acme-cs.yaml"
    # an access path from the cloud that the configuration would not accept
    assert instance_file("../x").startswith("unnamed-")
    assert flow_file("../x", "main").startswith("flows/unnamed-")


def test_an_access_path_that_starts_with_a_digit_gets_a_key_with_an_underscore() -> None:
    assert instance_key("acme-cs") == "acme-cs"
    assert instance_key("1234-cs") == "_1234-cs"
    files = composed(ImportedInstance(instance("1234-cs"))).files
    assert list(files) == [SCHEMA_FILE, PROVIDER_FILE, "1234-cs.yaml"]
    assert "\n  _1234-cs:\n" in files["1234-cs.yaml"]
    assert "    access_path: 1234-cs\n" in files["1234-cs.yaml"]


def test_without_contents_only_the_instance_is_written_whatever_was_read() -> None:
    result = composed(acme_cs(), contents=False)
    assert list(result.files) == [SCHEMA_FILE, PROVIDER_FILE, "acme-cs.yaml"]
    text = result.files["acme-cs.yaml"]
    for section in ("    skill_groups:", "    agents:", "    flows:", "    numbers:", "Left out"):
        assert section not in text
    assert text.endswith(
        "    name: Center acme-cs\n"
        "    access_path: acme-cs\n"
        "    description: Front line\n"
        '    phone_numbers: ["057188880001", "057188880002", "057188880003"]\n'
        '    admins: ["248613806810701"]\n'
    )
    assert result.counts.as_dict() == {
        "instances": 1,
        "skill_groups": 0,
        "agents": 0,
        "flows": 0,
        "numbers": 0,
        "left_out": 0,
    }


def test_a_kind_that_was_not_read_is_no_section() -> None:
    only_groups = LiveContents({ResourceType.SKILL_GROUP: {"a": group("acme-cs", "a", "A")}})
    text = composed(ImportedInstance(instance("acme-cs"), only_groups)).files["acme-cs.yaml"]
    assert text.endswith("    skill_groups:\n      a:\n        display_name: A\n")


def test_a_list_of_more_than_eight_items_is_written_an_item_per_line() -> None:
    eight = tuple(f"0572{n:08d}" for n in range(8))
    nine = (*eight, "057200000008")
    short = composed(ImportedInstance(instance("acme-0008", eight))).files["acme-0008.yaml"]
    assert "    phone_numbers: [" + ", ".join(f'"{n}"' for n in eight) + "]\n" in short
    long = composed(ImportedInstance(instance("acme-0009", nine))).files["acme-0009.yaml"]
    assert "    phone_numbers:\n" + "".join(f'    - "{n}"\n' for n in nine) in long
