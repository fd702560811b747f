"""cccform against the real cloud's wire protocol: provider aliyun, the official SDK, and
cccform's emulator server over HTTP standing in for Alibaba Cloud."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccc_emulator.http.faults import FaultConfig
from ccc_emulator.http.gateway import Gateway
from ccc_emulator.http.server import EmulatorServer, serve_in_thread
from ccc_emulator.http.wire import WireRequest, WireResponse
from tests.cli.harness import Cli, InFlight, calls, instance_yaml, write

AK, SK = "LTAI5tCccformTestKey", "cccform-canary-secret-7f3a9b1c"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorServer]:
    with serve_in_thread(tmp_path / "cloud", credentials={AK: SK}, create_seconds=0.3) as running:
        yield running


@pytest.fixture
def cloud(cli: Cli) -> Cli:
    cli.monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", AK)
    cli.monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SK)
    return cli


def configure(cli: Cli, server: EmulatorServer, *instances: str, **provider: Any) -> None:
    settings = {"type": "aliyun", "endpoint": server.url, **provider}
    body = "provider: " + json.dumps(settings) + "\n"
    body += "instances:\n" + "".join(instances) if instances else "instances: {}\n"
    write(cli.directory, "cccform.yaml", body)


def sdk_instances(server: EmulatorServer) -> dict[str, Any]:
    """What the official SDK itself lists."""
    from alibabacloud_ccc20200701 import models
    from alibabacloud_ccc20200701.client import Client
    from alibabacloud_tea_openapi import models as open_api

    client = Client(
        open_api.Config(
            access_key_id=AK,
            access_key_secret=SK,
            endpoint=server.endpoint,
            protocol="http",
            region_id="cn-shanghai",
        )
    )
    found: dict[str, Any] = {}
    page = 1
    while True:
        body = client.list_instances(
            models.ListInstancesRequest(page_number=page, page_size=100)
        ).body
        found.update({item.domain_name: item for item in body.data.list})
        if len(found) >= body.data.total_count:
            return found
        page += 1


def test_create_update_qa_and_delete_through_the_sdk(cloud: Cli, server: EmulatorServer) -> None:
    configure(cloud, server, instance_yaml("a", 1, conversation_analysis=True))
    run = cloud("apply", "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "1 created, 0 updated, 0 deleted, 1 QA enabled" in run.out
    assert sdk_instances(server)["acme-0001"].status == "RUNNING"
    assert server.engine.conversation_analysis_status() == {"acme-0001": True}  # via BSS
    assert cloud("plan", "--detailed-exitcode").code == 0

    configure(cloud, server, instance_yaml("a", 1, conversation_analysis=True, description="new"))
    assert cloud("apply", "--auto-approve").code == 0
    assert sdk_instances(server)["acme-0001"].description == "new"

    configure(cloud, server)
    run = cloud("apply", "--auto-approve", "--allow-delete")
    assert run.code == 0, run.out + run.err
    assert sdk_instances(server) == {}


def test_a_change_made_with_the_sdk_is_drift(cloud: Cli, server: EmulatorServer) -> None:
    from alibabacloud_ccc20200701 import models
    from alibabacloud_ccc20200701.client import Client
    from alibabacloud_tea_openapi import models as open_api

    configure(cloud, server, instance_yaml("a", 1))
    assert cloud("apply", "--auto-approve").code == 0
    client = Client(
        open_api.Config(
            access_key_id=AK,
            access_key_secret=SK,
            endpoint=server.endpoint,
            protocol="http",
            region_id="cn-shanghai",
        )
    )
    client.modify_instance(
        models.ModifyInstanceRequest(instance_id="acme-0001", description="changed with the SDK")
    )
    plan = cloud("plan")
    assert "# (changed outside cccform: description)" in plan.out
    assert '~ description = "changed with the SDK" -> "center 1"' in plan.out


def test_contents_through_the_sdk(cloud: Cli, server: EmulatorServer) -> None:
    contents = (
        "    skill_groups: {billing: {display_name: Billing}}\n"
        "    agents:\n"
        "      alice: {display_name: Alice, email: alice@example.com, skills: {billing: 2}}\n"
    )
    configure(cloud, server, instance_yaml("a", 1) + contents)
    run = cloud("apply", "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert cloud("plan", "--detailed-exitcode").code == 0


def test_fifty_instances_under_throttling_and_commit_then_fail(
    cloud: Cli, server: EmulatorServer
) -> None:
    faults = FaultConfig(
        seed=7,
        throttle_rate=0.1,
        commit_then_fail=frozenset(
            {"CreateInstance", "ModifyInstance", "DeleteInstance", "BssOpenApi:ModifyInstance"}
        ),
        fault_rate=0.3,
    )

    def apply_with_faults(*args: str) -> None:
        server.faults.configure(faults)
        run = cloud("apply", "--auto-approve", *args)
        server.faults.configure(FaultConfig())  # the checks below read without faults
        assert run.code == 0, run.out[-3000:] + run.err[-3000:]

    configure(
        cloud,
        server,
        *(instance_yaml(f"i{n}", n, conversation_analysis=n % 5 == 0) for n in range(50)),
    )
    apply_with_faults()
    assert server.faults.injected, "no fault was injected: the test proves nothing"
    assert sorted(sdk_instances(server)) == [f"acme-{n:04d}" for n in range(50)]
    qa = server.engine.conversation_analysis_status()
    assert sorted(k for k, on in qa.items() if on) == [f"acme-{n:04d}" for n in range(0, 50, 5)]

    configure(
        cloud,
        server,
        *(
            instance_yaml(f"i{n}", n, description="v2", conversation_analysis=n % 5 == 0)
            for n in range(50)
        ),
    )
    apply_with_faults()
    assert {i.description for i in sdk_instances(server).values()} == {"v2"}

    configure(cloud, server)
    apply_with_faults("--allow-delete")
    assert sdk_instances(server) == {}
    assert cloud("plan", "--detailed-exitcode").code == 0


def test_missing_credentials_stop_before_any_change(cli: Cli, server: EmulatorServer) -> None:
    for name in (
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_PROFILE",
    ):
        cli.monkeypatch.delenv(name, raising=False)
    cli.monkeypatch.setenv("HOME", str(cli.directory))  # no profile file either
    configure(cli, server, instance_yaml("a", 1))
    run = cli("apply", "--auto-approve")
    assert run.code == 1
    assert "credentials" in run.err.lower()
    assert sdk_instances(server) == {}


def test_rejected_credentials_are_a_clear_error(cli: Cli, server: EmulatorServer) -> None:
    cli.monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", AK)
    cli.monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "not-the-secret")
    configure(cli, server, instance_yaml("a", 1))
    run = cli("apply", "--auto-approve")
    assert run.code == 1 and "credentials" in run.err.lower()
    assert "not-the-secret" not in run.out + run.err
    assert sdk_instances(server) == {}


def test_the_secret_never_leaves_the_environment(cloud: Cli, server: EmulatorServer) -> None:
    log = cloud.directory / "cccform.log"
    cloud.monkeypatch.setenv("CCCFORM_LOG", "debug")
    cloud.monkeypatch.setenv("CCCFORM_LOG_PATH", str(log))
    outputs: list[str] = []
    configure(cloud, server, instance_yaml("a", 1, conversation_analysis=True))
    for args in (
        ("plan", "--out", "saved.plan"),
        ("apply", "saved.plan"),
        ("show",),
        ("plan", "--json"),
    ):
        run = cloud(*args)
        outputs += [run.out, run.err]
    server.faults.fail_first("ModifyInstance", 10, "error")  # an error path
    configure(cloud, server, instance_yaml("a", 1, conversation_analysis=True, description="x"))
    run = cloud("apply", "--auto-approve")
    assert run.code == 5
    outputs += [run.out, run.err]
    configure(cloud, server, instance_yaml("a", 1), endpoint="http://127.0.0.1:9")  # unreachable
    run = cloud("plan")
    assert run.code == 1
    outputs += [run.out, run.err]
    files = [p for p in cloud.directory.iterdir() if p.is_file()]
    assert log in files and (cloud.directory / "saved.plan") in files
    for path in files:
        assert SK not in path.read_text(errors="replace"), path
    for text in outputs:
        assert SK not in text


def test_the_state_is_bound_to_the_account_sts_names(
    cloud: Cli, server: EmulatorServer, tmp_path: Path
) -> None:
    configure(cloud, server, instance_yaml("a", 1))
    assert cloud("apply", "--auto-approve").code == 0
    state = json.loads((cloud.directory / "cccform.state.json").read_text())
    account = server.engine.account_id()
    assert state["binding"] == {"type": "aliyun", "location": server.url, "account": account}
    with serve_in_thread(tmp_path / "other", credentials={AK: SK}) as other:
        configure(cloud, other, instance_yaml("a", 1))
        run = cloud("plan")
        assert run.code == 1, run.out + run.err
        assert f"account {account}" in run.err and f"account {other.engine.account_id()}" in run.err
        assert "cccform state rebind" in run.err


def test_an_imported_example_is_adopted_whole_through_the_sdk(
    cloud: Cli, server: EmulatorServer
) -> None:
    """Apply examples/contact-center in the cloud, import it into another directory through
    the SDK: plan there adopts everything, apply calls nothing that writes."""
    source = cloud.directory / "src"
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "contact-center", source)
    write(source, "settings.yaml", f"provider: {{type: aliyun, endpoint: '{server.url}'}}\n")
    cloud.monkeypatch.chdir(source)
    assert cloud("apply", "--auto-approve").code == 0
    cloud.monkeypatch.chdir(cloud.directory)
    run = cloud("import", "--provider", "aliyun", "--endpoint", server.url, "--out", "out")
    assert run.code == 0, run.out + run.err
    assert "Imported 2 instances (5 skill groups, 6 agents, 3 flows, 3 numbers)" in run.out
    cloud.monkeypatch.chdir(cloud.directory / "out")
    cloud.directory = cloud.directory / "out"
    plan = cloud("plan", "--json")
    assert plan.code == 0, plan.err
    assert {c["action"] for c in plan.json()["changes"]} == {"adopt"}
    applied = calls(cloud, "apply", "--auto-approve")
    assert {a: n for a, n in applied.items() if not a.startswith("List")} == {}, applied
    assert cloud("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize(("given", "most"), [((), 100), (("--parallelism", "40"), 40)])
def test_an_import_keeps_a_hundred_lists_in_flight_through_the_sdk(
    cloud: Cli, server: EmulatorServer, given: tuple[str, ...], most: int
) -> None:
    """Enough Lists at once to read at the pace of the quotas from a far endpoint: counted
    where the requests arrive."""
    for n in range(30):  # 120 Lists of contents
        server.engine.handle(
            "CreateInstance",
            {"Name": f"Other {n}", "DomainName": f"other-{n:02d}", "AdminRamIdList": '["1"]'},
        )
    time.sleep(0.4)  # RUNNING after the server's create_seconds
    counted = InFlight(most)
    answer = Gateway.__call__

    def held_lists(self: Gateway, request: WireRequest) -> WireResponse:
        action = request.action or ""
        if not action.startswith("List") or action == "ListInstances":
            return answer(self, request)
        return counted.hold(lambda: answer(self, request))

    cloud.monkeypatch.setattr(Gateway, "__call__", held_lists)
    run = cloud("import", "--provider", "aliyun", "--endpoint", server.url, "--out", "out", *given)
    assert run.code == 0, run.out + run.err
    assert "Imported 30 instances" in run.out
    assert counted.most == most
