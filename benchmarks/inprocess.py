"""Time single operations of cccform in process: loading, YAML guards, state writes, the lock.

Usage::

    .venv/bin/python benchmarks/inprocess.py                # every scenario, 5 rounds each
    .venv/bin/python benchmarks/inprocess.py --repeat 3 --output results.md
    .venv/bin/python benchmarks/inprocess.py --help

The unit tests check what these operations do; this script measures how long they take, so
that a loaded machine cannot fail a test. Each scenario prepares its files once in a fresh
temporary directory, then runs the operation ``--repeat`` times (``time.perf_counter``, in this
process, so no interpreter start-up) and checks every result:

1. load 10,000 instances from 10 YAML files;
2. load one instance with 2,000 agents, 50 skill groups, 20 flows read from definition files
   and 100 numbers;
3. reject a YAML document nested 500,000 levels deep;
4. reject an alias bomb (9 levels of 9 aliases);
5. rewrite a state of 10,000 resources (with its backup);
6. fail to take a held state lock when not waiting (``--lock-timeout 0``).

It prints a Markdown table with the median and best time of each beside its target. It
compares and never judges: the exit status is 0, or 2 when an operation did not do what it
should.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from run import BenchmarkError, machine, revision

from cccform.config.loader import load_config
from cccform.errors import ConfigError, StateLockedError
from cccform.state.local import LocalStateStore
from cccform.state.lock import StateLock
from cccform.state.models import ResourceState, State

Operation = Callable[[], None]


@dataclass(frozen=True)
class Scenario:
    """What to measure: `prepare(directory)` writes the files and returns the operation."""

    name: str
    target_seconds: float
    prepare: Callable[[Path], Operation]


@dataclass(frozen=True)
class Timing:
    scenario: Scenario
    seconds: list[float]


# --- scenarios ------------------------------------------------------------------------------


def ten_thousand_instances(directory: Path) -> Operation:
    for part in range(10):
        lines = ["instances:\n"]
        for index in range(part * 1000, part * 1000 + 1000):
            lines.append(
                f"  inst_{index}:\n"
                f"    name: Instance {index}\n"
                f"    access_path: acme-{index}\n"
                f"    phone_numbers: ['0571{index:08d}']\n"
                "    conversation_analysis: true\n"
            )
        (directory / f"part{part}.yaml").write_text("".join(lines), encoding="utf-8")

    def load() -> None:
        count = len(load_config(directory).config.instances)
        check(count == 10_000, f"loaded {count} instances, not 10,000")

    return load


def large_instance(directory: Path) -> Operation:
    numbers = [f"0571{index:08d}" for index in range(100)]
    groups = [f"group_{index}" for index in range(50)]
    lines = [
        "instances:\n  support:\n    name: Support Center\n    access_path: acme-support\n",
        f"    phone_numbers: {numbers}\n    skill_groups:\n",
    ]
    lines += [f"      {group}: {{display_name: {group}, media_type: AUDIO}}\n" for group in groups]
    lines.append("    agents:\n")
    for index in range(2000):
        skills = ", ".join(f"{groups[(index + k) % 50]}: {k + 1}" for k in range(3))
        lines.append(
            f"      agent{index:05d}:\n        display_name: Agent {index}\n"
            f"        email: agent{index}@example.com\n        mobile: '138{index:08d}'\n"
            f"        skills: {{{skills}}}\n"
        )
    lines.append("    flows:\n")
    activities = [{"id": f"n{k}", "type": "Play", "next": [f"n{k + 1}"]} for k in range(200)]
    (directory / "flows").mkdir()
    for index in range(20):
        definition = json.dumps({"activities": activities}, indent=2)
        (directory / "flows" / f"flow{index}.json").write_text(definition, encoding="utf-8")
        lines.append(f"      flow{index}: {{definition_file: flows/flow{index}.json}}\n")
    lines.append("    numbers:\n")
    for index, number in enumerate(numbers):
        lines.append(
            f"      '{number}': {{flow: flow{index % 20}, skill_groups: [{groups[index % 50]}]}}\n"
        )
    (directory / "main.yaml").write_text("".join(lines), encoding="utf-8")

    def load() -> None:
        support = load_config(directory).config.instances["support"]
        check(len(support.agents) == 2000, f"loaded {len(support.agents)} agents, not 2,000")

    return load


def deep_nesting(directory: Path) -> Operation:
    (directory / "deep.yaml").write_text("[" * 500_000, encoding="utf-8")
    return lambda: expect_config_error(directory, "nesting is deeper than 64 levels")


def alias_bomb(directory: Path) -> Operation:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    (directory / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lambda: expect_config_error(directory, "more than 10 aliases in one file")


def state_rewrite(directory: Path) -> Operation:
    store = LocalStateStore(directory / "cccform.state.json")
    state = store.write(big_state(10_000, store.read().lineage))
    rounds = iter(range(100, 1_000_000))  # none of them the priority big_state gave

    def rewrite() -> None:
        nonlocal state
        serial = state.serial
        state.resources["ccc_skill_group.group_00000"].attributes["priority"] = next(rounds)
        state = store.write(state)
        check(state.serial == serial + 1, "the serial did not go up by one")

    return rewrite


def held_lock(directory: Path) -> Operation:
    path = directory / "cccform.state.json.lock"
    holder = StateLock(path)
    holder.acquire("apply")  # released when the process ends

    def contend() -> None:
        try:
            StateLock(path).acquire("plan", timeout=0)
        except StateLockedError:
            return
        raise BenchmarkError("a held lock was taken")

    return contend


SCENARIOS = (
    Scenario("load 10,000 instances (10 files)", 5.0, ten_thousand_instances),
    Scenario("load 1 instance: 2,000 agents, 20 flow files", 3.0, large_instance),
    Scenario("reject YAML nested 500,000 deep", 1.0, deep_nesting),
    Scenario("reject an alias bomb", 1.0, alias_bomb),
    Scenario("rewrite a state of 10,000 resources", 0.1, state_rewrite),
    Scenario("fail on a held lock, not waiting", 0.5, held_lock),
)


def big_state(count: int, lineage: str) -> State:
    return State(
        lineage=lineage,
        resources={
            f"ccc_skill_group.group_{i:05d}": ResourceState(
                remote_id=f"skg-{i:08d}@ccc-prod-0001",
                attributes={
                    "instance_id": "ccc-prod-0001",
                    "name": f"group_{i}",
                    "description": "Inbound sales",
                    "media_type": "VOICE",
                    "priority": i % 10,
                },
            )
            for i in range(count)
        },
    )


def expect_config_error(directory: Path, message: str) -> None:
    try:
        load_config(directory)
    except ConfigError as error:
        found = [d.message for d in error.diagnostics]
        check(message in found, f"expected {message!r}, got {found}")
        return
    raise BenchmarkError(f"expected {message!r}, but the configuration loaded")


def check(ok: bool, problem: str) -> None:
    if not ok:
        raise BenchmarkError(problem)


# --- measuring and reporting ----------------------------------------------------------------


def measure(scenario: Scenario, repeat: int) -> Timing:
    with tempfile.TemporaryDirectory(prefix="cccform-bench-") as name:
        operation = scenario.prepare(Path(name))
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            operation()
            seconds.append(time.perf_counter() - started)
    return Timing(scenario, seconds)


def report(timings: list[Timing], repeat: int, measured: str) -> str:
    lines = [
        "# cccform in-process timings",
        "",
        *machine(measured),
        f"- rounds per scenario: {repeat}",
        "",
        "| scenario | median | best | target |",
        "|---|---:|---:|---:|",
    ]
    for timing in timings:
        lines.append(
            f"| {timing.scenario.name} | {_ms(statistics.median(timing.seconds))} "
            f"| {_ms(min(timing.seconds))} | {_ms(timing.scenario.target_seconds)} |"
        )
    return "\n".join(lines) + "\n"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds per scenario")
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    measured = revision()
    try:
        timings = [measure(scenario, args.repeat) for scenario in SCENARIOS]
    except BenchmarkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = report(timings, args.repeat, measured)
    print(text, end="")
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
