"""Benchmark the CCC emulator in process: many writers at once, and listing what they wrote.

Usage::

    .venv/bin/python benchmarks/emulator.py                   # 10,000 instances, 2,000 agents
    .venv/bin/python benchmarks/emulator.py --instances 2000 --agents 500 --output results.md
    .venv/bin/python benchmarks/emulator.py --help

Two scenarios, each in a fresh data directory with ``create_seconds=0``, calling
`CccEmulation.handle` directly (no cccform, no HTTP):

1. ``--instances`` instances (default 10,000) created by ``--threads`` threads (default 10),
   one number and one administrator each; then ``ListInstances`` over every page of 100.
2. One instance with 50 skill groups, 20 flows and 100 numbers, and ``--agents`` agents (default
   2,000) created by ``--threads`` threads, each in 3 skill groups; then ``ListUsers`` over every
   page of 100 (with every agent's skill levels), and one page each of ``ListSkillGroups``,
   ``ListContactFlows``, ``ListPhoneNumbers`` and ``ListUserLevelsOfSkillGroup``.

The figures are printed as Markdown next to the targets for the default sizes (they scale with
the size; for other sizes they are shown for reference only). The exit status is 0 when every
target is met, 1 when one is missed, 2 when the emulator answered something unexpected.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from run import machine, revision

from ccc_emulator import CccEmulation

DEFAULT_INSTANCES = 10_000
DEFAULT_AGENTS = 2_000
DEFAULT_THREADS = 10
PAGE_SIZE = 100
INSTANCE = "perf-center"
GROUPS = 50
FLOWS = 20
NUMBERS = 100
SKILLS_PER_AGENT = 3


@dataclass(frozen=True)
class Figure:
    """One measured step; `target` in seconds applies at the default size only."""

    what: str
    seconds: float
    target: float | None


class UnexpectedAnswer(Exception):
    """The emulator answered something other than what the scenario wrote."""


def timed(step: Callable[[], None]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def in_threads(threads: int, work: Callable[[int], None]) -> None:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(work, range(threads)))


def check(ok: bool, what: str) -> None:
    if not ok:
        raise UnexpectedAnswer(what)


# --- scenario 1: many instances -------------------------------------------------------------


def bench_instances(directory: Path, count: int, threads: int, default: bool) -> list[Figure]:
    with CccEmulation(directory, create_seconds=0) as emu:
        per_thread = -(-count // threads)

        def create(worker: int) -> None:
            for i in range(worker * per_thread, min(count, (worker + 1) * per_thread)):
                emu.handle(
                    "CreateInstance",
                    {
                        "Name": "Scale test",
                        "DomainName": f"bench-{i:06d}",
                        "AdminRamIdList": json.dumps(["248613806810701"]),
                        "NumberList": json.dumps([f"0571{i:08d}"]),
                    },
                )

        creating = timed(lambda: in_threads(threads, create))
        seen: list[str] = []

        def list_all() -> None:
            for page in range(1, -(-count // PAGE_SIZE) + 1):
                params = {"PageNumber": str(page), "PageSize": str(PAGE_SIZE)}
                seen.extend(item["Id"] for item in emu.handle("ListInstances", params)["List"])

        listing = timed(list_all)
        check(len(set(seen)) == count, f"ListInstances handed out {len(set(seen))} of {count}")
    return [
        Figure(
            f"{count:,} CreateInstance from {threads} threads", creating, 20.0 if default else None
        ),
        Figure(f"ListInstances, every page of {PAGE_SIZE}", listing, 1.0 if default else None),
    ]


# --- scenario 2: one large instance ---------------------------------------------------------


def _call(emu: CccEmulation, action: str, **params: object) -> Any:
    wire = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return emu.handle(action, {"InstanceId": INSTANCE, **wire})


def furnish(emu: CccEmulation) -> None:
    """The instance, its skill groups, flows and numbers (two numbers per group)."""
    numbers = [f"0571{n:07d}" for n in range(NUMBERS)]
    emu.handle(
        "CreateInstance",
        {
            "Name": "Perf center",
            "DomainName": INSTANCE,
            "AdminRamIdList": json.dumps(["248613806810701"]),
            "NumberList": json.dumps(numbers),
        },
    )
    for g in range(GROUPS):
        _call(emu, "CreateSkillGroup", Name=f"group{g:02d}", DisplayName=f"Group {g}")
    for f in range(FLOWS):
        _call(
            emu,
            "CreateContactFlow",
            Name=f"flow{f:02d}",
            Type="MAIN_FLOW",
            Definition='{"activities":[]}',
            Description="v1",
        )
    for g in range(GROUPS):
        _call(
            emu,
            "AddNumbersToSkillGroup",
            SkillGroupId=f"group{g:02d}@{INSTANCE}",
            NumberList=numbers[2 * g : 2 * g + 2],
        )


def create_agent(emu: CccEmulation, n: int) -> None:
    levels = [
        {"skillGroupId": f"group{(n + k * 17) % GROUPS:02d}@{INSTANCE}", "skillLevel": k + 1}
        for k in range(SKILLS_PER_AGENT)
    ]
    _call(
        emu,
        "CreateUser",
        LoginName=f"agent{n:05d}",
        DisplayName=f"Agent {n}",
        Email=f"agent{n}@example.com",
        RoleId=f"Agent@{INSTANCE}",
        SkillLevelList=levels,
    )


def bench_contents(directory: Path, agents: int, threads: int, default: bool) -> list[Figure]:
    with CccEmulation(directory, create_seconds=0) as emu:
        furnish(emu)
        per_thread = -(-agents // threads)

        def create(worker: int) -> None:
            for n in range(worker * per_thread, min(agents, (worker + 1) * per_thread)):
                create_agent(emu, n)

        creating = timed(lambda: in_threads(threads, create))
        users: list[dict[str, Any]] = []

        def list_users() -> None:
            for page in range(1, -(-(agents + 1) // PAGE_SIZE) + 1):
                users.extend(_call(emu, "ListUsers", PageNumber=str(page), PageSize="100")["List"])

        listing = timed(list_users)
        check(len(users) == agents + 1, f"ListUsers handed out {len(users)} of {agents + 1}")
        others = timed(lambda: list_others(emu))
    return [
        Figure(
            f"{agents:,} CreateUser (3 skill levels each) from {threads} threads",
            creating,
            10.0 if default else None,
        ),
        Figure(f"ListUsers, every page of {PAGE_SIZE}", listing, 0.3 if default else None),
        Figure(
            "ListSkillGroups + ListContactFlows + ListPhoneNumbers + members",
            others,
            0.1 if default else None,
        ),
    ]


def list_others(emu: CccEmulation) -> None:
    page = {"PageNumber": "1", "PageSize": "100"}
    for action in ("ListSkillGroups", "ListContactFlows", "ListPhoneNumbers"):
        _call(emu, action, **page)
    _call(
        emu,
        "ListUserLevelsOfSkillGroup",
        SkillGroupId=f"group00@{INSTANCE}",
        IsMember="true",
        **page,
    )


# --- report ---------------------------------------------------------------------------------


def report(figures: list[Figure], measured: str) -> tuple[str, bool]:
    """The Markdown report, and whether every target was met."""
    lines = ["# CCC emulator benchmark results", "", "Machine:", "", *machine(measured), ""]
    lines += ["| step | seconds | target | |", "|---|---:|---:|---|"]
    met = True
    for figure in figures:
        if figure.target is None:
            target, verdict = "n/a", ""
        else:
            ok = figure.seconds < figure.target
            met = met and ok
            target, verdict = f"< {figure.target:g}", "PASS" if ok else "**FAIL**"
        lines.append(f"| {figure.what} | {figure.seconds:.3f} | {target} | {verdict} |")
    return "\n".join(lines) + "\n", met


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/emulator.py",
        description="Time the CCC emulator's writes from many threads and its paginated lists.",
    )
    parser.add_argument(
        "--instances",
        type=int,
        default=DEFAULT_INSTANCES,
        help=f"instances of scenario 1 (default {DEFAULT_INSTANCES:,})",
    )
    parser.add_argument(
        "--agents",
        type=int,
        default=DEFAULT_AGENTS,
        help=f"agents of scenario 2 (default {DEFAULT_AGENTS:,})",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"writer threads (default {DEFAULT_THREADS})",
    )
    parser.add_argument("--output", type=Path, metavar="FILE", help="also write the report here")
    args = parser.parse_args(argv)
    if min(args.instances, args.agents, args.threads) < 1:
        parser.error("--instances, --agents and --threads must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    measured = revision()
    try:
        with tempfile.TemporaryDirectory(prefix="ccc-emulator-bench-") as workdir:
            figures = bench_instances(
                Path(workdir) / "instances",
                args.instances,
                args.threads,
                args.instances == DEFAULT_INSTANCES and args.threads == DEFAULT_THREADS,
            )
            figures += bench_contents(
                Path(workdir) / "contents",
                args.agents,
                args.threads,
                args.agents == DEFAULT_AGENTS and args.threads == DEFAULT_THREADS,
            )
    except UnexpectedAnswer as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text, met = report(figures, measured)
    print(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
