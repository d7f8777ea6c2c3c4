"""The FastAPI application of the central server: routers, error envelope, limits."""

from fastapi import FastAPI

import motcua
from central.api import admin, catalogue, devices, dossier_push, dossiers, ratings, reports
from central.api.auth import RateLimiter, caller_before_body
from central.api.errors import BodySizeLimit, StorableUrl, install_error_handlers
from central.housekeeping import Housekeeper
from central.settings import load_settings
from central.shedding import install as install_load_shedding
from central.storage import StatisticsRefresher, is_sqlite, make_engine


def create_app(db: str | None = None, settings=None, connectors=None) -> FastAPI:
    """The app on database `db` (path or URL) with `settings` (central.settings.load_settings(); by
    default the environment's) and the dossier connectors of central.ini (central.connectors.config;
    run in the background, one server process at a time). The schema must exist (`motcua-central init`)."""
    settings = settings or load_settings()
    app = FastAPI(
        title="motcua central server",
        version=motcua.__version__,
        description="Catalogue, dossier status, ratings and device API for one-stop "
        "offices (Bộ phận Một cửa). Contract: docs/ARCHITECTURE.md.",
    )
    app.state.settings = settings
    app.state.engine = make_engine(db or settings.db, pool_size=settings.db_pool_size)
    if is_sqlite(app.state.engine):
        app.state.statistics = StatisticsRefresher(app.state.engine).start()
    app.state.housekeeper = Housekeeper(app.state.engine, settings.idempotency_keep_days).start()
    app.state.limiter = RateLimiter(settings.requests_per_minute_per_token)
    app.state.connectors = {c.name: c for c in connectors or ()}
    if connectors:
        from central.connectors.runner import ConnectorRunner

        app.state.connector_runner = ConnectorRunner(app.state.engine, connectors).start()
    install_error_handlers(app)

    @app.get("/healthz", tags=["health"], summary="Liveness: 200 when the server answers")
    async def healthz():  # on the event loop: no thread hop, the cheapest answer (the benchmarks' ceiling)
        return {"status": "ok"}

    for module in (catalogue, dossiers, ratings, devices, admin, dossier_push, reports):
        app.include_router(module.router)
    from central import dashboard  # imported here: the dashboard's pages import the API's pieces

    dashboard.install(app)  # the web dashboard under /admin/
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, timeout_s=settings.body_timeout)
    app.add_middleware(StorableUrl)
    # outermost: an overloaded server refuses before reading bodies; a body without a valid token
    # has a small budget of its own
    install_load_shedding(app, settings, identify=caller_before_body)
    return app
