"""The emulator is a package of its own: importing all of it loads nothing of cccform."""

from __future__ import annotations

import json
import subprocess
import sys

# Imports every module of ccc_emulator (the HTTP gateway included), then reports what it imported
# and which cccform modules came along.
PROBE = """
import json, pkgutil, sys
import ccc_emulator, ccc_emulator.http
names = [m.name for m in pkgutil.walk_packages(ccc_emulator.__path__, "ccc_emulator.")]
for name in names:
    __import__(name)
loaded = sorted(n for n in sys.modules if n == "cccform" or n.startswith("cccform."))
print(json.dumps({"imported": names, "cccform": loaded}))
"""


def test_importing_the_whole_emulator_loads_no_cccform_module() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    report = json.loads(result.stdout)
    assert {"ccc_emulator.engine", "ccc_emulator.http.server"} <= set(report["imported"])
    assert report["cccform"] == []
