"""The layers import only what docs/architecture.md allows: a case table over every module of src/backfit.

tests/test_core_imports.py checks the third-party side (the core imports no web framework, database or
pose model); this file checks backfit's own layers against each other, function-level imports included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# layer -> the backfit modules it must never import (a prefix matches the module and its children).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "backfit.catalog": (
        "backfit.plan",
        "backfit.session",
        "backfit.pose",
        "backfit.adapters",
        "backfit.store",
        "backfit.services",
        "backfit.web",
        "backfit.cli",
    ),
    "backfit.plan": (
        "backfit.session",
        "backfit.pose",
        "backfit.adapters",
        "backfit.store",
        "backfit.services",
        "backfit.web",
        "backfit.cli",
    ),
    "backfit.session": (
        "backfit.pose",
        "backfit.adapters",
        "backfit.store",
        "backfit.services",
        "backfit.web",
        "backfit.cli",
    ),
    "backfit.pose": (
        "backfit.plan",
        "backfit.session",
        "backfit.adapters",
        "backfit.store",
        "backfit.services",
        "backfit.web",
        "backfit.cli",
    ),
    "backfit.adapters": ("backfit.store", "backfit.web", "backfit.cli"),
    "backfit.store": ("backfit.services", "backfit.adapters", "backfit.web", "backfit.cli"),
    "backfit.services": ("backfit.web", "backfit.cli"),
    # Routes and commands are thin: every query goes through services/.
    "backfit.web": ("backfit.cli", "backfit.store.repositories"),
    "backfit.cli": ("backfit.store.repositories",),
}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")


def imports_of(source: str) -> set[str]:
    """Every absolute backfit module named by an import statement anywhere in ``source`` (type-only imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "backfit" or name.startswith("backfit.")}


def violations(module: str, imported: set[str]) -> list[str]:
    """The forbidden modules (as named in FORBIDDEN) that ``module`` imports."""
    layer = next((prefix for prefix in FORBIDDEN if module == prefix or module.startswith(prefix + ".")), None)
    if layer is None:
        return []
    return sorted(
        {banned for name in imported for banned in FORBIDDEN[layer] if name == banned or name.startswith(banned + ".")}
    )


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_module_imports_only_what_its_layer_may(path: Path) -> None:
    module = module_name(path)
    assert violations(module, imports_of(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        pytest.param(
            "backfit.web.routes.x",
            "from backfit.store import repositories as repo\n",
            ["backfit.store.repositories"],
            id="route-queries-the-store",
        ),
        pytest.param(
            "backfit.cli.x",
            "def f():\n    from backfit.store.repositories import latest\n",
            ["backfit.store.repositories"],
            id="function-level-import",
        ),
        pytest.param("backfit.pose.x", "import backfit.services.live\n", ["backfit.services"], id="core-to-services"),
        pytest.param("backfit.web.routes.x", "from backfit.services import profiles\n", [], id="route-to-services"),
        pytest.param("backfit.services.x", "from backfit.store.models import Profile\n", [], id="service-to-store"),
    ],
)
def test_the_check_can_fail(module: str, source: str, expected: list[str]) -> None:
    assert violations(module, imports_of(source)) == expected


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """Module -> the other backfit modules it imports (a name is taken to its nearest module; a module
    importing its own package does not count, since a package's __init__ may gather its modules)."""

    def nearest(name: str) -> str:
        while name and name not in sources:
            name = name.rpartition(".")[0]
        return name

    graph: dict[str, set[str]] = {}
    for module, source in sources.items():
        targets = {nearest(name) for name in imports_of(source)}
        graph[module] = {t for t in targets if t and t != module and not module.startswith(t + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or around a loop (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_two_modules_import_each_other() -> None:
    sources = {module_name(p): p.read_text(encoding="utf-8") for p in MODULES}
    assert cycles(import_graph(sources)) == []


def test_the_cycle_check_can_fail() -> None:
    sources = {
        "backfit.services.a": "from backfit.services.b import x\n",
        "backfit.services.b": "def f():\n    from backfit.services import c\n",
        "backfit.services.c": "import backfit.services.a\n",
        "backfit.services.d": "from backfit.services.a import y\n",
    }
    assert cycles(import_graph(sources)) == [["backfit.services.a", "backfit.services.b", "backfit.services.c"]]


BENCHMARKS = sorted((SRC.parent / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("path", BENCHMARKS, ids=[p.stem for p in BENCHMARKS])
def test_benchmarks_import_backfit_not_the_tests(path: Path) -> None:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    assert not {name for name in found if name == "tests" or name.startswith("tests.")}
