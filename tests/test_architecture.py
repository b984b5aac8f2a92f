"""
How the code depends on itself (issue 12): the apps sit in layers, each
importing only the ones below it, so no app imports another that imports it
back, and no module imports another that imports it back.

    core                  shared infrastructure: Markdown, page cache, limits…
    redirects             remembers moved addresses (blog's slugs, tags)
    blog                  posts, tags, verdicts, the reading pages
    claims                claims marked in a post, their verdicts and feeds
    counterpoints         readers' answers to a post (and to its claims)
    transfer, config      import/export and the project: may use everything

redirects sits below blog because it is infrastructure: it knows nothing of
posts (it stores an old path and a new one), and blog records a slug's move
through it, as any app with addresses could. A lower app reaches a higher
one through a seam instead: a registry (core.markup's plugins), a hook the
higher app fills in (PostAdmin.extra_inlines, the ``post_seeded`` signal),
or a template tag.

The graph is read from the source with ``ast``: imports at module level and
inside functions both count (a lazy import is still a dependency). Django's
lazy model references by string ("blog.Post", ``apps.get_model``) are not
imports and do not count. Migrations are history, and are left out.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "redirects", "blog", "claims", "counterpoints", "transfer", "config"]

# What each app may import, besides itself.
MAY_IMPORT = {
    "core": set(),
    "redirects": {"core"},
    "blog": {"core", "redirects"},
    "claims": {"core", "redirects", "blog"},
    # A counterpoint may answer one of a post's claims: counterpoints know
    # claims, never the other way round.
    "counterpoints": {"core", "redirects", "blog", "claims"},
    "transfer": {"core", "redirects", "blog", "claims", "counterpoints"},
    "config": {"core", "redirects", "blog", "claims", "counterpoints", "transfer"},
}


def project_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield module.removesuffix(".__init__"), path


def imported_names(module, path):
    """Every name ``module`` imports, anywhere in it, as absolute dotted names."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            yield base
            # ``from blog import markup`` imports a module, ``from blog.models import Post`` a name.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def resolve(name, modules):
    """The project module ``name`` is, or lies in (``blog.models.Post`` → ``blog.models``), or None."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


@pytest.fixture(scope="module")
def graph():
    modules = dict(project_modules())
    return {
        module: {
            target
            for name in imported_names(module, path)
            if (target := resolve(name, modules)) is not None and target != module
        }
        for module, path in modules.items()
    }


def app_of(module):
    return module.partition(".")[0]


def crossings(graph):
    """(importer, imported) pairs where an app reaches one it may not."""
    return {
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if app_of(target) != app_of(module) and app_of(target) not in MAY_IMPORT[app_of(module)]
    }


def test_the_graph_sees_imports_at_module_level_and_in_functions(graph):
    # A check on the reader itself, so an empty graph cannot pass the tests below.
    assert "core.freshness" in graph["blog.services"]  # module level
    assert "core.freshness" in graph["blog.apps"]  # inside ready()
    assert "blog.models" in graph["claims.models"]


def test_each_app_imports_only_the_layers_below_it(graph):
    upward = sorted(crossings(graph))
    assert not upward, "\n".join(f"{module} imports {target}" for module, target in upward)


def test_no_import_cycle_between_apps(graph):
    apps = {app: set() for app in APPS}
    for module, targets in graph.items():
        apps[app_of(module)] |= {app_of(target) for target in targets} - {app_of(module)}
    cycles = set()

    def visit(app, trail):
        for target in sorted(apps[app]):
            if target in trail:
                cycles.add(" → ".join([*trail[trail.index(target) :], target]))
            else:
                visit(target, [*trail, target])

    for app in APPS:
        visit(app, [app])
    assert not cycles, "\n".join(sorted(cycles))


def test_no_module_imports_itself_back(graph):
    # Inside an app too: a function-level import that closes a loop is still a loop.
    cycles = []
    state = {}

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append(" → ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)
