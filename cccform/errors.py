"""The one error hierarchy. Only the CLI maps these to exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cccform.diagnostics import Diagnostic


class CccformError(Exception):
    """Base of every error cccform raises on purpose; the message says what to do."""


class ConfigError(CccformError):
    """The configuration is invalid; carries every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        # True when the command printed its own JSON document for them (`validate --json`)
        self.documented = False
        count = len(self.diagnostics)
        super().__init__(f"{count} configuration error{'s' if count != 1 else ''}")


class StateError(CccformError):
    """The state could not be read, written or trusted."""


class StateLockedError(CccformError):
    """Another run holds the state lock."""


class StalePlanError(CccformError):
    """A saved plan no longer matches the state it was made from."""


class UsageError(CccformError):
    """The command line was wrong in a way click cannot see."""


class RefreshInterrupted(CccformError):
    """A signal stopped the run before anything was changed (the refresh was cut short)."""


class ProviderError(CccformError):
    """A call to the CCC control plane failed."""


class ApiError(ProviderError):
    """The CCC API answered with an error code (the real API's codes)."""

    def __init__(self, code: str, message: str, http_status: int = 400) -> None:
        self.code = code
        self.api_message = message
        self.http_status = http_status
        super().__init__(f"{code}: {message} (HTTP {http_status})")


class TransientError(ProviderError):
    """A call failed for a reason that may pass (throttling, 5xx, connection), after retries."""


class AmbiguousError(ProviderError):
    """A call failed in a way that leaves unknown whether it took effect (timeout, 5xx after
    the request was sent). Callers resolve it by reading back before trying again."""


class ManualStepRequired(ProviderError):
    """The change cannot be made through an API here; the message says how to do it by hand."""


class CredentialsError(CccformError):
    """No usable cloud credentials, or the cloud rejected them."""
