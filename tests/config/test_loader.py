"""load_config: finding files, merging them, and every problem reported at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cccform.config.loader import load_config
from cccform.config.models import LoadedConfig, LocalProviderConfig, LocalStateConfig
from cccform.diagnostics import SourceLocation
from cccform.errors import ConfigError
from tests.config.helpers import BASE, VALID, diagnostics, instance, problems, write

pytestmark = pytest.mark.usefixtures("in_tmp")


def test_single_file() -> None:
    path = write("cccform.yaml", VALID)
    loaded = load_config(path)
    assert isinstance(loaded, LoadedConfig)
    assert loaded.directory == Path(".")
    assert loaded.files == [path]
    support = loaded.config.instances["support"]
    assert support.name == "Support Center"
    assert support.phone_numbers == ("057188880001", "+8657188880002")
    assert support.admins == ("248613806810701",)
    assert support.conversation_analysis is True
    assert support.deletion_protection is False
    assert loaded.config.version == 1
    assert loaded.config.provider.type == "local"


def test_directory_merges_yaml_and_yml_files_sorted_by_name() -> None:
    write("conf/b.yml", instance(BASE, key="b").replace("acme-support", "acme-b"))
    write("conf/a.yaml", "provider:\n  type: local\n  create_seconds: 0.5\n")
    write("conf/c.yaml", instance(BASE, key="c").replace("acme-support", "acme-c"))
    write("conf/notes.txt", "not: [yaml")
    write("conf/.cccform/d.yaml", "not: [yaml")
    loaded = load_config(Path("conf"))
    assert loaded.directory == Path("conf")
    assert loaded.files == [Path("conf/a.yaml"), Path("conf/b.yml"), Path("conf/c.yaml")]
    assert list(loaded.config.instances) == ["b", "c"]
    assert isinstance(loaded.config.provider, LocalProviderConfig)
    assert loaded.config.provider.create_seconds == 0.5
    assert loaded.locations[("instances", "c")] == SourceLocation("conf/c.yaml", 2, 3)
    assert loaded.locations[("instances",)] == SourceLocation("conf/b.yml", 1, 1)


def test_subdirectories_are_read_in_the_order_of_their_paths() -> None:
    write("conf/main.yaml", "state:\n  path: shared.state.json\n")
    write("conf/instances/b.yaml", instance(BASE, key="b").replace("acme-support", "acme-b"))
    write("conf/instances/eu/c.yml", instance(BASE, key="c").replace("acme-support", "acme-c"))
    write("conf/a.yaml", instance(BASE, key="a").replace("acme-support", "acme-a"))
    write("conf/a/d.yaml", instance(BASE, key="d").replace("acme-support", "acme-d"))
    write("conf/.git/x.yaml", "not: [yaml")
    write("conf/flows/readme.txt", "not yaml")
    loaded = load_config(Path("conf"))
    assert loaded.directory == Path("conf")
    assert [file.as_posix() for file in loaded.files] == [
        "conf/a.yaml",
        "conf/main.yaml",
        "conf/a/d.yaml",
        "conf/instances/b.yaml",
        "conf/instances/eu/c.yml",
    ]
    assert list(loaded.config.instances) == ["a", "d", "b", "c"]
    state = loaded.config.state
    assert isinstance(state, LocalStateConfig) and state.path == "shared.state.json"
    assert loaded.locations[("instances", "c")] == SourceLocation("conf/instances/eu/c.yml", 2, 3)


def test_a_symlinked_subdirectory_is_not_followed(tmp_path: Path) -> None:
    write("conf/a.yaml", instance(BASE, key="a").replace("acme-support", "acme-a"))
    write("elsewhere/b.yaml", "not: [yaml")
    (tmp_path / "conf" / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert [file.as_posix() for file in load_config(Path("conf")).files] == ["conf/a.yaml"]


def test_a_yaml_entry_in_a_subdirectory_that_is_not_a_file_is_reported() -> None:
    write("conf/a.yaml", "instances: {}\n")
    write("conf/instances/odd.yaml/x.txt", "")
    [found] = diagnostics("conf")
    assert found.message == "configuration entry 'conf/instances/odd.yaml' is a directory"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "---\n...\n", "{}\n"])
def test_empty_file_has_no_instances(text: str) -> None:
    assert load_config(write("a.yaml", text)).config.instances == {}


def test_absolute_file_names_outside_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("outside/a.yaml", "bogus: 1\n")
    write("work/.keep", "")
    monkeypatch.chdir(tmp_path / "work")
    [found] = diagnostics(tmp_path / "outside")
    assert found.location == SourceLocation(str(tmp_path / "outside" / "a.yaml"), 1, 1)


def test_missing_path() -> None:
    [found] = diagnostics("nowhere")
    assert found.message == "configuration path 'nowhere' does not exist"
    assert found.hint == "pass a directory of *.yaml files or a single YAML file"
    assert found.location is None


def test_directory_without_yaml_files() -> None:
    write("conf/readme.txt", "hello")
    [found] = diagnostics("conf")
    assert found.message == "no *.yaml or *.yml files in directory 'conf' or its subdirectories"
    assert found.hint is not None and "main.yaml" in found.hint
    assert found.location is None


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    write("a.yaml", text)
    [found] = diagnostics("a.yaml")
    assert found.location == SourceLocation("a.yaml", 1, 1)
    assert found.message.startswith("the top level must be a mapping, got ")
    assert found.hint == "write keys such as 'instances:' at the start of a line"


@pytest.mark.parametrize(
    ("value", "got"), [("", "null"), ("[a]", "a list"), ("text", "the string 'text'")]
)
def test_instances_must_be_a_mapping(value: str, got: str) -> None:
    write("a.yaml", f"instances: {value}\n")
    assert problems("a.yaml") == [
        (
            "a.yaml:1:1",
            "instances",
            f"expected a mapping of instance keys to instances, got {got}",
            "write 'instances: {}' for none, or one 'key:' per instance below it",
        )
    ]


def test_all_errors_of_all_files_are_reported_together_sorted() -> None:
    write("conf/b.yaml", instance(BASE + "phone_numbers: [057188880001]"))
    write(
        "conf/a.yaml",
        "instances:\n  one:\n    name: First\n    access_path: x\n"
        "  two:\n    name: Second\n    access_path: acme-two\n    colour: red\n",
    )
    assert [(p[0], p[2]) for p in problems("conf")] == [
        ("conf/a.yaml:4:18", "invalid access path 'x'"),
        ("conf/a.yaml:8:5", "unknown field 'colour'"),
        ("conf/b.yaml:5:21", "expected a string, got the integer 57188880001"),
    ]


def test_a_broken_file_does_not_hide_errors_in_others() -> None:
    write("conf/a.yaml", "instances: [\n")
    write("conf/b.yaml", b"\xfe")
    write("conf/c.yaml", instance("name: Good name\naccess_path: no"))
    found = problems("conf")
    assert [(p[0], p[2]) for p in found] == [
        (
            "conf/a.yaml:2:1",
            "YAML syntax error: did not find expected node content (while parsing a flow node)",
        ),
        ("conf/b.yaml:1:1", "not valid UTF-8: byte 0xfe at byte offset 0"),
        ("conf/c.yaml:4:18", "invalid access path 'no'"),
    ]


def test_config_error_message_counts() -> None:
    write("a.yaml", "a: 1\nb: 2\n")
    with pytest.raises(ConfigError, match=r"^2 configuration errors$"):
        load_config(Path("a.yaml"))


def test_ten_thousand_instances_load() -> None:
    for part in range(10):
        lines = ["instances:\n"]
        for index in range(part * 1000, part * 1000 + 1000):
            lines.append(
                f"  inst_{index}:\n"
                f"    name: Instance {index}\n"
                f"    access_path: acme-{index}\n"
                f"    phone_numbers: ['0571{index:08d}']\n"
                "    conversation_analysis: true\n"
            )
        write(f"big/part{part}.yaml", "".join(lines))
    loaded = load_config(Path("big"))
    assert len(loaded.config.instances) == 10_000


def test_a_large_instance_with_definition_files_loads() -> None:
    """2,000 agents, 50 skill groups, 20 flows read from files and 100 numbers."""
    numbers = [f"0571{index:08d}" for index in range(100)]
    groups = [f"group_{index}" for index in range(50)]
    lines = [BASE, f"phone_numbers: {numbers}\n", "skill_groups:\n"]
    lines += [f"  {group}: {{display_name: {group}, media_type: AUDIO}}\n" for group in groups]
    lines.append("agents:\n")
    for index in range(2000):
        skills = ", ".join(f"{groups[(index + k) % 50]}: {k + 1}" for k in range(3))
        lines.append(
            f"  agent{index:05d}:\n    display_name: Agent {index}\n"
            f"    email: agent{index}@example.com\n    mobile: '138{index:08d}'\n"
            f"    skills: {{{skills}}}\n"
        )
    lines.append("flows:\n")
    activities = [{"id": f"n{k}", "type": "Play", "next": [f"n{k + 1}"]} for k in range(200)]
    for index in range(20):
        write(f"big/flows/flow{index}.json", json.dumps({"activities": activities}, indent=2))
        lines.append(f"  flow{index}: {{definition_file: flows/flow{index}.json}}\n")
    lines.append("numbers:\n")
    for index, number in enumerate(numbers):
        lines.append(
            f"  '{number}': {{flow: flow{index % 20}, skill_groups: [{groups[index % 50]}]}}\n"
        )
    write("big/main.yaml", instance("".join(lines)))
    support = load_config(Path("big")).config.instances["support"]
    assert len(support.agents) == 2000
    assert support.flows["flow7"].definition == {"activities": activities}
