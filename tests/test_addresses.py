"""Addresses: parsed and printed in one place."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from cccform.addresses import Address, ResourceType, children_of, step_key


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("instance.support", Address("support")),
        ("instance.support.agent.alice", Address("support", ResourceType.AGENT, "alice")),
        ("instance.s.agent.alice.wang", Address("s", ResourceType.AGENT, "alice.wang")),
        ("instance.s.number.057188880001", Address("s", ResourceType.NUMBER, "057188880001")),
        ("instance.s.skill_group.billing", Address("s", ResourceType.SKILL_GROUP, "billing")),
        ("instance.s.flow.main-ivr", Address("s", ResourceType.FLOW, "main-ivr")),
    ],
)
def test_parse_and_print_are_inverse(text: str, address: Address) -> None:
    assert Address.parse(text) == address
    assert str(address) == text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("support", "must start with instance.<key>"),
        ("instance.", "must start with instance.<key>"),
        ("instance.s.agent", "instance.<key>.<kind>.<name>"),
        ("instance.s.agent.", "instance.<key>.<kind>.<name>"),
        ("instance.s.robot.r2", "a kind among agent, flow, number, skill_group"),
        ("instance.s.instance.x", "a kind among"),
    ],
)
def test_a_malformed_address_says_what_to_write(text: str, says: str) -> None:
    with pytest.raises(ValueError, match="is not an address") as raised:
        Address.parse(text)
    assert says in str(raised.value)
    assert Address.try_parse(text) is None


def test_an_instance_contains_what_lives_in_it_and_nothing_else() -> None:
    support = Address.of_instance("support")
    alice = Address.of_content("support", ResourceType.AGENT, "alice")
    other = Address.of_content("support2", ResourceType.AGENT, "alice")
    assert support.contains(alice) and support.contains(support)
    assert not support.contains(other)
    assert alice.contains(alice) and not alice.contains(support)
    assert alice.instance_address == support
    assert alice.is_instance is False and support.is_instance is True


def test_children_of_an_instance_exclude_a_key_that_only_shares_its_prefix() -> None:
    resources = ["instance.s", "instance.s.agent.a", "instance.s2.agent.a", "instance.s.flow.f"]
    assert children_of(Address("s"), resources) == ["instance.s.agent.a", "instance.s.flow.f"]


def test_content_address_needs_a_kind_and_a_name() -> None:
    with pytest.raises(ValueError):
        Address.of_content("s", ResourceType.INSTANCE, "x")
    with pytest.raises(ValueError):
        Address.of_content("s", ResourceType.AGENT, "")


class _Holder(BaseModel):
    address: Address


def test_in_a_model_an_address_is_its_string() -> None:
    held = _Holder.model_validate({"address": "instance.s.agent.alice"})
    assert held.address == Address("s", ResourceType.AGENT, "alice")
    assert held.model_dump(mode="json") == {"address": "instance.s.agent.alice"}
    assert _Holder.model_validate_json('{"address": "instance.s"}').address == Address("s")
    with pytest.raises(ValueError, match="is not an address"):
        _Holder.model_validate({"address": "instance.s.robot.r"})


def test_step_key_is_address_and_action() -> None:
    assert step_key(Address("s"), "create") == "instance.s:create"
