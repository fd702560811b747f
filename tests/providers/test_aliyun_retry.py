"""The aliyun provider's retry policy and transport, with a fake sender (no SDK, no HTTP)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from cccform.errors import (
    AmbiguousError,
    ApiError,
    CredentialsError,
    ProviderError,
    TransientError,
)
from cccform.providers.aliyun.failures import CallFailure, FailureKind, classify
from cccform.providers.aliyun.ratelimit import RateLimiter
from cccform.providers.aliyun.retry import Idempotency, RetryPolicy, idempotency
from cccform.providers.aliyun.transport import AliyunTransport
from cccform.providers.base import InstanceSpec
from cccform.providers.ccc import CccProvider

from .contract.aliyun_env import RecordingSleep


def failure(kind: FailureKind, code: str = "X", **kwargs: Any) -> CallFailure:
    status = {"throttled": 400, "server": 500, "rejected": 400, "credentials": 400}.get(kind)
    return CallFailure(kind, code, f"{kind} happened", kwargs.pop("status", status), **kwargs)


class FakeSender:
    """Fails with the scripted failures, then answers `data`; records every attempt."""

    def __init__(self, *failures: CallFailure, data: Any = None) -> None:
        self.failures = list(failures)
        self.data = data
        self.attempts: list[tuple[str, dict[str, str]]] = []

    def __call__(self, action: str, params: dict[str, str]) -> Any:
        self.attempts.append((action, dict(params)))
        if self.failures:
            raise self.failures.pop(0)
        return self.data


class CountingLimiter(RateLimiter):
    def __init__(self) -> None:
        super().__init__(sleep=lambda _seconds: None)
        self.acquired: list[str] = []

    def acquire(self, action: str) -> float:
        self.acquired.append(action)
        return super().acquire(action)


def transport(
    sender: FakeSender, max_attempts: int = 4, rand: float = 0.5
) -> tuple[AliyunTransport, RecordingSleep, CountingLimiter]:
    sleep = RecordingSleep()
    limiter = CountingLimiter()
    policy = RetryPolicy(max_attempts, sleep=sleep, random=lambda: rand)
    return AliyunTransport(sender, policy, limiter), sleep, limiter


# -- which operations are safe to repeat ---------------------------------------------


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("ListInstances", Idempotency.SAFE),
        ("GetInstance", Idempotency.SAFE),
        ("ListUserLevelsOfSkillGroup", Idempotency.SAFE),
        ("ModifyInstance", Idempotency.SAFE),
        ("ModifySkillGroup", Idempotency.SAFE),
        ("ModifyUser", Idempotency.SAFE),
        ("ModifyPhoneNumber", Idempotency.SAFE),
        ("ModifyUserLevelsOfSkillGroup", Idempotency.SAFE),
        ("ModifySkillLevelsOfUser", Idempotency.SAFE),
        ("UpdateConfigItems", Idempotency.SAFE),
        ("CommitContactFlow", Idempotency.SAFE),
        ("Sts:GetCallerIdentity", Idempotency.SAFE),
        ("BssOpenApi:DescribePricingModule", Idempotency.SAFE),
        ("BssOpenApi:ModifyInstance", Idempotency.TOKEN),
        ("CreateInstance", Idempotency.UNSAFE),
        ("CreateContactFlow", Idempotency.UNSAFE),
        ("DeleteInstance", Idempotency.UNSAFE),
        ("AddUsersToSkillGroup", Idempotency.UNSAFE),
        ("RemoveUsers", Idempotency.UNSAFE),
        ("AssignUsers", Idempotency.UNSAFE),
        ("StartEditContactFlow", Idempotency.UNSAFE),
        ("PublishContactFlow", Idempotency.UNSAFE),
        ("DiscardEditingContactFlow", Idempotency.UNSAFE),
        ("ImportAdmins", Idempotency.UNSAFE),
        ("SomethingNew", Idempotency.UNSAFE),
        ("Other:ListThings", Idempotency.UNSAFE),
    ],
)
def test_idempotency_table(action: str, expected: Idempotency) -> None:
    assert idempotency(action) is expected


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("Throttling.User", 400, "throttled"),
        ("Throttling", 503, "throttled"),
        ("Throttling.Api", None, "throttled"),
        ("Anything", 429, "throttled"),
        ("ServiceUnavailable", 503, "server"),
        ("InternalService.Common", 500, "server"),
        ("InternalError", 502, "server"),
        ("Parameter.Blank", 400, "rejected"),
        ("NotExists.InstanceId", 404, "rejected"),
        ("AlreadyExists.DomainName", 409, "rejected"),
        ("Forbidden.RAM", 403, "rejected"),
        ("SignatureDoesNotMatch", 400, "credentials"),
        ("InvalidAccessKeyId.NotFound", 404, "credentials"),
        ("InvalidSecurityToken.Expired", 400, "credentials"),
    ],
)
def test_classify(code: str, status: int | None, kind: str) -> None:
    assert classify(code, status) == kind


# -- delays ------------------------------------------------------------------------


def test_backoff_is_exponential_and_capped() -> None:
    policy = RetryPolicy(10)
    assert [policy.backoff(n) for n in range(1, 9)] == [0.5, 1, 2, 4, 8, 16, 20, 20]


def test_full_jitter_stays_under_the_ceiling() -> None:
    rng = random.Random(42)
    policy = RetryPolicy(10, random=rng.random)
    for retry in range(1, 9):
        delays = [policy.delay(retry) for _ in range(200)]
        assert all(0 <= d <= policy.backoff(retry) for d in delays)
        assert max(delays) > 0.8 * policy.backoff(retry)  # spread over the whole range
        assert min(delays) < 0.2 * policy.backoff(retry)
    assert RetryPolicy(3, random=lambda: 0.0).delay(5) == 0.0


def test_retry_after_is_the_minimum_delay() -> None:
    policy = RetryPolicy(3, random=lambda: 0.5)
    assert policy.delay(1, retry_after=7) == 7.0  # above the 0.5 s ceiling
    assert policy.delay(8, retry_after=3) == 10.0  # jitter already waits longer
    assert policy.delay(1, retry_after=None) == 0.25


def test_delays_are_slept_and_recorded() -> None:
    sender = FakeSender(failure("throttled"), failure("throttled"), failure("throttled"), data=1)
    tr, sleep, _ = transport(sender, max_attempts=6, rand=1.0)
    assert tr.call("ListInstances", {}) == 1
    assert sleep.calls == [0.5, 1.0, 2.0]
    assert tr.policy.delays == [0.5, 1.0, 2.0]
    assert [(r.attempt, r.kind, r.code) for r in tr.policy.history] == [
        (1, "throttled", "X"),
        (2, "throttled", "X"),
        (3, "throttled", "X"),
    ]


def test_retry_after_from_the_answer_is_honoured() -> None:
    sender = FakeSender(failure("throttled", status=429, retry_after=5.0), data="ok")
    tr, sleep, _ = transport(sender)
    assert tr.call("CreateInstance", {}) == "ok"
    assert sleep.calls == [5.0]


def test_a_retry_after_longer_than_cccform_waits_fails_now() -> None:
    sender = FakeSender(failure("throttled", status=429, retry_after=86400.0), data="ok")
    tr, sleep, _ = transport(sender)
    with pytest.raises(TransientError, match="asks to wait 86400s"):
        tr.call("ListInstances", {})
    assert sleep.calls == []


# -- what is retried ---------------------------------------------------------------


@pytest.mark.parametrize("action", ["ListInstances", "CreateInstance", "DeleteInstance"])
@pytest.mark.parametrize("kind", ["throttled", "unsent"])
def test_not_carried_out_is_retried_for_every_operation(action: str, kind: FailureKind) -> None:
    sender = FakeSender(failure(kind), failure(kind), data={"ok": True})
    tr, sleep, limiter = transport(sender)
    assert tr.call(action, {"A": "1"}) == {"ok": True}
    assert len(sender.attempts) == 3
    assert len(sleep.calls) == 2
    assert limiter.acquired == [action] * 3  # every attempt is rate limited


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("Parameter.Blank", 400),
        ("NotExists.InstanceId", 404),
        ("AlreadyExists.DomainName", 409),
        ("Forbidden.RAM", 403),
        ("AbnormalService.Creating", 403),
    ],
)
def test_validation_errors_are_never_retried(code: str, status: int) -> None:
    sender = FakeSender(CallFailure("rejected", code, "no", status), data=1)
    tr, sleep, _ = transport(sender)
    with pytest.raises(ApiError) as exc:
        tr.call("ModifyInstance", {})
    assert (exc.value.code, exc.value.http_status, exc.value.api_message) == (code, status, "no")
    assert len(sender.attempts) == 1
    assert sleep.calls == []


@pytest.mark.parametrize("kind", ["server", "lost"])
@pytest.mark.parametrize(
    "action",
    [
        "CreateInstance",
        "DeleteInstance",
        "CreateSkillGroup",
        "AddUsersToSkillGroup",
        "RemoveUsers",
        "StartEditContactFlow",
        "PublishContactFlow",
    ],
)
def test_maybe_carried_out_is_ambiguous_for_unsafe_operations(
    action: str, kind: FailureKind
) -> None:
    sender = FakeSender(failure(kind, "InternalService.Common"), data=1)
    tr, sleep, _ = transport(sender)
    with pytest.raises(AmbiguousError) as exc:
        tr.call(action, {})
    assert action in str(exc.value)
    assert "InternalService.Common" in str(exc.value)
    assert len(sender.attempts) == 1
    assert sleep.calls == []


@pytest.mark.parametrize("kind", ["server", "lost"])
@pytest.mark.parametrize("action", ["ListInstances", "ModifyInstance", "CommitContactFlow"])
def test_maybe_carried_out_is_retried_for_safe_operations(action: str, kind: FailureKind) -> None:
    sender = FakeSender(failure(kind), failure(kind), data=[1])
    tr, _, _ = transport(sender)
    assert tr.call(action, {}) == [1]
    assert len(sender.attempts) == 3


def test_transient_error_after_max_attempts() -> None:
    sender = FakeSender(*(failure("server", "ServiceUnavailable", status=503) for _ in range(9)))
    tr, sleep, _ = transport(sender, max_attempts=4, rand=1.0)
    with pytest.raises(TransientError) as exc:
        tr.call("ListInstances", {})
    assert "ListInstances failed 4 times" in str(exc.value)
    assert "ServiceUnavailable" in str(exc.value)
    assert len(sender.attempts) == 4
    assert sleep.calls == [0.5, 1.0, 2.0]  # no pause after the last attempt


def test_throttling_exhausted_is_transient_even_for_unsafe_operations() -> None:
    sender = FakeSender(*(failure("throttled", "Throttling.User") for _ in range(3)))
    tr, _, _ = transport(sender, max_attempts=3)
    with pytest.raises(TransientError):
        tr.call("CreateInstance", {})


def test_token_operations_retry_then_stay_ambiguous() -> None:
    sender = FakeSender(failure("server"), data={"OrderId": "1"})
    tr, _, _ = transport(sender)
    assert tr.call("BssOpenApi:ModifyInstance", {}) == {"OrderId": "1"}
    sender = FakeSender(*(failure("server") for _ in range(3)))
    tr, _, _ = transport(sender, max_attempts=3)
    with pytest.raises(AmbiguousError):
        tr.call("BssOpenApi:ModifyInstance", {})
    assert len(sender.attempts) == 3
    sender = FakeSender(*(failure("throttled") for _ in range(3)))
    tr, _, _ = transport(sender, max_attempts=3)
    with pytest.raises(TransientError):  # never carried out
        tr.call("BssOpenApi:ModifyInstance", {})


def test_one_attempt_only() -> None:
    sender = FakeSender(failure("throttled"), data=1)
    tr, sleep, _ = transport(sender, max_attempts=1)
    with pytest.raises(TransientError) as exc:
        tr.call("ListInstances", {})
    assert "failed 1 time;" in str(exc.value)
    assert sleep.calls == []


def test_credentials_and_fatal_failures_stop_at_once() -> None:
    sender = FakeSender(CallFailure("credentials", "SignatureDoesNotMatch", "bad", 400))
    tr, _, _ = transport(sender)
    with pytest.raises(CredentialsError) as exc:
        tr.call("ListInstances", {})
    assert "SignatureDoesNotMatch" in str(exc.value)
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in str(exc.value)
    sender = FakeSender(CallFailure("fatal", "TlsError", "handshake failed"))
    tr, _, _ = transport(sender)
    with pytest.raises(ProviderError, match="TlsError"):
        tr.call("ListInstances", {})
    assert len(sender.attempts) == 1


def test_other_exceptions_pass_through() -> None:
    class Boom(Exception):
        pass

    def sender(action: str, params: dict[str, str]) -> Any:
        raise Boom(action, params)

    tr = AliyunTransport(sender, RetryPolicy(3), RateLimiter())
    with pytest.raises(Boom):
        tr.call("ListInstances", {})


# -- the same mapping over the aliyun transport ------------------------------------


class NullConsole:
    def enable_conversation_analysis(self, _instance_id: str) -> None:
        raise AssertionError("not expected")

    def caller_identity(self) -> str:
        return "1"

    def account_id(self) -> str:
        return "1"


def test_provider_create_instance_unknown_outcome() -> None:
    sender = FakeSender(failure("lost", "ReadTimeout"))
    tr, _, _ = transport(sender)
    provider = CccProvider(tr, NullConsole())
    with pytest.raises(AmbiguousError):
        provider.create_instance(InstanceSpec("Name", "path", "", (), ("1",)))
    assert sender.attempts[0][0] == "CreateInstance"
    assert sender.attempts[0][1]["AdminRamIdList"] == '["1"]'


def test_provider_paging_retries_a_page() -> None:
    page = {"PageNumber": 1, "PageSize": 100, "TotalCount": 1, "List": [{"Id": "i1"}]}
    sender = FakeSender(failure("server"), data=page)
    tr, _, _ = transport(sender)
    provider = CccProvider(tr, NullConsole())
    assert [i.instance_id for i in provider.list_instances()] == ["i1"]
    assert provider.calls.counts["ListInstances"] == 1  # one logical call, two attempts
    assert len(sender.attempts) == 2


def test_transport_repr_has_no_secrets() -> None:
    tr = AliyunTransport(FakeSender(), RetryPolicy(), RateLimiter(), endpoint="https://x")
    assert repr(tr) == "AliyunTransport(endpoint='https://x')"
