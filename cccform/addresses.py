"""Addresses: what a plan, a state and a message call a managed object. Parsed and printed here
only.

An instance is `instance.<key>`; what lives in it is `instance.<key>.<kind>.<name>`, where the
name is the object's own (a login, a skill group, a flow, a number) and may hold dots.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

INSTANCE_PREFIX = "instance"


class ResourceType(StrEnum):
    """What an address names. The order is the order of the plan output within an instance."""

    INSTANCE = "instance"
    SKILL_GROUP = "skill_group"
    FLOW = "flow"
    AGENT = "agent"
    NUMBER = "number"


CONTENT_TYPES = frozenset(ResourceType) - {ResourceType.INSTANCE}


@dataclass(frozen=True, order=True)
class Address:
    """`instance.support` or `instance.support.agent.alice`."""

    instance: str
    kind: ResourceType = ResourceType.INSTANCE
    name: str = ""

    @classmethod
    def of_instance(cls, key: str) -> Address:
        return cls(key)

    @classmethod
    def of_content(cls, instance: str, kind: ResourceType, name: str) -> Address:
        if kind is ResourceType.INSTANCE or not name:
            raise ValueError(f"a {kind} named {name!r} is not an object inside an instance")
        return cls(instance, kind, name)

    @classmethod
    def parse(cls, text: str) -> Address:
        """The address `text` names; ValueError says what is wrong with it."""
        parts = text.split(".", 3)  # instance, key, kind, name (a name may hold dots)
        if len(parts) < 2 or parts[0] != INSTANCE_PREFIX or not parts[1]:
            raise ValueError(f"{text!r} is not an address: it must start with instance.<key>")
        if len(parts) == 2:
            return cls(parts[1])
        if len(parts) == 4 and parts[2] in CONTENT_TYPES and parts[3]:
            return cls(parts[1], ResourceType(parts[2]), parts[3])
        kinds = ", ".join(sorted(CONTENT_TYPES))
        raise ValueError(
            f"{text!r} is not an address: inside an instance, write "
            f"instance.<key>.<kind>.<name> with a kind among {kinds}"
        )

    @classmethod
    def try_parse(cls, text: str) -> Address | None:
        try:
            return cls.parse(text)
        except ValueError:
            return None

    @property
    def is_instance(self) -> bool:
        return self.kind is ResourceType.INSTANCE

    @property
    def instance_address(self) -> Address:
        """The instance this address is, or lives in."""
        return Address(self.instance)

    def contains(self, other: Address) -> bool:
        """An instance contains what lives in it; any address contains itself."""
        if self.is_instance:
            return other.instance == self.instance
        return other == self

    def __str__(self) -> str:
        if self.is_instance:
            return f"{INSTANCE_PREFIX}.{self.instance}"
        return f"{INSTANCE_PREFIX}.{self.instance}.{self.kind.value}.{self.name}"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """In pydantic models (plan, saved plan) an address is its string."""
        from_text = core_schema.no_info_plain_validator_function(_validate)
        return core_schema.json_or_python_schema(
            json_schema=core_schema.chain_schema([core_schema.str_schema(), from_text]),
            python_schema=core_schema.union_schema(
                [
                    core_schema.is_instance_schema(cls),
                    core_schema.chain_schema([core_schema.str_schema(), from_text]),
                ]
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


def _validate(value: str) -> Address:
    return Address.parse(value)


def children_of(instance: Address, addresses: list[str] | dict[str, Any]) -> list[str]:
    """The addresses in `addresses` that live in `instance`, not the instance itself."""
    prefix = f"{instance.instance_address}."
    return [address for address in addresses if address.startswith(prefix)]


def step_key(address: Address | str, action: str) -> str:
    """A step's identity: the address and the action."""
    return f"{address}:{action}"
