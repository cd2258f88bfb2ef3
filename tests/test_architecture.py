"""Layers you can see: no import cycle inside `autograd`, no private name used across modules.

Imports are read from the source (every ``import`` statement, those inside functions included;
only ``if TYPE_CHECKING:`` blocks are left out, as they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except those under ``if TYPE_CHECKING:``."""
    found: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that module ``name`` imports when it runs."""
    found: set[str] = set()
    for node in runtime_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(name, path.name == "__init__.py", node)
            # `from autograd import ops` imports the module autograd.ops
            targets = [
                f"{source}.{a.name}" if f"{source}.{a.name}" in known else source
                for a in node.names
            ]
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (a list of modules, the first repeated at the end), or None."""
    state: dict[str, str] = {}
    for start in sorted(edges):
        if start in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, list[str]]] = [(start, sorted(edges[start]))]
        state[start] = "open"
        path.append(start)
        while stack:
            node, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                state[node] = "done"
                continue
            nxt = todo.pop()
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                state[nxt] = "open"
                path.append(nxt)
                stack.append((nxt, sorted(edges[nxt])))
    return None


def import_graph(package: str) -> dict[str, set[str]]:
    found = modules(package)
    known = set(found)
    return {name: imports(name, path, known) for name, path in found.items()}


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_function_level_and_relative_imports_are_read(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg import hidden\n"
        "def f():\n    from .b import x\n    import pkg.c\n"
    )
    path = tmp_path / "a.py"
    path.write_text(source)
    assert imports("pkg.a", path, {"pkg.b", "pkg.c", "pkg.hidden"}) == {"pkg.b", "pkg.c"}


BACK_EDGES = {("autograd.value", "autograd.graph"), ("autograd.value", "autograd.copying")}
"""The imports up the layers: `Value`'s methods that walk a whole graph (``backward``; copies
and pickles) import the module that does it when called."""


def test_no_import_cycle_inside_autograd() -> None:
    edges = import_graph("autograd")
    assert {"autograd.value", "autograd.graph", "autograd.higher"} <= set(edges)
    assert "autograd.value" in edges["autograd.graph"]  # the graph is really read
    for importer, imported in BACK_EDGES:
        assert imported in edges[importer], "gone: remove from BACK_EDGES"
        edges[importer] = edges[importer] - {imported}
    cycle = find_cycle({name: targets - {"autograd"} for name, targets in edges.items()})
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_only_the_package_root_imports_the_package_root() -> None:
    """`import autograd` inside the engine would run every module: a cycle in all but name."""
    importers = sorted(
        name
        for name, targets in import_graph("autograd").items()
        if "autograd" in targets and name not in ("autograd.testing", "autograd.__main__")
    )
    assert importers == []


# ---------------------------------------------------------------- private names

KNOWN_PRIVATE_CROSSINGS: set[tuple[str, str, str]] = set()
"""Crossings allowed for now (none): the test fails on any other, and on an entry that has gone."""


def private_attributes(tree: ast.AST) -> set[str]:
    """The private names a module defines: its functions, classes and globals, the attributes
    its classes declare (``__slots__``, class-level names, methods) or set on ``self``/``cls``."""
    defined: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                defined.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            defined.add(node.value)  # a __slots__ entry
    return {name for name in defined if _private(name)}


def parsed(packages: tuple[str, ...]) -> dict[str, ast.AST]:
    return {
        name: ast.parse(path.read_text(), str(path))
        for package in packages
        for name, path in modules(package).items()
    }


def attribute_crossings(trees: dict[str, ast.AST]) -> set[tuple[str, str]]:
    """(module, attribute) for each ``x._name`` read or written in a module where ``_name`` is a
    private attribute only other modules define (``node._extra``, with ``_extra`` a slot of
    `Value`): ``self._x`` in the defining module is fine."""
    own = {name: private_attributes(tree) for name, tree in trees.items()}
    everyone = set().union(*own.values())
    found: set[tuple[str, str]] = set()
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in everyone - own[name]:
                found.add((name, node.attr))
    return found


def test_a_private_attribute_is_used_only_in_its_module() -> None:
    assert attribute_crossings(parsed(PACKAGES)) == set()


def test_the_attribute_check_catches_a_slot_read_elsewhere(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text(
        "class A:\n    __slots__ = ('_hidden',)\n    def f(self):\n        return self._hidden\n"
    )
    (package / "b.py").write_text("def g(x):\n    return x._hidden\n")
    trees = {p.stem: ast.parse(p.read_text()) for p in package.glob("*.py")}
    assert private_attributes(trees["a"]) == {"_hidden"} and private_attributes(trees["b"]) == set()
    assert attribute_crossings(trees) == {("b", "_hidden")}


def private_crossings(package: str) -> set[tuple[str, str, str]]:
    """(importing module, defining module, name) for each private name one module takes from
    another: ``from m import _x``, or ``m._x`` on a module imported as ``m``."""
    found: set[tuple[str, str, str]] = set()
    known = set(modules("autograd")) | set(modules("nn"))
    for name, path in modules(package).items():
        tree = ast.parse(path.read_text(), str(path))
        aliases: dict[str, str] = {}  # local name -> module it stands for
        for node in runtime_nodes(tree):
            if isinstance(node, ast.ImportFrom):
                source = _resolve(name, path.name == "__init__.py", node)
                for a in node.names:
                    full = f"{source}.{a.name}"
                    if full in known:
                        aliases[a.asname or a.name] = full
                    elif source in known and _private(a.name):
                        found.add((name, source, a.name))
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in known:
                        aliases[a.asname or a.name] = a.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                owner = ast.unparse(node.value)
                module = aliases.get(owner, owner if owner in known else None)
                if module is not None and module != name:
                    found.add((name, module, node.attr))
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@pytest.mark.parametrize("package", PACKAGES)
def test_no_private_name_is_used_across_modules(package: str) -> None:
    crossings = private_crossings(package)
    known = {c for c in KNOWN_PRIVATE_CROSSINGS if c[0].startswith(package)}
    assert crossings - known == set(), "private names used across modules"
    assert known - crossings == set(), "gone: remove from KNOWN_PRIVATE_CROSSINGS"
