"""Building `LiveContents` in tests by configuration field (`skill_groups=...`, `agents=...`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cccform.kinds import KINDS
from cccform.live import LiveContents

_TYPES = {kind.config_field: kind.resource_type for kind in KINDS}


def live_contents(**objects: Mapping[str, Any] | None) -> LiveContents:
    """What an instance holds; a field not given (or None) is a kind that was not read."""
    return LiveContents(
        {_TYPES[field]: dict(found) for field, found in objects.items() if found is not None}
    )
