"""Data flows one way: the import graph of ``geo`` has no cycle.

The graph is read from the source with :mod:`ast`: every ``import`` and ``from … import`` of a
``geo`` module counts, also inside functions (an import deferred for speed is still a
dependency); only ``if TYPE_CHECKING:`` blocks, which never run, are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

GEO = Path(__file__).resolve().parent.parent / "geo"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(GEO.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(GEO.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, here: str) -> set[str]:
    found: set[str] = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            found |= _imports(ast.Module(body=node.orelse, type_ignores=[]), here)
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = here.split(".") + (["__init__"] if here in _PACKAGES else [])
                package = parts[: -node.level]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:  # a submodule, else a name defined in ``base``
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
        found |= _imports(node, here)
    return found


_PACKAGES = {name for name, p in MODULES.items() if p.name == "__init__.py"}


def import_graph() -> dict[str, set[str]]:
    """Module → the ``geo`` modules it imports. Parent packages, which Python imports before
    any of their modules, are not edges: ``from geo.io import crs`` depends on ``geo.io.crs``.
    """
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = {m for m in _imports(tree, name) if m in MODULES and m != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle as ``[a, b, …, a]``, or ``[]``."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_the_checker_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_deferred_imports() -> None:
    graph = import_graph()
    assert "geo.pipeline" in graph["geo.api"]
    assert "geo.maps.interactive" in graph["geo.api"]  # imported inside Build.explore
    assert "geo.io" in graph["geo.pipeline"]


def test_geo_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle == [], " → ".join(cycle)


def test_import_geo_itself_is_light() -> None:
    assert import_graph()["geo"] <= {"geo._errors", "geo._version"}


def test_long_modules_say_why() -> None:
    """A module over ~500 lines is split, or its docstring gives the reason."""
    unexplained = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 550:
            doc = ast.get_docstring(ast.parse(text)) or ""
            if "Why one module of this length" not in doc:
                unexplained.append(f"{name} ({text.count(chr(10))} lines)")
    assert unexplained == [], unexplained
