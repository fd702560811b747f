"""validation of what lives inside an instance: skill groups, agents, flows, numbers.

Model errors only (messages, hints and locations); the names they refer to are
test_references.py, definition files test_definitions.py.
"""

from __future__ import annotations

import pytest

from cccform.config.loader import load_config
from tests.config.helpers import BASE, instance, problems, write

pytestmark = pytest.mark.usefixtures("in_tmp")

AGENT = "display_name: Alice Wang\nemail: alice@example.com"


def agents(body: str, login: str = "alice") -> str:
    """An instance with one agent `login`; `body` is the agent's fields."""
    lines = "".join(f"    {line}\n" for line in body.splitlines())
    return instance(BASE + f"agents:\n  {login}:\n{lines}")


def test_the_example_of_the_docs_loads() -> None:
    write("flows/main-ivr.json", '{"activities": []}')
    text = instance(
        BASE + 'phone_numbers: ["057188880001"]\n'
        "skill_groups:\n"
        '  billing: {display_name: Billing, description: "Bills, refunds", media_type: AUDIO}\n'
        "agents:\n"
        "  alice:\n"
        "    display_name: Alice Wang\n"
        "    email: alice@example.com\n"
        '    mobile: "13800000000"\n'
        "    role: Agent\n"
        "    work_mode: ON_SITE\n"
        "    skills: {billing: 1}\n"
        "flows:\n"
        "  main-ivr:\n"
        "    type: MAIN_FLOW\n"
        "    description: Main menu\n"
        "    definition_file: flows/main-ivr.json\n"
        "numbers:\n"
        '  "057188880001": {usage: Bidirection, flow: main-ivr, skill_groups: [billing]}'
    )
    support = load_config(write("a.yaml", text)).config.instances["support"]
    assert support.skill_groups["billing"].description == "Bills, refunds"
    assert support.agents["alice"].skills == {"billing": 1}
    assert support.agents["alice"].mobile == "13800000000"
    assert support.flows["main-ivr"].definition == {"activities": []}
    assert support.numbers["057188880001"].skill_groups == ("billing",)


@pytest.mark.parametrize(("level", "got"), [("0", "0"), ("11", "11"), ("-1", "-1"), ("100", "100")])
def test_skill_level_out_of_range(level: str, got: str) -> None:
    write("a.yaml", agents(AGENT + f"\nskills: {{billing: {level}}}"))
    assert problems("a.yaml") == [
        (
            "a.yaml:9:27",
            "instances.support.agents.alice.skills.billing",
            f"skill level must be 1-10 (1 is the strongest), got {got}",
            "write a whole number from 1 (strongest) to 10 (weakest)",
        )
    ]


def test_skill_level_that_is_not_an_integer() -> None:
    write("a.yaml", agents(AGENT + "\nskills:\n  billing: high\n  sales: 1.5"))
    assert problems("a.yaml") == [
        (
            "a.yaml:10:20",
            "instances.support.agents.alice.skills.billing",
            "expected an integer, got the string 'high'",
            "Skill group name -> level 1-10 (1 is the strongest); editable; at most 100.",
        ),
        (
            "a.yaml:11:18",
            "instances.support.agents.alice.skills.sales",
            "expected an integer, got the number 1.5",
            "Skill group name -> level 1-10 (1 is the strongest); editable; at most 100.",
        ),
    ]


def test_too_many_skills() -> None:
    skills = ", ".join(f"g{index}: 1" for index in range(101))
    write("a.yaml", agents(AGENT + f"\nskills: {{{skills}}}"))
    assert problems("a.yaml") == [
        (
            "a.yaml:9:9",
            "instances.support.agents.alice.skills",
            "too many entries: 101, at most 100 allowed",
            "Skill group name -> level 1-10 (1 is the strongest); editable; at most 100.",
        )
    ]


@pytest.mark.parametrize(
    ("section", "name", "typo", "suggestion"),
    [
        ("skill_groups", "billing", "media: AUDIO", "media_type"),
        ("agents", "alice", "skils: {}", "skills"),
        ("flows", "main-ivr", "descripton: x", "description"),
        ("numbers", '"057188880001"', "skill_group: []", "skill_groups"),
    ],
)
def test_unknown_fields_inside_an_instance_say_did_you_mean(
    section: str, name: str, typo: str, suggestion: str
) -> None:
    write("a.yaml", instance(BASE + f"{section}:\n  {name}:\n    {typo}"))
    typo_key = typo.split(":")[0]
    unknown = [found for found in problems("a.yaml") if found[2].startswith("unknown field")]
    assert unknown == [
        (
            "a.yaml:7:9",
            f"instances.support.{section}.{name.strip(chr(34))}.{typo_key}",
            f"unknown field '{typo_key}'",
            f"did you mean '{suggestion}'?",
        )
    ]


def test_unknown_field_of_an_agent_without_a_close_match_lists_the_fields() -> None:
    write("a.yaml", agents(AGENT + "\nzzz: 1"))
    assert problems("a.yaml") == [
        (
            "a.yaml:9:9",
            "instances.support.agents.alice.zzz",
            "unknown field 'zzz'",
            "allowed fields: display_name, email, mobile, role, work_mode, skills",
        )
    ]


def test_missing_required_fields_of_an_agent() -> None:
    write("a.yaml", agents("role: Agent"))
    assert problems("a.yaml") == [
        (
            "a.yaml:6:7",
            "instances.support.agents.alice.display_name",
            "missing required field 'display_name'",
            "add 'display_name:'; Editable; 1-128 characters.",
        ),
        (
            "a.yaml:6:7",
            "instances.support.agents.alice.email",
            "missing required field 'email'",
            "add 'email:'; Required; receives the logon details; immutable.",
        ),
    ]


def test_agent_field_rules() -> None:
    body = "display_name: ''\nemail: alice\nmobile: 13800000000\nrole: Boss\nwork_mode: HOME"
    write("a.yaml", agents(body))
    assert problems("a.yaml") == [
        (
            "a.yaml:7:23",
            "instances.support.agents.alice.display_name",
            "too short: 0 characters, at least 1 required",
            "Editable; 1-128 characters.",
        ),
        (
            "a.yaml:8:16",
            "instances.support.agents.alice.email",
            "invalid email address 'alice'",
            "an email address looks like alice@example.com: A-Z a-z 0-9 . _ % + - before the @, "
            "a domain of A-Z a-z 0-9 - labels ending in a top-level name of letters after it",
        ),
        (
            "a.yaml:9:17",
            "instances.support.agents.alice.mobile",
            "expected a string, got the integer 13800000000",
            'quote it: "13800000000"',
        ),
        (
            "a.yaml:10:15",
            "instances.support.agents.alice.role",
            "expected 'Admin', 'Manager' or 'Agent', got the string 'Boss'",
            "Admin, Manager or Agent; editable.",
        ),
        (
            "a.yaml:11:20",
            "instances.support.agents.alice.work_mode",
            "expected 'ON_SITE', 'OFF_SITE' or 'OFFICE_PHONE', got the string 'HOME'",
            "ON_SITE, OFF_SITE or OFFICE_PHONE; editable.",
        ),
    ]


def test_mobile_rule() -> None:
    write("a.yaml", agents(AGENT + "\nmobile: '138-0000'"))
    assert problems("a.yaml") == [
        (
            "a.yaml:9:17",
            "instances.support.agents.alice.mobile",
            "invalid mobile number '138-0000'",
            "a mobile number is 5-20 digits, with an optional leading +, and no spaces or dashes",
        )
    ]


def test_bad_names_are_reported_at_the_key_with_their_rule() -> None:
    text = instance(
        BASE + "skill_groups:\n  9-billing: {display_name: Billing}\n"
        "agents:\n  bob: {display_name: Bob, email: bob@example.com}\n"
        "flows:\n  _main: {definition: {}}\n"
        "numbers:\n  '0571-8888': {}\n"
        "  '057188880001': {flow: 'main ivr', skill_groups: ['x y']}"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:6:7",
            "instances.support.skill_groups.9-billing",
            "invalid skill group name '9-billing'",
            "a skill group name is a letter, then up to 63 of A-Z a-z 0-9 _ -",
        ),
        (
            "a.yaml:8:7",
            "instances.support.agents.bob",
            "invalid login name 'bob'",
            "a login name is 4-64 of A-Z a-z 0-9 . _ -",
        ),
        (
            "a.yaml:10:7",
            "instances.support.flows._main",
            "invalid flow name '_main'",
            "a flow name is 1-64 of A-Z a-z 0-9 _ . - and Chinese characters, "
            "not starting with _ . or -",
        ),
        (
            "a.yaml:12:7",
            "instances.support.numbers.0571-8888",
            "invalid phone number '0571-8888'",
            "a phone number is 3-20 digits, with an optional leading +, and no spaces or dashes",
        ),
        (
            "a.yaml:13:30",
            "instances.support.numbers.057188880001.flow",
            "invalid flow name 'main ivr'",
            "a flow name is 1-64 of A-Z a-z 0-9 _ . - and Chinese characters, "
            "not starting with _ . or -",
        ),
        (
            "a.yaml:13:57",
            "instances.support.numbers.057188880001.skill_groups[0]",
            "invalid skill group name 'x y'",
            "a skill group name is a letter, then up to 63 of A-Z a-z 0-9 _ -",
        ),
    ]


def test_chinese_flow_names_are_allowed() -> None:
    text = instance(BASE + "flows:\n  主菜单: {definition: {}}")
    loaded = load_config(write("a.yaml", text))
    assert list(loaded.config.instances["support"].flows) == ["主菜单"]


def test_flow_with_both_definitions_is_reported_at_the_flow_key() -> None:
    text = instance(
        BASE + "flows:\n  main-ivr:\n    definition_file: main.json\n    definition: {}"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:6:7",
            "instances.support.flows.main-ivr",
            "flow 'main-ivr' has both definition_file and definition",
            "keep exactly one: definition_file (a JSON file) or definition (inline)",
        )
    ]


@pytest.mark.parametrize("body", ["{}", "{type: SUB_FLOW}", "{definition: null}"])
def test_flow_without_a_definition_is_reported_at_the_flow_key(body: str) -> None:
    write("a.yaml", instance(BASE + f"flows:\n  main-ivr: {body}"))
    assert problems("a.yaml") == [
        (
            "a.yaml:6:7",
            "instances.support.flows.main-ivr",
            "flow 'main-ivr' has no definition",
            "add definition_file: <a JSON file, relative to this YAML file>, "
            "or an inline definition: {...}",
        )
    ]


def test_flow_field_types() -> None:
    text = instance(
        BASE + "flows:\n  a:\n    type: IVR\n    definition_file: 7\n  b:\n    definition: [1]"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:7:15",
            "instances.support.flows.a.type",
            "expected 'MAIN_FLOW', 'SUB_FLOW' or 'SURVEY_FLOW', got the string 'IVR'",
            "MAIN_FLOW, SUB_FLOW or SURVEY_FLOW; immutable.",
        ),
        (
            "a.yaml:8:26",
            "instances.support.flows.a.definition_file",
            "expected a string, got the integer 7",
            'quote it: "7"',
        ),
        (
            "a.yaml:10:9",
            "instances.support.flows.b.definition",
            "expected a mapping, got a list",
            "The console's flow definition, inline; give this or definition_file.",
        ),
    ]


def test_number_routing_types() -> None:
    text = instance(
        BASE + "phone_numbers: ['057188880001']\n"
        "numbers:\n  '057188880001': {usage: Both, skill_groups: billing}"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:7:31",
            "instances.support.numbers.057188880001.usage",
            "expected 'Inbound', 'Outbound' or 'Bidirection', got the string 'Both'",
            "Inbound, Outbound or Bidirection.",
        ),
        (
            "a.yaml:7:51",
            "instances.support.numbers.057188880001.skill_groups",
            "expected a list, got the string 'billing'",
            'write a list: ["billing"]',
        ),
    ]


@pytest.mark.parametrize("section", ["skill_groups", "agents", "flows", "numbers"])
def test_sections_must_be_mappings(section: str) -> None:
    write("a.yaml", instance(BASE + f"{section}: [a]"))
    assert problems("a.yaml") == [
        (
            "a.yaml:5:5",
            f"instances.support.{section}",
            "expected a mapping, got a list",
            {
                "skill_groups": "Skill groups, by name.",
                "agents": "Agents, by login name.",
                "flows": "Contact flows (IVR), by name.",
                "numbers": "Routing of the instance's phone numbers, by number: each key is "
                "one of phone_numbers, quoted.",
            }[section],
        )
    ]
