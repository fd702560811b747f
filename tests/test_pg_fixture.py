"""The PostgreSQL test server: skipped when it does not answer, except under CI=true."""

from __future__ import annotations

import pytest

from tests.pg import TEST_DSN_ENV, server_dsn, server_or_skip

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/test"


def test_an_unreachable_server_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as caught:
        server_or_skip(UNREACHABLE)
    assert "under CI=true this is a failure, never a skip" in str(caught.value)


@pytest.mark.parametrize("ci", [None, "false", ""])
def test_an_unreachable_server_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception) as caught:
        server_or_skip(UNREACHABLE)
    assert "start it (see docs/state.md)" in str(caught.value)


def test_the_server_may_be_named_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TEST_DSN_ENV, UNREACHABLE)
    assert server_dsn() == UNREACHABLE
