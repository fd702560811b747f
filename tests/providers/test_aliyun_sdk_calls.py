"""The SDK adapter: method names, typed requests, and SDK exceptions -> failures."""

from __future__ import annotations

from typing import Any

import pytest
import requests.exceptions
import urllib3.exceptions
from alibabacloud_ccc20200701 import models as ccc_models
from alibabacloud_ccc20200701.client import Client as CccClient
from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_tea_openapi.exceptions import (
    ClientException,
    ServerException,
    ThrottlingException,
)
from darabonba.exceptions import RetryError, UnretryableException
from darabonba.policy.retry import RetryPolicyContext

from cccform.errors import ProviderError
from cccform.providers.aliyun.sdk_calls import (
    build_request,
    failure_from,
    runtime_options,
    sdk_method,
    snake_case,
)
from cccform.providers.paging import MAX_PARALLELISM


def keep(text: str) -> str:
    return text


@pytest.mark.parametrize(
    ("action", "method"),
    [
        ("ListInstances", "list_instances"),
        ("CreateSkillGroup", "create_skill_group"),
        ("ModifyUserLevelsOfSkillGroup", "modify_user_levels_of_skill_group"),
        ("AddPhoneNumberToSkillGroups", "add_phone_number_to_skill_groups"),
        ("RemovePhoneNumberFromSkillGroups", "remove_phone_number_from_skill_groups"),
        ("StartEditContactFlow", "start_edit_contact_flow"),
    ],
)
def test_snake_case(action: str, method: str) -> None:
    assert snake_case(action) == method
    assert hasattr(CccClient, f"{method}_with_options")


def test_every_operation_cccform_uses_has_an_sdk_method() -> None:
    used = [
        "ListInstances", "CreateInstance", "ModifyInstance", "DeleteInstance", "GetInstance",
        "ListSkillGroups", "CreateSkillGroup", "ModifySkillGroup", "DeleteSkillGroup",
        "ListUsers", "CreateUser", "ModifyUser", "RemoveUsers", "AddUsersToSkillGroup",
        "RemoveUsersFromSkillGroup", "ModifyUserLevelsOfSkillGroup", "AddSkillGroupsToUser",
        "RemoveSkillGroupsFromUser", "ModifySkillLevelsOfUser", "ListContactFlows",
        "CreateContactFlow", "StartEditContactFlow", "CommitContactFlow", "PublishContactFlow",
        "DeleteContactFlow", "ListPhoneNumbers", "ModifyPhoneNumber",
        "AddPhoneNumberToSkillGroups", "RemovePhoneNumberFromSkillGroups",
    ]  # fmt: skip
    client = CccClient.__new__(CccClient)
    for action in used:
        assert callable(sdk_method(client, action)), action
        assert build_request(action, {}) is not None


def test_method_names_the_sdk_spells_otherwise() -> None:
    client = CccClient.__new__(CccClient)
    method = sdk_method(client, "ListCallDetailRecordsV2")
    assert method.__name__ == "list_call_detail_records_v2with_options"
    with pytest.raises(ProviderError, match="no method for NoSuchAction"):
        sdk_method(client, "NoSuchAction")


def test_build_request() -> None:
    request = build_request("ListInstances", {"PageNumber": "2", "PageSize": "100"})
    assert isinstance(request, ccc_models.ListInstancesRequest)
    assert (request.page_number, request.page_size) == ("2", "100")
    with pytest.raises(ProviderError, match="has no operation NoSuchAction"):
        build_request("NoSuchAction", {})
    with pytest.raises(ProviderError, match="has no parameter Bogus, Other"):
        build_request("ModifyInstance", {"InstanceId": "i", "Bogus": "1", "Other": "2"})


def test_runtime_options() -> None:
    options = runtime_options(30)
    assert (options.read_timeout, options.connect_timeout, options.autoretry) == (
        30000,
        10000,
        False,
    )
    assert runtime_options(2.5).connect_timeout == 2500
    # a pooled connection for every call --parallelism lets run at once
    assert options.max_idle_conns == MAX_PARALLELISM


def answer(kind: Any, **kw: Any) -> Any:
    """An SDK error answer, as tea-openapi raises it."""
    data = {"Code": kw["code"], "Message": "the message", "RequestId": "R1"}
    return kind(data=data, message="code: x, the message request id: R1", **kw)


def test_answers() -> None:
    f = failure_from(answer(ClientException, code="NotExists.InstanceId", status_code=404), keep)
    assert (f.kind, f.code, f.status, f.message) == (
        "rejected",
        "NotExists.InstanceId",
        404,
        "the message",
    )
    f = failure_from(answer(ClientException, code="Throttling.User", status_code=400), keep)
    assert (f.kind, f.retry_after) == ("throttled", None)
    f = failure_from(
        answer(ThrottlingException, code="Throttling.User", status_code=429, retry_after=4), keep
    )
    assert (f.kind, f.retry_after) == ("throttled", 4.0)
    f = failure_from(answer(ServerException, code="ServiceUnavailable", status_code=503), keep)
    assert f.kind == "server"
    f = failure_from(answer(ClientException, code="SignatureDoesNotMatch", status_code=400), keep)
    assert f.kind == "credentials"
    # Raised by the SDK itself, with no status: no credential configured.
    f = failure_from(ClientException(code="InvalidCredentials", message="set them"), keep)
    assert (f.kind, f.status) == ("credentials", None)
    f = failure_from(ClientException(code="ParameterMissing", message="no config"), keep)
    assert f.kind == "fatal"


def no_answer(cause: BaseException) -> UnretryableException:
    """What darabonba raises: a RetryError made while handling the requests exception."""
    try:
        try:
            raise cause
        except OSError as error:
            raise RetryError(str(error))  # noqa: B904 (darabonba chains it this way)
    except RetryError as retry:
        return UnretryableException(RetryPolicyContext(retries_attempted=1, exception=retry))


def test_no_answer() -> None:
    refused = requests.exceptions.ConnectionError(
        urllib3.exceptions.MaxRetryError(
            None,  # type: ignore[arg-type]
            "/",
            urllib3.exceptions.NewConnectionError(None, "Connection refused"),  # type: ignore[arg-type]
        )
    )
    cases = [
        (refused, "unsent", "ConnectionFailed"),
        (requests.exceptions.ConnectTimeout("slow"), "unsent", "ConnectionFailed"),
        (requests.exceptions.ReadTimeout("slow"), "lost", "ReadTimeout"),
        (requests.exceptions.ConnectionError("Connection aborted."), "lost", "ConnectionLost"),
        (requests.exceptions.SSLError("bad certificate"), "fatal", "TlsError"),
    ]
    for cause, kind, code in cases:
        f = failure_from(no_answer(cause), keep)
        assert (f.kind, f.code) == (kind, code), cause
        assert type(cause).__name__ in f.message


def test_credentials_failing_mid_run() -> None:
    f = failure_from(CredentialException("refresh failed"), keep)
    assert (f.kind, f.code) == ("credentials", "CredentialsUnavailable")


def test_messages_are_redacted_and_clipped() -> None:
    error = answer(ClientException, code="Parameter.Invalid", status_code=400)
    error.data["Message"] = "secret-123 " + "x" * 1000
    f = failure_from(error, lambda text: text.replace("secret-123", "***"))
    assert f.message.startswith("*** x")
    assert len(f.message) == 500
