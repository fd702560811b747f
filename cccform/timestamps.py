"""Timestamps as cccform records them: UTC, to the second, ISO 8601 (`2026-12-01T09:30:00Z`)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    """The current time in cccform's timestamp format."""
    return utc_text(datetime.now(UTC))


def utc_text(moment: datetime) -> str:
    """`moment` (aware) in cccform's timestamp format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
