"""The import rules of docs/architecture.md, checked on the source: no import circle inside
``abm``, and no layer imports what it must never know.

Imports are read with ``ast`` from every module under ``src/abm``: module-level ones and
the lazy ones inside functions alike (both run, sooner or later). Imports under
``if TYPE_CHECKING:`` are left out: they never run. ``from pkg import name`` counts as an
import of ``pkg.name`` when that is a module, else of ``pkg``. The catalogue's
``"package.module:attribute"`` references are not imports: they are looked up when an
entry's field is read, after every module involved has finished importing; a separate test
checks that the catalogue itself imports no model.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted((SRC / "abm").rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk_runtime(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (n for child in node.orelse for n in [child, *_walk_runtime(child)])
            continue
        yield node
        yield from _walk_runtime(node)


def imports_of(name: str) -> set[str]:
    """The ``abm`` modules that module ``name`` imports (at module level or in functions)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _walk_runtime(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.add(sub if sub in MODULES else base)
    return {m for m in out if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_the_cycle_finder_finds_a_circle_and_passes_a_chain():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_import_reader_sees_lazy_imports_and_skips_type_checking_ones():
    assert "abm.belarus.narrative" in GRAPH["abm.cli_run"]  # imported inside a function
    assert "abm.contract" not in GRAPH["abm.catalog"]  # only under TYPE_CHECKING


def test_no_import_circle_inside_abm():
    assert cycles(GRAPH) == []


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


#: (importer package, packages it must never import), from docs/architecture.md.
NEVERS = [
    ("abm.engine", ("abm.belarus",)),
    (
        "abm.sweep",
        ("abm.belarus", "abm.engine", "abm.dashboard", "abm.analysis", "abm.calibration"),
    ),
    # the estimation knows models only through the catalogue and the runner
    ("abm.calibration", ("abm.belarus", "abm.engine", "abm.dashboard", "abm.cli")),
    # the posterior folder's format serves both sweeps and the estimation, so it imports
    # neither (else the two packages would import each other)
    ("abm.posterior", ("abm.belarus", "abm.engine", "abm.sweep", "abm.calibration")),
    ("abm.analysis", ("abm.belarus", "abm.engine", "abm.dashboard")),
    ("abm.plots", ("abm.belarus", "abm.engine", "abm.sweep", "abm.analysis")),
    (
        "abm.belarus",
        ("abm.sweep", "abm.analysis", "abm.plots", "abm.dashboard", "abm.cli", "abm.catalog"),
    ),
    ("abm.catalog", ("abm.belarus", "abm.engine", "abm.dashboard", "abm.sweep", "abm.analysis")),
    ("abm.contract", ("abm.belarus", "abm.engine", "abm.catalog", "abm.runner")),
]


@pytest.mark.parametrize("importer,forbidden", NEVERS, ids=[n[0] for n in NEVERS])
def test_no_layer_imports_what_it_must_never_know(importer, forbidden):
    bad = sorted(
        f"{src} imports {dst}"
        for src, targets in GRAPH.items()
        if _under(src, importer)
        for dst in targets
        if any(_under(dst, f) or dst.startswith(f + "_") for f in forbidden)
    )
    assert bad == []


def test_the_catalogue_names_real_modules_and_loads_every_entry():
    from abm import catalog

    for entry in catalog.BUILTIN:
        refs = [entry.params_ref, entry.run_ref, entry.scenarios_ref, entry.outcomes_ref]
        for ref in [*refs, entry.dashboard_ref]:
            if isinstance(ref, str):
                assert ref.partition(":")[0] in MODULES, ref
        assert entry.params is not None and callable(entry.run)
        assert all(s.steps >= 0 for s in entry.scenarios().values())


def _code_words(path: Path) -> set[str]:
    """Identifiers and string literals of a module, docstrings left out (prose may name a
    model as an example; code may not)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    words: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                words.add(node.value)
        elif isinstance(node, ast.Name):
            words.add(node.id)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            words.add(node.name)
        elif isinstance(node, ast.arg):
            words.add(node.arg)
    return words


@pytest.mark.parametrize(
    "package", ["abm.engine", "abm.sweep", "abm.analysis", "abm.plots", "abm.calibration"]
)
def test_no_model_name_in_the_code_of_the_shared_layers(package):
    """A default like ``model="belarus"`` would tie the sweep machinery to one model: the
    shared layers know a model only by the name a spec or a manifest gives them."""
    bad = sorted(
        f"{name}: {word!r}"
        for name, path in MODULES.items()
        if _under(name, package)
        for word in _code_words(path)
        if "belarus" in word.lower()
    )
    assert bad == []


def test_the_model_name_check_sees_a_default_argument(tmp_path):
    path = tmp_path / "m.py"
    path.write_text('"""Belarus in prose is fine."""\ndef f(model="belarus"):\n    return model\n')
    assert "belarus" in _code_words(path) and "Belarus in prose is fine." not in _code_words(path)
