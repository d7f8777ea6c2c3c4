"""Dashboard page "Nguồn hồ sơ" / "Dossier sources": each connector's last success, lag, last pass,
last error and the source statuses its status map lacks (central.connectors)."""

from fastapi import APIRouter, Depends, Request

from central.connectors.sync import status_rows
from central.dashboard.auth import Session, page_admin
from central.dashboard.web import render

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/connectors")
def connectors_page(request: Request, _s: Session = Depends(page_admin)):
    rows = status_rows(request.app.state.engine)
    configured = getattr(request.app.state, "connectors", {})
    for row in rows:
        row["configured"] = row["name"] in configured
    return render(request, "connectors.html", rows=rows)
