"""cccform.importer.account: the provider an import reads through and the block that reaches
it again, the checks made before anything is written, and a stop that writes nothing."""

from __future__ import annotations

from pathlib import Path
from threading import Event
from typing import Any

import pytest

from ccc_emulator.engine import CccEmulation
from cccform.config.models import AliyunProviderConfig, LocalProviderConfig, ProviderConfig
from cccform.config.yaml_reader import MAX_FILE_BYTES
from cccform.errors import CccformError, RefreshInterrupted, UsageError
from cccform.importer import account
from cccform.importer.account import (
    API_PARALLELISM,
    LOCAL_PARALLELISM,
    ImportRequest,
    ProviderSource,
    import_account,
    import_parallelism,
    provider_block,
    provider_source,
)
from cccform.importer.compose import ImportOptions, compose
from cccform.importer.existing_config import GoneInstance
from cccform.importer.output import write_files
from cccform.importer.read import Selection, read_account
from cccform.providers.ccc import CccProvider
from cccform.providers.registry import make_provider
from tests.importer.helpers import Heard, create

FILES = [
    "cccform.schema.json",
    "provider.settings.yaml",
    "acme-cs.yaml",
    "acme-sales.yaml",
]
DECLARES_ACME_CS = """\
instances:
  cs:
    name: Acme Support
    access_path: acme-cs
"""


@pytest.fixture
def source(tmp_path: Path) -> ProviderSource:
    """The local emulation of `src/`, with two running instances."""
    with CccEmulation(tmp_path / "src" / ".cccform", create_seconds=0) as emulation:
        create(emulation, "acme-sales", "057188880010")
        create(emulation, "acme-cs", "057188880001")
    return ProviderSource(LocalProviderConfig(create_seconds=0), tmp_path / "src")


def request(source: ProviderSource, out: Path, **fields: Any) -> ImportRequest:
    return ImportRequest(out, source, **fields)


def tree(directory: Path) -> dict[str, str]:
    return {
        p.relative_to(directory).as_posix(): p.read_text()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_the_import_writes_every_file_and_says_what_it_wrote(
    source: ProviderSource, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = import_account(request(source, out), Heard())
    assert result.out_dir == out
    assert result.files == FILES
    assert sorted(tree(out)) == sorted(FILES)
    assert result.counts.instances == 2
    assert result.counts.left_out == 8  # per instance: admin, group, flow, number
    assert result.redacted is False
    assert result.others == []
    assert result.calls == 1 + 4 * 2  # ListInstances, then one List per kind and instance
    assert (
        (out / "provider.settings.yaml")
        .read_text()
        .endswith("provider:\n  type: local\n  path: ../src/.cccform\n  create_seconds: 0.0\n")
    )
    again = import_account(request(source, tmp_path / "again", options=ImportOptions()), Heard())
    assert again.files == result.files
    assert tree(tmp_path / "again") == tree(out)


def test_redacted_and_without_contents_are_passed_on(
    source: ProviderSource, tmp_path: Path
) -> None:
    options = ImportOptions(contents=False, redact=True)
    result = import_account(request(source, tmp_path / "out", options=options), Heard())
    assert result.redacted is True
    assert result.calls == 1
    assert result.counts.as_dict() == {
        "instances": 2,
        "skill_groups": 0,
        "agents": 0,
        "flows": 0,
        "numbers": 0,
        "left_out": 0,
    }


def test_import_parallelism_is_the_api_s_or_the_local_emulation_s() -> None:
    assert import_parallelism(LocalProviderConfig()) == LOCAL_PARALLELISM == 1
    assert import_parallelism(LocalProviderConfig(path="elsewhere")) == LOCAL_PARALLELISM
    assert import_parallelism(AliyunProviderConfig(type="aliyun")) == API_PARALLELISM == 100


def reading_with(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The parallelism of each read of the account from here on."""
    given: list[int] = []

    def recorded(*args: Any, **kwargs: Any) -> Any:
        given.append(kwargs["parallelism"])
        return read_account(*args, **kwargs)

    monkeypatch.setattr(account, "read_account", recorded)
    return given


def test_the_parallelism_is_the_provider_s_unless_given(
    source: ProviderSource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = reading_with(monkeypatch)
    import_account(request(source, tmp_path / "a"), Heard())
    import_account(request(source, tmp_path / "b", parallelism=5), Heard())
    assert given == [LOCAL_PARALLELISM, 5]


def test_through_the_api_the_default_is_the_api_s_and_an_empty_account_is_named_by_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read through the local emulation of an empty account, as the aliyun settings say."""
    given = reading_with(monkeypatch)
    made: list[CccProvider] = []

    def local_instead(settings: ProviderConfig, directory: Path) -> CccProvider:
        assert isinstance(settings, AliyunProviderConfig)
        made.append(make_provider(LocalProviderConfig(create_seconds=0), directory))
        return made[-1]

    monkeypatch.setattr(account, "make_provider", local_instead)
    aliyun = ProviderSource(AliyunProviderConfig(type="aliyun", region="cn-hangzhou"), tmp_path)
    with pytest.raises(CccformError) as error:
        import_account(request(aliyun, tmp_path / "out"), Heard())
    assert str(error.value).startswith(
        "there is no running instance to import through the CCC API at cn-hangzhou; nothing "
        "was written."
    )
    assert given == [API_PARALLELISM]
    assert made[0].pager.parallelism == API_PARALLELISM
    assert not (tmp_path / "out").exists()


def test_an_account_with_nothing_to_import_writes_nothing(
    source: ProviderSource, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    nothing = Selection(exclude=("acme-*",))
    with pytest.raises(CccformError) as error:
        import_account(request(source, out, selection=nothing), Heard())
    assert str(error.value).startswith(
        f"there is no running instance to import through the local emulation in "
        f"{source.directory / '.cccform'}; nothing was written. Check the provider settings"
    )
    assert not out.exists()


def test_the_provider_is_closed_when_the_reading_fails(
    source: ProviderSource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[CccProvider] = []

    def tracked(settings: ProviderConfig, directory: Path) -> CccProvider:
        provider = make_provider(settings, directory)
        close = provider.close

        def closing() -> None:
            closed.append(provider)
            close()

        monkeypatch.setattr(provider, "close", closing)
        return provider

    monkeypatch.setattr(account, "make_provider", tracked)
    with pytest.raises(UsageError):
        import_account(request(source, tmp_path / "out", selection=Selection(("x*",))), Heard())
    assert len(closed) == 1


def test_the_provider_block_reaches_the_emulation_from_the_output_directory(
    tmp_path: Path,
) -> None:
    src = tmp_path / "src"
    assert provider_block(ProviderSource(LocalProviderConfig(), src), tmp_path / "out") == {
        "type": "local",
        "path": "../src/.cccform",
    }
    assert provider_block(ProviderSource(LocalProviderConfig(), src), src / "sub" / "dir") == {
        "type": "local",
        "path": "../../.cccform",
    }
    assert provider_block(ProviderSource(LocalProviderConfig(), src), src) == {
        "type": "local",
        "path": ".cccform",
    }
    elsewhere = LocalProviderConfig(create_seconds=1, path=str(tmp_path / "data"))
    assert provider_block(ProviderSource(elsewhere, src), tmp_path / "out") == {
        "type": "local",
        "path": "../data",
        "create_seconds": 1.0,
    }
    # relative to the source's directory, which is not the working directory
    relative = LocalProviderConfig(path="emulation")
    assert provider_block(ProviderSource(relative, src), tmp_path / "out") == {
        "type": "local",
        "path": "../src/emulation",
    }


def test_the_provider_block_of_the_api_holds_what_is_not_a_default(tmp_path: Path) -> None:
    assert provider_block(
        ProviderSource(AliyunProviderConfig(type="aliyun"), tmp_path), tmp_path
    ) == {"type": "aliyun"}
    settings = AliyunProviderConfig(
        type="aliyun",
        max_attempts=3,
        endpoint="http://127.0.0.1:8765",
        region="cn-hangzhou",
        request_timeout=30,  # the default, given or not
    )
    block = provider_block(ProviderSource(settings, tmp_path), tmp_path / "out")
    assert block == {
        "type": "aliyun",
        "region": "cn-hangzhou",
        "endpoint": "http://127.0.0.1:8765",
        "max_attempts": 3,
    }
    assert list(block) == ["type", "region", "endpoint", "max_attempts"]  # as fmt orders them


def test_provider_settings_go_with_provider(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as error:
        provider_source(None, {"region": "cn-hangzhou", "path": "data"}, None, tmp_path)
    assert str(error.value) == (
        "--local-path, --region goes with --provider local or --provider aliyun"
    )
    with pytest.raises(UsageError, match=r"^use --provider or --from, not both$"):
        provider_source("local", {}, tmp_path, tmp_path)


@pytest.mark.parametrize(
    ("kind", "settings", "message"),
    [
        ("aliyun", {"region": "Shanghai"}, "--region: String should match pattern"),
        ("aliyun", {"path": "data"}, "--local-path: Extra inputs are not permitted"),
        ("local", {"region": "cn-hangzhou"}, "--region: Extra inputs are not permitted"),
        ("aliyun", {"endpoint": "http://example.com"}, "--endpoint: Value error, endpoint "),
        ("other", {}, "--provider: Input tag 'other' found"),
    ],
)
def test_a_bad_provider_setting_names_its_option(
    tmp_path: Path, kind: str, settings: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError) as error:
        provider_source(kind, settings, None, tmp_path)
    assert str(error.value).startswith(message)
    assert str(error.value).endswith(f"(with --provider {kind})")


def test_provider_and_its_settings_are_read_from_the_command_line(tmp_path: Path) -> None:
    local = provider_source("local", {"path": "data"}, None, tmp_path)
    assert local == ProviderSource(LocalProviderConfig(path="data"), tmp_path)
    aliyun = provider_source("aliyun", {"region": "cn-hangzhou"}, None, tmp_path)
    assert aliyun == ProviderSource(
        AliyunProviderConfig(type="aliyun", region="cn-hangzhou"), tmp_path
    )


def test_without_provider_the_configuration_s_provider_else_the_local_emulation(
    tmp_path: Path,
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    (here / "notes.txt").write_text("no configuration here\n")
    assert provider_source(None, {}, None, here) == ProviderSource(LocalProviderConfig(), here)
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "main.yaml").write_text("provider:\n  type: aliyun\n  region: cn-beijing\n")
    expected = ProviderSource(AliyunProviderConfig(type="aliyun", region="cn-beijing"), conf)
    assert provider_source(None, {}, None, conf) == expected  # the current directory's
    assert provider_source(None, {}, conf, here) == expected  # --from
    assert provider_source(None, {}, conf / "main.yaml", here) == expected


def test_a_file_over_the_limit_of_a_configuration_file_is_refused() -> None:
    account._check_sizes({"a.yaml": "x" * MAX_FILE_BYTES, "b.json": ""})
    with pytest.raises(CccformError) as error:
        account._check_sizes({"a.yaml": "", "big.yaml": "x" * (MAX_FILE_BYTES + 1)})
    assert str(error.value).startswith(
        f"big.yaml would be {MAX_FILE_BYTES + 1} bytes, more than the 1 MiB a configuration "
        "file may hold; nothing was written."
    )
    # counted in bytes of UTF-8, not in characters
    wide = "é" * (MAX_FILE_BYTES // 2 + 1)
    assert len(wide) < MAX_FILE_BYTES
    with pytest.raises(CccformError, match=f"would be {MAX_FILE_BYTES + 2} bytes"):
        account._check_sizes({"wide.yaml": wide})


def test_an_instance_too_large_for_a_file_stops_the_import_before_writing(
    source: ProviderSource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(account, "MAX_FILE_BYTES", 1000)
    out = tmp_path / "out"
    with pytest.raises(CccformError, match=r"^cccform\.schema\.json would be \d+ bytes"):
        import_account(request(source, out), Heard())
    assert not out.exists()


def test_existing_files_are_not_overwritten_without_force(
    source: ProviderSource, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "acme-cs.yaml").write_text("# mine\n")
    with pytest.raises(CccformError) as error:
        import_account(request(source, out), Heard())
    assert str(error.value).startswith(
        f"{out} already holds 1 file that import would write: acme-cs.yaml. Nothing was written."
    )
    assert tree(out) == {"acme-cs.yaml": "# mine\n"}
    result = import_account(request(source, out, force=True), Heard())
    assert sorted(tree(out)) == sorted(FILES)
    assert (out / "acme-cs.yaml").read_text().startswith("# yaml-language-server")
    assert result.others == []


def test_configuration_files_the_import_did_not_write_are_named(
    source: ProviderSource, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.yaml").write_text("instances: {}\n")
    (out / "notes.txt").write_text("not configuration\n")
    result = import_account(request(source, out), Heard())
    assert result.others == ["mine.yaml"]
    assert sorted(tree(out)) == sorted([*FILES, "mine.yaml", "notes.txt"])


def test_a_configuration_that_declares_an_imported_instance_is_refused(
    source: ProviderSource, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.yaml").write_text(DECLARES_ACME_CS)
    for force in (False, True):
        with pytest.raises(CccformError) as error:
            import_account(request(source, out, force=force), Heard())
        message = str(error.value)
        assert message.startswith(f"{out} is a configuration that declares already acme-cs (")
        assert "mine.yaml)" in message
        assert "importing there would declare them twice. Nothing was written." in message
        assert tree(out) == {"mine.yaml": DECLARES_ACME_CS}
    # Once the instance is left out, the rest is imported beside it.
    result = import_account(
        request(source, out, selection=Selection(exclude=("acme-cs",))), Heard()
    )
    assert result.files == ["cccform.schema.json", "provider.settings.yaml", "acme-sales.yaml"]
    assert result.others == ["mine.yaml"]


def test_a_declaration_in_a_subdirectory_is_refused_too(
    source: ProviderSource, tmp_path: Path
) -> None:
    """plan reads the YAML files of subdirectories, so the refusal looks there too."""
    out = tmp_path / "out"
    (out / "instances").mkdir(parents=True)
    (out / "instances" / "cs.yaml").write_text(DECLARES_ACME_CS)
    with pytest.raises(CccformError) as error:
        import_account(request(source, out), Heard())
    assert "declares already acme-cs (" in str(error.value)
    assert "instances/cs.yaml)" in str(error.value)
    assert tree(out) == {"instances/cs.yaml": DECLARES_ACME_CS}
    result = import_account(
        request(source, out, selection=Selection(exclude=("acme-cs",))), Heard()
    )
    assert result.others == ["instances/cs.yaml"]


def test_a_declaration_in_a_file_the_import_overwrites_is_no_clash(
    source: ProviderSource, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "acme-cs.yaml").write_text(DECLARES_ACME_CS)
    (out / "mine.yaml").write_text("instances: {}\n")
    result = import_account(request(source, out, force=True), Heard())
    assert result.others == ["mine.yaml"]
    assert "    access_path: acme-cs\n" in (out / "acme-cs.yaml").read_text()


def test_other_files_that_do_not_load_are_no_reason_to_refuse(
    source: ProviderSource, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "broken.yaml").write_text("instances: [\n")
    result = import_account(request(source, out), Heard())
    assert result.others == ["broken.yaml"]
    assert sorted(tree(out)) == sorted([*FILES, "broken.yaml"])


def test_a_cancel_set_before_the_reading_writes_nothing(
    source: ProviderSource, tmp_path: Path
) -> None:
    cancel = Event()
    cancel.set()
    with pytest.raises(RefreshInterrupted):
        import_account(request(source, tmp_path / "out"), Heard(), cancel=cancel)
    assert not (tmp_path / "out").exists()


def test_a_cancel_set_after_the_last_list_still_writes_nothing(
    source: ProviderSource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = Event()
    composed: list[int] = []

    def cancelled_while_composing(*args: Any, **kwargs: Any) -> Any:
        cancel.set()  # as a signal would, once every List has been read
        composed.append(1)
        return compose(*args, **kwargs)

    monkeypatch.setattr(account, "compose", cancelled_while_composing)
    with pytest.raises(RefreshInterrupted, match="nothing was written"):
        import_account(request(source, tmp_path / "out"), Heard(), cancel=cancel)
    assert composed == [1]
    assert not (tmp_path / "out").exists()


def test_a_cancel_set_while_composing_wins_over_a_refusal_that_follows(
    source: ProviderSource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An interrupted import exits with the signal's code, not with the error of a check
    made after the signal (here: a file that exists, without --force)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "acme-cs.yaml").write_text("# mine\n")
    cancel = Event()

    def cancelled_while_composing(*args: Any, **kwargs: Any) -> Any:
        cancel.set()
        return compose(*args, **kwargs)

    monkeypatch.setattr(account, "compose", cancelled_while_composing)
    with pytest.raises(RefreshInterrupted, match="nothing was written"):
        import_account(request(source, out), Heard(), cancel=cancel)
    assert tree(out) == {"acme-cs.yaml": "# mine\n"}


def test_a_cancel_set_while_writing_lets_every_file_be_written(
    source: ProviderSource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = Event()

    def cancelled_while_writing(out_dir: Path, files: dict[str, str]) -> None:
        cancel.set()
        write_files(out_dir, files)

    monkeypatch.setattr(account, "write_files", cancelled_while_writing)
    result = import_account(request(source, tmp_path / "out"), Heard(), cancel=cancel)
    assert result.files == FILES
    assert sorted(tree(tmp_path / "out")) == sorted(FILES)


def test_only_the_files_of_instances_the_account_no_longer_has_are_gone(
    source: ProviderSource, tmp_path: Path
) -> None:
    with CccEmulation(source.directory / ".cccform", create_seconds=3600) as slow:
        create(slow, "acme-slow")  # CREATING: skipped, but the account has it
    out = tmp_path / "out"
    out.mkdir()
    for path in ("acme-gone", "acme-slow"):
        (out / f"{path}-old.yaml").write_text(
            f"instances:\n  {path}-old:\n"
            f"    # Written by cccform import from instance {path} (i-{path}).\n"
            f"    name: Old Center\n    access_path: {path}\n"
        )
    result = import_account(request(source, out), Heard())
    assert result.others == ["acme-gone-old.yaml", "acme-slow-old.yaml"]
    assert result.gone == [GoneInstance("acme-gone-old.yaml", "acme-gone-old", "acme-gone")]
    excluded = import_account(
        request(source, out, force=True, selection=Selection(exclude=("acme-gone",))), Heard()
    )
    assert excluded.gone == []
