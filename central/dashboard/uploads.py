"""The private folder where checked import files wait for "Apply": names, phone numbers and ID
numbers, so the folder is 0700, each file 0600, and nothing stays longer than UPLOAD_KEEP_S."""

import os
import stat
import tempfile
import threading
import time
from pathlib import Path

UPLOADS = Path(tempfile.gettempdir()) / "motcua-imports"
UPLOAD_KEEP_S = 3600  # a checked file never applied is removed after this
SWEEP_EVERY_S = 60  # dashboard page views look for such files at most this often (per process)
_last_sweep = [0.0]
_lock = threading.Lock()


def upload_folder() -> Path:
    """The folder, made 0700 (or made 0700 again when an older server left it readable), with files
    older than UPLOAD_KEEP_S removed. Refused when it is a link or belongs to another user (a folder
    made in the shared temporary directory by someone else)."""
    try:
        UPLOADS.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = os.lstat(UPLOADS)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise RuntimeError(f"{UPLOADS} is not a folder of this server's user; remove it")
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(UPLOADS, 0o700)
    too_old = time.time() - UPLOAD_KEEP_S
    for entry in os.scandir(UPLOADS):
        try:
            if entry.stat(follow_symlinks=False).st_mtime < too_old:
                os.unlink(entry.path)
        except FileNotFoundError:  # removed meanwhile by another request or server process
            pass
    _last_sweep[0] = time.monotonic()
    return UPLOADS


def sweep_now_and_then() -> None:
    """On any dashboard page view: removes files left over an hour, at most every SWEEP_EVERY_S."""
    with _lock:
        if time.monotonic() - _last_sweep[0] < SWEEP_EVERY_S:
            return
        _last_sweep[0] = time.monotonic()
    if UPLOADS.exists():
        upload_folder()


def write_private(path: Path, data: bytes) -> None:
    """A new file only this user can read (never through a link, never over an existing file)."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with open(handle, "wb") as out:
        out.write(data)
