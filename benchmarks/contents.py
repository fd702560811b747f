"""Benchmark cccform on one large call center: what lives inside an instance.

Usage::

    .venv/bin/python benchmarks/contents.py                 # 2,000 agents, 50 groups, ...
    .venv/bin/python benchmarks/contents.py --agents 500 --output results.md
    .venv/bin/python benchmarks/contents.py --help

It writes one instance holding ``--agents`` agents (default 2,000), each in 3 of ``--groups``
skill groups (default 50), ``--flows`` contact flows (default 20, one definition file each) and
``--numbers`` phone numbers (default 100) routed to those flows, on the embedded emulation with
``create_seconds: 0``. Then, each as its own process (``python -m cccform``, start-up included),
it measures the wall time, peak memory and API calls of:

1. the ``apply --auto-approve`` that creates it all;
2. a following no-op ``plan`` (``--repeat`` times; the median time is reported);
3. an ``apply`` that changes one agent's skills (a new level in one group, leaving one group and
   joining another).

Targets: the no-op plan under 1 s, with at most ceil(n/100) List calls per kind plus a small
constant; changing one agent's skills costs at most 2 write calls. The exit status is 0 when
every target is met, 1 otherwise, 2 when a command fails.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
from pathlib import Path

from run import BenchmarkError, Run, Runner, expect, machine, revision

INSTANCE = "big"
ACCESS_PATH = "bench-big"
SKILLS_PER_AGENT = 3
PLAN_SECONDS = 1.0
MAX_SKILL_WRITES = 2
LIST_KINDS = {
    "ListUsers": "agents",
    "ListSkillGroups": "groups",
    "ListContactFlows": "flows",
    "ListPhoneNumbers": "numbers",
}


def numbers(count: int) -> list[str]:
    return [f"0571{n:08d}" for n in range(count)]


def agent_skills(index: int, groups: int, shift: int = 0) -> dict[str, int]:
    chosen = [(index + k * 7 + shift) % groups for k in range(SKILLS_PER_AGENT)]
    return {f"group{g:02d}": 1 + (index + g) % 10 for g in dict.fromkeys(chosen)}


def write_config(directory: Path, args: argparse.Namespace, changed: bool = False) -> None:
    """The instance as JSON-style YAML (valid YAML), and one definition file per flow."""
    (directory / "flows").mkdir(parents=True, exist_ok=True)
    for f in range(args.flows):
        definition = {
            "activities": [
                {"id": "start", "type": "INCOMING_CALL", "next": "say"},
                {"id": "say", "type": "PLAY_SAY", "text": f"Flow {f}", "next": "queue"},
                {"id": "queue", "type": "TRANSFER_TO_SKILL_GROUP", "skillGroup": f"group{f:02d}"},
            ]
        }
        (directory / "flows" / f"flow{f:02d}.json").write_text(json.dumps(definition))
    agents = {}
    for a in range(args.agents):
        skills = agent_skills(a, args.groups)
        if changed and a == 0:
            skills = _changed_skills(skills, args.groups)
        agents[f"agent{a:05d}"] = {
            "display_name": f"Agent {a}",
            "email": f"agent{a:05d}@example.com",
            "skills": skills,
        }
    phone_numbers = numbers(args.numbers)
    instance = {
        "name": "Benchmark Center",
        "access_path": ACCESS_PATH,
        "phone_numbers": phone_numbers,
        "admins": ["248613806810701"],
        "deletion_protection": False,
        "skill_groups": {
            f"group{g:02d}": {"display_name": f"Group {g}"} for g in range(args.groups)
        },
        "agents": agents,
        "flows": {
            f"flow{f:02d}": {
                "description": f"Flow {f}",
                "definition_file": f"flows/flow{f:02d}.json",
            }
            for f in range(args.flows)
        },
        "numbers": {
            number: {
                "usage": "Inbound",
                "flow": f"flow{n % args.flows:02d}",
                "skill_groups": [f"group{n % args.groups:02d}"],
            }
            for n, number in enumerate(phone_numbers)
        },
    }
    document = {
        "provider": {"type": "local", "create_seconds": 0},
        "instances": {INSTANCE: instance},
    }
    (directory / "cccform.yaml").write_text(json.dumps(document, indent=1) + "\n")


def _changed_skills(skills: dict[str, int], groups: int) -> dict[str, int]:
    """One new level, one group left, one group joined."""
    names = list(skills)
    changed = {names[0]: skills[names[0]] % 10 + 1}
    if len(names) > 2:
        changed[names[2]] = skills[names[2]]
    joined = next(f"group{g:02d}" for g in range(groups) if f"group{g:02d}" not in skills)
    changed[joined] = 4
    return changed


def writes(run: Run) -> int:
    return sum(n for action, n in run.calls.items() if not action.startswith(("List", "Get")))


def _write_calls(run: Run) -> str:
    found = sorted((a, n) for a, n in run.calls.items() if not a.startswith(("List", "Get")))
    return ", ".join(f"{action} {n}" for action, n in found)


def report(
    args: argparse.Namespace, create: Run, plans: list[Run], change: Run
) -> tuple[str, bool]:
    plan_wall = statistics.median(run.wall for run in plans)
    plan_calls = plans[0].calls
    sizes = {
        "agents": args.agents + 1,
        "groups": args.groups + 1,
        "flows": args.flows + 1,
        "numbers": args.numbers,
    }  # + the platform's administrator, group and flow
    list_ok = all(
        plan_calls.get(action, 0) <= math.ceil(sizes[kind] / 100)
        for action, kind in LIST_KINDS.items()
    )
    other = sum(n for action, n in plan_calls.items() if action not in LIST_KINDS)
    checks = [
        (f"no-op plan under {PLAN_SECONDS:g} s", f"{plan_wall:.3f} s", plan_wall < PLAN_SECONDS),
        (
            "no-op plan: at most ceil(n/100) List calls per kind, plus a small constant",
            ", ".join(f"{a} {plan_calls.get(a, 0)}" for a in LIST_KINDS) + f"; other {other}",
            list_ok and other <= 3,
        ),
        (
            f"changing one agent's skills: at most {MAX_SKILL_WRITES} write calls",
            f"{writes(change)} ({_write_calls(change)})",
            writes(change) <= MAX_SKILL_WRITES,
        ),
    ]
    lines = [
        f"Instance: {args.agents:,} agents ({SKILLS_PER_AGENT} skill groups each), "
        f"{args.groups} skill groups, {args.flows} flows, {args.numbers} numbers.",
        "",
        "| step | wall (s) | peak RSS (MB) | API calls |",
        "|---|---:|---:|---|",
    ]
    for label, run in (
        ("apply creating it all", create),
        ("no-op plan (median)", plans[0]),
        ("apply changing one agent's skills", change),
    ):
        wall = plan_wall if run is plans[0] else run.wall
        calls = ", ".join(f"{a} {n}" for a, n in sorted(run.calls.items()))
        lines.append(f"| {label} | {wall:.3f} | {run.maxrss_mb:.0f} | {run.total_calls}: {calls} |")
    lines += ["", "| target | measured | result |", "|---|---|---|"]
    lines += [
        f"| {name} | {value} | {'pass' if ok else '**FAIL**'} |" for name, value, ok in checks
    ]
    return "\n".join(lines) + "\n", all(ok for _, _, ok in checks)


def add_size_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that size the large instance (`write_config` reads them)."""
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--flows", type=int, default=20)
    parser.add_argument("--numbers", type=int, default=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_size_arguments(parser)
    parser.add_argument("--repeat", type=int, default=5, help="no-op plan runs (median used)")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cccform-bench-contents-") as temp:
        workdir = Path(temp)
        runner = Runner(workdir, args.timeout)
        directory = workdir / "config"
        write_config(directory, args)
        try:
            create = runner.cccform("apply", "--auto-approve", ".", cwd=directory)
            expect(create, code=0, text="Apply complete!", what="apply creating the instance")
            plans = []
            for _ in range(args.repeat):
                plan = runner.cccform("plan", ".", cwd=directory)
                expect(plan, code=0, text="No changes", what="no-op plan")
                plans.append(plan)
            write_config(directory, args, changed=True)
            change = runner.cccform("apply", "--auto-approve", ".", cwd=directory)
            expect(change, code=0, text="Apply complete!", what="apply changing one agent")
        except BenchmarkError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 2
        table, ok = report(args, create, plans, change)
    text = "\n".join(["## Contents of one large instance", "", *machine(revision()), "", table])
    print(text)
    if args.output:
        args.output.write_text(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
