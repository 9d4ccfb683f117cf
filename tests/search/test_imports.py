"""search/ is a platform service: it imports no content app (they register themselves with
it), and its modules import each other without a cycle — function-level imports
included, since a lazy import is only a cycle postponed."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "search"
#: What search may use of the portal: the access rule (and its countries and networks),
#: and the conventions for background work (index writes are retried tasks).
PLATFORM = ("portal.access", "portal.core.tasks", "portal.core.batching")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file, resolved to absolute names
    (``from . import views`` names the submodule when there is one)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                as_path = ROOT.joinpath(*candidate.split("."))
                if as_path.with_suffix(".py").exists() or (as_path / "__init__.py").exists():
                    found.add(candidate)
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def test_the_graph_is_read_from_every_module():
    graph = _graph()
    # Sanity of the reader itself: known edges are found, lazy ones included.
    assert "search.backends.base" in graph["search.engine"]
    assert "search.backends.database" in graph["search.engine"]  # a function-level import
    assert "search.views" in graph["search.urls"]  # ``from . import views``
    assert "portal.access.models" in graph["search.facets"]  # lazy, and allowed
    assert len(graph) >= 15


def _refused(name: str) -> bool:
    """A content app (any portal package but the platform's) or the tests."""
    top = name.split(".")[0]
    if top == "tests":
        return True
    allowed = any(name == p or name.startswith(p + ".") for p in PLATFORM)
    return top == "portal" and not allowed


def test_search_imports_no_content_app():
    graph = _graph()
    offenders = sorted(
        f"{m} imports {n}" for m, names in graph.items() for n in names if _refused(n)
    )
    assert offenders == []
    assert _refused("portal.specimens.models") and _refused("portal") and not _refused("django")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every loop of imports among the modules of ``graph`` (depth-first)."""
    internal = {module: {n for n in names if n in graph} for module, names in graph.items()}
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for name in sorted(internal[module]):
            if name in path:
                cycles.append([*path[path.index(name) :], name])
            elif name not in done:
                visit(name, [*path, name])
        done.add(module)

    for module in sorted(internal):
        if module not in done:
            visit(module, [module])
    return cycles


def test_no_module_of_search_imports_itself_back():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    """The check above would see a loop like the one engine.py and the backends once had."""
    assert _cycles({"a": {"b"}, "b": {"c", "x"}, "c": {"a"}, "x": set()}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": {"x"}, "x": set()}) == []
