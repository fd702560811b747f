"""The emulator's errors: what the emulated API answers, and what stops the emulator itself."""

from __future__ import annotations

from pathlib import Path


class EmulatorError(Exception):
    """Base of every error the emulator raises on purpose."""


class CccApiError(EmulatorError):
    """An error answer of the emulated API: the real API's code, message and HTTP status."""

    def __init__(self, code: str, message: str, http_status: int = 400) -> None:
        self.code = code
        self.message = message
        self.http_status = http_status
        super().__init__(f"{code}: {message} (HTTP {http_status})")


class StoreError(EmulatorError):
    """The emulator's data directory cannot be used (closed, newer, damaged)."""


class DamagedStoreError(StoreError):
    """The database file is cut short, overwritten, or not one the emulation wrote."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path} is not a usable emulation database: {reason}")
