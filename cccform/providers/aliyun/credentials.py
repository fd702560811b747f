"""Credentials: only the Alibaba Cloud default credential chain, and keeping secrets out of text.

`default_credential()` builds `alibabacloud_credentials.client.Client()` with no configuration,
i.e. the chain: environment variables (ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN),
OIDC role, the `aliyun configure` profile (~/.aliyun/config.json), ~/.alibabacloud/credentials.ini,
the ECS instance RAM role, a credentials URI. It loads a credential at once, so missing
credentials fail with `CredentialsError` when the provider is built, before any request.

The credentials library reads its environment variables once, when it is first imported.
`refresh_environment()` reads them again when a provider is built, so the chain sees the
environment as it is then (a process that sets the variables after importing the library, as
an embedding program or a test does, gets what it set).

The library is made quiet: its log records (the ECS metadata provider logs a traceback for each
failed fetch on a machine that is not an ECS instance) go to cccform's `cccform.credentials`
logger, so to the debug log and never to the terminal, and its ECS role provider refreshes when
asked instead of from the background scheduler it would start, so no thread outlives a run.

`Redactor` replaces the access key id, secret and security token of the loaded credential by
`***` in any text; every message made from an SDK error goes through it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_credentials.provider import default as default_chain
from alibabacloud_credentials.utils import auth_constant, auth_util

from cccform.errors import CredentialsError
from cccform.providers.aliyun.failures import CREDENTIALS_HINT

MASK = "***"
# The loggers of the credentials library and of the scheduler its ECS role provider uses.
LIBRARY_LOGGERS = ("credentials", "apscheduler")
log = logging.getLogger("cccform.credentials")
log.addHandler(logging.NullHandler())  # an unconfigured run must not print the library's warnings

# auth_util's snapshot of the environment: attribute -> (variable, default).
_SNAPSHOT: dict[str, tuple[str, str | None]] = {
    "client_type": ("ALIBABA_CLOUD_PROFILE", "default"),
    "environment_access_key_id": ("ALIBABA_CLOUD_ACCESS_KEY_ID", None),
    "environment_access_key_secret": ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", None),
    "environment_security_token": ("ALIBABA_CLOUD_SECURITY_TOKEN", None),
    "environment_ECSMeta_data": ("ALIBABA_CLOUD_ECS_METADATA", None),
    "environment_ecs_metadata": ("ALIBABA_CLOUD_ECS_METADATA", None),
    "environment_imds_v1_disabled": ("ALIBABA_CLOUD_IMDSV1_DISABLED", "false"),
    "environment_ecs_metadata_disabled": ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false"),
    "environment_credentials_file": ("ALIBABA_CLOUD_CREDENTIALS_FILE", None),
    "environment_profile_name": ("ALIBABA_CLOUD_PROFILE", None),
    "environment_oidc_token_file": ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", None),
    "environment_role_arn": ("ALIBABA_CLOUD_ROLE_ARN", None),
    "environment_oidc_provider_arn": ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", None),
    "environment_role_session_name": ("ALIBABA_CLOUD_ROLE_SESSION_NAME", None),
    "environment_credentials_uri": ("ALIBABA_CLOUD_CREDENTIALS_URI", None),
    "environment_cli_profile_disabled": ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "false"),
    "environment_sts_region": ("ALIBABA_CLOUD_STS_REGION", None),
    "environment_enable_vpc": ("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "false"),
}


def refresh_environment() -> None:
    """Make the credentials library's snapshot of the environment current."""
    for attribute, (variable, default) in _SNAPSHOT.items():
        if hasattr(auth_util, attribute):
            setattr(auth_util, attribute, os.environ.get(variable, default))
    if hasattr(auth_util, "enable_oidc_credential"):
        auth_util.enable_oidc_credential = all(
            os.environ.get(name)
            for name in (
                "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
                "ALIBABA_CLOUD_ROLE_ARN",
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            )
        )
    if hasattr(auth_constant, "HOME") and hasattr(auth_util, "get_home"):
        auth_constant.HOME = auth_util.get_home()


def default_credential() -> Any:
    """The default chain's credential client, with a credential loaded (else CredentialsError)."""
    refresh_environment()
    quiet_library_logs()
    try:
        client = CredentialClient(provider=_default_chain())
        model = client.get_credential()
    except Exception as error:  # the chain raises CredentialException, or worse for a bad file
        detail = _scrub(str(getattr(error, "message", None) or error))
        raise CredentialsError(
            "No Alibaba Cloud credentials were found. " + CREDENTIALS_HINT + f" ({detail})"
        ) from None
    if not getattr(model, "access_key_id", None) or not getattr(model, "access_key_secret", None):
        raise CredentialsError(
            "The Alibaba Cloud credential chain gave no access key. " + CREDENTIALS_HINT
        )
    return client


class _Forward(logging.Handler):
    """Hands the library's records to cccform's logger, which the debug log setting governs."""

    def emit(self, record: logging.LogRecord) -> None:
        if log.isEnabledFor(record.levelno):
            log.handle(record)


def quiet_library_logs() -> None:
    """Send the library's log records to `cccform.credentials`, not to its stderr handlers."""
    for name in LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        library.handlers[:] = [_Forward()]
        library.propagate = False
        library.setLevel(logging.DEBUG)


def _default_chain() -> Any:
    """The library's default chain, with its ECS role provider refreshing only when asked."""
    with _replaced(
        default_chain,
        "EcsRamRoleCredentialsProvider",
        partial(default_chain.EcsRamRoleCredentialsProvider, async_update_enabled=False),
    ):
        return default_chain.DefaultCredentialsProvider()


@contextmanager
def _replaced(module: Any, name: str, value: Any) -> Iterator[None]:
    # The chain builds its ECS provider with a background scheduler and no way to turn it off
    # but this argument; it is replaced only while the chain is built.
    original = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, original)


def _scrub(text: str) -> str:
    """The chain's message without anything it quotes: a parse error of a credentials file
    quotes the offending line, which may hold a secret."""
    text = re.sub(r"(['\"]).*?\1", "'...'", _mask_environment(text), flags=re.DOTALL)
    return " ".join(text.split())


def _mask_environment(text: str) -> str:
    """Mask secrets the environment holds (the chain's messages should not carry them)."""
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"):
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, MASK)
    return text


class Redactor:
    """Masks the current credential's key id, secret and token in text."""

    def __init__(self, credential: Any) -> None:
        self._credential = credential

    def secrets(self) -> list[str]:
        try:
            model = self._credential.get_credential()
        except Exception:
            return []
        values = (
            getattr(model, "access_key_secret", None),
            getattr(model, "security_token", None),
            getattr(model, "access_key_id", None),
        )
        return [value for value in values if isinstance(value, str) and len(value) >= 4]

    def __call__(self, text: str) -> str:
        for secret in self.secrets():
            text = text.replace(secret, MASK)
        return text

    def __repr__(self) -> str:
        return "Redactor()"
