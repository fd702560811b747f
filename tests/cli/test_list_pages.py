"""Reading the pages of a List through the CLI: at once within --parallelism, and a List that
changes while cccform reads it (objects created elsewhere meanwhile)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from ccc_emulator.engine import CccEmulation
from cccform.providers.local import LocalTransport
from tests.cli.harness import Cli, config, instance_yaml


def create(emulation: CccEmulation, n: int) -> None:
    emulation.handle(
        "CreateInstance",
        {"Name": f"Other {n}", "DomainName": f"other-{n:04d}", "AdminRamIdList": '["1"]'},
    )


def test_instances_created_on_every_read_stop_the_plan(cli: Cli) -> None:
    with cli.emulation() as emulation:
        for n in range(150):
            create(emulation, n)
    config(cli.directory)
    created = [150]
    call = LocalTransport.call

    def creating_meanwhile(self: LocalTransport, action: str, params: dict[str, str]) -> Any:
        if action == "ListInstances" and params["PageNumber"] == "2":
            create(self.emulation, created[0])
            created[0] += 1
        return call(self, action, params)

    cli.monkeypatch.setattr(LocalTransport, "call", creating_meanwhile)
    run = cli("plan")
    assert run.code == 1
    assert run.err.splitlines() == [
        "error: ListInstances gave a different count on every one of 3 reads: objects are "
        "being created or deleted while cccform reads them. Run cccform again once the "
        "changes made elsewhere are done."
    ]
    assert run.out == ""


@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"]])
def test_pages_are_read_at_once_within_the_parallelism(cli: Cli, command: list[str]) -> None:
    with cli.emulation() as emulation:
        for n in range(550):
            create(emulation, n)
    config(cli.directory)
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most
    call = LocalTransport.call

    def slow_pages(self: LocalTransport, action: str, params: dict[str, str]) -> Any:
        if action != "ListInstances":
            return call(self, action, params)
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
        time.sleep(0.05)
        try:
            return call(self, action, params)
        finally:
            with lock:
                in_flight[0] -= 1

    cli.monkeypatch.setattr(LocalTransport, "call", slow_pages)
    run = cli(*command, "--parallelism", "3")
    assert run.code == 0, run.err
    assert "No changes" in run.out
    assert in_flight[1] == 3


def test_the_contents_the_state_knows_are_read_while_instances_are_listed(cli: Cli) -> None:
    groups = {"billing": {"display_name": "Billing"}}
    config(cli.directory, instance_yaml("support", 1, skill_groups=groups))
    assert cli("apply", "--auto-approve").code == 0
    with cli.emulation() as emulation:
        for n in range(150):  # ListInstances takes two pages
            create(emulation, n)
    contents_read = threading.Event()
    waited_for_contents: list[bool] = []
    call = LocalTransport.call

    def last_page_waits(self: LocalTransport, action: str, params: dict[str, str]) -> Any:
        if action == "ListSkillGroups":
            contents_read.set()
        if action == "ListInstances" and params["PageNumber"] == "2":
            waited_for_contents.append(contents_read.wait(5))
        return call(self, action, params)

    cli.monkeypatch.setattr(LocalTransport, "call", last_page_waits)
    run = cli("plan", "--detailed-exitcode")
    assert run.code == 0, run.out + run.err
    assert waited_for_contents == [True]
