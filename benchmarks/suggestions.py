"""How long `validate` takes on a configuration full of misspelt keys.

Two files of each size: wrong keys under `numbers:` (each gets a "did you mean" hint from
the instance's own phone_numbers), and skill groups whose three field names are all misspelt
(unknown fields, hints from the model's fields). Hints are bounded per file, so the time
grows with the file, not its square.
Run: `python -m benchmarks.suggestions` (prints seconds per size; see docs/performance.md).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from cccform.config.loader import load_config
from cccform.errors import ConfigError

_INSTANCE = [
    "instances:",
    "  a:",
    "    name: Center A",
    "    access_path: acme-a",
    "    admins: ['248613806810701']",
]


def configuration(count: int) -> str:
    """An instance owning `count` numbers whose `numbers:` keys are all numbers it does not own."""
    own = [f"0571{2 * n:08d}" for n in range(count)]
    lines = [
        *_INSTANCE,
        "    phone_numbers: [" + ", ".join(f'"{n}"' for n in own) + "]",
        "    numbers:",
    ]
    lines += [f'      "0571{2 * n + 1:08d}": {{usage: Inbound}}' for n in range(count)]
    return "\n".join(lines) + "\n"


def fields_configuration(count: int) -> str:
    """An instance with `count` skill groups, each with three misspelt field names."""
    lines = [*_INSTANCE, "    skill_groups:"]
    lines += [
        f"      g{n}: {{dispaly_name: G, descripton: x, media_typ: AUDIO}}" for n in range(count)
    ]
    return "\n".join(lines) + "\n"


def measure(text: str) -> tuple[int, int, float]:
    """(file bytes, errors, seconds) of loading the configuration `text`."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "a.yaml"
        path.write_text(text)
        start = time.perf_counter()
        try:
            load_config(path)
            errors = 0
        except ConfigError as exc:
            errors = len(exc.diagnostics)
        return path.stat().st_size, errors, time.perf_counter() - start


def main() -> None:
    for what, make in (("number keys", configuration), ("field names", fields_configuration)):
        for count in (500, 1000, 4000, 16000):
            size, errors, seconds = measure(make(count))
            print(
                f"{count:6d} x {what}  {size / 1024:6.0f} KiB  {errors:6d} errors  {seconds:6.2f} s"
            )


if __name__ == "__main__":
    main()
