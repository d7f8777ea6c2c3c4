"""The deployment docs point at files that exist, and README links them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ["docs/DEPLOY.md", "docs/ENROLL.md", "docs/HUONG-DAN.md"]


def test_every_deploy_file_named_in_the_docs_exists():
    for doc in DOCS:
        body = (ROOT / doc).read_text(encoding="utf-8")
        for path in set(re.findall(r"(?<![\w/.])deploy/[\w./@-]+[\w@]", body)):
            assert (ROOT / path).exists(), f"{doc} names {path}, which does not exist"


def test_every_relative_link_in_the_docs_resolves():
    for doc in DOCS + ["README.md"]:
        body = (ROOT / doc).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#:]+)\)", body):
            assert ((ROOT / doc).parent / target).exists(), f"{doc} links {target}, which does not exist"


def test_readme_ends_with_a_deployment_section_linking_the_three_guides():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.rindex("\n## ") :]
    assert section.startswith("\n## Deployment")
    for doc in DOCS:
        assert f"]({doc})" in section


def test_deploy_units_named_in_the_guide_are_the_shipped_ones():
    guide = (ROOT / "docs/DEPLOY.md").read_text(encoding="utf-8")
    shipped = {p.name for p in (ROOT / "deploy/systemd").iterdir()}
    for name in shipped:
        assert name in guide, f"docs/DEPLOY.md never mentions {name}"
