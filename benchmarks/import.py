"""Benchmark `cccform import` on a large account, against a no-op plan of the same account.

Usage::

    .venv/bin/python benchmarks/import.py                   # 1,000 instances + one large one
    .venv/bin/python benchmarks/import.py --instances 200 --agents 500 --output results.md
    .venv/bin/python benchmarks/import.py --help

It builds, on the embedded emulation with ``create_seconds: 0``, an account of ``--instances``
small instances (default 1,000; as ``benchmarks/run.py`` writes them) plus one instance with
``--agents`` agents (default 2,000), ``--groups`` skill groups (50), ``--flows`` flows (20) and
``--numbers`` numbers (100), as ``benchmarks/contents.py`` writes it. Then, each as its own
process (``python -m cccform``, start-up included), it measures wall time, peak memory and API
calls of:

1. a no-op ``plan`` of the configuration that built the account (``--repeat`` times; median);
2. ``import --provider local --local-path`` the account's emulation into a fresh directory, as
   a team with no configuration yet runs it (``--repeat`` times; median), and, for comparison,
   ``import --from`` the configuration, which loads that configuration to find its provider;
3. ``validate`` of the imported directory (``--repeat`` times; median);
4. the first ``plan --json`` in the imported directory, which must adopt everything and
   change nothing.

Targets: the import (step 2, first form) costs at most twice a no-op plan of the same account;
its files validate in at most the time of that plan; the import makes at most ceil(n/100) List
calls per kind per instance plus a constant, and nothing but List calls. Time is compared as
each process's CPU time (user + system, from ``os.wait4``), medians of runs interleaved step
by step: on the shared machine the benchmarks run on, wall times of one command move by 2x
between consecutive runs, while CPU times move by a few percent. Wall times are reported
beside them. Timed runs have no debug log (its line per API call weighs on a run of thousands
of calls); one more run of the plan and of the import, with it, counts the calls. The exit status
is 0 when every target is met, 1 otherwise, 2 when a command fails.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import contents
from run import BenchmarkError, Run, Runner, expect, machine, revision
from run import write_config as write_instances

IMPORT_VS_PLAN = 2.0
VALIDATE_VS_PLAN = 1.0
CALL_SLACK = 3  # ListInstances pages aside: nothing else is needed
KINDS = ("ListSkillGroups", "ListUsers", "ListContactFlows", "ListPhoneNumbers")


def build_account(directory: Path, args: argparse.Namespace) -> None:
    """The small instances (settings.yaml holds the provider) and the large one in big.yaml."""
    write_instances(directory, args.instances, 0, 1000)
    contents.write_config(directory, args)
    document = json.loads((directory / "cccform.yaml").read_text())
    del document["provider"]  # settings.yaml has it
    (directory / "cccform.yaml").unlink()
    # the small instances hold 0571... numbers; the large one takes 0572...
    text = json.dumps(document, indent=1).replace('"0571', '"0572')
    (directory / "big.yaml").write_text(text + "\n")


def list_budget(args: argparse.Namespace) -> int:
    """At most ceil(n/100) List calls per kind per instance (n with the platform's defaults),
    plus the pages of ListInstances and the constant."""
    small = int(args.instances) * len(KINDS)  # each holds fewer than 100 of every kind
    big = sum(
        math.ceil((n + 1) / 100) for n in (args.groups, args.agents, args.flows, args.numbers)
    )
    return int(small + big + math.ceil((args.instances + 1) / 100) + CALL_SLACK)


def median(runs: list[Run]) -> float:
    return statistics.median(run.wall for run in runs)


def median_cpu(runs: list[Run]) -> float:
    return statistics.median(run.cpu for run in runs)


@dataclass
class Steps:
    """The timed runs of each step (no debug log), and one run of each with the log, whose
    API calls are counted: the log's line per call would weigh on a run of thousands."""

    timed: dict[str, list[Run]] = field(default_factory=dict)
    counted: dict[str, Run] = field(default_factory=dict)

    def add(self, step: str, run: Run) -> None:
        self.timed.setdefault(step, []).append(run)


PLAN, IMPORT, FROM, VALIDATE, ADOPT = (
    "no-op plan of the account",
    "import --provider local",
    "import --from the configuration (loads it, as the plan does)",
    "validate of the imported files",
    "first plan of the imported files (adopts all)",
)


def report(args: argparse.Namespace, steps: Steps) -> tuple[str, bool]:
    timed = steps.timed
    plan_cpu, import_cpu, validate_cpu = (median_cpu(timed[s]) for s in (PLAN, IMPORT, VALIDATE))
    plan_wall, import_wall, validate_wall = (median(timed[s]) for s in (PLAN, IMPORT, VALIDATE))
    counted = steps.counted[IMPORT]
    not_list = {a: n for a, n in counted.calls.items() if not a.startswith("List")}
    checks = [
        (
            f"import at most {IMPORT_VS_PLAN:g}x a no-op plan",
            f"CPU {import_cpu:.2f} s / {plan_cpu:.2f} s = {import_cpu / plan_cpu:.2f}x "
            f"(wall {import_wall / plan_wall:.2f}x)",
            import_cpu <= IMPORT_VS_PLAN * plan_cpu,
        ),
        (
            "validate of the imported files at most the time of a no-op plan",
            f"CPU {validate_cpu:.2f} s / {plan_cpu:.2f} s = {validate_cpu / plan_cpu:.2f}x "
            f"(wall {validate_wall / plan_wall:.2f}x)",
            validate_cpu <= VALIDATE_VS_PLAN * plan_cpu,
        ),
        (
            "import: List calls only, at most ceil(n/100) per kind per instance + a constant",
            f"{counted.total_calls} calls (budget {list_budget(args)}), other {not_list or 0}",
            not not_list and counted.total_calls <= list_budget(args),
        ),
    ]
    lines = [
        f"Account: {args.instances:,} instances, plus one with {args.agents:,} agents, "
        f"{args.groups} skill groups, {args.flows} flows, {args.numbers} numbers. Medians of "
        f"{args.repeat} runs of each step, interleaved.",
        "",
        "| step | wall (s) | CPU (s) | peak RSS (MB) | API calls |",
        "|---|---:|---:|---:|---|",
    ]
    for step, runs in timed.items():
        calls = steps.counted.get(step, runs[0]).calls
        shown = ", ".join(f"{a} {n}" for a, n in sorted(calls.items())) or "none"
        lines.append(
            f"| {step} | {median(runs):.3f} | {median_cpu(runs):.3f} "
            f"| {max(r.maxrss_mb for r in runs):.0f} | {sum(calls.values())}: {shown} |"
        )
    lines += ["", "| target | measured | result |", "|---|---|---|"]
    lines += [
        f"| {name} | {value} | {'pass' if ok else '**FAIL**'} |" for name, value, ok in checks
    ]
    return "\n".join(lines) + "\n", all(ok for _, _, ok in checks)


def run_all(runner: Runner, workdir: Path, args: argparse.Namespace) -> tuple[str, bool]:
    account = workdir / "account"
    build_account(account, args)
    built = runner.cccform("apply", "--auto-approve", ".", cwd=account)
    expect(built, code=0, text="Apply complete!", what="apply building the account")
    emulation = str(account / ".cccform")

    def plan(log_calls: bool) -> Run:
        run = runner.cccform("plan", ".", cwd=account, log_calls=log_calls)
        expect(run, code=0, text="No changes", what="no-op plan")
        return run

    def imported(out: str, log_calls: bool, *source: str) -> Run:
        source = source or ("--provider", "local", "--local-path", emulation)
        run = runner.cccform("import", *source, "--out", out, cwd=workdir, log_calls=log_calls)
        expect(run, code=0, text="Imported", what=f"import {' '.join(source)}")
        return run

    steps = Steps()
    for n in range(args.repeat):
        steps.add(PLAN, plan(False))
        steps.add(IMPORT, imported(f"imported-{n}", False))
        steps.add(FROM, imported(f"through-config-{n}", False, "--from", "account"))
        checked = runner.cccform("validate", f"imported-{n}", cwd=workdir, log_calls=False)
        expect(checked, code=0, text="Success!", what="validate of the imported files")
        steps.add(VALIDATE, checked)
    steps.counted[PLAN] = plan(True)
    steps.counted[IMPORT] = steps.counted[FROM] = imported("counted", True)
    adopt = runner.cccform("plan", "--json", ".", cwd=workdir / "imported-0")
    expect(adopt, code=0, text='"changes"', what="first plan of the imported files")
    changes = json.loads(adopt.stdout_path.read_text())["changes"]
    others = sorted({c["action"] for c in changes} - {"adopt"})
    if others:
        raise BenchmarkError(f"the first plan of the imported files also has {others}")
    steps.add(ADOPT, adopt)
    return report(args, steps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=1000)
    contents.add_size_arguments(parser)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each step (median)")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cccform-bench-import-") as temp:
        workdir = Path(temp)
        try:
            table, ok = run_all(Runner(workdir, args.timeout), workdir, args)
        except BenchmarkError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 2
    text = "\n".join(["## Import of a large account", "", *machine(revision()), "", table])
    print(text)
    if args.output:
        args.output.write_text(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
