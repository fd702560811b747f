"""STS (version 2015-04-01) `GetCallerIdentity`, answered for the emulated account.

STS answers without the `Data` envelope: the identity's fields sit at the top level next to
`RequestId` (STS API reference, GetCallerIdentity; `alibabacloud-sts20150401`'s response model):

* access key of a RAM user: `{IdentityType: "RAMUser", AccountId, UserId, PrincipalId (= UserId),
  Arn: "acs:ram::<AccountId>:user/<name>", RequestId}`; `UserId` is the emulation's caller RAM id.
* with an STS token: `{IdentityType: "AssumedRoleUser", AccountId, RoleId,
  PrincipalId: "<RoleId>:<session>", Arn: "acs:ram::<AccountId>:assumed-role/<role>/<session>",
  RequestId}`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ccc_emulator.engine import CccEmulation
from ccc_emulator.http.signature import Caller
from ccc_emulator.http.wire import WireResponse

VERSION = "2015-04-01"
PRODUCT = "Sts"
USER_NAME = "cccform-emulator"
ROLE_NAME = "cccform-emulator-role"
SESSION_NAME = "cccform"


def account_id(engine: CccEmulation) -> str:
    """The emulated account's id (16 digits, fixed when the data dir was created)."""
    # The engine keeps it with the caller's RAM id; it exposes no accessor for it yet.
    return engine._store.meta("aliyun_uid")


class Sts:
    """Answers STS requests for the emulated account."""

    name = PRODUCT
    version = VERSION
    actions = frozenset({"GetCallerIdentity"})

    def __init__(self, engine: CccEmulation) -> None:
        self._engine = engine

    def handle(
        self,
        action: str,
        params: Mapping[str, str],
        request_id: str,
        caller: Caller,
    ) -> WireResponse:
        account = account_id(self._engine)
        if caller.security_token:
            role_id = _digits(account + caller.security_token)
            body = {
                "IdentityType": "AssumedRoleUser",
                "AccountId": account,
                "RoleId": role_id,
                "PrincipalId": f"{role_id}:{SESSION_NAME}",
                "Arn": f"acs:ram::{account}:assumed-role/{ROLE_NAME}/{SESSION_NAME}",
                "RequestId": request_id,
            }
        else:
            user_id = self._engine.caller_identity()
            body = {
                "IdentityType": "RAMUser",
                "AccountId": account,
                "UserId": user_id,
                "PrincipalId": user_id,
                "Arn": f"acs:ram::{account}:user/{USER_NAME}",
                "RequestId": request_id,
            }
        return WireResponse(200, body)

    @staticmethod
    def internal_error(request_id: str) -> WireResponse:
        body = {
            "RequestId": request_id,
            "Code": "InternalError",
            "Message": "STS Server Internal Error happened, please send the RequestId to us.",
        }
        return WireResponse(500, body)


def _digits(seed: str) -> str:
    """17 stable digits derived from `seed` (RAM role ids are long decimal numbers)."""
    number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")
    return str(10**16 + number % (9 * 10**16))
