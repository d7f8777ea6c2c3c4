"""Helpers for tablet tests: an office with officers on the real server and a tablet config for it."""

import os
import tempfile
from pathlib import Path

OFFICE = "XA-PHUOCLONG"
LAN_PIN = "1357"


def _lan_photo() -> Path:
    """Lan's own avatar (her initials, as the demo draws every officer's), drawn once per machine."""
    path = Path(tempfile.gettempdir()) / "motcua-tests-nguyen-thi-lan.png"
    if not path.exists():
        from central.demo.sample import draw_staff_photo

        part = path.with_suffix(f".{os.getpid()}.part")
        draw_staff_photo("Nguyễn Thị Lan", 1).save(part, format="PNG")
        part.replace(path)
    return path


LAN_PHOTO = _lan_photo()


def add_officers(server) -> dict:
    """Two officers with PINs, Lan with her photo, Bình without; returns {"lan": id, "binh": id}.
    Added once per server: a server shared by a module's tests keeps its two officers."""
    if server.officers:
        return dict(server.officers)
    ids = {}
    server.ensure_office(OFFICE)
    for key, name, counter, pin, photo in (
        ("lan", "Nguyễn Thị Lan", 1, LAN_PIN, ["--photo", str(LAN_PHOTO)]),
        ("binh", "Trần Văn Bình", 2, "8642", []),
    ):
        out = server.cli(
            "staff",
            "add",
            "--office",
            OFFICE,
            "--name",
            name,
            "--title",
            "Công chức Văn phòng HĐND và UBND xã",
            "--counter",
            str(counter),
            "--pin-stdin",
            *photo,
            stdin=pin + "\n",
        )
        ids[key] = int(out.strip().splitlines()[-1])
    server.officers = dict(ids)
    return ids


def write_config(tmp_path: Path, server, token: str, display: dict | None = None, **rating) -> Path:
    """A rating.ini for this server; `rating` overrides [rating] keys, `display` [display] keys."""
    (tmp_path / "rating.token").write_text(token + "\n", encoding="utf-8")
    (tmp_path / "rating.token").chmod(0o600)
    keys = {"counter": 1, "cooldown_seconds": 20, "prompt_timeout_seconds": 30, "thanks_seconds": 5}
    keys.update(rating)
    body = (
        f"[server]\nurl = {server.url}\ntoken_file = rating.token\nsync_interval_seconds = 1\n"
        "backoff_base_seconds = 0.2\nbackoff_cap_seconds = 1\ntimeout_seconds = 2\n\n"
        f"[device]\noffice_code = {OFFICE}\noffice_name = Trung tâm Phục vụ hành chính công xã Phước Long\n"
        "data_dir = data\nname = Quầy 1\n\n"
        "[display]\n"
        + "".join(
            f"{k} = {v}\n"
            for k, v in dict(
                {"fullscreen": "no", "kiosk_mode": "no", "width": 1280, "height": 800}, **(display or {})
            ).items()
        )
        + "\n"
        "[admin]\npin = 2468\n\n[rating]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items())
    )
    path = tmp_path / "rating.ini"
    path.write_text(body, encoding="utf-8")
    return path


def export_ratings(server) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(server.cli("export", "ratings"))))
