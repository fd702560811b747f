"""Contact flows (IVR): ListContactFlows, CreateContactFlow, and StartEdit -> Commit -> Publish,
since CCC has no ModifyContactFlow."""

from __future__ import annotations

import json
from typing import Any

from cccform.providers.base import Caller, LiveFlow


def list_flows(caller: Caller, instance_id: str) -> dict[str, LiveFlow]:
    found: dict[str, LiveFlow] = {}
    for item in caller.pages("ListContactFlows", {"InstanceId": instance_id}):
        flow = _live(item)
        found[flow.name] = flow
    return found


def _live(item: dict[str, Any]) -> LiveFlow:
    return LiveFlow(
        flow_id=str(item["ContactFlowId"]),
        name=str(item["Name"]),
        type=str(item.get("Type") or "MAIN_FLOW"),
        description=str(item.get("Description") or ""),
        definition=parse_definition(item.get("Definition")),
        numbers=tuple(str(n) for n in item.get("NumberList") or []),
    )


def parse_definition(raw: Any) -> dict[str, Any] | None:
    """The console's flow JSON, parsed, so that key order and whitespace never count."""
    if isinstance(raw, dict):
        return raw
    if not raw:
        return None
    try:
        parsed = json.loads(str(raw))
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def encode_definition(definition: dict[str, Any]) -> str:
    return json.dumps(definition, ensure_ascii=False, separators=(",", ":"))


def create_flow(caller: Caller, instance_id: str, name: str, attrs: dict[str, Any]) -> str:
    data = caller.call(
        "CreateContactFlow",
        {
            "InstanceId": instance_id,
            "Name": name,
            "Type": str(attrs["type"]),
            "Definition": encode_definition(dict(attrs["definition"])),
            "Description": str(attrs["description"]),
        },
    )
    if isinstance(data, dict):
        return str(data.get("ContactFlowId"))
    return str(data)


def publish_flow(caller: Caller, instance_id: str, flow_id: str, attrs: dict[str, Any]) -> None:
    """StartEdit -> Commit -> Publish: the only way CCC changes a flow."""
    base = {"InstanceId": instance_id, "ContactFlowId": flow_id}
    data = caller.call("StartEditContactFlow", base)
    draft = str(data.get("DraftId") if isinstance(data, dict) else data)
    caller.call(
        "CommitContactFlow",
        {
            **base,
            "DraftId": draft,
            "Definition": encode_definition(dict(attrs["definition"])),
            "Description": str(attrs["description"]),
        },
    )
    caller.call("PublishContactFlow", {**base, "DraftId": draft})


def delete_flow(caller: Caller, instance_id: str, flow_id: str) -> None:
    caller.call(
        "DeleteContactFlow", {"InstanceId": instance_id, "ContactFlowId": flow_id, "Force": "true"}
    )
