"""A friendly dashboard page, in the admin's language, instead of the raw JSON 413 for a too-big upload."""

from starlette.requests import Request

from central.dashboard.web import lang_of, render, translator


class FriendlyTooLarge:
    """Outermost ASGI layer: a 413 answered to a dashboard form post (/admin/...) becomes an HTML page
    saying how large a file may be; the API keeps its JSON error."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].startswith("/admin/"):
            return await self.app(scope, receive, send)
        replaced = False

        async def send_page_for_413(message):
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 413:
                replaced = True
                page = self.page(scope)
                headers = [(k, v) for k, v in page.raw_headers if k != b"content-length"]
                headers += [(b"content-length", str(len(page.body)).encode()), (b"connection", b"close")]
                await send({"type": "http.response.start", "status": 413, "headers": headers})
                await send({"type": "http.response.body", "body": page.body})
                return
            if replaced:
                return  # the JSON body of the refused request: the page was sent instead
            await send(message)

        return await self.app(scope, receive, send_page_for_413)

    def page(self, scope):
        unit, amount = (
            ("MB", self.max_bytes / 1_048_576) if self.max_bytes >= 1_048_576 else ("KB", self.max_bytes / 1024)
        )
        size = f"{amount:.1f}".rstrip("0").rstrip(".") + " " + unit
        request = Request(scope)
        lang = lang_of(request)
        t = translator(lang)
        return render(
            request,
            "message.html",
            status=413,
            title=t("message.file_too_large"),
            message=t("message.upload_too_large", size=size.replace(".", ",") if lang == "vi" else size),
        )


def install(app) -> None:
    """Wraps the whole middleware stack once built: the body limit is added after the dashboard, so
    an ordinary middleware added here would sit inside it and never see its 413."""
    build = app.build_middleware_stack

    def build_with_friendly_413():
        return FriendlyTooLarge(build(), app.state.settings.max_body_bytes)

    app.build_middleware_stack = build_with_friendly_413
