"""Credentials of the aliyun provider: the default chain only, errors before any request, and
secrets never in messages, logs or reprs. Also: the SDK is optional."""

from __future__ import annotations

import importlib
import logging
import socket
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from ccc_emulator.http.server import serve_in_thread
from cccform.config.models import AliyunProviderConfig
from cccform.errors import (
    AmbiguousError,
    ApiError,
    CccformError,
    CredentialsError,
    ManualStepRequired,
    ProviderError,
)
from cccform.providers.aliyun import SDK_HINT, SDK_MODULES, make_aliyun_provider
from cccform.providers.aliyun.credentials import Redactor, default_credential
from cccform.providers.base import InstanceSpec
from cccform.providers.registry import make_provider

from .contract.aliyun_env import (
    AK,
    SK,
    SilentServer,
    aliyun_provider,
    credential_env,
    fast_policy,
    start_emulator,
)

SPEC = InstanceSpec("Support Center", "acme-support", "", (), ("248613806810701",))


def test_missing_credentials_fail_before_any_request(tmp_path: Path) -> None:
    with credential_env(tmp_path / "home", access_key_id=None, secret=None), SilentServer() as s:
        with pytest.raises(CredentialsError) as exc:
            make_aliyun_provider(AliyunProviderConfig(type="aliyun", endpoint=s.url))
        message = str(exc.value)
        assert "No Alibaba Cloud credentials were found" in message
        assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in message
        assert "ALIBABA_CLOUD_ACCESS_KEY_SECRET" in message
        assert "aliyun configure" in message
        assert s.connections == 0


def test_a_failed_metadata_fetch_leaves_no_thread_and_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from alibabacloud_credentials.provider.ecs_ram_role import EcsRamRoleCredentialsProvider

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{probe.getsockname()[1]}"
    original = EcsRamRoleCredentialsProvider.__init__

    def at_closed_port(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._EcsRamRoleCredentialsProvider__metadata_service_host = closed

    with credential_env(tmp_path / "home", access_key_id=None, secret=None) as patch:
        patch.delenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
        patch.setattr(EcsRamRoleCredentialsProvider, "__init__", at_closed_port)
        before = set(threading.enumerate())
        with pytest.raises(CredentialsError, match=r"'127\.0\.0\.1"):  # the metadata provider ran
            default_credential()
        assert set(threading.enumerate()) - before == set()
    assert capfd.readouterr() == ("", "")


def test_half_set_credentials_are_missing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with credential_env(home, access_key_id=AK, secret=None), pytest.raises(CredentialsError):
        make_aliyun_provider(AliyunProviderConfig(type="aliyun"))


def test_credentials_from_a_profile_file(tmp_path: Path) -> None:
    # Not only the environment: the chain's credentials.ini works too.
    home = tmp_path / "home"
    with credential_env(home, access_key_id=None, secret=None) as patch:
        ini = home / "credentials.ini"
        ini.write_text(
            f"[default]\ntype = access_key\naccess_key_id = {AK}\naccess_key_secret = {SK}\n",
            encoding="utf-8",
        )
        patch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(ini))
        with start_emulator(tmp_path / "emulator") as server:
            provider = aliyun_provider(server)
            assert provider.list_instances() == []


def test_the_environment_is_read_when_the_provider_is_built(tmp_path: Path) -> None:
    with start_emulator(tmp_path / "emulator") as server:
        wrong = credential_env(tmp_path / "home", secret="first-wrong-secret")
        with wrong, pytest.raises(CredentialsError):
            aliyun_provider(server).list_instances()
        with credential_env(tmp_path / "home"):
            assert aliyun_provider(server).list_instances() == []


def test_wrong_secret(tmp_path: Path) -> None:
    env = credential_env(tmp_path / "home", secret="not-the-secret")
    with env, start_emulator(tmp_path / "emulator") as server:
        provider = aliyun_provider(server)
        with pytest.raises(CredentialsError) as exc:
            provider.list_instances()
        message = str(exc.value)
        assert "SignatureDoesNotMatch" in message
        assert "not-the-secret" not in message
        assert AK not in message  # the access key id is masked too
        with pytest.raises(CredentialsError):
            provider.caller_identity()


def test_unknown_access_key(tmp_path: Path) -> None:
    env = credential_env(tmp_path / "home", access_key_id="LTAI-nobody")
    with env, start_emulator(tmp_path / "emulator") as server:
        provider = aliyun_provider(server)
        with pytest.raises(CredentialsError, match=r"InvalidAccessKeyId\.NotFound"):
            provider.list_instances()


def test_redactor_masks_every_part() -> None:
    class Model:
        access_key_id = "LTAI-id-1234"
        access_key_secret = "the-secret-value"
        security_token = "CAIS-token-value"

    class Credential:
        def get_credential(self) -> Model:
            return Model()

    redact = Redactor(Credential())
    text = "id LTAI-id-1234 secret the-secret-value token CAIS-token-value"
    assert redact(text) == "id *** secret *** token ***"
    assert repr(redact) == "Redactor()"


# -- the SDK is optional -------------------------------------------------------------


def hide_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every SDK module unimportable, as if the extra were not installed."""
    for name in SDK_MODULES:
        parts = name.split(".")
        for n in range(1, len(parts) + 1):
            monkeypatch.setitem(sys.modules, ".".join(parts[:n]), None)


def test_missing_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_sdk(monkeypatch)
    with pytest.raises(ProviderError) as exc:
        make_aliyun_provider(AliyunProviderConfig(type="aliyun"))
    assert str(exc.value).startswith(SDK_HINT)
    assert SDK_HINT == "the aliyun provider needs the official SDK: pip install 'cccform[aliyun]'"
    assert isinstance(exc.value, CccformError)


def test_package_imports_without_the_sdk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [n for n in sys.modules if n.startswith("cccform.providers.aliyun")]:
        monkeypatch.delitem(sys.modules, name)
    hide_sdk(monkeypatch)
    package = importlib.import_module("cccform.providers.aliyun")
    assert callable(package.make_aliyun_provider)
    with pytest.raises(ProviderError, match=r"pip install 'cccform\[aliyun\]'"):
        make_provider(AliyunProviderConfig(type="aliyun"), tmp_path)


# -- the canary: a secret that must never show -------------------------------------------


def _texts_of(error: BaseException) -> list[str]:
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        current = current.__cause__ or current.__context__
    return texts


def test_canary_secret_never_appears(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    canary = f"canary-{uuid.uuid4().hex}"
    caplog.set_level(logging.DEBUG)  # every logger, the SDK's and urllib3's included
    seen: list[str] = []
    errors: list[BaseException] = []

    def expect(kind: type[BaseException], call: Any) -> None:
        with pytest.raises(kind) as exc:
            call()
        errors.append(exc.value)

    with credential_env(tmp_path / "home", secret=canary):
        server = serve_in_thread(tmp_path / "emulator", credentials={AK: canary})
        with server:
            provider = aliyun_provider(server, fast_policy(max_attempts=2))
            # Success paths.
            provider.create_instance(SPEC)
            live = provider.list_instances()
            provider.modify_instance("acme-support", "new")
            identity = provider.caller_identity()
            provider.enable_conversation_analysis("acme-support")
            seen += [repr(live), repr(identity), repr(provider), repr(provider.transport)]
            seen += [repr(provider.console), repr(provider.calls), str(vars(provider.transport))]
            # Error paths.
            expect(ApiError, lambda: provider.create_instance(SPEC))
            expect(ApiError, lambda: provider.modify_instance("missing-instance", "x"))
            server.faults.fail_first("CreateInstance", 1, "error")
            expect(AmbiguousError, lambda: provider.create_instance(SPEC))
            server.faults.fail_first("ListInstances", 5, "throttle", retry_after=1)
            expect(CccformError, provider.list_instances)
            bogus = aliyun_provider(server, qa_module_code="NoSuchModule")
            expect(ManualStepRequired, lambda: bogus.enable_conversation_analysis("acme-support"))
        # The emulator now expects another secret: the canary is refused.
        with start_emulator(tmp_path / "emulator") as other:
            expect(CredentialsError, aliyun_provider(other).list_instances)
            expect(CredentialsError, aliyun_provider(other).caller_identity)
        with SilentServer() as silent:
            hung = aliyun_provider(silent, fast_policy(1), request_timeout=0.2)
            expect(AmbiguousError, lambda: hung.create_instance(SPEC))
    # The key id missing, the canary secret set: the chain's complaint must not echo it.
    with credential_env(tmp_path / "home", access_key_id=None, secret=canary):
        expect(CredentialsError, lambda: make_aliyun_provider(AliyunProviderConfig(type="aliyun")))

    assert len(errors) == 9
    for error in errors:
        seen += _texts_of(error)
    seen += [record.getMessage() for record in caplog.records]
    seen += [str(record.args) for record in caplog.records]
    assert caplog.records  # debug logging was on and did log
    assert any("CreateInstance" in record.getMessage() for record in caplog.records)
    leaks = [text for text in seen if canary in text]
    assert leaks == []


def test_a_malformed_credentials_file_does_not_leak_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cccform.errors import CredentialsError
    from cccform.providers.aliyun.credentials import default_credential

    for name in (
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    bad = tmp_path / "credentials.ini"
    bad.write_text("[default]\naccess_key_secret FILESECRET999\n")
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(bad))
    monkeypatch.setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(CredentialsError) as raised:
        default_credential()
    assert "FILESECRET999" not in str(raised.value)
