"""How long `validate` takes on a configuration full of misspelt phone number keys.

Each wrong key under `numbers:` gets a "did you mean" hint from the instance's own
phone_numbers; the work per key is bounded, so the time grows with the file, not its square.
Run: `python -m benchmarks.suggestions` (prints seconds per size; see docs/performance.md).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from cccform.config.loader import load_config
from cccform.errors import ConfigError


def configuration(count: int) -> str:
    """An instance owning `count` numbers whose `numbers:` keys are all numbers it does not own."""
    own = [f"0571{2 * n:08d}" for n in range(count)]
    lines = [
        "instances:",
        "  a:",
        "    name: Center A",
        "    access_path: acme-a",
        "    admins: ['248613806810701']",
        "    phone_numbers: [" + ", ".join(f'"{n}"' for n in own) + "]",
        "    numbers:",
    ]
    lines += [f'      "0571{2 * n + 1:08d}": {{usage: Inbound}}' for n in range(count)]
    return "\n".join(lines) + "\n"


def measure(count: int) -> tuple[int, int, float]:
    """(file bytes, errors, seconds) of loading a configuration of `count` wrong keys."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "a.yaml"
        path.write_text(configuration(count))
        start = time.perf_counter()
        try:
            load_config(path)
            errors = 0
        except ConfigError as exc:
            errors = len(exc.diagnostics)
        return path.stat().st_size, errors, time.perf_counter() - start


def main() -> None:
    for count in (500, 1000, 4000, 16000):
        size, errors, seconds = measure(count)
        print(
            f"{count:6d} wrong keys  {size / 1024:8.0f} KiB  {errors:6d} errors  {seconds:6.2f} s"
        )


if __name__ == "__main__":
    main()
