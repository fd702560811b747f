"""The local state file against PostgreSQL, side by side: apply and no-op plan at scale, and
the cost of one save as the state grows.

Usage::

    .venv/bin/python benchmarks/state_backends.py                  # N = 1,000
    .venv/bin/python benchmarks/state_backends.py --sizes 1000,10000 --output results.md

For every size N it writes one configuration of N instances twice, once with the default
local state and once with ``state: {backend: postgres}`` in a fresh schema of the database
``--dsn`` names (default ``CCCFORM_TEST_PG_DSN``, else postgres@127.0.0.1:5432/test; the
schema is dropped afterwards), then runs in each, as its own process and interleaved
(local, postgres, local, ...): ``apply --auto-approve`` creating all N instances
(``--apply-repeat`` times, each in fresh directories and a fresh workspace, median), then
``plan`` with no changes (``--repeat`` times, median). The target: PostgreSQL at most
``--max-ratio`` (1.3) times the local file, for both.

Then, in process, the cost of one save that changes one resource in a state of N resources
(median of ``--saves``): the local file rewrites the whole state, PostgreSQL writes the
changed row, so its cost should stay flat in N.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from run import BenchmarkError, Runner, expect, machine, revision, write_config

from cccform.state.local import LocalStateStore
from cccform.state.models import ResourceState, State
from cccform.state.postgres.connection import dsn_from_env
from cccform.state.postgres.store import PostgresStateStore
from cccform.state.store import StateBackend

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ("local", "postgres")


@dataclass
class Measured:
    """One backend at one size: the apply and the median no-op plan, in seconds."""

    apply: float
    plan: float


@contextmanager
def schema_for(dsn: str) -> Iterator[str]:
    name = f"cccform_bench_{uuid.uuid4().hex[:10]}"
    try:
        yield name
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def prepare(root: Path, size: int, backend: str, schema: str, workspace: str) -> Path:
    directory = root / f"{backend}-{size}-{workspace}"
    write_config(directory, size, 0, 1000)
    if backend == "postgres":
        state = f"state: {{backend: postgres, workspace: {workspace}, schema: {schema}}}\n"
        with (directory / "settings.yaml").open("a", encoding="utf-8") as out:
            out.write(state)
    return directory


def cccform(*args: str) -> list[str]:
    return [sys.executable, "-m", "cccform", *args]


def bench_size(
    runner: Runner, root: Path, size: int, dsn: str, repeat: int, apply_repeat: int
) -> dict[str, Measured]:
    """Applies in fresh directories (and workspaces), then no-op plans in the last ones;
    local and PostgreSQL interleaved so that both see the same load."""
    env = {"CCCFORM_PG_DSN": dsn}
    applies: dict[str, list[float]] = {b: [] for b in BACKENDS}
    plans: dict[str, list[float]] = {b: [] for b in BACKENDS}
    with schema_for(dsn) as schema:
        for attempt in range(apply_repeat):
            dirs = {b: prepare(root, size, b, schema, f"bench-{attempt}") for b in BACKENDS}
            for backend in BACKENDS:
                run = runner.spawn(cccform("apply", "--auto-approve"), dirs[backend], env)
                expect(run, code=0, text="Apply complete!", what=f"{backend} apply of {size}")
                applies[backend].append(run.wall)
        for _ in range(repeat):
            for backend in BACKENDS:
                run = runner.spawn(cccform("plan"), dirs[backend], env)
                expect(run, code=0, text="No changes", what=f"{backend} plan of {size}")
                plans[backend].append(run.wall)
    return {
        b: Measured(statistics.median(applies[b]), statistics.median(plans[b])) for b in BACKENDS
    }


def one_resource(n: int, description: str = "benchmark") -> ResourceState:
    return ResourceState(
        remote_id=f"bench-{n:05d}",
        attributes={
            "name": f"Call Center {n:05d}",
            "access_path": f"bench-{n:05d}",
            "description": description,
            "phone_numbers": [f"0571{n:08d}"],
            "admins": ["248613806810701"],
            "conversation_analysis": False,
        },
    )


def save_cost(store: StateBackend, size: int, saves: int) -> float:
    """Median seconds of one save changing one resource in a state of `size` resources."""
    state = store.write(
        State(resources={f"instance.cc_{n:05d}": one_resource(n) for n in range(size)})
    )
    times = []
    for i in range(saves):
        state.resources["instance.cc_00001"] = one_resource(1, f"save {i}")
        started = time.perf_counter()
        state = store.write(state)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def save_costs(root: Path, sizes: list[int], dsn: str, saves: int) -> dict[int, dict[str, float]]:
    costs: dict[int, dict[str, float]] = {}
    for size in sizes:
        local = LocalStateStore(root / f"saves-{size}" / "cccform.state.json")
        with schema_for(dsn) as schema:
            pg = PostgresStateStore(
                dsn_from_env("DSN", {"DSN": dsn}), "bench", schema, 100, root / "r.json"
            )
            try:
                costs[size] = {"local": save_cost(local, size, saves), "postgres": 0.0}
                costs[size]["postgres"] = save_cost(pg, size, saves)
            finally:
                pg.close()
    return costs


def report(
    results: dict[int, dict[str, Measured]],
    costs: dict[int, dict[str, float]],
    max_ratio: float,
    repeats: tuple[int, int],
) -> tuple[str, bool]:
    ok = True
    lines = [
        f"Apply creating N instances (median of {repeats[1]}) and the following no-op plan "
        f"(median of {repeats[0]}), local state file against PostgreSQL (create_seconds 0):",
        "",
        "| N | apply local (s) | apply PostgreSQL (s) | ratio | plan local (s) "
        "| plan PostgreSQL (s) | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, by in results.items():
        apply_ratio = by["postgres"].apply / by["local"].apply
        plan_ratio = by["postgres"].plan / by["local"].plan
        ok = ok and apply_ratio <= max_ratio and plan_ratio <= max_ratio
        lines.append(
            f"| {size:,} | {by['local'].apply:.2f} | {by['postgres'].apply:.2f} | "
            f"{apply_ratio:.2f} | {by['local'].plan:.3f} | {by['postgres'].plan:.3f} | "
            f"{plan_ratio:.2f} |"
        )
    lines += [
        "",
        "One save that changes one resource in a state of N resources (median, in process):",
        "",
        "| N | local file (ms) | PostgreSQL (ms) |",
        "|---:|---:|---:|",
    ]
    for size, cost in costs.items():
        local, pg = cost["local"] * 1000, cost["postgres"] * 1000
        lines.append(f"| {size:,} | {local:.1f} | {pg:.1f} |")
    verdict = "met" if ok else "MISSED"
    lines += ["", f"Target (PostgreSQL at most {max_ratio}x the local file): {verdict}."]
    return "\n".join(lines) + "\n", ok


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated N (default 1000)")
    parser.add_argument("--save-sizes", default="1000,10000", help="N for the save cost")
    parser.add_argument("--repeat", type=int, default=5, help="no-op plans per backend")
    parser.add_argument("--apply-repeat", type=int, default=3, help="applies per backend")
    parser.add_argument("--saves", type=int, default=20, help="saves measured per size")
    parser.add_argument("--max-ratio", type=float, default=1.3)
    parser.add_argument("--dsn", default=None, help="PostgreSQL DSN (a loopback server)")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--output", type=Path, default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    dsn = args.dsn or os.environ.get("CCCFORM_TEST_PG_DSN", DEFAULT_DSN)
    sizes = [int(s) for s in args.sizes.split(",")]
    save_sizes = [int(s) for s in args.save_sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="cccform-state-bench-") as temp:
        root = Path(temp)
        runner = Runner(root, args.timeout)
        try:
            results = {
                n: bench_size(runner, root, n, dsn, args.repeat, args.apply_repeat) for n in sizes
            }
            costs = save_costs(root, save_sizes, dsn, args.saves)
        except BenchmarkError as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 2
    text, ok = report(results, costs, args.max_ratio, (args.repeat, args.apply_repeat))
    text = "\n".join(["Machine:", "", *machine(revision()), "", text])
    print(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
