from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tmp_path so locations name files relative to it (`a.yaml:3:5`)."""
    monkeypatch.chdir(tmp_path)
