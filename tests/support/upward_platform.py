"""A small province exchange platform (LGSP) on a real socket for the push upward (central.upward),
and the central.ini that points a server at it."""

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs


class Platform:
    """An LGSP on 127.0.0.1: /token (client credentials) and /Vote/UpdateVote (a bearer token).
    `answers` is the list of statuses /Vote/UpdateVote gives in turn (then 200); `delay` stalls it.
    `posts` counts every POST to /Vote/UpdateVote (taken or not), `received` the bodies it took."""

    def __init__(self, secret="s3cret-value"):
        self.secret, self.answers, self.delay, self.received, self.token_calls = secret, [], 0.0, [], 0
        self.posts = 0
        self.lock = threading.Lock()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/api/token":
                    with platform.lock:
                        platform.token_calls += 1
                    form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                    if form.get("grant_type") != "client_credentials" or form.get("client_secret") != platform.secret:
                        return self._reply(401, {"error": "invalid_client"})
                    return self._reply(200, {"access_token": "tok-1", "token_type": "bearer", "expires_in": 3600})
                if self.path == "/api/Vote/UpdateVote":
                    with platform.lock:
                        platform.posts += 1
                    if self.headers.get("Authorization") != "Bearer tok-1":
                        return self._reply(401, {"status": 401, "message": "unauthorized"})
                    if platform.delay:
                        time.sleep(platform.delay)
                    with platform.lock:
                        status = platform.answers.pop(0) if platform.answers else 200
                        if status == 200:
                            platform.received.append(json.loads(raw))
                    return self._reply(status, {"status": status, "message": "ok" if status == 200 else "error"})
                return self._reply(404, {})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def upward_ini(folder: Path, platform: Platform, secret: str, office: str, timeout=3, mode=0o600) -> str:
    """central.ini with [upward] pointing at `platform` (retry after 30 minutes); returns its path."""
    path = folder / "lgsp.secret"
    path.write_text(secret + "\n", encoding="utf-8")
    os.chmod(path, mode)
    ini = folder / "central.ini"
    ini.write_text(
        f"[upward]\nurl = {platform.url}\nclient_id = motcua-xa\nclient_secret_file = {path}\n"
        f"office = {office}\ntimeout_seconds = {timeout}\nretry_minutes = 30\n",
        encoding="utf-8",
    )
    return str(ini)
