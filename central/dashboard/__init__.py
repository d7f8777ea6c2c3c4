"""The admin web dashboard (/admin/) and the report API (/api/v1/reports); `install(app)` mounts both."""
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from central import reports
from central.dashboard import accounts, api, callback_pages, forms, manage, pages, too_large
from central.dashboard.auth import BadCsrf, LoginBrake, NeedLogin
from central.dashboard.web import STATIC, render


def install(app: FastAPI) -> None:
    app.state.login_brake = LoginBrake()
    app.mount("/admin/static", StaticFiles(directory=str(STATIC)), name="dashboard-static")
    app.include_router(pages.router)
    app.include_router(manage.router)
    app.include_router(callback_pages.router)
    app.include_router(accounts.router)
    app.include_router(api.router)
    too_large.install(app)
    forms.install(app)

    @app.exception_handler(NeedLogin)
    async def _need_login(request: Request, _exc: NeedLogin):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote
        return RedirectResponse(f"/admin/login?next={quote(target, safe='')}", 303)

    @app.exception_handler(BadCsrf)
    async def _bad_csrf(request: Request, _exc: BadCsrf):
        return render(request, "message.html", status=403, title=("Yêu cầu bị từ chối", "Request refused"),
                      message=("Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
                               "The form expired or is not valid. Reload the page and try again."))

    @app.exception_handler(reports.BadPeriod)
    async def _bad_period(request: Request, exc: reports.BadPeriod):
        return render(request, "message.html", status=422, title=("Kỳ báo cáo không hợp lệ", "Invalid period"),
                      message=(f"Vui lòng chọn lại kỳ báo cáo ({exc}).", f"Please choose the period again ({exc})."))
