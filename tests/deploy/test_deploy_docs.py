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


def test_both_guides_say_what_to_ask_the_province_for_and_how_to_read_the_connector_status():
    """An office connects to its province's one-gate system (issue 16): the admin's guide and the office's
    guide each say what to ask the province for and how to read the dashboard's Nguồn hồ sơ page."""
    deploy = (ROOT / "docs/DEPLOY.md").read_text(encoding="utf-8")
    ask = deploy.split("**What to ask the province for**", 1)[1].split("```", 1)[0]
    for what in ("**address**", "**group id**", "**unit code**", "**credentials**", "allow-list", "public IP"):
        assert what in ask, f"DEPLOY.md's list of what to ask the province for lacks {what}"
    assert "**Reading the connector status**" in deploy and "Nguồn hồ sơ" in deploy
    guide = (ROOT / "docs/HUONG-DAN.md").read_text(encoding="utf-8")
    assert "**Cần xin tỉnh những gì để kết nối.**" in guide, "HUONG-DAN.md does not say what to ask the province for"
    ask = guide.split("**Cần xin tỉnh những gì để kết nối.**", 1)[1].split("\n\n", 1)[0]
    for what in ("**địa chỉ kết nối** (URL", "groupId", "**mã đơn vị**", "**tài khoản kết nối**", "địa chỉ IP"):
        assert what in ask, f"HUONG-DAN.md's list of what to ask the province for lacks {what}"
    status = guide.split("tình trạng kết nối trên trang quản trị **Nguồn hồ sơ**", 1)[1].split("\n## ", 1)[0]
    for column in ("**Tình trạng**", "**Độ trễ**", "**Lỗi gần nhất**", "**Trạng thái chưa ánh xạ**"):
        assert column in status
