"""The contact flow (IVR) operations and the draft lifecycle.

CreateContactFlow makes a published flow. There is no ModifyContactFlow: a change is
StartEditContactFlow (opens a draft, a copy of the published version) -> CommitContactFlow (saves
Definition and Description into the draft, as often as wanted) -> PublishContactFlow (the draft
becomes the published version and is closed) or DiscardEditingContactFlow (the draft is dropped).

- A flow has at most one open draft. StartEditContactFlow on a flow that has one answers that
  draft's id again and leaves it unchanged (as the console resumes an edit in progress), so a
  caller that lost the id can recover it.
- GetContactFlow reads the open draft: `DraftId` is required (SDK and documentation agree) and must
  name the flow's open draft, else 404 NotExists.DraftId, as for Commit, Publish and Discard. The
  published version is read with ListContactFlows.
- Names are unique in an instance (exact comparison): 409 AlreadyExists.ContactFlowName.
- `Definition` must be a JSON object (the console's flow graph); `Description` (the version
  description) is required, as the documentation marks it.
- DeleteContactFlow refuses a flow that numbers still answer with (400 InUse.ContactFlow) unless
  `Force=true`, which leaves those numbers without a flow. An open draft goes with its flow.
- `Editor` is the caller's RAM user id (the login name the emulation gives administrators).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections import defaultdict
from typing import Any

from ccc_emulator import codes, responses
from ccc_emulator.content_rows import open_draft, require_draft, require_flow
from ccc_emulator.instances import Operation
from ccc_emulator.params import Params, json_value
from ccc_emulator.scope import InstanceScope, Page, Tx, placeholders

TYPES = ("MAIN_FLOW", "SUB_FLOW", "SURVEY_FLOW")
ORDER_FIELDS = {"updatedTime": "cf.updated_ms", "createdTime": "cf.created_ms", "name": "cf.name"}
SORT_ORDERS = ("ASC", "DESC")
MAX_NAME = 64
MAX_DESCRIPTION = 256
MAX_DEFINITION = 1_048_576


class FlowOperations:
    """Carries out the contact flow operations against the store."""

    def __init__(self, scope: InstanceScope) -> None:
        self._scope = scope

    def actions(self) -> dict[str, Operation]:
        """Wire action name -> operation."""
        return {
            "ListContactFlows": self.list_contact_flows,
            "CreateContactFlow": self.create_contact_flow,
            "GetContactFlow": self.get_contact_flow,
            "StartEditContactFlow": self.start_edit_contact_flow,
            "CommitContactFlow": self.commit_contact_flow,
            "PublishContactFlow": self.publish_contact_flow,
            "DiscardEditingContactFlow": self.discard_editing_contact_flow,
            "DeleteContactFlow": self.delete_contact_flow,
        }

    def list_contact_flows(self, params: Params) -> dict[str, Any]:
        """One page of published flows, most recently updated first unless asked otherwise."""
        instance_id = params.required_text("InstanceId")
        page = Page.parse(params)
        flow_type = params.optional_enum("Type", TYPES)
        pattern = (params.optional_text("SearchPattern") or "").lower()
        order_field = params.optional_enum("OrderByField", tuple(ORDER_FIELDS)) or "updatedTime"
        order = ORDER_FIELDS[order_field]
        direction = params.optional_enum("SortOrder", SORT_ORDERS) or "DESC"
        where = "cf.instance_id = :instance"
        if flow_type is not None:
            where += " AND cf.type = :type"
        if pattern:
            where += " AND instr(lower(cf.name), :pattern) > 0"
        with self._scope.read(instance_id) as tx:
            bound = {"instance": tx.instance_id, "type": flow_type, "pattern": pattern}
            total = tx.conn.execute(
                f"SELECT COUNT(*) FROM contact_flows cf WHERE {where}", bound
            ).fetchone()[0]
            rows = tx.conn.execute(
                "SELECT cf.*, d.draft_id FROM contact_flows cf"
                " LEFT JOIN contact_flow_drafts d ON d.contact_flow_id = cf.contact_flow_id"
                f" WHERE {where} ORDER BY {order} {direction}, cf.rowid {direction}"
                " LIMIT :limit OFFSET :offset",
                {**bound, "limit": page.size, "offset": page.offset},
            ).fetchall()
            numbers = _numbers_of(tx, [row["contact_flow_id"] for row in rows])
        items = [
            responses.flow_list_item(row, row["draft_id"], numbers[row["contact_flow_id"]])
            for row in rows
        ]
        return page.data(total, items)

    def create_contact_flow(self, params: Params) -> str:
        """Create a published flow; `Data` is its id."""
        instance_id = params.required_text("InstanceId")
        name = params.required_text("Name", max_length=MAX_NAME)
        flow_type = params.required_enum("Type", TYPES)
        definition = _definition(params)
        description = params.required_text("Description", max_length=MAX_DESCRIPTION)
        flow_id = str(uuid.uuid4())
        with self._scope.write(instance_id) as tx:
            taken = tx.conn.execute(
                "SELECT 1 FROM contact_flows WHERE instance_id = ? AND name = ?",
                (tx.instance_id, name),
            ).fetchone()
            if taken is not None:
                raise codes.flow_name_taken(name, tx.instance_id)
            tx.conn.execute(
                "INSERT INTO contact_flows (contact_flow_id, instance_id, name, type, description,"
                " definition, published, editor, created_ms, updated_ms)"
                " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
                (
                    flow_id,
                    tx.instance_id,
                    name,
                    flow_type,
                    description,
                    definition,
                    self._scope.caller,
                    tx.now_ms,
                    tx.now_ms,
                ),
            )
        return flow_id

    def get_contact_flow(self, params: Params) -> dict[str, Any]:
        """The flow's open draft."""
        instance_id, flow_id, draft_id = _draft_request(params)
        with self._scope.read(instance_id) as tx:
            flow = require_flow(tx, flow_id)
            draft = require_draft(tx, flow_id, draft_id)
        return responses.flow_draft(flow, draft)

    def start_edit_contact_flow(self, params: Params) -> str:
        """Open a draft of the published version, or answer the one already open."""
        instance_id = params.required_text("InstanceId")
        flow_id = params.required_text("ContactFlowId")
        with self._scope.write(instance_id) as tx:
            flow = require_flow(tx, flow_id)
            draft = open_draft(tx, flow_id)
            if draft is not None:
                return str(draft["draft_id"])
            draft_id = str(uuid.uuid4())
            tx.conn.execute(
                "INSERT INTO contact_flow_drafts (draft_id, contact_flow_id, definition,"
                " description, editor, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    draft_id,
                    flow_id,
                    flow["definition"],
                    flow["description"],
                    self._scope.caller,
                    tx.now_ms,
                    tx.now_ms,
                ),
            )
        return draft_id

    def commit_contact_flow(self, params: Params) -> None:
        """Save a definition and description into the open draft."""
        instance_id, flow_id, draft_id = _draft_request(params)
        definition = _definition(params)
        description = params.required_text("Description", max_length=MAX_DESCRIPTION)
        with self._scope.write(instance_id) as tx:
            _open_draft(tx, flow_id, draft_id)
            tx.conn.execute(
                "UPDATE contact_flow_drafts SET definition = ?, description = ?, editor = ?,"
                " updated_ms = ? WHERE draft_id = ?",
                (definition, description, self._scope.caller, tx.now_ms, draft_id),
            )

    def publish_contact_flow(self, params: Params) -> None:
        """Make the open draft the published version and close it."""
        instance_id, flow_id, draft_id = _draft_request(params)
        with self._scope.write(instance_id) as tx:
            draft = _open_draft(tx, flow_id, draft_id)
            tx.conn.execute(
                "UPDATE contact_flows SET definition = ?, description = ?, editor = ?,"
                " published = 1, updated_ms = ? WHERE contact_flow_id = ?",
                (
                    draft["definition"],
                    draft["description"],
                    self._scope.caller,
                    tx.now_ms,
                    flow_id,
                ),
            )
            tx.conn.execute("DELETE FROM contact_flow_drafts WHERE draft_id = ?", (draft_id,))

    def discard_editing_contact_flow(self, params: Params) -> None:
        """Drop the open draft; the published version stays."""
        instance_id, flow_id, draft_id = _draft_request(params)
        with self._scope.write(instance_id) as tx:
            _open_draft(tx, flow_id, draft_id)
            tx.conn.execute("DELETE FROM contact_flow_drafts WHERE draft_id = ?", (draft_id,))

    def delete_contact_flow(self, params: Params) -> None:
        """Delete a flow; one that numbers answer with only with `Force=true`."""
        instance_id = params.required_text("InstanceId")
        flow_id = params.required_text("ContactFlowId")
        force = params.optional_bool("Force") or False
        with self._scope.write(instance_id) as tx:
            require_flow(tx, flow_id)
            if not force and _numbers_of(tx, [flow_id])[flow_id]:
                raise codes.flow_in_use(flow_id)
            # Numbers lose the flow (ON DELETE SET NULL); the draft goes with it (CASCADE).
            tx.conn.execute("DELETE FROM contact_flows WHERE contact_flow_id = ?", (flow_id,))


def _draft_request(params: Params) -> tuple[str, str, str]:
    return (
        params.required_text("InstanceId"),
        params.required_text("ContactFlowId"),
        params.required_text("DraftId"),
    )


def _definition(params: Params) -> str:
    definition = params.required_text("Definition", max_length=MAX_DEFINITION)
    if not isinstance(json_value(definition), dict):
        raise codes.parameter_format("Definition", "a JSON object")
    return definition


def _open_draft(tx: Tx, flow_id: str, draft_id: str) -> sqlite3.Row:
    require_flow(tx, flow_id)
    return require_draft(tx, flow_id, draft_id)


def _numbers_of(tx: Tx, flow_ids: list[str]) -> defaultdict[str, list[str]]:
    """Flow id -> the numbers it answers, in the order they joined the instance."""
    numbers: defaultdict[str, list[str]] = defaultdict(list)
    if not flow_ids:
        return numbers
    rows = tx.conn.execute(
        "SELECT contact_flow_id, number FROM phone_numbers"
        f" WHERE contact_flow_id IN ({placeholders(len(flow_ids))}) ORDER BY bound_seq, number",
        flow_ids,
    )
    for row in rows:
        numbers[row["contact_flow_id"]].append(row["number"])
    return numbers
