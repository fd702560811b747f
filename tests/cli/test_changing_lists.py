"""A List that changes while cccform reads its pages (objects created elsewhere meanwhile)."""

from __future__ import annotations

from typing import Any

from ccc_emulator.engine import CccEmulation
from cccform.providers.local import LocalTransport
from tests.cli.harness import Cli, config


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
