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
    assert "geo._drawing" in graph["geo.api"]  # imported inside Build.explore
    assert "geo.maps.interactive" in graph["geo._drawing"]  # inside explore_map
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


# ------------------------------------------------------------ the library and the command line

#: Calls that belong to a program, not a library: they change the process or the interpreter
#: (fork, kill, exit, garbage-collector and signal settings, the root logger) or talk to a user.
_PROGRAM_CALLS = {
    ("os", "fork"), ("os", "forkpty"), ("os", "_exit"), ("os", "kill"), ("os", "killpg"),
    ("sys", "exit"), ("gc", "freeze"), ("gc", "disable"), ("gc", "unfreeze"),
    ("signal", "signal"), ("logging", "basicConfig"), ("multiprocessing", "set_start_method"),
}


def _program_calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                node.module or ""]
            found += [f"line {node.lineno}: import {n}" for n in names if n == "argparse"]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in {"print", "__import__", "input"}:
            found.append(f"line {node.lineno}: {func.id}()")
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            call = (func.value.id, func.attr)
            # os.kill(pid, 0) only asks whether a process is alive (the output-folder lock)
            probe = call == ("os", "kill") and len(node.args) == 2 and isinstance(
                node.args[1], ast.Constant) and node.args[1].value == 0
            if call in _PROGRAM_CALLS and not probe:
                found.append(f"line {node.lineno}: {'.'.join(call)}()")
    return found


def test_the_checker_finds_program_calls() -> None:
    code = ("import argparse\nimport os, gc\nprint(1)\nos.fork()\nos.kill(1, 9)\n"
            "os.kill(1, 0)\ngc.freeze()\nlogging.basicConfig()\n__import__('x')\n")
    assert _program_calls(ast.parse(code)) == [
        "line 1: import argparse", "line 3: print()", "line 4: os.fork()", "line 5: os.kill()",
        "line 7: gc.freeze()", "line 8: logging.basicConfig()", "line 9: __import__()"]


def test_only_the_command_line_parses_prints_or_changes_the_process() -> None:
    """No argparse, print, fork, self-kill, exit, ``gc.freeze`` or ``logging.basicConfig`` in
    the library: those live in ``geo.cli`` (and its entry point), nowhere else."""
    offenders = {}
    for name, path in MODULES.items():
        if name == "geo.cli" or name.startswith("geo.cli."):
            continue
        found = _program_calls(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[name] = found
    assert offenders == {}


def test_the_library_reads_no_test_hook_from_the_environment() -> None:
    hooks = [name for name, path in MODULES.items()
             if "ROUTERISK_TEST" in path.read_text(encoding="utf-8")]
    assert hooks == []


def test_the_command_line_imports_every_command_explicitly() -> None:
    """Each command is a module of ``geo.cli`` imported by name: none found by a string, none
    skipped because it failed to import."""
    from geo import cli

    tree = ast.parse(MODULES["geo.cli"].read_text(encoding="utf-8"))
    assert not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                   and n.func.id == "__import__" for n in ast.walk(tree))
    assert "importlib" not in import_graph()["geo.cli"]
    commands = {p.stem for p in (GEO / "cli").glob("*.py") if not p.stem.startswith("_")}
    assert {m.__name__.rsplit(".", 1)[1] for m in cli.COMMANDS} == commands
    registered = set(cli.parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert registered == {"build", "validate", "compare", "route", "corridor", "import",
                          "config", "backtest", "tune", "extract", "docs"}


def test_the_readme_tree_names_real_rooms() -> None:
    """Every module and package the README's "Where things live" tree names exists, and every
    public top-level room of ``geo`` is in it."""
    import re

    readme = (GEO.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Where things live", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    named = set()
    for line in (x for x in block.splitlines() if re.match(r"  \S", x)):  # not continuations
        head = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        named |= {n.strip() for n in head.split(",") if n.strip()}
    paths = {n.rstrip("/") for n in named if n.endswith((".py", "/"))}
    missing = sorted(n for n in paths if not (GEO / n).exists())
    assert missing == [], missing
    rooms = {p.name for p in GEO.iterdir()
             if not p.name.startswith(("_", ".")) and (p.suffix == ".py" or p.is_dir())}
    reexports = {"risk.py", "network.py", "routes.py", "fit.py", "forecast.py", "calibration.py"}
    unnamed = sorted(rooms - paths - reexports - {"py.typed"})
    assert unnamed == [], f"add to the README's tree: {unnamed}"
