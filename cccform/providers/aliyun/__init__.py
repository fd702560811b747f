"""The real-cloud provider: the same CCC mapping (`CccProvider`) over the official SDK.

`make_aliyun_provider(settings)` checks the endpoints (UsageError), loads credentials from the
Alibaba Cloud default credential chain (CredentialsError), and returns
`CccProvider(AliyunTransport(...), AliyunConsole(...))`. The official SDK is an optional
dependency: this package imports without it, and `make_aliyun_provider` then raises a
ProviderError that says how to install it. See docs/aliyun.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from cccform.errors import ProviderError

if TYPE_CHECKING:
    from cccform.config.models import AliyunProviderConfig
    from cccform.providers.aliyun.ratelimit import RateLimiter
    from cccform.providers.aliyun.retry import RetryPolicy
    from cccform.providers.ccc import CccProvider

SDK_HINT = "the aliyun provider needs the official SDK: pip install 'cccform[aliyun]'"
SDK_MODULES = (
    "alibabacloud_ccc20200701.client",
    "alibabacloud_ccc20200701.models",
    "alibabacloud_bssopenapi20171214.client",
    "alibabacloud_bssopenapi20171214.models",
    "alibabacloud_sts20150401.client",
    "alibabacloud_tea_openapi.models",
    "alibabacloud_tea_openapi.exceptions",
    "alibabacloud_credentials.client",
    "darabonba.exceptions",
    "darabonba.runtime",
    "Tea.exceptions",
)


def require_sdk() -> None:
    """Raise ProviderError (with the install command) unless the official SDK imports."""
    for name in SDK_MODULES:
        try:
            importlib.import_module(name)
        except ImportError as error:
            missing = getattr(error, "name", None) or name
            raise ProviderError(f"{SDK_HINT} (cannot import {missing})") from None


def make_aliyun_provider(
    settings: AliyunProviderConfig,
    *,
    retry_policy: RetryPolicy | None = None,
    rate_limiter: RateLimiter | None = None,
) -> CccProvider:
    """The provider for `type: aliyun`; `retry_policy` and `rate_limiter` are for tests."""
    require_sdk()
    from cccform.providers.aliyun.factory import build

    return build(settings, retry_policy=retry_policy, rate_limiter=rate_limiter)


__all__ = ["SDK_HINT", "make_aliyun_provider", "require_sdk"]
