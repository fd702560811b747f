"""A connection to the PostgreSQL state lost mid-apply: no new step, what was done rescued
in a local file, and the command that pushes it back."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.cli.harness import instance_yaml, run_process, spawn, write
from tests.cli.test_pg_lock import env, wait_for
from tests.pg import PgSchema

pytestmark = pytest.mark.slow


def test_a_lost_connection_rescues_the_state_and_says_how_to_push_it_back(
    tmp_path: Path, pg_schema: PgSchema
) -> None:
    body = (
        f"state: {{backend: postgres, workspace: team, schema: {pg_schema.name}}}\n"
        "instances:\n" + instance_yaml("a", 1) + instance_yaml("b", 2)
    )
    write(tmp_path, "cccform.yaml", body)
    apply = spawn(tmp_path, "apply", "--auto-approve", env=env(pg_schema, 3))
    wait_for(pg_schema, "SELECT 1 FROM {schema}.entries WHERE (body->>'sent')::boolean")
    # The server ends the run's session, as a restart or a network cut would.
    pg_schema.query("SELECT pg_terminate_backend(backend_pid) FROM {schema}.locks")
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 1, out + err
    assert "lost the connection to the PostgreSQL state database 'test' on 127.0.0.1:5432" in err
    rescued = tmp_path / "cccform-team.state.json.errored"
    assert rescued.exists()
    assert rescued.stat().st_mode & 0o777 == 0o600
    command = re.search(r"restore it with: (cccform state push .*)$", err.strip())
    assert command is not None, err
    args = shlex.split(command.group(1))[1:]
    pushed = run_process(tmp_path, *args, env=env(pg_schema, 0))
    assert pushed.code == 0, pushed.err
    converged = run_process(tmp_path, "apply", "--auto-approve", env=env(pg_schema, 0))
    assert converged.code == 0, converged.err
    assert run_process(tmp_path, "state", "list", env=env(pg_schema, 0)).out == (
        "instance.a\ninstance.b\n"
    )
