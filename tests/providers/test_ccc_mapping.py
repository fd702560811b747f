"""The one mapping to CCC operations: wire names, wire parameters, paging."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cccform.errors import UsageError
from cccform.providers.base import InstanceSpec
from cccform.providers.ccc import CccProvider
from cccform.wire import json_list


class RecordingTransport:
    def __init__(self, total: int = 0) -> None:
        self.total = total
        self.calls: list[tuple[str, dict[str, str]]] = []

    def call(self, action: str, params: dict[str, str]) -> Any:
        self.calls.append((action, params))
        if action != "ListInstances":
            return None
        page, size = int(params["PageNumber"]), int(params["PageSize"])
        start = (page - 1) * size
        items = [
            {
                "Id": f"i{n}",
                "DomainName": f"i{n}",
                "Name": f"Inst {n}",
                "Description": None,
                "Status": "RUNNING",
                "NumberList": [{"Number": "0571"}],
                "AdminList": [{"UserId": f"1@i{n}"}],
            }
            for n in range(start, min(start + size, self.total))
        ]
        return {"PageNumber": page, "PageSize": size, "TotalCount": self.total, "List": items}


class FakeConsole:
    def __init__(self) -> None:
        self.enabled: list[str] = []

    def enable_conversation_analysis(self, instance_id: str) -> None:
        self.enabled.append(instance_id)

    def caller_identity(self) -> str:
        return "1000000000000001"

    def account_id(self) -> str:
        return "1000000000000002"


def test_lists_are_json_strings() -> None:
    assert json_list(("a", "b")) == '["a","b"]'


@pytest.mark.parametrize(("total", "calls"), [(0, 1), (1, 1), (100, 1), (101, 2), (250, 3)])
def test_list_instances_pages_by_100(total: int, calls: int) -> None:
    transport = RecordingTransport(total)
    provider = CccProvider(transport, FakeConsole())
    found = provider.list_instances()
    assert len(found) == total
    assert [c[1]["PageNumber"] for c in transport.calls] == [str(n + 1) for n in range(calls)]
    assert all(c[1]["PageSize"] == "100" for c in transport.calls)
    assert provider.calls.counts["ListInstances"] == calls


def test_live_instance_fields_and_qa() -> None:
    provider = CccProvider(RecordingTransport(2), FakeConsole())
    first, second = provider.list_instances()
    assert first.description == "" and first.phone_numbers == ("0571",)
    # QA cannot be read from the control plane: the planner relies on the state for it.
    assert (first.conversation_analysis, second.conversation_analysis) == (None, None)
    assert not any(action.startswith("console:") for action in provider.calls.counts)


def test_create_instance_wire_parameters() -> None:
    transport = RecordingTransport()
    provider = CccProvider(transport, FakeConsole())
    provider.create_instance(InstanceSpec("Name", "path", "d", ("0571", "0572"), ("1", "2")))
    ((action, params),) = transport.calls
    assert action == "CreateInstance"
    assert params == {
        "Name": "Name",
        "DomainName": "path",
        "Description": "d",
        "AdminRamIdList": '["1","2"]',
        "NumberList": '["0571","0572"]',
    }


def test_create_without_admins_uses_the_caller_and_omits_empty_numbers() -> None:
    transport = RecordingTransport()
    provider = CccProvider(transport, FakeConsole())
    provider.create_instance(InstanceSpec("Name", "path", "", (), ()))
    params = transport.calls[0][1]
    assert json.loads(params["AdminRamIdList"]) == ["1000000000000001"]
    assert "NumberList" not in params


def test_modify_delete_and_console_qa() -> None:
    transport = RecordingTransport()
    console = FakeConsole()
    provider = CccProvider(transport, console)
    provider.modify_instance("i1", "new")
    provider.delete_instance("i1")
    provider.enable_conversation_analysis("i1")
    assert transport.calls == [
        ("ModifyInstance", {"InstanceId": "i1", "Description": "new"}),
        ("DeleteInstance", {"InstanceId": "i1"}),
    ]
    assert console.enabled == ["i1"]


def test_local_create_seconds_from_setting_env_or_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from cccform.config.models import LocalProviderConfig
    from cccform.providers.local import create_seconds

    monkeypatch.delenv("CCCFORM_LOCAL_CREATE_SECONDS", raising=False)
    assert create_seconds(LocalProviderConfig()) == 3.0
    monkeypatch.setenv("CCCFORM_LOCAL_CREATE_SECONDS", "0.5")
    assert create_seconds(LocalProviderConfig()) == 0.5
    assert create_seconds(LocalProviderConfig(create_seconds=7)) == 7
    for bad in ("soon", "-1", "99999"):
        monkeypatch.setenv("CCCFORM_LOCAL_CREATE_SECONDS", bad)
        with pytest.raises(UsageError, match="CCCFORM_LOCAL_CREATE_SECONDS"):
            create_seconds(LocalProviderConfig())
