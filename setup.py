"""motcua: kiosk, rating tablet and central server for Vietnam's one-stop offices."""

import re
from pathlib import Path

from setuptools import find_packages, setup

VERSION = re.search(
    r'__version__ = "([^"]+)"', Path(__file__).with_name("motcua").joinpath("__init__.py").read_text(encoding="utf-8")
).group(1)

# Pinned: a kiosk in a commune centre must run the exact versions the tests ran.
CORE = [
    "requests==2.34.2",
    "urllib3==2.8.0",  # motcua.client tells a closed kept-alive connection by its exceptions
    "sqlite-utils==4.2.1",
    "rapidfuzz==3.14.6",
    "Babel==2.19.0",  # motcua.translations reads the .po catalogues of the apps and the dashboard
]
PILLOW = ["pillow==10.4.0"]  # kivy[base] 2.3.1 requires pillow < 11; the server draws demo photos
TOUCH = ["Kivy[base]==2.3.1", "bogo==1.1"] + PILLOW  # touchui: windows, the Telex keyboard
# Lists in Vietnamese alphabetical order (motcua.text.sort_key): ICU's collation. Built from source
# against the system's ICU: apt-get install libicu-dev pkg-config g++ (scripts/_env.sh).
COLLATION = ["PyICU==2.17"]
KIOSK = TOUCH + COLLATION + ["qrcode[pil]==8.2", "python-escpos==3.1"]
RATING = TOUCH
SERVER = [
    "fastapi==0.165.0",
    "starlette==1.10.0",
    "pydantic==2.14.3",
    "uvicorn==0.54.0",
    "httptools==0.9.0",  # uvicorn's C HTTP parser: ~3x the lookups/s of h11 (bench/bench_server.py)
    "SQLAlchemy==2.1.9",
    "alembic==1.20.1",
    "python-multipart==0.0.34",
    "Jinja2==3.1.6",
    "openpyxl==3.1.5",
    *COLLATION,
] + PILLOW
PG = ["psycopg[binary]==3.3.9"]
TEST = [
    "pytest==9.2.0",
    "ruff==0.17.6",  # lint and format, ruff.toml; scripts/test.sh runs it
    "pytest-timeout==2.4.0",
    "hypothesis==6.170.15",
    "schemathesis==4.32.5",
    "selenium==4.51.0",
    "aiohttp==3.14.5",  # bench/loadgen.py: the load generator must not be the bottleneck
    "py-spy==0.4.3",  # profiles of the server under the load benchmarks (where the time goes)
]

setup(
    name="motcua",
    version=VERSION,
    description="Lobby kiosk, counter rating tablet and central server for one-stop administrative offices",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.11",
    packages=find_packages(include=["motcua*", "touchui*", "kiosk*", "rating*", "central*"]),
    include_package_data=True,
    package_data={
        "motcua": ["data/*"],
        "touchui": ["*.kv", "*.json", "locale/*.pot", "locale/*/LC_MESSAGES/*.po"],
        "kiosk": ["*.kv", "screens/*.kv", "widgets/*.kv", "*.json", "locale/*.pot", "locale/*/LC_MESSAGES/*.po"],
        "rating": ["*.kv", "screens/*.kv", "widgets/*.kv", "*.json", "locale/*.pot", "locale/*/LC_MESSAGES/*.po"],
        "central": [
            "templates/**/*",
            "static/**/*",
            "migrations/**/*",
            "*.ini",
            "locale/*.pot",
            "locale/*/LC_MESSAGES/*.po",
        ],
    },
    # Each machine installs its part: a kiosk needs no FastAPI or SQLAlchemy, a server no Kivy.
    #   pip install '.[kiosk]'  |  '.[rating]'  |  '.[server,pg]'  |  '.[all]' (server and both apps: the demo)
    install_requires=CORE,
    extras_require={
        "kiosk": KIOSK,
        "rating": RATING,
        "server": SERVER,
        "pg": SERVER + PG,
        "all": KIOSK + RATING + SERVER,
        "test": KIOSK + RATING + SERVER + PG + TEST,
    },
    entry_points={
        "console_scripts": [
            "motcua-central=central.cli:main",
            "motcua-kiosk=kiosk.__main__:main",
            "motcua-rating=rating.__main__:main",
        ],
        # Each part's config schema (motcua.config): `python -m motcua.config docs|check|example` finds
        # them here, so the shared core never imports an app.
        "motcua.config": [
            "kiosk=kiosk.settings:SCHEMA",
            "rating=rating.settings:SCHEMA",
            "central=central.settings:SCHEMA",
        ],
    },
)
