"""references: the names an instance uses are its own, checked offline after validation."""

from __future__ import annotations

import pytest

from cccform.config.loader import load_config
from tests.config.helpers import BASE, instance, problems, write

pytestmark = pytest.mark.usefixtures("in_tmp")

ALICE = "  alice:\n    display_name: Alice Wang\n    email: alice@example.com\n"


def test_agent_skills_name_declared_skill_groups() -> None:
    text = instance(
        BASE + "skill_groups:\n"
        "  billing: {display_name: Billing}\n"
        "  sales: {display_name: Sales}\n"
        f"agents:\n{ALICE}    skills: {{biling: 1, queue: 2, sales: 3}}"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:12:18",
            "instances.support.agents.alice.skills.biling",
            "skill group 'biling' is not declared in instance.support",
            "did you mean 'billing'?",
        ),
        (
            "a.yaml:12:29",
            "instances.support.agents.alice.skills.queue",
            "skill group 'queue' is not declared in instance.support",
            "declared skill groups: billing, sales; "
            "or declare it under instances.support.skill_groups",
        ),
    ]


def test_agent_skills_in_block_style_point_at_the_key() -> None:
    text = instance(BASE + f"agents:\n{ALICE}    skills:\n      billing: 1")
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:10:11",
            "instances.support.agents.alice.skills.billing",
            "skill group 'billing' is not declared in instance.support",
            "declare it under instances.support.skill_groups",
        )
    ]


def test_long_lists_of_declared_names_are_cut_short() -> None:
    groups = "".join(f"  g{index:02d}: {{display_name: G{index}}}\n" for index in range(12))
    text = instance(BASE + f"skill_groups:\n{groups}agents:\n{ALICE}    skills: {{zzz: 1}}")
    write("a.yaml", text)
    [found] = problems("a.yaml")
    assert found[3] == (
        "declared skill groups: g00, g01, g02, g03, g04, g05, g06, g07, g08, g09, "
        "... (12 in all); or declare it under instances.support.skill_groups"
    )


def test_names_are_checked_per_instance() -> None:
    text = (
        instance(BASE + "skill_groups:\n  billing: {display_name: Billing}") + "  other:\n"
        "    name: Other one\n"
        "    access_path: acme-other\n"
        "    agents:\n"
        "      alice:\n"
        "        display_name: Alice Wang\n"
        "        email: alice@example.com\n"
        "        skills: {billing: 1}\n"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:14:18",
            "instances.other.agents.alice.skills.billing",
            "skill group 'billing' is not declared in instance.other",
            "declare it under instances.other.skill_groups",
        )
    ]


def test_numbers_flows_and_skill_groups_of_numbers() -> None:
    text = instance(
        BASE + 'phone_numbers: ["057188880001", "057188880002"]\n'
        "flows:\n"
        "  main-ivr: {definition: {}}\n"
        "numbers:\n"
        '  "057188880003": {}\n'
        '  "+8613800000000": {}\n'
        '  "057188880001": {flow: main_ivr, skill_groups: [sales, billing]}\n'
        "skill_groups:\n"
        "  sales: {display_name: Sales}"
    )
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:9:7",
            "instances.support.numbers.057188880003",
            "number '057188880003' is not one of the phone_numbers of instance.support",
            "did you mean '057188880002'?",
        ),
        (
            "a.yaml:10:7",
            "instances.support.numbers.+8613800000000",
            "number '+8613800000000' is not one of the phone_numbers of instance.support",
            "numbers routes the instance's own phone_numbers: 057188880001, 057188880002",
        ),
        (
            "a.yaml:11:30",
            "instances.support.numbers.057188880001.flow",
            "flow 'main_ivr' is not declared in instance.support",
            "did you mean 'main-ivr'?",
        ),
        (
            "a.yaml:11:62",
            "instances.support.numbers.057188880001.skill_groups[1]",
            "skill group 'billing' is not declared in instance.support",
            "declared skill groups: sales; or declare it under instances.support.skill_groups",
        ),
    ]


def test_numbers_of_an_instance_without_phone_numbers_or_flows() -> None:
    text = instance(BASE + "numbers:\n  '057188880001':\n    flow: main")
    write("a.yaml", text)
    assert problems("a.yaml") == [
        (
            "a.yaml:6:7",
            "instances.support.numbers.057188880001",
            "number '057188880001' is not one of the phone_numbers of instance.support",
            "instance.support has no phone_numbers; list the number there first",
        ),
        (
            "a.yaml:7:15",
            "instances.support.numbers.057188880001.flow",
            "flow 'main' is not declared in instance.support",
            "declare it under instances.support.flows",
        ),
    ]


def test_reference_problems_are_reported_with_those_of_other_files() -> None:
    write("conf/a.yaml", instance(BASE + f"agents:\n{ALICE}    skills: {{billing: 1}}"))
    write("conf/b.yaml", instance("name: abc\naccess_path: acme-other", key="other"))
    assert [(found[0], found[2]) for found in problems("conf")] == [
        ("conf/a.yaml:9:18", "skill group 'billing' is not declared in instance.support"),
        ("conf/b.yaml:3:11", "too short: 3 characters, at least 4 required"),
    ]


def test_an_instance_with_model_errors_is_not_checked_for_references() -> None:
    text = instance(BASE + f"agents:\n{ALICE}    skills: {{billing: 1}}\n    role: Boss")
    write("a.yaml", text)
    assert [found[2] for found in problems("a.yaml")] == [
        "expected 'Admin', 'Manager' or 'Agent', got the string 'Boss'"
    ]


def test_valid_references_load() -> None:
    text = instance(
        BASE + 'phone_numbers: ["057188880001"]\n'
        "skill_groups: {billing: {display_name: Billing}}\n"
        f"agents:\n{ALICE}    skills: {{billing: 10}}\n"
        "flows: {main-ivr: {definition: {}}}\n"
        'numbers: {"057188880001": {flow: main-ivr, skill_groups: [billing]}}'
    )
    support = load_config(write("a.yaml", text)).config.instances["support"]
    assert support.numbers["057188880001"].flow == "main-ivr"
    assert support.agents["alice"].skills == {"billing": 10}


def test_a_value_with_a_reported_problem_is_not_checked_again() -> None:
    text = instance(
        BASE + "phone_numbers: ['057188880001']\n"
        "flows: {main: {definition_file: !!str missing.json}}\n"
        "numbers: {'057188880001': {flow: !!str nowhere}}"
    )
    write("a.yaml", text)
    assert [(found[0], found[2]) for found in problems("a.yaml")] == [
        ("a.yaml:6:37", "explicit tags are not allowed: !!str"),
        ("a.yaml:7:38", "explicit tags are not allowed: !!str"),
    ]


def test_a_number_routes_only_inbound_calls_to_a_main_flow() -> None:
    from tests.config.helpers import problems as found_problems
    from tests.config.helpers import write as write_file

    write_file(
        "a.yaml",
        (
            "instances:\n"
            "  s:\n"
            "    name: Support Center\n"
            "    access_path: acme-s\n"
            "    phone_numbers: ['0571001', '0571002']\n"
            "    flows:\n"
            "      sub: {type: SUB_FLOW, definition: {a: 1}}\n"
            "      main: {definition: {a: 1}}\n"
            "    numbers:\n"
            "      '0571001': {usage: Outbound, flow: main}\n"
            "      '0571002': {usage: Inbound, flow: sub}\n"
        ),
    )
    assert [(p[0], p[2]) for p in found_problems("a.yaml")] == [
        (
            "a.yaml:10:42",
            "an Outbound number takes no inbound calls, so it routes to no flow ('main')",
        ),
        ("a.yaml:11:41", "flow 'sub' is a SUB_FLOW; only a MAIN_FLOW answers a number"),
    ]
