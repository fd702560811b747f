"""What the planner and the applier need from a CCC control plane."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from cccform.live import LiveInstance


@dataclass(frozen=True)
class InstanceSpec:
    """What CreateInstance needs."""

    name: str
    access_path: str
    description: str
    phone_numbers: tuple[str, ...]
    admins: tuple[str, ...]


@dataclass
class ApiCallCounter:
    """Counts API calls per operation (for logs, tests and benchmarks); thread-safe."""

    counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, action: str) -> None:
        with self._lock:
            self.counts[action] = self.counts.get(action, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Transport(Protocol):
    """Carries one CCC 2020-07-01 operation: wire action name and wire parameters.

    Returns the response's `Data`; raises `cccform.errors.ApiError` with the API's code.
    """

    def call(self, action: str, params: dict[str, str]) -> Any: ...


class ConsoleChannel(Protocol):
    """Actions the CCC API does not offer, done the way the console does them."""

    def enable_conversation_analysis(self, instance_id: str) -> None: ...

    def caller_identity(self) -> str: ...

    def account_id(self) -> str:
        """The id of the account the provider acts in (STS GetCallerIdentity's AccountId)."""
        ...


class Provider(Protocol):
    """The operations plan and apply use, whatever the transport."""

    calls: ApiCallCounter

    def list_instances(self) -> list[LiveInstance]: ...

    def get_instance(self, instance_id: str) -> LiveInstance | None: ...

    def create_instance(self, spec: InstanceSpec) -> None: ...

    def modify_instance(self, instance_id: str, description: str) -> None: ...

    def delete_instance(self, instance_id: str) -> None: ...

    def enable_conversation_analysis(self, instance_id: str) -> None: ...

    def close(self) -> None: ...
