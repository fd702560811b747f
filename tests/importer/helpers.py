"""What the importer's unit tests share: an observer that records, and instances made in an
emulation."""

from __future__ import annotations

from ccc_emulator.engine import CccEmulation
from cccform.live import LiveInstance

ADMIN = "248613806810701"


class Heard:
    """An observer that records what it hears."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.listings: list[tuple[int, int]] = []
        self.skips: list[tuple[str, str]] = []
        self.reads: list[tuple[str, dict[str, int]]] = []

    def listed(self, total: int, selected: int) -> None:
        self.order.append("listed")
        self.listings.append((total, selected))

    def skipped(self, instance: LiveInstance) -> None:
        self.order.append("skipped")
        self.skips.append((instance.access_path, instance.status))

    def read(self, instance: LiveInstance, counts: dict[str, int]) -> None:
        self.order.append("read")
        self.reads.append((instance.access_path, counts))

    def read_paths(self) -> list[str]:
        return [path for path, _ in self.reads]


def create(emulation: CccEmulation, access_path: str, *numbers: str) -> None:
    params = {
        "Name": f"Center {access_path}",
        "DomainName": access_path,
        "AdminRamIdList": f'["{ADMIN}"]',
    }
    if numbers:
        params["NumberList"] = "[" + ", ".join(f'"{n}"' for n in numbers) + "]"
    emulation.handle("CreateInstance", params)
