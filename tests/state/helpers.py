"""Run lock holders and state writers in separate processes, as real contenders are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.pg import PgSchema

REPO_ROOT = Path(__file__).resolve().parents[2]

HOLDER_SCRIPT = """
import json, sys, time
from pathlib import Path
from cccform.state.lock import StateLock

lock = StateLock(Path(sys.argv[1]))
info = lock.acquire(sys.argv[2], timeout=float(sys.argv[3]))
print(json.dumps(info.model_dump()), flush=True)
hold = float(sys.argv[4])
if hold < 0:
    sys.stdin.readline()
else:
    time.sleep(hold)
lock.release()
print("released", flush=True)
"""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def run_python(script: str, *args: str, **kwargs: Any) -> subprocess.Popen[str]:
    """Start `script` in a fresh interpreter that imports this checkout of cccform."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=child_env(),
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


class Holder:
    """A process holding the lock: released on `release()`, after `hold` seconds if >= 0."""

    def __init__(self, lock_path: Path, operation: str = "apply", hold: float = -1) -> None:
        self.process = run_python(HOLDER_SCRIPT, str(lock_path), operation, "10", str(hold))
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            _, stderr = self.process.communicate(timeout=10)
            raise AssertionError(f"the holder process failed to lock:\n{stderr}")
        self.info: dict[str, Any] = json.loads(line)

    @property
    def pid(self) -> int:
        return self.process.pid

    def release(self) -> None:
        stdout, stderr = self.process.communicate("\n", timeout=10)
        assert stdout.strip() == "released", stderr

    def wait_released(self) -> None:
        stdout, stderr = self.process.communicate(timeout=10)
        assert stdout.strip() == "released", stderr

    def kill(self) -> None:
        self.process.kill()
        self.process.communicate(timeout=10)


PG_HOLDER_SCRIPT = """
import json, sys
from pathlib import Path
from cccform.state.postgres.connection import dsn_from_env
from cccform.state.postgres.store import PostgresStateStore

dsn = dsn_from_env("DSN", {"DSN": sys.argv[1]})
store = PostgresStateStore(dsn, sys.argv[3], sys.argv[2], 100, Path("r.json"))
with store.lock("apply") as info:
    print(json.dumps(info.model_dump()), flush=True)
    sys.stdin.readline()
store.close()
print("released", flush=True)
"""


class PgHolder:
    """Another process holding a workspace's lock until told to let go (or killed)."""

    def __init__(self, pg: PgSchema, workspace: str = "w1") -> None:
        self.process = run_python(PG_HOLDER_SCRIPT, pg.dsn, pg.name, workspace)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            _, stderr = self.process.communicate(timeout=10)
            raise AssertionError(f"the holder failed to lock:\n{stderr}")
        self.info: dict[str, Any] = json.loads(line)

    def release(self) -> None:
        out, err = self.process.communicate("\n", timeout=10)
        assert out.strip() == "released", err

    def kill(self) -> None:
        self.process.kill()
        self.process.communicate(timeout=10)
