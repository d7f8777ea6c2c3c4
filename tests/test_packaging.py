"""Each part installs what it needs and no more (setup.py extras): a kiosk or a tablet runs without
the server's libraries, and the server runs without Kivy.

Each package's modules are imported in a fresh interpreter where the other part's libraries are made
unimportable, as on a machine that installed only `.[kiosk]`, `.[rating]` or `.[server]`.
"""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVER_ONLY = [
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "pydantic",
    "jinja2",
    "openpyxl",
    "psycopg",
    "multipart",
]
APPS_ONLY = ["kivy", "bogo", "qrcode", "escpos"]
PARTS = {
    "kiosk": (["motcua", "touchui", "kiosk"], SERVER_ONLY),
    "rating": (["motcua", "touchui", "rating"], SERVER_ONLY + ["qrcode", "escpos"]),
    "server": (["motcua", "central"], APPS_ONLY),
}


def modules_of(packages: list[str]) -> list[str]:
    names = []
    for package in packages:
        names.append(package)
        names += [
            m.name
            for m in pkgutil.walk_packages([str(ROOT / package)], package + ".")
            if not m.name.endswith("__main__") and ".migrations" not in m.name
        ]
    return names


@pytest.mark.parametrize("part", sorted(PARTS))
def test_a_part_imports_without_the_other_parts_libraries(part):
    packages, blocked = PARTS[part]
    code = (
        "import importlib, sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "import os; os.environ.setdefault('KIVY_NO_ARGS', '1')\n"
        f"for m in {modules_of(packages)!r}: importlib.import_module(m)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_setup_py_extras_name_each_part():
    text = (ROOT / "setup.py").read_text(encoding="utf-8")
    for extra in ("kiosk", "rating", "server", "pg", "all", "test"):
        assert f'"{extra}":' in text
    assert "install_requires=CORE," in text
