"""Writing configuration files and collecting what load_config says about them."""

from __future__ import annotations

from pathlib import Path

import pytest

from cccform.config.loader import load_config
from cccform.diagnostics import Diagnostic
from cccform.errors import ConfigError

VALID = """\
version: 1
instances:
  support:
    name: Support Center
    access_path: acme-support
    description: Hangzhou hotline
    phone_numbers: ["057188880001", "+8657188880002"]
    admins: ["248613806810701"]
    conversation_analysis: true
    deletion_protection: false
"""

BASE = "name: Support Center\naccess_path: acme-support\n"


def write(name: str, text: str | bytes) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def diagnostics(path: Path | str) -> list[Diagnostic]:
    with pytest.raises(ConfigError) as caught:
        load_config(Path(path))
    return caught.value.diagnostics


def problems(path: Path | str) -> list[tuple[str, str, str, str | None]]:
    """Each diagnostic as (location, field path, message, hint)."""
    return [(str(d.location), d.field_path, d.message, d.hint) for d in diagnostics(path)]


def instance(body: str, key: str = "support") -> str:
    """A file with one instance; `body` is its fields, indented by four spaces."""
    return f"instances:\n  {key}:\n" + "".join(f"    {line}\n" for line in body.splitlines())
