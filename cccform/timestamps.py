"""Timestamps as cccform records them: UTC, to the second, ISO 8601 (`2026-12-01T09:30:00Z`)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    """The current time in cccform's timestamp format."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
