"""Benchmark what a far endpoint's round trips cost a no-op plan through the official SDK.

Usage::

    .venv/bin/python benchmarks/latency.py                  # 1,000 instances + 2,000 agents
    .venv/bin/python benchmarks/latency.py --instances 200 --agents 300 --repeat 3
    .venv/bin/python benchmarks/latency.py --command import   # cccform import instead of plan
    .venv/bin/python benchmarks/latency.py --command import --parallelism 100 --latency-ms 150
    .venv/bin/python benchmarks/latency.py --help

It builds, on the embedded emulation (``create_seconds: 0``), ``--instances`` small instances
(default 1,000) and one more holding ``--agents`` agents (default 2,000) in ``--groups`` skill
groups (default 50, each agent in 3), with ``cccform apply``. Then it serves that emulation
twice with ``cccform emulator serve`` (signatures checked), once answering at once and once
with ``--latency-ms`` (default 50) on every answer, and points two copies of the
configuration and its state at them (``provider: aliyun``, the SDK path; ``state rebind``).
The no-op ``plan`` runs ``--repeat`` times (default 7) against each, interleaved (no delay,
delay, no delay, ...), each as its own process (interpreter start-up included), so that both
see the same machine load.

With ``--baseline DIR`` (a checkout of another cccform revision) the plans of that tree run
too, interleaved with the current tree's, against the same two servers (which are the current
tree's: ``--latency-ms`` may be newer than the baseline).

It prints both medians and their ratio. Target: at most 1.3, i.e. the delay costs a few round
trips (page 1 of each List, then its other pages at once), not one per page. The exit status
is 0 when the target is met, 1 when it is missed, 2 when a command fails.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from run import BenchmarkError, Run, Runner, Tree, expect, machine, revision

ACCESS_KEY_ID, ACCESS_KEY_SECRET = "LTAI-latency-bench", "latency-bench-secret"
TARGET_RATIO = 1.3
SKILLS_PER_AGENT = 3
LISTENING = re.compile(r"listening on (http://\S+)")


def write_config(directory: Path, args: argparse.Namespace) -> None:
    """settings.yaml (provider local), the small instances, and the large one."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "settings.yaml").write_text(
        "provider:\n  type: local\n  create_seconds: 0\n", encoding="utf-8"
    )
    small = {
        f"cc_{i:05d}": {
            "name": f"Call Center {i:05d}",
            "access_path": f"bench-{i:05d}",
            "phone_numbers": [f"0571{i:08d}"],
            "admins": ["248613806810701"],
            "deletion_protection": False,
        }
        for i in range(args.instances)
    }
    (directory / "instances.yaml").write_text(json.dumps({"instances": small}, indent=1))
    groups = [f"group{g:02d}" for g in range(args.groups)]
    large = {
        "name": "Large Center",
        "access_path": "bench-large",
        "phone_numbers": ["057199990000"],
        "admins": ["248613806810701"],
        "deletion_protection": False,
        "skill_groups": {name: {"display_name": name.title()} for name in groups},
        "agents": {
            f"agent{a:05d}": {
                "display_name": f"Agent {a}",
                "email": f"agent{a:05d}@example.com",
                "skills": {groups[(a + k) % len(groups)]: 1 + k for k in range(SKILLS_PER_AGENT)},
            }
            for a in range(args.agents)
        },
    }
    (directory / "large.yaml").write_text(json.dumps({"instances": {"large": large}}, indent=1))


@contextmanager
def serving(data: Path, latency_ms: float, log: Path) -> Iterator[str]:
    """`cccform emulator serve` on a free port over `data`; yields its URL."""
    argv = [sys.executable, "-m", "cccform", "emulator", "serve", "--port", "0"]
    argv += ["--data", str(data), "--create-seconds", "0", "--latency-ms", f"{latency_ms:g}"]
    argv += ["--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET]
    with log.open("wb") as err:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            yield _listening(process)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _listening(process: subprocess.Popen[str]) -> str:
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.append(process.stdout.readline() if process.stdout else ""),
        daemon=True,
    )
    reader.start()
    reader.join(30)
    match = LISTENING.search(lines[0]) if lines else None
    if match is None:
        raise BenchmarkError(f"cccform emulator serve did not start: {lines!r}")
    return match.group(1)


SDK_ENV = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": ACCESS_KEY_ID,
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
}


def sdk_run(runner: Runner, tree: Tree, directory: Path, *args: str) -> Run:
    """`cccform ARGS` of `tree` in `directory`, with the emulator servers' key."""
    argv = [sys.executable, "-m", "cccform", *args]
    return runner.spawn(argv, directory, {**SDK_ENV, **tree.env()})


def sdk_copy(source: Path, target: Path, url: str, runner: Runner, tree: Tree) -> None:
    """A copy of the configuration and state, with provider aliyun at `url`, rebound."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".cccform", "*.lock"))
    (target / "settings.yaml").write_text(
        f"provider:\n  type: aliyun\n  endpoint: {url}\n", encoding="utf-8"
    )
    rebound = sdk_run(runner, tree, target, "state", "rebind")
    if rebound.returncode != 0:
        raise BenchmarkError(f"state rebind failed\n{rebound.tail()}")


Plans = dict[tuple[str, float], list[Run]]
"""The no-op plans of each (tree label, latency)."""


def median(runs: list[Run]) -> float:
    return statistics.median(run.wall for run in runs)


def report(args: argparse.Namespace, trees: list[Tree], plans: Plans) -> tuple[list[str], bool]:
    current = trees[0].label
    calls = plans[current, 0.0][0].calls
    command = "a no-op plan" if args.command == "plan" else "`cccform import` of the account"
    parallelism = "" if args.parallelism is None else f"`--parallelism {args.parallelism}`; "
    lines = [
        f"## Round trips: {command} through the SDK, near and far",
        "",
        *machine(trees[0].revision),
        "",
        f"{args.instances:,} instances plus one with {args.agents:,} agents in "
        f"{args.groups} skill groups; `cccform emulator serve`, `provider: aliyun`; "
        f"{parallelism}{args.repeat} runs each, interleaved; "
        f"{sum(calls.values())} API calls per run "
        f"({', '.join(f'{a} {n}' for a, n in sorted(calls.items()))}).",
        "",
        "| tree | answers delayed by | median wall (s) | best (s) | every run (s) |",
        "|---|---:|---:|---:|---|",
    ]
    for tree in trees:
        for latency in (0.0, args.latency_ms):
            runs = plans[tree.label, latency]
            every = " / ".join(f"{run.wall:.3f}" for run in runs)
            best = min(run.wall for run in runs)
            lines.append(
                f"| {tree.label} | {latency:g} ms | {median(runs):.3f} | {best:.3f} | {every} |"
            )
    lines.append("")
    ok = True
    for tree in trees:
        near, far = plans[tree.label, 0.0], plans[tree.label, args.latency_ms]
        ratio = median(far) / median(near)
        best = min(run.wall for run in far) / min(run.wall for run in near)
        line = (
            f"Ratio at {args.latency_ms:g} ms, {tree.label} ({tree.revision}): "
            f"**{ratio:.2f}** of the medians, {best:.2f} of the best runs"
        )
        if tree.label == current:
            ok = ratio <= TARGET_RATIO
            line += f" (target <= {TARGET_RATIO}): " + ("PASS" if ok else "MISS")
        lines.append(line + "  ")
    return lines, ok


def measure(args: argparse.Namespace, workdir: Path, trees: list[Tree]) -> Plans:
    """Build the account, serve it near and far, and run the interleaved no-op plans."""
    runner = Runner(workdir, timeout=args.timeout)
    base = workdir / "base"
    write_config(base, args)
    applied = runner.cccform("apply", "--auto-approve", cwd=base)
    expect(applied, code=0, text="Apply complete", what="building the account")
    data = base / ".cccform"
    latencies = (0.0, args.latency_ms)
    with (
        serving(data, 0.0, workdir / "near.err") as near,
        serving(data, args.latency_ms, workdir / "far.err") as far,
    ):
        urls = dict(zip(latencies, (near, far), strict=True))
        dirs = {
            (tree.label, latency): workdir / f"sdk-{tree.label}-{latency:g}ms"
            for tree in trees
            for latency in latencies
        }
        for tree in trees:
            for latency in latencies:
                sdk_copy(base, dirs[tree.label, latency], urls[latency], runner, tree)
        plans: Plans = {key: [] for key in dirs}
        for _ in range(args.repeat):
            for tree in trees:
                for latency in latencies:
                    here = dirs[tree.label, latency]
                    given = (
                        [] if args.parallelism is None else ["--parallelism", f"{args.parallelism}"]
                    )
                    if args.command == "plan":
                        run = sdk_run(runner, tree, here, "plan", *given)
                        what = f"no-op plan of {tree.label} at {latency:g} ms"
                        expect(run, code=0, text="No changes", what=what)
                    else:
                        # outside the configuration, whose subdirectories it would join
                        out = str(here.parent / f"imported-{here.name}")
                        run = sdk_run(runner, tree, here, "import", "--out", out, "--force", *given)
                        what = f"import of {tree.label} at {latency:g} ms"
                        expect(run, code=0, text="Imported ", what=what)
                    plans[tree.label, latency].append(run)
    return plans


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=1000, help="small instances")
    parser.add_argument("--agents", type=int, default=2000, help="agents of the large one")
    parser.add_argument("--groups", type=int, default=50, help="skill groups of the large one")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="the far server's delay")
    parser.add_argument("--repeat", type=int, default=7, help="runs at each latency")
    parser.add_argument(
        "--command", choices=("plan", "import"), default="plan", help="what to time"
    )
    parser.add_argument(
        "--parallelism",
        type=int,
        help="given to the command (default: the command's own default)",
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per command")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    parser.add_argument("--baseline", type=Path, help="a checkout of another cccform revision")
    args = parser.parse_args(argv)
    if args.baseline is not None and not (args.baseline / "cccform" / "__init__.py").is_file():
        parser.error(f"--baseline {args.baseline}: not a cccform checkout")
    if args.latency_ms <= 0 or args.repeat < 1 or args.groups < SKILLS_PER_AGENT:
        parser.error("--latency-ms must be positive, --repeat at least 1, --groups at least 3")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    trees = [Tree("current", None, revision())]
    if args.baseline is not None:
        source = args.baseline.resolve()
        trees.append(Tree("baseline", source, revision(source)))
    with tempfile.TemporaryDirectory(prefix="cccform-latency-") as temp:
        try:
            plans = measure(args, Path(temp), trees)
        except BenchmarkError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 2
    lines, ok = report(args, trees, plans)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
