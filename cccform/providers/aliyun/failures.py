"""One failed attempt of an Alibaba Cloud call, classified, and the cccform error it becomes.

The SDK adapter (`sdk_calls`) turns every SDK exception into a `CallFailure` of one kind:

| kind          | what happened                                                   | carried out? |
|---------------|-----------------------------------------------------------------|--------------|
| `throttled`   | `Throttling*` code or HTTP 429: the service refused the request | no           |
| `server`      | HTTP 5xx (incl. 503 `ServiceUnavailable`) or a 5xx in the body   | unknown      |
| `unsent`      | no connection: refused, DNS failure, connect timeout            | no           |
| `lost`        | sent, but no answer: read timeout, connection dropped           | unknown      |
| `rejected`    | any other 4xx (validation, NotExists.*, AlreadyExists.*, ...)   | no           |
| `credentials` | the credentials were refused, or could not be loaded            | no           |
| `fatal`       | a local failure retrying cannot fix (TLS handshake, bad SDK use) | no           |

Messages are already free of credentials when a `CallFailure` is made (see `sdk_calls`).
"""

from __future__ import annotations

from typing import Literal

from cccform.errors import ApiError, CccformError, CredentialsError, ProviderError

FailureKind = Literal["throttled", "server", "unsent", "lost", "rejected", "credentials", "fatal"]

# Kinds where the request may have been carried out although no success came back.
MAYBE_CARRIED_OUT: frozenset[FailureKind] = frozenset({"server", "lost"})
# Kinds that are worth another attempt (after a pause).
RETRYABLE: frozenset[FailureKind] = frozenset({"throttled", "server", "unsent", "lost"})

# Codes of the gateway refusing the caller's credentials (not its permissions).
CREDENTIAL_CODE_PREFIXES = (
    "InvalidAccessKeyId",  # .NotFound, .Inactive
    "SignatureDoesNotMatch",
    "InvalidSecurityToken",  # .Expired, .Malformed, .MismatchWithAccessKey
    "InvalidCredentials",  # the SDK's own code when no credential is configured
)

CREDENTIALS_HINT = (
    "cccform takes credentials only from the Alibaba Cloud default credential chain: the "
    "environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET "
    "(plus ALIBABA_CLOUD_SECURITY_TOKEN for an STS token), the profile written by "
    "`aliyun configure` (~/.aliyun/config.json, or ALIBABA_CLOUD_PROFILE), "
    "~/.alibabacloud/credentials.ini, or a RAM role (ECS instance role, OIDC)."
)


def is_credentials_code(code: str) -> bool:
    return code.startswith(CREDENTIAL_CODE_PREFIXES)


def classify(code: str, status: int | None) -> FailureKind:
    """The kind of an error answer, from its code and HTTP status."""
    if code.startswith("Throttling") or status == 429:
        return "throttled"
    if (status is not None and status >= 500) or code == "ServiceUnavailable":
        return "server"
    if is_credentials_code(code):
        return "credentials"
    return "rejected"


class CallFailure(Exception):
    """One attempt failed; `kind` says how (see the module table)."""

    def __init__(
        self,
        kind: FailureKind,
        code: str,
        message: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.kind: FailureKind = kind
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after

    @property
    def maybe_carried_out(self) -> bool:
        return self.kind in MAYBE_CARRIED_OUT

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    def describe(self) -> str:
        status = f", HTTP {self.status}" if self.status is not None else ""
        return f"{self.code} ({self.message}{status})"


def final_error(action: str, failure: CallFailure) -> CccformError:
    """What a failure that is not retried becomes."""
    if failure.kind == "credentials":
        return CredentialsError(
            f"Alibaba Cloud refused the credentials on {action}: {failure.code}: "
            f"{failure.message.rstrip('. ')}. {CREDENTIALS_HINT}"
        )
    if failure.kind == "rejected":
        return ApiError(failure.code, failure.message, failure.status or 400)
    if failure.kind == "fatal":
        return ProviderError(f"{action} failed: {failure.code}: {failure.message}")
    # A retryable kind reaching here means the policy gave up on it.
    return ApiError(failure.code, failure.message, failure.status or 500)
