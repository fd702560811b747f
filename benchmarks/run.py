"""Benchmark cccform's plan and apply at scale against the embedded local emulation.

Usage::

    .venv/bin/python benchmarks/run.py                      # the full run (a few minutes)
    .venv/bin/python benchmarks/run.py --skip-slow          # quick: sizes <= 2,000, no 5 s scenario
    .venv/bin/python benchmarks/run.py --sizes 1000,10000 --output results.md
    .venv/bin/python benchmarks/run.py --help

For every size N of ``--sizes`` (default 1000,2000,5000,10000) it writes a configuration of N
call-center instances into a fresh directory (``--per-file`` instances per YAML file, default
1,000, so that every file stays under the 1 MiB limit, plus a ``settings.yaml`` with
``provider: {type: local, create_seconds: 0}``), then runs, each as its own process
(``python -m cccform ...``, timed from spawn to exit, interpreter start-up included):

1. ``apply --auto-approve`` creating all N instances: wall time, peak memory, API calls;
2. a following no-op ``plan`` (``--repeat`` times, default 5; the median wall time is reported):
   it must exit 0 and print "No changes"; its API calls per action and in total are compared
   with ceil(N/100) + a small constant (``--call-slack``, default 3), and its peak memory.

Then (unless ``--skip-slow``) it times one ``apply --auto-approve`` creating 100 new instances
in a fresh directory whose provider has ``create_seconds: 5``.

API calls are counted from the debug log (``CCCFORM_LOG=debug``, ``CCCFORM_LOG_PATH``): one line
``cccform.api: call <Action> ...`` per call; console-only actions are not API calls and are not
logged as such.

Peak memory is the child's own ``ru_maxrss`` from ``os.wait4`` on that child's pid. On Linux a
child spawned with vfork (as ``subprocess`` does) inherits its parent's RSS high-water mark, so a
child's number is really max(runner's peak, child's peak). The runner therefore keeps itself
small (it streams files and never holds a command's output in memory), reports its own peak, and
flags any child whose number does not exceed it.

With ``--baseline DIR`` (a checkout of another cccform revision, for example made with
``git worktree add /tmp/cccform-base <commit>``) every scenario also runs with that tree's
``cccform`` first on ``PYTHONPATH``, in the same run and interleaved with the current tree's
runs (apply, apply, then plan, plan, ... alternately), so that both see the same machine load;
the report then ends with a side-by-side table and the ratio current / baseline.

The results are printed as Markdown (and also written to ``--output FILE`` when given). The exit
status is 0 when every target is met, 1 when one is missed, 2 when a command failed.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SIZES = (1000, 2000, 5000, 10000)
QUICK_MAX_SIZE = 2000
MAX_FILE_BYTES = 1024 * 1024
SLOW_COUNT = 100
SLOW_CREATE_SECONDS = 5.0
PARALLELISM = 10  # cccform apply's default --parallelism

# Targets.
PLAN_1K_SECONDS = 1.0
PLAN_10K_SECONDS = 10.0
SLOW_APPLY_SECONDS = 10.0
PEAK_MEMORY_10K_MB = 500.0
LINEAR_TOLERANCE = 1.5  # the last marginal cost per instance may be at most this times the first

CALL_LINE = re.compile(r"cccform\.api: call (\S+)")


class BenchmarkError(Exception):
    """A cccform command failed or printed something unexpected."""


# --- configuration generation ---------------------------------------------------------------


def write_config(directory: Path, count: int, create_seconds: float, per_file: int) -> int:
    """Write `count` instances (plus settings.yaml) into `directory`; return the file count."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "settings.yaml").write_text(
        f"version: 1\nprovider:\n  type: local\n  create_seconds: {create_seconds:g}\n",
        encoding="utf-8",
    )
    files = 1
    for start in range(0, count, per_file):
        path = directory / f"instances-{start // per_file:04d}.yaml"
        with path.open("w", encoding="utf-8") as out:
            out.write("instances:\n")
            for i in range(start, min(start + per_file, count)):
                out.write(_instance_yaml(i))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BenchmarkError(f"{path} is {size} bytes, over 1 MiB; lower --per-file")
        files += 1
    return files


def _instance_yaml(i: int) -> str:
    """One instance; every 10th has conversation analysis on (an extra apply step)."""
    return (
        f"  cc_{i:05d}:\n"
        f'    name: "Call Center {i:05d}"\n'
        f'    access_path: "bench-{i:05d}"\n'
        f'    description: "Benchmark call center number {i}"\n'
        f'    phone_numbers: ["0571{i:08d}"]\n'
        f'    admins: ["2486138068{i % 100:05d}"]\n'
        f"    conversation_analysis: {'true' if i % 10 == 0 else 'false'}\n"
        "    deletion_protection: false\n"
    )


# --- running one cccform process ------------------------------------------------------------


@dataclass
class Run:
    """One finished child process."""

    args: list[str]
    wall: float
    returncode: int
    maxrss_kb: int
    calls: Counter[str]
    stdout_path: Path
    stderr_path: Path
    cpu: float = 0.0  # the child's user + system seconds: less moved by a busy machine

    @property
    def maxrss_mb(self) -> float:
        return self.maxrss_kb / 1024

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def stdout_contains(self, text: str) -> bool:
        with self.stdout_path.open(encoding="utf-8", errors="replace") as lines:
            return any(text in line for line in lines)

    def tail(self, limit: int = 2000) -> str:
        parts = []
        for path in (self.stdout_path, self.stderr_path):
            with path.open("rb") as stream:
                stream.seek(max(0, path.stat().st_size - limit))
                parts.append(stream.read().decode("utf-8", "replace"))
        return "stdout: ...{}\nstderr: ...{}".format(*parts)


@dataclass(frozen=True)
class Tree:
    """A cccform source tree to measure: the installed one (`source` None) or a checkout."""

    label: str
    source: Path | None
    revision: str

    def env(self) -> dict[str, str]:
        return {} if self.source is None else {"PYTHONPATH": str(self.source)}


@dataclass
class Runner:
    """Spawns `python -m cccform`, one at a time, and measures each child on its own."""

    workdir: Path
    timeout: float
    runs: int = 0
    children: list[Run] = field(default_factory=list)

    def cccform(
        self, *args: str, cwd: Path, tree: Tree | None = None, log_calls: bool = True
    ) -> Run:
        """Run cccform from `tree` (default: the installed one); `log_calls=False` runs it
        without the debug log, whose line per API call costs a run of thousands of calls."""
        env = {} if tree is None else tree.env()
        if not log_calls:
            env["CCCFORM_LOG"] = ""
        return self.spawn([sys.executable, "-m", "cccform", *args], cwd, env)

    def spawn(self, argv: list[str], cwd: Path, env_extra: dict[str, str] | None = None) -> Run:
        self.runs += 1
        stem = self.workdir / "logs" / f"{self.runs:03d}"
        stem.parent.mkdir(parents=True, exist_ok=True)
        log_path = stem.with_suffix(".log")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CCCFORM_")}
        env.update(
            CCCFORM_LOG="debug",
            CCCFORM_LOG_PATH=str(log_path),
            NO_COLOR="1",
            PYTHONDONTWRITEBYTECODE="1",
        )
        env.update(env_extra or {})
        stdout_path, stderr_path = stem.with_suffix(".out"), stem.with_suffix(".err")
        with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
            started = time.perf_counter()
            process = subprocess.Popen(
                argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
            )
            killer = threading.Timer(self.timeout, process.kill)
            killer.start()
            try:
                _, status, usage = os.wait4(process.pid, 0)
            finally:
                killer.cancel()
            wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        run = Run(
            args=argv[1:],
            wall=wall,
            returncode=process.returncode,
            maxrss_kb=usage.ru_maxrss,  # KiB on Linux
            calls=count_calls(log_path),
            stdout_path=stdout_path,
            stderr_path=stderr_path,
            cpu=usage.ru_utime + usage.ru_stime,
        )
        self.children.append(run)
        return run


def count_calls(log_path: Path) -> Counter[str]:
    calls: Counter[str] = Counter()
    if log_path.exists():
        with log_path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                match = CALL_LINE.search(line)
                if match:
                    calls[match.group(1)] += 1
    return calls


def expect(run: Run, *, code: int, text: str, what: str) -> None:
    if run.returncode != code or not run.stdout_contains(text):
        raise BenchmarkError(
            f"{what}: `{' '.join(run.args)}` exited {run.returncode} "
            f"(expected {code} and {text!r} on stdout)\n{run.tail()}"
        )


# --- scenarios ------------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: int
    files: int
    apply: Run
    plans: list[Run]

    @property
    def plan_wall(self) -> float:
        return statistics.median(run.wall for run in self.plans)

    @property
    def plan_calls(self) -> Counter[str]:
        return self.plans[0].calls

    @property
    def plan_maxrss_mb(self) -> float:
        return max(run.maxrss_mb for run in self.plans)

    @property
    def expected_lists(self) -> int:
        return math.ceil(self.size / 100)


def bench_size(
    runner: Runner, trees: list[Tree], size: int, per_file: int, repeat: int
) -> list[SizeResult]:
    """One size for every tree, each in its own directory; plan runs interleaved."""
    directories = [runner.workdir / f"n{size}-{tree.label}" for tree in trees]
    files = [write_config(directory, size, 0, per_file) for directory in directories]
    applies = []
    for tree, directory in zip(trees, directories, strict=True):
        print(f"  N={size} ({tree.label}): apply ...", file=sys.stderr, flush=True)
        apply = runner.cccform("apply", "--auto-approve", ".", cwd=directory, tree=tree)
        expect(apply, code=0, text="Apply complete!", what=f"apply of {size} ({tree.label})")
        applies.append(apply)
    plans: list[list[Run]] = [[] for _ in trees]
    for _ in range(repeat):
        for runs, tree, directory in zip(plans, trees, directories, strict=True):
            plan = runner.cccform("plan", ".", cwd=directory, tree=tree)
            expect(plan, code=0, text="No changes", what=f"no-op plan of {size} ({tree.label})")
            runs.append(plan)
    print(f"  N={size}: no-op plans done", file=sys.stderr)
    return [
        SizeResult(size, n, apply, runs)
        for n, apply, runs in zip(files, applies, plans, strict=True)
    ]


def bench_slow(runner: Runner, trees: list[Tree], per_file: int) -> list[Run]:
    runs = []
    for tree in trees:
        directory = runner.workdir / f"slow-{tree.label}"
        write_config(directory, SLOW_COUNT, SLOW_CREATE_SECONDS, per_file)
        print(
            f"  {SLOW_COUNT} creations of {SLOW_CREATE_SECONDS:g} s ({tree.label}) ...",
            file=sys.stderr,
        )
        run = runner.cccform("apply", "--auto-approve", ".", cwd=directory, tree=tree)
        expect(run, code=0, text="Apply complete!", what=f"slow apply ({tree.label})")
        runs.append(run)
    return runs


# --- report ---------------------------------------------------------------------------------


def machine(measured: str) -> list[str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return [
        f"- nproc: {len(os.sched_getaffinity(0))} (os.cpu_count() {os.cpu_count()})",
        f"- CPU: {cpu}",
        f"- memory: {memory}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}",
        f"- OS: {platform.system()} {platform.release()} ({platform.machine()})",
        f"- cccform: {measured}",
    ]


ROOT = Path(__file__).resolve().parent.parent


def revision(root: Path = ROOT) -> str:
    """The git commit of a cccform tree, and whether its cccform/ had local edits."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "cccform"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown (no git)"
    if not head:
        return "unknown (not a git checkout)"
    return f"commit {head}" + (" plus uncommitted changes under cccform/" if dirty else "")


def _calls(calls: Counter[str]) -> str:
    if not calls:
        return "none"
    return ", ".join(f"{action} {n}" for action, n in sorted(calls.items()))


def _slope(a: SizeResult, b: SizeResult) -> float:
    """Milliseconds of no-op plan per 1,000 more instances between two sizes."""
    return (b.plan_wall - a.plan_wall) / (b.size - a.size) * 1e6


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "**FAIL**"


@dataclass
class Report:
    results: list[SizeResult]
    slow: Run | None
    baseline: Run
    repeat: int
    call_slack: int
    runner_peak_mb: float
    revision: str
    lines: list[str] = field(default_factory=list)
    failed: bool = False

    def build(self) -> str:
        self.lines = [
            "# cccform benchmark results",
            "",
            "Machine:",
            "",
            *machine(self.revision),
            "",
        ]
        self._sizes()
        self._slow()
        self._targets()
        return "\n".join(self.lines) + "\n"

    def _sizes(self) -> None:
        add = self.lines.append
        add(
            f"Baseline: `python -c pass` takes {self.baseline.wall:.3f} s and "
            f"{self.baseline.maxrss_mb:.0f} MB. The runner's own peak RSS is "
            f"{self.runner_peak_mb:.0f} MB (a floor under every child's number)."
        )
        add("")
        add(f"Apply creating N instances (create_seconds 0, parallelism {PARALLELISM}):")
        add("")
        add("| N | files | wall (s) | ms per instance | peak RSS (MB) | API calls |")
        add("|---:|---:|---:|---:|---:|---|")
        for r in self.results:
            add(
                f"| {r.size:,} | {r.files} | {r.apply.wall:.2f} | "
                f"{r.apply.wall / r.size * 1000:.2f} | {r.apply.maxrss_mb:.0f} | "
                f"{r.apply.total_calls:,} ({_calls(r.apply.calls)}) |"
            )
        add("")
        add(f"The following no-op plan ({self.repeat} runs each):")
        add("")
        add(
            "| N | median wall (s) | min wall (s) | peak RSS (MB) | API calls | ceil(N/100) | "
            "ms per 1,000 more |"
        )
        add("|---:|---:|---:|---:|---|---:|---:|")
        previous: SizeResult | None = None
        for r in self.results:
            marginal = "–" if previous is None else f"{_slope(previous, r):.0f}"
            add(
                f"| {r.size:,} | {r.plan_wall:.3f} | {min(p.wall for p in r.plans):.3f} | "
                f"{r.plan_maxrss_mb:.0f} | {r.plan_calls.total()} ({_calls(r.plan_calls)}) | "
                f"{r.expected_lists} | {marginal} |"
            )
            previous = r
        add("")
        all_plans = ", ".join(
            f"{r.size:,}: " + " / ".join(f"{p.wall:.3f}" for p in r.plans) for r in self.results
        )
        add(f"Every no-op plan run (s): {all_plans}.")
        add("")

    def _slow(self) -> None:
        if self.slow is None:
            return
        run = self.slow
        self.lines += [
            f"{SLOW_COUNT} new instances with create_seconds {SLOW_CREATE_SECONDS:g}: apply took "
            f"**{run.wall:.2f} s**, peak RSS {run.maxrss_mb:.0f} MB, "
            f"{run.total_calls} API calls ({_calls(run.calls)}).",
            "",
        ]

    def _target(self, name: str, ok: bool | None, measured: str) -> None:
        if ok is None:
            self.lines.append(f"| {name} | {measured} | not measured |")
            return
        self.failed |= not ok
        self.lines.append(f"| {name} | {measured} | {_verdict(ok)} |")

    def _targets(self) -> None:
        by_size = {r.size: r for r in self.results}
        self.lines += ["| target | measured | result |", "|---|---|---|"]
        for size, limit in ((1000, PLAN_1K_SECONDS), (10000, PLAN_10K_SECONDS)):
            r = by_size.get(size)
            self._target(
                f"no-op plan of {size:,} < {limit:g} s",
                None if r is None else r.plan_wall < limit,
                "–" if r is None else f"{r.plan_wall:.3f} s",
            )
        self._linear()
        for r in self.results:
            limit = r.expected_lists + self.call_slack
            lists = r.plan_calls.get("ListInstances", 0)
            self._target(
                f"no-op plan of {r.size:,}: ListInstances = ceil(N/100), total <= "
                f"ceil(N/100) + {self.call_slack}",
                lists == r.expected_lists and r.plan_calls.total() <= limit,
                f"{lists} list, {r.plan_calls.total()} total (limit {limit})",
            )
        slow = self.slow
        self._target(
            f"{SLOW_COUNT} creations of {SLOW_CREATE_SECONDS:g} s < {SLOW_APPLY_SECONDS:g} s",
            None if slow is None else slow.wall < SLOW_APPLY_SECONDS,
            "–" if slow is None else f"{slow.wall:.2f} s",
        )
        r = by_size.get(10000)
        peak = None if r is None else max(r.apply.maxrss_mb, r.plan_maxrss_mb)
        self._target(
            f"peak memory at 10,000 < {PEAK_MEMORY_10K_MB:g} MB",
            None if peak is None else peak < PEAK_MEMORY_10K_MB,
            "–"
            if r is None
            else f"apply {r.apply.maxrss_mb:.0f} MB, plan {r.plan_maxrss_mb:.0f} MB",
        )
        floor = [c for c in self._all_runs() if c.maxrss_mb <= self.runner_peak_mb + 0.5]
        if floor:
            self.lines += [
                "",
                f"Warning: {len(floor)} child(ren) reported no more than the runner's own peak "
                "RSS; their memory figures are an upper bound.",
            ]

    def _linear(self) -> None:
        """Marginal cost per instance over the lower sizes versus over the upper sizes.

        Wide segments keep start-up noise out: for 1k/2k/5k/10k it compares 1k->5k with 5k->10k.
        Linear growth gives a ratio near 1, quadratic growth about 2.5.
        """
        if len(self.results) < 3:
            self._target("no-op plan grows linearly", None, "needs >= 3 sizes")
            return
        first, pivot, last = self.results[0], self.results[len(self.results) // 2], self.results[-1]
        low = _slope(first, pivot)
        high = _slope(pivot, last)
        ok = high <= max(low, 1.0) * LINEAR_TOLERANCE
        self._target(
            f"no-op plan grows linearly (ms per 1,000 more instances over {pivot.size:,}-"
            f"{last.size:,} <= {LINEAR_TOLERANCE:g} x over {first.size:,}-{pivot.size:,})",
            ok,
            f"{low:.0f} then {high:.0f} ms per 1,000 (x{high / max(low, 1.0):.2f})",
        )

    def compare(self, baseline: Report, label: str) -> None:
        """Append the side-by-side table: this report's tree against `baseline`'s."""
        add = self.lines.append
        add("")
        add(f"## Side by side with the baseline ({label}: {baseline.revision})")
        add("")
        add("Same run, interleaved. Ratio = current / baseline (below 1 is faster now).")
        add("")
        add(
            "| scenario | current (s) | baseline (s) | ratio | current RSS (MB) "
            "| baseline RSS (MB) |"
        )
        add("|---|---:|---:|---:|---:|---:|")

        def row(name: str, now: float, then: float, now_mb: float, then_mb: float) -> None:
            add(
                f"| {name} | {now:.3f} | {then:.3f} | {now / then:.2f} "
                f"| {now_mb:.0f} | {then_mb:.0f} |"
            )

        for mine, theirs in zip(self.results, baseline.results, strict=True):
            row(
                f"no-op plan, {mine.size:,} (median)",
                mine.plan_wall,
                theirs.plan_wall,
                mine.plan_maxrss_mb,
                theirs.plan_maxrss_mb,
            )
            row(
                f"apply creating {mine.size:,}",
                mine.apply.wall,
                theirs.apply.wall,
                mine.apply.maxrss_mb,
                theirs.apply.maxrss_mb,
            )
        if self.slow is not None and baseline.slow is not None:
            row(
                f"{SLOW_COUNT} creations of {SLOW_CREATE_SECONDS:g} s",
                self.slow.wall,
                baseline.slow.wall,
                self.slow.maxrss_mb,
                baseline.slow.maxrss_mb,
            )

    def _all_runs(self) -> list[Run]:
        runs = [run for r in self.results for run in (r.apply, *r.plans)]
        return runs + ([self.slow] if self.slow else [])


# --- command line ---------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of integers: {text!r}"
        ) from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Time cccform plan/apply at scale on the local emulation, each command as "
        "its own process, and print a Markdown table with pass/fail per target.",
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help="comma-separated instance counts (default: 1000,2000,5000,10000)",
    )
    parser.add_argument(
        "--skip-slow",
        action="store_true",
        help=f"skip the {SLOW_COUNT} x {SLOW_CREATE_SECONDS:g} s creation scenario and every "
        f"size above {QUICK_MAX_SIZE:,}",
    )
    parser.add_argument("--output", type=Path, metavar="FILE", help="also write the report here")
    parser.add_argument(
        "--repeat", type=int, default=5, help="no-op plan runs per size (default 5; median used)"
    )
    parser.add_argument(
        "--per-file", type=int, default=1000, help="instances per YAML file (default 1000)"
    )
    parser.add_argument(
        "--call-slack",
        type=int,
        default=3,
        help="API calls a no-op plan may make beyond ceil(N/100) (default 3)",
    )
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds before a command is killed"
    )
    parser.add_argument(
        "--workdir", type=Path, help="where to generate configurations (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated directory")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="also measure the cccform in this checkout, interleaved, and compare side by side",
    )
    args = parser.parse_args(argv)
    if args.baseline is not None and not (args.baseline / "cccform" / "__init__.py").is_file():
        parser.error(f"--baseline {args.baseline}: not a cccform checkout (no cccform/__init__.py)")
    if args.repeat < 1 or args.per_file < 1:
        parser.error("--repeat and --per-file must be at least 1")
    if args.skip_slow:
        args.sizes = [s for s in args.sizes if s <= QUICK_MAX_SIZE]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="cccform-bench-", dir=args.workdir))
    else:
        workdir = Path(tempfile.mkdtemp(prefix="cccform-bench-"))
    runner = Runner(workdir, args.timeout)
    # Revisions first: others may commit while it runs.
    trees = [Tree("current", None, revision())]
    if args.baseline is not None:
        source = args.baseline.resolve()
        trees.append(Tree("baseline", source, revision(source)))
    print(f"working in {workdir}", file=sys.stderr)
    try:
        start = runner.spawn([sys.executable, "-c", "pass"], workdir)
        per_size = [bench_size(runner, trees, n, args.per_file, args.repeat) for n in args.sizes]
        slow = None if args.skip_slow else bench_slow(runner, trees, args.per_file)
    except BenchmarkError as error:
        print(f"error: {error}", file=sys.stderr)
        print(f"(files kept in {workdir})", file=sys.stderr)
        return 2
    runner_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reports = [
        Report(
            [results[i] for results in per_size],
            None if slow is None else slow[i],
            start,
            args.repeat,
            args.call_slack,
            runner_peak,
            tree.revision,
        )
        for i, tree in enumerate(trees)
    ]
    report = reports[0]
    text = report.build()
    if len(reports) > 1:
        reports[1].build()
        report.compare(reports[1], str(args.baseline))
        text = "\n".join(report.lines) + "\n"
    print(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    if args.keep:
        print(f"(files kept in {workdir})", file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
