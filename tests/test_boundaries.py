"""The layers of docs/ARCHITECTURE.md, enforced: who may import whom.

- motcua/ (the shared core) never imports kivy, touchui, the apps or the server; every one of its
  modules is imported here in a fresh interpreter, and kivy must not be loaded after.
- kiosk/ and rating/ never import central/, nor each other.
- touchui/ never imports the apps or the server.
- central/ imports from motcua/ only its wire-level facts (WIRE), the config machinery
  (motcua.config) and the command lines' closed-pipe stop (motcua.pipes), and never kivy or the apps.
- the config modules of motcua/ import each other without a circle.
"""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WIRE = {
    "motcua.text",
    "motcua.dossier_code",
    "motcua.missed",
    "motcua.officetime",
    "motcua.pin",
    "motcua.scale",
    "motcua.commands",
    "motcua.translations",
    "motcua.devicemark",
}  # the facts both sides of the wire share
# Not a wire-level fact, but the one declaration type and loader of INI settings: the server's
# [server] keys are declared, checked and documented like the devices' (docs/ARCHITECTURE.md).
CENTRAL_ALSO = {"motcua.config", "motcua.pipes"}  # and how the three command lines stop on a closed pipe
FORBIDDEN = {
    "motcua": {"kivy", "touchui", "kiosk", "rating", "central"},
    "kiosk": {"central", "rating"},
    "rating": {"central", "kiosk"},
    "touchui": {"kiosk", "rating", "central"},
    "central": {"kivy", "touchui", "kiosk", "rating"},
}


def imports_of(path: Path) -> list[str]:
    """Every module a file imports by name (import x.y / from x.y import z → x.y, x.y.z)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.append(node.args[0].value)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_across_its_boundary(package):
    problems = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in FORBIDDEN[package]:
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
            if package == "central" and top == "motcua" and name != "motcua":
                allowed = WIRE | CENTRAL_ALSO
                if not any(name == w or name.startswith(w + ".") for w in allowed) and not any(
                    w.startswith(name + ".") for w in allowed
                ):
                    problems.append(f"{path.relative_to(ROOT)} imports {name} (not a wire-level module)")
    assert problems == []


def test_every_core_module_loads_without_kivy():
    import motcua

    modules = sorted(m.name for m in pkgutil.walk_packages(motcua.__path__, "motcua."))
    assert len(modules) >= 10
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('kivy', 'touchui', 'kiosk', 'rating', 'central'))\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]


def _core_imports(path: Path) -> set[str]:
    """The motcua modules a core file imports, leaving out its `if __name__ == "__main__":` block
    (run as a script the file is __main__, not itself: importing it from there is no circle)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    tree.body = [n for n in tree.body if not (isinstance(n, ast.If) and "__main__" in ast.unparse(n.test))]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return {n for n in names if n.startswith("motcua.")}


# The config machinery once imported itself in a circle (config -> settings -> config, configdocs ->
# config -> configdocs). (motcua.outbox <-> motcua.worker, the SyncWorker re-export, is still one.)
def test_core_modules_import_each_other_without_a_circle():
    modules = {f"motcua.{p.stem}": p for p in (ROOT / "motcua").glob("*.py") if p.stem != "__init__"}
    graph = {m: {n for n in _core_imports(p) if n in modules and n != m} for m, p in modules.items()}
    circles = []

    def walk(module, path):
        for nxt in sorted(graph[module]):
            if nxt in path:
                circles.append(" -> ".join(path[path.index(nxt) :] + [nxt]))
            elif len(path) < len(graph):
                walk(nxt, path + [nxt])

    for start in sorted(graph):
        walk(start, [start])
    assert circles == []
