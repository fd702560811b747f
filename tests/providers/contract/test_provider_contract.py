"""What every provider must do alike: the local emulation, and the official SDK over HTTP to the
emulator server. The same calls, the same answers, the same error codes."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from cccform.errors import ApiError
from cccform.kinds.agent import AgentAttributes, AgentKind
from cccform.kinds.flow import FlowAttributes, FlowKind
from cccform.kinds.memberships import By, Membership, MembershipCall, run_memberships
from cccform.kinds.number import NumberKind
from cccform.kinds.skill_group import SkillGroupAttributes, SkillGroupKind
from cccform.live import CREATING, RUNNING
from cccform.providers.base import InstanceSpec
from cccform.providers.ccc import CccProvider

from .conftest import Harness

INSTANCE = "acme-support"
ADMIN = "248613806810701"
N1, N2 = "057188880001", "057188880002"


def spec(
    access_path: str = INSTANCE,
    *,
    name: str = "Support Center",
    description: str = "first line",
    phone_numbers: tuple[str, ...] = (),
    admins: tuple[str, ...] = (ADMIN,),
) -> InstanceSpec:
    return InstanceSpec(name, access_path, description, phone_numbers, admins)


def seed(harness: Harness, domain: str) -> None:
    """An instance made behind the provider's back, as another tool or the console would."""
    harness.engine.handle(
        "CreateInstance",
        {"Name": f"Seeded {domain}", "DomainName": domain, "AdminRamIdList": json.dumps([ADMIN])},
    )


def only(provider: CccProvider, instance_id: str = INSTANCE) -> object:
    found = [i for i in provider.list_instances() if i.instance_id == instance_id]
    assert len(found) == 1
    return found[0]


# -- instances ---------------------------------------------------------------------


def test_list_instances_reads_every_page(harness: Harness) -> None:
    domains = {f"seeded-{n:03d}" for n in range(150)}
    for domain in sorted(domains):
        seed(harness, domain)
    found = harness.provider.list_instances()
    assert {i.instance_id for i in found} == domains
    assert len(found) == 150
    assert harness.provider.calls.counts["ListInstances"] == 2  # 100 a page


def test_no_instances(provider: CccProvider) -> None:
    assert provider.list_instances() == []


def test_create_then_running(harness: Harness) -> None:
    provider = harness.provider
    provider.create_instance(spec(phone_numbers=(N1, N2)))
    instance = provider.list_instances()[0]
    assert instance.status in (CREATING, RUNNING)
    assert instance.status == RUNNING  # both are set up to create at once
    assert (instance.instance_id, instance.access_path) == (INSTANCE, INSTANCE)
    assert instance.name == "Support Center"
    assert instance.description == "first line"
    assert set(instance.phone_numbers) == {N1, N2}
    assert instance.admins == (f"{ADMIN}@{INSTANCE}",)


def test_create_without_admins_makes_the_caller_admin(provider: CccProvider) -> None:
    provider.create_instance(spec(admins=()))
    caller = provider.caller_identity()
    assert provider.list_instances()[0].admins == (f"{caller}@{INSTANCE}",)


def test_modify_description(provider: CccProvider) -> None:
    provider.create_instance(spec())
    provider.modify_instance(INSTANCE, "second line, & more = é ~")
    assert provider.list_instances()[0].description == "second line, & more = é ~"
    provider.modify_instance(INSTANCE, "")
    assert provider.list_instances()[0].description == ""


def test_delete(provider: CccProvider) -> None:
    provider.create_instance(spec())
    provider.create_instance(spec("acme-sales"))
    provider.delete_instance(INSTANCE)
    assert [i.instance_id for i in provider.list_instances()] == ["acme-sales"]


def test_domain_name_taken(provider: CccProvider) -> None:
    provider.create_instance(spec())
    with pytest.raises(ApiError) as exc:
        provider.create_instance(spec(name="Another One"))
    assert (exc.value.code, exc.value.http_status) == ("AlreadyExists.DomainName", 409)


def test_unknown_instance(provider: CccProvider) -> None:
    with pytest.raises(ApiError) as exc:
        provider.modify_instance("no-such-instance", "x")
    assert (exc.value.code, exc.value.http_status) == ("NotExists.InstanceId", 404)
    with pytest.raises(ApiError) as exc:
        provider.delete_instance("no-such-instance")
    assert (exc.value.code, exc.value.http_status) == ("NotExists.InstanceId", 404)


def test_errors_read_alike(provider: CccProvider) -> None:
    # The local adapter translates the emulator's errors as the SDK transport does the cloud's:
    # the same code, message and status, so the same error text on both.
    with pytest.raises(ApiError) as exc:
        provider.modify_instance("no-such-instance", "x")
    assert exc.value.api_message == "The specified instance no-such-instance does not exist."
    assert str(exc.value) == f"NotExists.InstanceId: {exc.value.api_message} (HTTP 404)"


def test_invalid_parameters(provider: CccProvider) -> None:
    with pytest.raises(ApiError) as exc:
        provider.create_instance(spec("x"))  # DomainName: 4-48 characters
    assert exc.value.code.startswith("Parameter.")
    assert exc.value.http_status == 400


def test_enable_conversation_analysis(harness: Harness) -> None:
    provider = harness.provider
    provider.create_instance(spec())
    provider.create_instance(spec("acme-sales"))
    provider.enable_conversation_analysis(INSTANCE)
    assert harness.engine.conversation_analysis_status() == {INSTANCE: True, "acme-sales": False}
    # Neither transport can read QA back (the real cloud cannot tell): the planner goes by the
    # state on both.
    seen = {i.instance_id: i.conversation_analysis for i in provider.list_instances()}
    assert seen == {INSTANCE: None, "acme-sales": None}


def test_caller_identity(harness: Harness) -> None:
    identity = harness.provider.caller_identity()
    assert identity and identity.isdigit()
    assert identity == harness.engine.caller_identity()


# -- contents, through the provider as the modules' caller ----------------------------


def test_skill_groups(provider: CccProvider) -> None:
    provider.create_instance(spec())
    groups = SkillGroupKind()
    attrs = SkillGroupAttributes(display_name="Sales", description="sells", media_type="AUDIO")
    group_id = groups.create(provider, INSTANCE, "sales", attrs)
    assert group_id == f"sales@{INSTANCE}"
    renamed = SkillGroupAttributes(display_name="Sales team", description="", media_type="AUDIO")
    groups.modify(provider, INSTANCE, group_id, renamed)
    found = groups.read(provider, INSTANCE)
    assert set(found) == {"default_skill_group", "sales"}
    sales = found["sales"]
    assert (sales.display_name, sales.description, sales.media_type) == ("Sales team", "", "AUDIO")
    with pytest.raises(ApiError) as exc:
        groups.create(provider, INSTANCE, "sales", attrs)
    assert exc.value.code.startswith("AlreadyExists.")
    groups.delete(provider, INSTANCE, group_id)
    assert set(groups.read(provider, INSTANCE)) == {"default_skill_group"}


def agent(display: str, role: str = "Agent", **extra: Any) -> AgentAttributes:
    return AgentAttributes(
        display_name=display,
        email=f"{display.lower()}@example.com",
        role=role,
        work_mode="ON_SITE",
        **{"mobile": None, "skills": {}, **extra},
    )


def test_agents_and_memberships(provider: CccProvider) -> None:
    provider.create_instance(spec())
    groups, agents = SkillGroupKind(), AgentKind()
    for name in ("sales", "support"):
        groups.create(
            provider,
            INSTANCE,
            name,
            SkillGroupAttributes(display_name=name, description="", media_type="AUDIO"),
        )
    alice = agents.create(provider, INSTANCE, "alice", agent("Alice", skills={"sales": 1}))
    bob = agents.create(provider, INSTANCE, "bobby", agent("Bobby", mobile="13800000000"))
    assert (alice, bob) == (f"alice@{INSTANCE}", f"bobby@{INSTANCE}")

    def skills() -> dict[str, dict[str, int]]:
        found = agents.read(provider, INSTANCE)
        return {login: found[login].skills for login in ("alice", "bobby")}

    def batch(kind: Membership, by: By, target: str, **fields: Any) -> None:
        run_memberships(provider, INSTANCE, [MembershipCall(kind, by, target, **fields)])

    assert skills() == {"alice": {"sales": 1}, "bobby": {}}
    batch(Membership.ADD, By.GROUP, "support", levels={"alice": 5, "bobby": 3})
    assert skills() == {"alice": {"sales": 1, "support": 5}, "bobby": {"support": 3}}
    batch(Membership.MODIFY, By.GROUP, "support", levels={"alice": 2})
    batch(Membership.REMOVE, By.GROUP, "support", members=("bobby",))
    assert skills() == {"alice": {"sales": 1, "support": 2}, "bobby": {}}
    batch(Membership.ADD, By.USER, "bobby", levels={"sales": 4, "support": 6})
    batch(Membership.MODIFY, By.USER, "bobby", levels={"sales": 7})
    batch(Membership.REMOVE, By.USER, "alice", members=("support",))
    assert skills() == {"alice": {"sales": 1}, "bobby": {"sales": 7, "support": 6}}

    agents.modify(provider, INSTANCE, alice, agent("Alice B", role="Manager"))
    found = agents.read(provider, INSTANCE)
    assert (found["alice"].display_name, found["alice"].role) == ("Alice B", "Manager")
    assert (found["bobby"].email, found["bobby"].mobile) == ("bobby@example.com", "13800000000")
    assert found["bobby"].work_mode == "ON_SITE"

    with pytest.raises(ApiError) as exc:
        agents.create(provider, INSTANCE, "alice", agent("Alice"))
    assert exc.value.code.startswith("AlreadyExists.")
    agents.remove(provider, INSTANCE, [bob])
    assert "bobby" not in agents.read(provider, INSTANCE)


def test_flows_and_numbers(provider: CccProvider) -> None:
    provider.create_instance(spec(phone_numbers=(N1, N2)))
    groups, flows, numbers = SkillGroupKind(), FlowKind(), NumberKind()
    for name, display in (("sales", "S"), ("support", "T")):
        groups.create(
            provider,
            INSTANCE,
            name,
            SkillGroupAttributes(display_name=display, description="", media_type="AUDIO"),
        )
    first = {"activities": [{"type": "INCOMING_CALL"}, {"type": "HANGUP"}]}
    flow_id = flows.create(
        provider,
        INSTANCE,
        "main",
        FlowAttributes(type="MAIN_FLOW", definition=first, description="v1"),
    )
    assert flow_id and flow_id != "None"
    second = {"activities": [{"type": "INCOMING_CALL"}, {"type": "PLAY_SAY", "text": "你好"}]}
    flows.publish(
        provider,
        INSTANCE,
        flow_id,
        FlowAttributes(type="MAIN_FLOW", definition=second, description="v2"),
    )
    found = flows.read(provider, INSTANCE)
    assert found["main"].flow_id == flow_id
    assert (found["main"].definition, found["main"].description) == (second, "v2")
    assert found["main"].type == "MAIN_FLOW"

    numbers.route(provider, INSTANCE, N1, "Inbound", flow_id)
    numbers.join_groups(provider, INSTANCE, N1, {"sales", "support"})
    numbers.leave_groups(provider, INSTANCE, N1, {"support"})
    routed = numbers.read(provider, INSTANCE)
    assert set(routed) == {N1, N2}
    assert (routed[N1].usage, routed[N1].flow_id, routed[N1].flow_name) == (
        "Inbound",
        flow_id,
        "main",
    )
    assert routed[N1].skill_groups == ("sales",)
    assert routed[N2].skill_groups == ()
    assert flows.read(provider, INSTANCE)["main"].numbers == (N1,)

    flows.delete(provider, INSTANCE, flow_id)
    assert "main" not in flows.read(provider, INSTANCE)
    assert numbers.read(provider, INSTANCE)[N1].flow_id is None


def test_contents_of_an_unknown_instance(provider: CccProvider) -> None:
    with pytest.raises(ApiError) as exc:
        SkillGroupKind().read(provider, "no-such-instance")
    assert (exc.value.code, exc.value.http_status) == ("NotExists.InstanceId", 404)


def test_pages_of_contents(harness: Harness) -> None:
    provider = harness.provider
    provider.create_instance(spec())
    for n in range(120):  # made behind the provider's back: HTTP round trips are slow here
        harness.engine.handle(
            "CreateSkillGroup",
            {"InstanceId": INSTANCE, "Name": f"group{n:03d}", "DisplayName": f"G{n}"},
        )
    items = list(provider.pages("ListSkillGroups", {"InstanceId": INSTANCE}))
    assert len(items) == 121  # and the default group
    assert provider.calls.counts["ListSkillGroups"] == 2
    assert len(SkillGroupKind().read(provider, INSTANCE)) == 121


def test_concurrent_calls(provider: CccProvider) -> None:
    # The applier calls from several worker threads through one provider.
    provider.create_instance(spec())
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(4):
                SkillGroupKind().create(
                    provider,
                    INSTANCE,
                    f"w{worker}_g{n}",
                    SkillGroupAttributes(display_name="G", description="", media_type="AUDIO"),
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(SkillGroupKind().read(provider, INSTANCE)) == 25
    assert provider.calls.counts["CreateSkillGroup"] == 24
