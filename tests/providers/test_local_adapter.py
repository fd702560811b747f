"""The local transport as an adapter: the emulator's errors become cccform's, as on the cloud."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ccc_emulator import CccApiError
from ccc_emulator.store import DB_FILE_NAME
from cccform.config.models import LocalProviderConfig
from cccform.errors import ApiError, ProviderError
from cccform.providers.local import make_local_provider, translate


@pytest.mark.parametrize(
    ("code", "status"),
    [("NotExists.InstanceId", 404), ("Parameter.Blank", 400), ("InternalService.Common", 500)],
)
def test_api_errors_keep_code_message_and_status(code: str, status: int) -> None:
    error = translate("GetInstance", CccApiError(code, "What went wrong.", status))
    assert isinstance(error, ApiError)
    assert (error.code, error.api_message, error.http_status) == (code, "What went wrong.", status)


def test_calls_raise_the_translated_error(tmp_path: Path) -> None:
    provider = make_local_provider(LocalProviderConfig(create_seconds=0), tmp_path)
    try:
        with pytest.raises(ApiError) as exc:
            provider.call("NoSuchAction", {})
        assert (exc.value.code, exc.value.http_status) == ("InvalidApi.NotFound", 404)
        assert isinstance(exc.value.__cause__, CccApiError)
    finally:
        provider.close()


def test_a_closed_emulator_is_a_provider_error(tmp_path: Path) -> None:
    provider = make_local_provider(LocalProviderConfig(create_seconds=0), tmp_path)
    provider.close()
    with pytest.raises(ProviderError, match="closed"):
        provider.call("ListInstances", {"PageNumber": "1", "PageSize": "10"})


def test_a_newer_data_directory_is_a_provider_error(tmp_path: Path) -> None:
    make_local_provider(LocalProviderConfig(create_seconds=0), tmp_path).close()
    conn = sqlite3.connect(tmp_path / ".cccform" / DB_FILE_NAME)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(ProviderError, match="newer cccform"):
        make_local_provider(LocalProviderConfig(create_seconds=0), tmp_path)


def test_a_database_damaged_during_a_run_names_the_file_and_what_to_do(tmp_path: Path) -> None:
    provider = make_local_provider(LocalProviderConfig(create_seconds=0), tmp_path)
    path = tmp_path / ".cccform" / DB_FILE_NAME
    try:
        provider.call("ListInstances", {"PageNumber": "1", "PageSize": "10"})
        for suffix in ("", "-wal", "-shm"):
            damaged = path.with_name(DB_FILE_NAME + suffix)
            damaged.write_bytes(b"\xff" * damaged.stat().st_size)
        with pytest.raises(ProviderError) as exc:
            provider.call("ListInstances", {"PageNumber": "1", "PageSize": "10"})
    finally:
        provider.close()
    assert str(exc.value) == (
        f"the local emulation's database {path} is damaged or not one cccform wrote: file is not"
        " a database. Nothing was changed. Move it away (with any ccc.sqlite3-wal and"
        " ccc.sqlite3-shm beside it) to start an empty emulation, or put back a copy of it."
    )
