"""The admin web dashboard (/admin/); `install(app)` mounts it (the report API it shares its sign-in
with is central/api/reports.py)."""

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from central.api.errors import bad_input_response
from central.dashboard import legal_pages, official
from central.dashboard import accounts, callback_pages, connector_pages, manage, pages, searches, too_large
from central.dashboard.auth import BadCsrf, LoginBrake, NeedLogin
from central.dashboard.web import STATIC, lang_of, render, translator
from central.errors import BadInput


def install(app: FastAPI) -> None:
    app.state.login_brake = LoginBrake()
    app.mount("/admin/static", StaticFiles(directory=str(STATIC)), name="dashboard-static")
    app.include_router(pages.router)
    app.include_router(manage.router)
    app.include_router(callback_pages.router)
    app.include_router(searches.router)
    app.include_router(connector_pages.router)
    app.include_router(accounts.router)
    app.include_router(official.router)
    app.include_router(legal_pages.router)
    too_large.install(app)

    @app.exception_handler(NeedLogin)
    async def _need_login(request: Request, _exc: NeedLogin):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/admin/login?next={quote(target, safe='')}", 303)

    @app.exception_handler(BadCsrf)
    async def _bad_csrf(request: Request, _exc: BadCsrf):
        t = translator(lang_of(request))
        return render(
            request, "message.html", status=403, title=t("message.request_refused"), message=t("message.form_expired")
        )

    @app.exception_handler(BadInput)
    async def _bad_input(request: Request, exc: BadInput):
        """Bad input (central.errors) no form showed itself: a page naming it under /admin/, the
        API's envelope elsewhere (the one handler of the app for it)."""
        if not request.url.path.startswith("/admin/"):
            return bad_input_response(exc)
        t = translator(lang_of(request))
        return render(request, "message.html", status=exc.status, title=t(exc.title), message=exc.page(t))
