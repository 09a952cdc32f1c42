"""The pipeline's shape, read from its source with `ast` (nothing is imported):

- no import cycle among the modules of hooks/briefdesk, counting imports written inside
  functions (an import moved into a function to dodge a cycle is still the cycle);
- no module-level mutable cache: a module-level name bound to a dict, list, set,
  defaultdict, OrderedDict, Counter or deque that code in the module mutates (assignment
  to a subscript or attribute of it, .clear/.update/.append/.setdefault/.pop/..., or a
  `global` statement naming it). Mutable state belongs to the build cache object that the
  adapter creates and passes in.

The checks run on a small synthetic package too, with a cycle and a cache, to show that
they can fail."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "hooks" / "briefdesk"

MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque", "bytearray"}
MUTATING_METHODS = {"clear", "update", "append", "extend", "insert", "setdefault", "pop", "popitem",
                    "add", "discard", "remove", "appendleft", "popleft", "sort", "reverse",
                    "difference_update", "intersection_update", "symmetric_difference_update"}


def module_names(package: Path) -> dict[str, Path]:
    """Dotted name (relative to the package) -> file, for every module under it."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _resolve(module: str, is_package: bool, node: ast.ImportFrom, known: set[str],
             package_name: str) -> list[str]:
    """The package's own modules an ImportFrom names (relative or absolute)."""
    if node.level:
        base = module.split(".") if module else []
        if not is_package:
            base = base[:-1]
        up = node.level - 1
        if up:
            base = base[:-up] if up <= len(base) else []
        target = ".".join(base + ([node.module] if node.module else []))
    elif node.module and (node.module == package_name or node.module.startswith(package_name + ".")):
        target = node.module[len(package_name):].lstrip(".")
    else:
        return []
    found = []
    for alias in node.names:
        sub = f"{target}.{alias.name}" if target else alias.name
        if sub in known:
            found.append(sub)
        elif target in known or target == "":
            found.append(target)
    return found


def import_graph(package: Path, package_name: str = "briefdesk") -> dict[str, set[str]]:
    """Module -> the package's modules it imports anywhere in its source (top level or inside
    a function)."""
    names = module_names(package)
    known = set(names)
    graph: dict[str, set[str]] = {name: set() for name in names}
    for name, path in names.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                targets = _resolve(name, is_package, node, known, package_name)
            elif isinstance(node, ast.Import):
                targets = []
                for alias in node.names:
                    for prefix in (f"{package_name}.", f"hooks.{package_name}."):
                        if alias.name.startswith(prefix) and alias.name[len(prefix):] in known:
                            targets.append(alias.name[len(prefix):])
            else:
                continue
            graph[name].update(t for t in targets if t != name and t != "")
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def _is_mutable_value(node: ast.expr) -> bool:
    if isinstance(node, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)):
        return True
    return isinstance(node, ast.Call) and _call_name(node) in MUTABLE_CALLS


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _is_empty_container(node: ast.expr) -> bool:
    if isinstance(node, (ast.Dict, ast.List, ast.Set)):
        return not (node.keys if isinstance(node, ast.Dict) else node.elts)
    return isinstance(node, ast.Call) and not node.args[1:] and not node.keywords and _is_mutable_value(node) and (
        not node.args or _call_name(node) == "defaultdict")


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _mutated(nodes, bound: set[str]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Global):
            found.update(node.names)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for t in targets:
                if isinstance(t, (ast.Subscript, ast.Attribute)) and _root_name(t) in bound:
                    found.add(_root_name(t))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in MUTATING_METHODS and _root_name(node.func.value) in bound:
                found.add(_root_name(node.func.value))
    return found


def mutable_caches(path: Path) -> list[str]:
    """Module-level names bound to a mutable container that the module's functions mutate
    (or name in a ``global`` statement), or that are bound empty, never filled at import and
    passed to a call by a function (a cache filled by whoever receives it). A table built once
    at import time (filled by module-level statements) is a constant, not a cache."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bound: set[str] = set()
    empty: set[str] = set()
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        if value is not None and _is_mutable_value(value):
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            bound |= names
            if _is_empty_container(value):
                empty |= names
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
    inside = [n for f in functions for n in ast.walk(f)]
    found = _mutated(inside, bound)
    filled_at_import = _mutated([n for top in tree.body if top not in functions for n in ast.walk(top)
                                 if not any(n is x for x in inside)], bound)
    handed = {a.id for n in inside if isinstance(n, ast.Call)
              for a in [*n.args, *(k.value for k in n.keywords)] if isinstance(a, ast.Name)}
    found |= (empty - filled_at_import) & handed
    return sorted(found)


def package_caches(package: Path) -> dict[str, list[str]]:
    return {name: caches for name, path in module_names(package).items() if (caches := mutable_caches(path))}


# The stage folders in pipeline order, after the shared modules at the top of the package
# ("": model, text, output, cache, parallel). A module imports only from its own folder, the shared
# modules and earlier stages; the modules that drive the stages (pipeline, sitetree,
# evaluate, __main__) may import any stage, and no stage imports them.
STAGES = ["", "source", "labels", "publishing", "pages", "built"]
DRIVERS = {"pipeline", "rendering", "sitetree", "evaluate", "__main__"}


def stage_of(module: str) -> str:
    return module.split(".")[0] if "." in module else ""


def backward_imports(graph: dict[str, set[str]], stages: list[str] = STAGES,
                     drivers: set[str] = DRIVERS) -> list[tuple[str, str]]:
    """(importer, imported) pairs that point up the pipeline: a stage importing a later
    stage or a driver, or a shared top-level module importing any stage."""
    order = {s: i for i, s in enumerate(stages)}
    bad = []
    for mod, targets in sorted(graph.items()):
        if mod in drivers or mod == "" or mod in stages:
            continue
        for t in sorted(targets):
            if t in drivers or (stage_of(t) in order and stage_of(mod) in order
                                and order[stage_of(t)] > order[stage_of(mod)]):
                bad.append((mod, t))
    return bad


def test_stage_folders_exist():
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(STAGES[1:]), folders
    unplaced = {m for m in module_names(PACKAGE) if "." not in m and m not in DRIVERS | folders | {""}}
    assert unplaced == {"model", "text", "settings", "output", "parallel", "cache"}, unplaced


def test_imports_point_down_the_pipeline():
    assert backward_imports(import_graph(PACKAGE)) == []


def test_no_import_cycle():
    cycles = import_cycles(import_graph(PACKAGE))
    assert cycles == [], f"import cycles among hooks/briefdesk modules: {cycles}"


# Module-level mutable names that are not build state, each with the reason; anything else
# (a new cache) fails the test: what a build keeps for the next belongs in the build cache
# (briefdesk.cache.BuildCache) that the adapter creates and passes in.
#
# - parallel._JOB: the one job of the pool being forked. The workers inherit the function and
#   the items through fork (copy-on-write) instead of having them pickled to them; it is set
#   just before the fork, cleared when the pool ends, never read in the parent, and holds
#   nothing from one build for the next. A pool initializer would need a worker global all the
#   same (related's tokenising pool now goes through it too, instead of a global of its own).
#
# Not listed because they are not caches of a build: compiled constants (patterns, tables
# filled at import) and functools.lru_cache memos of pure functions of their arguments
# (pages.render._quoted_short, pages.listing.pager_html, pages.render._terms_pattern), whose answers do not
# depend on any build.
ALLOWED = {"parallel": ["_JOB"]}


def test_no_module_level_mutable_cache():
    caches = package_caches(PACKAGE)
    assert caches == ALLOWED, f"module-level mutable caches (move them into the build cache): {caches}"


def test_the_checks_catch_a_cycle_and_a_cache(tmp_path):
    pkg = tmp_path / "briefdesk"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import thing\n")
    (pkg / "b.py").write_text("def thing():\n    from .sub.c import other\n    return other()\n")
    (pkg / "sub" / "c.py").write_text("def other():\n    from .. import a\n    return a\n")
    (pkg / "d.py").write_text(
        "_SEEN = {}\n_ORDER = []\n_ALL = set()\n_CONST = {'x': 1}\n_N = 0\n_TABLE = {}\n_TABLE['y'] = 2\n"
        "_HANDED = {}\n"
        "def remember(k, v):\n    _SEEN[k] = v\n    _ORDER.append(k)\n    return Memo(_HANDED)\n"
        "def count():\n    global _N\n    _N += 1\n    return _CONST['x'] in _ALL and _TABLE['y']\n")
    (pkg / "e.py").write_text("import briefdesk.d\nfrom . import d\n")
    assert import_cycles(import_graph(pkg)) == [["a", "b", "sub.c"]]
    # sub.c (a stage) imports a, a shared module: fine; a shared module importing a stage is not
    assert backward_imports(import_graph(pkg), stages=["", "sub"], drivers=set()) == [("b", "sub.c")]
    assert package_caches(pkg) == {"d": ["_HANDED", "_N", "_ORDER", "_SEEN"]}
