"""The one mapping from cccform's operations to CCC 2020-07-01 operations.

Parameters are built exactly as on the wire (PascalCase keys, lists as JSON strings), so the
same code drives the embedded emulation and the official SDK: only the transport differs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from cccform.errors import ApiError, ProviderError
from cccform.live import LiveInstance
from cccform.providers.base import ApiCallCounter, ConsoleChannel, InstanceSpec, Transport
from cccform.providers.paging import DEFAULT_PARALLELISM, Pager
from cccform.wire import json_list

log = logging.getLogger("cccform.api")


class CccProvider:
    """Instances through the CCC API; console-only actions through a console channel."""

    def __init__(
        self,
        transport: Transport,
        console: ConsoleChannel,
        parallelism: int = DEFAULT_PARALLELISM,
    ) -> None:
        self.transport = transport
        self.console = console
        self.calls = ApiCallCounter()
        self.pager = Pager(self.call, parallelism)

    def read_parallelism(self, parallelism: int) -> None:
        """At most `parallelism` List pages in flight at once, across every List read."""
        self.pager = Pager(self.call, parallelism)

    def call(self, action: str, params: dict[str, str]) -> Any:
        self.calls.add(action)
        log.debug("call %s %s", action, _loggable(params))
        return self.transport.call(action, params)

    # -- reads --------------------------------------------------------------

    def list_instances(self) -> list[LiveInstance]:
        return [_live_instance(item) for item in self.pages("ListInstances", {})]

    def get_instance(self, instance_id: str) -> LiveInstance | None:
        """One instance, or None when it does not exist (reading back after an unknown outcome)."""
        try:
            data = self.call("GetInstance", {"InstanceId": instance_id})
        except ApiError as error:
            if error.code.startswith("NotExists"):
                return None
            raise
        return _live_instance(data)

    def pages(self, action: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Every item of a paginated List operation, 100 per call, in page order; the pages
        after the first are read at once (`paging.Pager`)."""
        return iter(self.pager.items(action, params))

    # -- writes -------------------------------------------------------------

    def create_instance(self, spec: InstanceSpec) -> None:
        admins = spec.admins or (self.caller_identity(),)
        params = {
            "Name": spec.name,
            "DomainName": spec.access_path,
            "Description": spec.description,
            "AdminRamIdList": json_list(admins),
        }
        if spec.phone_numbers:
            params["NumberList"] = json_list(spec.phone_numbers)
        self.call("CreateInstance", params)

    def modify_instance(self, instance_id: str, description: str) -> None:
        self.call("ModifyInstance", {"InstanceId": instance_id, "Description": description})

    def delete_instance(self, instance_id: str) -> None:
        self.call("DeleteInstance", {"InstanceId": instance_id})

    def enable_conversation_analysis(self, instance_id: str) -> None:
        self.calls.add("console:EnableConversationAnalysis")
        log.debug("console EnableConversationAnalysis %s", instance_id)
        self.console.enable_conversation_analysis(instance_id)

    def caller_identity(self) -> str:
        self.calls.add("console:CallerIdentity")
        return self.console.caller_identity()

    def close(self) -> None:
        close = getattr(self.transport, "close", None)
        if callable(close):
            close()


def _live_instance(item: dict[str, Any]) -> LiveInstance:
    if not isinstance(item, dict) or not (item.get("Id") or item.get("DomainName")):
        raise ProviderError(f"the CCC API answered an instance without an id: {item!r:.200}")
    instance_id = str(item.get("Id") or item["DomainName"])
    return LiveInstance(
        instance_id=instance_id,
        name=str(item.get("Name", "")),
        access_path=str(item.get("DomainName", instance_id)),
        description=str(item.get("Description") or ""),
        phone_numbers=tuple(str(n["Number"]) for n in item.get("NumberList") or []),
        admins=tuple(str(a.get("UserId", "")) for a in item.get("AdminList") or []),
        status=str(item.get("Status", "")),
        # Neither the CCC API nor BSS reports QA, on the cloud or in the emulator: the planner
        # relies on the state for it, the same way on every transport.
        conversation_analysis=None,
    )


def _loggable(params: dict[str, str]) -> str:
    return " ".join(f"{key}={value}" for key, value in sorted(params.items()))
