"""The JSON error envelope for every error, and the body-size guard that runs before parsing."""

import asyncio
import json
import logging
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from central.cleantext import storable
from central.errors import BadInput

log = logging.getLogger("central.api")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorEnvelope(BaseModel):
    """Every error answer: {"error": {"code", "message"}}."""

    error: ErrorDetail


ERROR_RESPONSES = {
    status: {"model": ErrorEnvelope, "description": text}
    for status, text in (
        (400, "Malformed request (e.g. invalid JSON, bad cursor)"),
        (401, "Missing, unknown or revoked token"),
        (403, "Token not allowed here (device token on an admin endpoint)"),
        (404, "Not found"),
        (413, "Body larger than the limit"),
        (422, "Request fields invalid"),
        (429, "Rate limited; see Retry-After"),
    )
}


class ApiError(Exception):
    """Raised by endpoints: becomes `{"error": {"code", "message"}}` with the status given."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def bad_input_response(exc: BadInput) -> JSONResponse:
    """Bad input (central.errors): its status (422, or 404/409 for its subclasses) and code."""
    return error_response(exc.status, exc.code, str(exc))


def _where(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(BadInput)
    async def _bad_input(_request: Request, exc: BadInput):
        return bad_input_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException):
        code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        message = exc.detail if isinstance(exc.detail, str) else code
        if exc.status_code == 404 and message == "Not Found":
            message = "No such path; the API is under /api/v1 (see /openapi.json)."
        if exc.status_code == 405:
            message = "This method is not allowed on this path (see /openapi.json)."
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        problems = []
        for err in exc.errors()[:5]:
            if err.get("type") == "json_invalid":
                return error_response(400, "malformed_json", "The body is not valid JSON: " + str(err.get("msg", "")))
            problems.append(f"{_where(err.get('loc', ()))}: {err.get('msg', 'invalid')}")
        return error_response(422, "invalid_request", "; ".join(problems) or "invalid request")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "server_error", "Unexpected server error; it has been logged.")


class BodySizeLimit:
    """ASGI middleware: refuses bodies above the limit with 413 before any parsing, and bodies that
    do not arrive in `timeout_s` with 408 (connection closed).

    Content-Length is checked first; a chunked body is counted as it streams and buffered (at most
    the limit) so the app never sees a partial body. The server has no timeout of its own on a body:
    without this one, a request whose body never ends (a stalled client, or a slow-body attack)
    would hold its place among the requests in flight for as long as the client keeps it open.
    """

    def __init__(self, app, max_bytes: int, timeout_s: float = 20):
        self.app, self.max_bytes, self.timeout_s = app, max_bytes, timeout_s

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                return await self._refuse(send, 400, "bad_request", "Content-Length is not a number.")
            if too_big:
                return await self._refuse_too_big(send)
        chunks, total = [], 0
        try:
            async with asyncio.timeout(self.timeout_s):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    body = message.get("body", b"")
                    total += len(body)
                    if total > self.max_bytes:
                        return await self._refuse_too_big(send)
                    chunks.append(body)
                    if not message.get("more_body"):
                        break
        except TimeoutError:
            return await self._refuse(
                send,
                408,
                "request_timeout",
                f"The request body did not arrive within {self.timeout_s:g} s; nothing was processed. Send it again.",
            )
        buffered = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return buffered
            return await receive()

        return await self.app(scope, replay, send)

    async def _refuse_too_big(self, send):
        await self._refuse(
            send,
            413,
            "body_too_large",
            f"The request body is larger than {self.max_bytes} bytes; send smaller batches.",
        )

    @staticmethod
    async def _refuse(send, status: int, code: str, message: str):
        body = json.dumps(error_body(code, message)).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class StorableUrl:
    """ASGI middleware: a path or query string with a NUL character (%00) gets 400 before routing.

    No code, office or name holds one and PostgreSQL cannot even compare one, so a dossier lookup,
    `?office=` or any other parameter would otherwise end in a database error (500)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and not (
            storable(scope.get("path", "")) and storable(unquote(scope.get("query_string", b"").decode("latin-1")))
        ):
            response = error_response(
                400,
                "bad_request",
                "Địa chỉ yêu cầu có ký tự NUL (%00), không mã hay tên nào "
                "có ký tự này. / The address contains a NUL character (%00), which no code "
                "or name contains.",
            )
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)
