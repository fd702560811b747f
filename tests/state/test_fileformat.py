"""The on-disk state format: canonical JSON, strict parsing, explicit upgrades."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cccform.errors import StateError
from cccform.state import fileformat
from cccform.state.fileformat import CURRENT_FORMAT_VERSION, UPGRADERS, parse, serialise, upgrade
from cccform.state.models import STATE_FORMAT_VERSION, PendingCreate, ResourceState, State

SOURCE = "/tmp/proj/cccform.tfstate.json"
CANARY = "s3cr3t-canary-value"


def sample_state() -> State:
    return State(
        serial=4,
        resources={
            "ccc_skill_group.sales": ResourceState(
                remote_id="skg-2@inst-1",
                attributes={"name": "sales", "zeta": [{"b": 1, "a": 2}], "alpha": {"y": 1, "x": 2}},
            ),
            "ccc_instance.main": ResourceState(
                remote_id="inst-1", attributes={"name": "主呼叫中心"}, deletion_protection=False
            ),
        },
        pending={"instance.other": PendingCreate(access_path="other-cc", name="other")},
    )


def document(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(serialise(sample_state()))
    doc.update(changes)
    return doc


def test_current_version_is_the_models_version() -> None:
    assert CURRENT_FORMAT_VERSION == STATE_FORMAT_VERSION


def test_every_older_version_has_an_upgrader() -> None:
    assert set(UPGRADERS) == set(range(1, CURRENT_FORMAT_VERSION))


def test_serialise_is_sorted_indented_utf8_with_final_newline() -> None:
    data = serialise(sample_state())
    plain = json.loads(data)
    assert data == (json.dumps(plain, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    assert "主呼叫中心" in data.decode("utf-8")


def test_serialise_does_not_depend_on_insertion_order() -> None:
    state = sample_state()
    reordered = State.model_validate(
        {
            **state.model_dump(),
            "resources": dict(reversed(list(state.model_dump()["resources"].items()))),
        }
    )
    assert serialise(reordered) == serialise(state)


def test_to_document_shares_nothing_with_the_state() -> None:
    state = sample_state()
    doc = fileformat.to_document(state)
    doc["resources"]["ccc_skill_group.sales"]["attributes"]["alpha"]["x"] = 99
    assert state.resources["ccc_skill_group.sales"].attributes["alpha"]["x"] == 2


def test_parse_round_trips() -> None:
    state = sample_state()
    assert parse(serialise(state), SOURCE) == state


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(
    attributes=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
    address=st.text(min_size=1, max_size=20),
)
def test_parse_round_trips_any_json_attributes(attributes: dict[str, Any], address: str) -> None:
    state = State(resources={address: ResourceState(remote_id="x", attributes=attributes)})
    assert parse(serialise(state), SOURCE) == state


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "is empty"),
        (b"  \n", "is empty"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"format_version": 1, "serial": ', "not valid JSON"),
        (b"[1, 2]", "top level is not a JSON object"),
        (b'{"serial": 1}', "has no format_version"),
        (b'{"format_version": "1"}', "invalid format_version (a str)"),
        (b'{"format_version": true}', "invalid format_version"),
        (b'{"format_version": 0}', "invalid format_version (0)"),
    ],
)
def test_damaged_files_are_refused_naming_the_file(data: bytes, expected: str) -> None:
    with pytest.raises(StateError) as caught:
        parse(data, SOURCE, "Restore it from the backup.")
    message = str(caught.value)
    assert SOURCE in message
    assert expected in message
    assert message.endswith("Restore it from the backup.")


def test_invalid_json_reports_the_position() -> None:
    with pytest.raises(StateError, match=r"line 2, column 1"):
        parse(b'{"a": 1,\n}', SOURCE)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"serial": "many"}, "serial: Input should be a valid integer"),
        ({"surprise": CANARY}, "surprise: Extra inputs are not permitted"),
        ({"lineage": None}, "lineage: Input should be a valid string"),
        ({"serial": -1}, "serial is negative"),
    ],
)
def test_invalid_content_names_the_field(changes: dict[str, Any], expected: str) -> None:
    with pytest.raises(StateError) as caught:
        parse(json.dumps(document(**changes)).encode(), SOURCE)
    assert str(caught.value).startswith(f"{SOURCE} is not a valid cccform state: ")
    assert expected in str(caught.value)


def test_messages_never_quote_the_content() -> None:
    doc = document()
    doc["resources"]["ccc_instance.main"]["remote_id"] = {"password": CANARY}
    doc["resources"]["ccc_instance.main"]["deletion_protection"] = CANARY
    with pytest.raises(StateError) as caught:
        parse(json.dumps(doc).encode(), SOURCE)
    assert CANARY not in str(caught.value)
    assert caught.value.__cause__ is None
    assert "resources.ccc_instance.main.remote_id" in str(caught.value)


@pytest.mark.parametrize("key", ["lineage", "serial"])
def test_lineage_and_serial_are_required(key: str) -> None:
    doc = document()
    del doc[key]
    with pytest.raises(StateError, match=rf"{key}: Field required"):
        parse(json.dumps(doc).encode(), SOURCE)


def test_many_errors_are_summarised() -> None:
    doc = document(resources={f"r{i}": {"attributes": {}} for i in range(10)})
    with pytest.raises(StateError, match=r"and 5 more"):
        parse(json.dumps(doc).encode(), SOURCE)


def test_a_newer_format_is_refused_with_advice_to_upgrade() -> None:
    data = json.dumps(document(format_version=CURRENT_FORMAT_VERSION + 1)).encode()
    with pytest.raises(StateError) as caught:
        parse(data, SOURCE, "Restore it from the backup.")
    message = str(caught.value)
    assert SOURCE in message
    assert f"newer cccform (state format {CURRENT_FORMAT_VERSION + 1}" in message
    assert f"reads formats up to {CURRENT_FORMAT_VERSION}" in message
    assert "Upgrade cccform" in message
    assert "backup" not in message


def test_upgrade_walks_one_version_at_a_time() -> None:
    calls: list[int] = []

    def one_to_two(doc: dict[str, Any]) -> dict[str, Any]:
        calls.append(doc["format_version"])
        things = doc.pop("things")
        return {**doc, "objects": things}

    def two_to_three(doc: dict[str, Any]) -> dict[str, Any]:
        calls.append(doc["format_version"])
        return {**doc, "objects": sorted(doc["objects"])}

    upgraded = upgrade(
        {"format_version": 1, "things": ["b", "a"]},
        SOURCE,
        target=3,
        upgraders={1: one_to_two, 2: two_to_three},
    )
    assert upgraded == {"format_version": 3, "objects": ["a", "b"]}
    assert calls == [1, 2]


def test_upgrade_of_the_current_version_is_identity() -> None:
    doc = document()
    assert upgrade(dict(doc), SOURCE) == doc


def test_missing_upgrader_is_a_clear_error() -> None:
    with pytest.raises(StateError, match=r"no upgrade from format 2 to 3"):
        upgrade({"format_version": 2}, SOURCE, target=3, upgraders={1: lambda d: d})


def test_upgrader_registration_refuses_duplicates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fileformat, "UPGRADERS", {})

    @fileformat.upgrader(7)
    def seven(doc: dict[str, Any]) -> dict[str, Any]:
        return doc

    assert {7: seven} == fileformat.UPGRADERS
    with pytest.raises(ValueError, match="already exists"):
        fileformat.upgrader(7)(seven)


def test_format_1_intents_count_as_sent() -> None:
    old = {
        "format_version": 1,
        "lineage": "L",
        "serial": 3,
        "resources": {},
        "pending": {"instance.a": {"access_path": "acme-a", "name": "A", "recorded_at": "T"}},
    }
    state = parse(json.dumps(old).encode(), "old.json")
    intent = state.pending["instance.a"]
    assert (intent.sent, intent.phone_numbers, state.format_version) == (True, None, 3)


def test_an_intent_matches_only_what_it_asked_for() -> None:
    from cccform.state.models import PendingCreate

    intent = PendingCreate(access_path="a", name="A", phone_numbers=["1", "2"])
    assert intent.matches("A", ("1", "2")) and intent.matches("A", ("1",))
    assert not intent.matches("B", ("1",)) and not intent.matches("A", ("3",))
    assert PendingCreate(access_path="a", name="A").matches("A", ("9",))


def test_format_2_states_are_unbound_after_the_upgrade() -> None:
    old = {"format_version": 2, "lineage": "L", "serial": 4, "resources": {}, "pending": {}}
    state = parse(json.dumps(old).encode(), "old.json")
    assert (state.format_version, state.binding, state.serial) == (3, None, 4)
