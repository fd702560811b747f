"""Builds the aliyun provider from its settings (needs the official SDK)."""

from __future__ import annotations

import logging

from alibabacloud_bssopenapi20171214.client import Client as BssClient
from alibabacloud_ccc20200701.client import Client as CccClient
from alibabacloud_sts20150401.client import Client as StsClient

from cccform.config.models import AliyunProviderConfig
from cccform.providers.aliyun.console import AliyunConsole
from cccform.providers.aliyun.credentials import Redactor, default_credential
from cccform.providers.aliyun.endpoints import resolve_endpoints
from cccform.providers.aliyun.ratelimit import RateLimiter
from cccform.providers.aliyun.retry import RetryPolicy
from cccform.providers.aliyun.sdk_calls import CccSender, runtime_options, sdk_config
from cccform.providers.aliyun.transport import AliyunTransport
from cccform.providers.ccc import CccProvider

log = logging.getLogger("cccform.api")


def build(
    settings: AliyunProviderConfig,
    *,
    retry_policy: RetryPolicy | None = None,
    rate_limiter: RateLimiter | None = None,
) -> CccProvider:
    """Endpoints first (UsageError), then credentials (CredentialsError); no request is made."""
    endpoints = resolve_endpoints(settings)
    credential = default_credential()
    redact = Redactor(credential)
    policy = retry_policy or RetryPolicy(settings.max_attempts)
    limiter = rate_limiter or RateLimiter()
    timeout = settings.request_timeout
    runtime = runtime_options(timeout)

    ccc = CccClient(sdk_config(endpoints.ccc, settings.region, credential, timeout))
    bss = BssClient(sdk_config(endpoints.bss, settings.region, credential, timeout))
    sts = StsClient(sdk_config(endpoints.sts, settings.region, credential, timeout))
    log.debug(
        "aliyun provider: CCC %s, BSS %s, STS %s, region %s",
        endpoints.ccc.url,
        endpoints.bss.url,
        endpoints.sts.url,
        settings.region,
    )
    transport = AliyunTransport(
        CccSender(ccc, runtime, redact), policy, limiter, endpoint=endpoints.ccc.url
    )
    console = AliyunConsole(
        bss=bss,
        sts=sts,
        runtime=runtime,
        policy=policy,
        limiter=limiter,
        redact=redact,
        qa_module_code=settings.qa_module_code,
    )
    return CccProvider(transport, console)
