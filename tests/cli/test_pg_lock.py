"""Two working copies of one configuration sharing a PostgreSQL workspace, as two CI
runners or two laptops do: one run at a time, and a killed run never blocks the next."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ccc_emulator.engine import CccEmulation
from tests.cli.harness import instance_yaml, run_process, spawn, write
from tests.pg import PgSchema

pytestmark = pytest.mark.slow


def working_copies(root: Path, pg: PgSchema, *instances: str) -> tuple[Path, Path]:
    """Two checkouts of one configuration, one emulated cloud beside them (`../cloud`, the
    same binding for both), one workspace."""
    body = (
        "provider: {type: local, path: ../cloud}\n"
        f"state: {{backend: postgres, workspace: shared, schema: {pg.name}}}\n"
        "instances:\n" + "".join(instances)
    )
    copies = root / "runner-a", root / "runner-b"
    for copy in copies:
        write(copy, "cccform.yaml", body)
    return copies


def env(pg: PgSchema, create_seconds: float) -> dict[str, str]:
    return {"CCCFORM_PG_DSN": pg.dsn, "CCCFORM_LOCAL_CREATE_SECONDS": str(create_seconds)}


def wait_for(pg: PgSchema, query: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if pg.query(query):
                return
        except Exception:  # the tables may not exist yet
            pass
        time.sleep(0.05)
    raise AssertionError(f"nothing matched {query!r} within {timeout}s")


@pytest.mark.parametrize("repetition", range(20))
def test_concurrent_applies_one_proceeds_the_other_exits_6(
    tmp_path: Path, pg_schema: PgSchema, repetition: int
) -> None:
    a, b = working_copies(tmp_path, pg_schema, instance_yaml(f"i{repetition}", repetition))
    # Creation takes 3 s: whichever run locks first still holds the lock when the other tries.
    runs = [spawn(copy, "apply", "--auto-approve", env=env(pg_schema, 3)) for copy in (a, b)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in runs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 6], results
    _, _, refused = next(r for r in results if r[0] == 6)
    assert "error: the state is locked by " in refused
    assert "running 'apply' since " in refused and "(lock id " in refused
    assert "PostgreSQL workspace 'shared'" in refused
    assert pg_schema.dsn not in refused
    listed = run_process(b, "state", "list", env=env(pg_schema, 0))
    assert listed.out == f"instance.i{repetition}\n", listed.err


def test_a_killed_holder_frees_the_workspace_and_the_next_run_converges(
    tmp_path: Path, pg_schema: PgSchema
) -> None:
    a, b = working_copies(tmp_path, pg_schema, instance_yaml("a", 1))
    first = spawn(a, "apply", "--auto-approve", env=env(pg_schema, 4))
    # Killed once the create call has gone out (its intent saved as sent) and the run waits.
    wait_for(pg_schema, "SELECT 1 FROM {schema}.entries WHERE (body->>'sent')::boolean")
    first.kill()
    first.communicate(timeout=10)
    second = run_process(b, "apply", "--auto-approve", env=env(pg_schema, 0))
    assert second.code == 0, second.err
    assert "Apply complete!" in second.out
    cloud = CccEmulation(tmp_path / "cloud", create_seconds=0)
    instances = cloud.handle("ListInstances", {"PageNumber": "1", "PageSize": "100"})
    paths = [item["DomainName"] for item in instances["List"]]
    assert paths == ["acme-0001"]  # adopted, not created twice
    again = run_process(a, "plan", "--detailed-exitcode", env=env(pg_schema, 0))
    assert again.code == 0, again.out + again.err
