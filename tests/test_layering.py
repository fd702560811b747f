"""The dependency rules of docs/architecture.md, checked on the source.

The import graph of the cccform package is read with `ast`: every `import` and `from ...
import` of a module, at module level or inside a function (and under TYPE_CHECKING: a
dependency all the same). Two kinds of rule, each a row of a table below:

- `Forbidden`: modules under `source` must not reach any module under `target`, directly or
  through other cccform modules. A failure names the chain of imports.
- `Confined`: only the modules under `allowed` may import the library `library` themselves
  (direct imports only: the point is one module in front of each library).
"""

from __future__ import annotations

import ast
import itertools
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "cccform"


@dataclass(frozen=True)
class Forbidden:
    """No module under `source` may reach a module under any of `targets`."""

    source: str
    targets: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Confined:
    """Only modules under `allowed` may import `library` (direct imports)."""

    library: str
    allowed: tuple[str, ...]


LOWER_LAYERS = ("config", "state", "plan", "apply", "providers", "kinds", "render")
LAYERS = tuple(f"cccform.{layer}" for layer in LOWER_LAYERS)

FORBIDDEN = [
    *(Forbidden(layer, ("cccform.cli",), "lower layers never import the CLI") for layer in LAYERS),
    Forbidden(
        "cccform.config",
        tuple(layer for layer in LAYERS if layer != "cccform.config"),
        "the configuration depends on no other layer",
    ),
    Forbidden(
        "cccform.state",
        tuple(layer for layer in LAYERS if layer not in ("cccform.state", "cccform.config")),
        "the state depends on no other layer but the configuration",
    ),
    Forbidden(
        "cccform.plan.planner",
        ("cccform.state.local", "cccform.state.lock", "cccform.providers", "cccform.refresh"),
        "the planner is pure: it never reaches the state files, a provider or the refresh",
    ),
]

FORBIDDEN += [
    Forbidden("cccform.run", ("cccform.render", "cccform.cli"), "the run never prints"),
    Forbidden("cccform.planning", ("cccform.render", "cccform.cli"), "the run never prints"),
    Forbidden(
        "cccform.plan",
        ("cccform.providers", "cccform.refresh", "cccform.apply", "cccform.run", "cccform.render"),
        "planning depends on data, never on what reads or changes it",
    ),
    Forbidden(
        "cccform.kinds",
        ("cccform.providers", "cccform.refresh", "cccform.apply", "cccform.run", "cccform.render"),
        "a kind knows the wire conventions, not the provider",
    ),
]

CONFINED = [
    Confined("click", ("cccform.cli",)),
    Confined("deepdiff", ("cccform.plan.diff",)),
    # Reading (libyaml events, positions), writing an import, and formatting (a round trip
    # that keeps comments): each use of ruamel.yaml a module of its own.
    Confined(
        "ruamel",
        ("cccform.config.yaml_reader", "cccform.config.yaml_writer", "cccform.config.yaml_format"),
    ),
    Confined("ccc_emulator", ("cccform.providers.local", "cccform.cli.commands.emulator")),
    Confined("psycopg", ("cccform.state.postgres",)),
]

# The planner is pure: none of these in its own imports. Direct, not transitive: the
# standard library is everywhere below it, and it reaches providers.ccc through the kinds.
PLANNER = "cccform.plan.planner"
PLANNER_BANNED = {
    "os",
    "time",
    "subprocess",
    "sqlite3",
    "cccform.providers.ccc",
    "cccform.state.local",
    "ccc_emulator",
}


# --- the import graph -----------------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def sources() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {module_name(path): path for path in sorted((ROOT / PACKAGE).rglob("*.py"))}


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def imported_names(module: str) -> set[str]:
    """The dotted names `module` imports anywhere in its source, relative ones resolved."""
    path = sources()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module, node.level, package)
            found.add(base)
            # `from package import module` imports the module too.
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def _resolve(name: str | None, level: int, package: str) -> str:
    if level == 0:
        return name or ""
    parts = package.split(".")
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, name] if name else base)


@cache
def graph() -> dict[str, frozenset[str]]:
    """cccform module -> the cccform modules it imports (a package counts as its __init__)."""
    known = sources()
    return {
        module: frozenset(name for name in imported_names(module) if name in known)
        for module in known
    }


Graph = Mapping[str, Iterable[str]]


def chain_to(source: str, targets: Iterable[str], edges: Graph | None = None) -> list[str] | None:
    """The shortest import chain from `source` to a module under one of `targets`."""
    edges = graph() if edges is None else edges
    targets = tuple(targets)
    came_from: dict[str, str | None] = {source: None}
    queue = deque([source])
    while queue:
        module = queue.popleft()
        if module != source and any(under(module, target) for target in targets):
            path = [module]
            while (previous := came_from[path[-1]]) is not None:
                path.append(previous)
            return path[::-1]
        for imported in sorted(edges.get(module, ())):
            if imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    return None


# Rules that need the list of modules.

SHARED_VOCABULARY = ("cccform.plan.models", "cccform.live")
FORBIDDEN += [
    Forbidden(
        "cccform.kinds",
        tuple(
            module
            for module in sources()
            if under(module, "cccform.plan") and module not in ("cccform.plan", *SHARED_VOCABULARY)
        ),
        "of the plan, a kind uses only its vocabulary (plan.models), never the planner",
    ),
    *(
        Forbidden(
            vocabulary,
            (*LAYERS, "cccform.run", "cccform.refresh", "cccform.binding", "cccform.wire"),
            "the shared vocabulary depends on addresses alone",
        )
        for vocabulary in SHARED_VOCABULARY
    ),
]


# --- the rules ------------------------------------------------------------------------------


def test_the_graph_sees_the_package() -> None:
    assert "cccform.plan.planner" in graph()
    assert "cccform.plan.models" in graph()["cccform.plan.planner"]


def broken_chains(rule: Forbidden, edges: Graph) -> list[str]:
    """Each module under the rule's source that reaches a target, with its chain of imports."""
    return [
        " -> ".join(found)
        for module in sorted(edges)
        if under(module, rule.source)
        and (found := chain_to(module, rule.targets, edges)) is not None
    ]


@pytest.mark.parametrize("rule", FORBIDDEN, ids=lambda rule: f"{rule.source}->{rule.targets}")
def test_forbidden_dependencies_are_not_reached_even_indirectly(rule: Forbidden) -> None:
    broken = broken_chains(rule, graph())
    assert broken == [], f"{rule.why}:\n" + "\n".join(broken)


@pytest.mark.parametrize("rule", CONFINED, ids=lambda rule: rule.library)
def test_libraries_stay_behind_their_module(rule: Confined) -> None:
    offenders = [
        module
        for module in sorted(sources())
        if any(under(name, rule.library) for name in imported_names(module))
        and not any(under(module, allowed) for allowed in rule.allowed)
    ]
    assert offenders == []


def test_the_planner_does_no_io() -> None:
    assert imported_names(PLANNER) & PLANNER_BANNED == set()


def test_a_broken_rule_names_the_shortest_chain_of_imports() -> None:
    edges = {
        "p.planner": ["p.models", "p.refresh"],
        "p.refresh": ["q.agents"],
        "p.models": ["p.util"],
        "p.util": ["q.agents"],
        "q.agents": ["q.ccc"],
        "q.ccc": [],
    }
    rule = Forbidden("p.planner", ("q.ccc",), "why")
    assert broken_chains(rule, edges) == ["p.planner -> p.refresh -> q.agents -> q.ccc"]
    assert broken_chains(Forbidden("q", ("p",), "why"), edges) == []


def test_the_graph_follows_real_imports() -> None:
    chain = chain_to("cccform.cli.main", ("cccform.plan.models",))
    assert chain is not None
    assert chain[0] == "cccform.cli.main" and chain[-1] == "cccform.plan.models"
    for importer, imported in itertools.pairwise(chain):
        assert imported in graph()[importer], chain
