"""Fixtures for the CCC emulation tests: a fake clock and emulations on temporary data dirs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ccc_emulator import CccEmulation

from .helpers import INSTANCE, NUMBERS, FakeClock, create_params


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "ccc"


@pytest.fixture
def emu(data_dir: Path, clock: FakeClock) -> Iterator[CccEmulation]:
    emulation = CccEmulation(data_dir, create_seconds=30, delete_seconds=20, clock=clock)
    yield emulation
    emulation.close()


MakeEmulation = Callable[..., CccEmulation]


@pytest.fixture
def make_emulation(data_dir: Path, clock: FakeClock) -> Iterator[MakeEmulation]:
    made: list[CccEmulation] = []

    def make(**kwargs: object) -> CccEmulation:
        kwargs.setdefault("clock", clock)
        emulation = CccEmulation(data_dir, **kwargs)  # type: ignore[arg-type]
        made.append(emulation)
        return emulation

    yield make
    for emulation in made:
        emulation.close()


@pytest.fixture
def inst(emu: CccEmulation, clock: FakeClock) -> str:
    """A running instance `acme-support` with two numbers, on the `emu` fixture."""
    emu.handle("CreateInstance", create_params(INSTANCE, numbers=NUMBERS))
    clock.advance(30)
    return INSTANCE
