"""Dashboard page "Nguồn hồ sơ" / "Dossier sources": each connector's last success, lag, last pass,
last error and the source statuses its status map lacks (central.connectors). The last error reads as
advice first, in the page's language (central.connectors.advice), then the raw cause for IT."""

from fastapi import APIRouter, Depends, Request

from central.connectors.advice import advice_key
from central.connectors.sync import status_rows
from central.dashboard.auth import Session, page_admin
from central.dashboard.web import lang_of, render, text

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/connectors")
def connectors_page(request: Request, _s: Session = Depends(page_admin)):
    rows = status_rows(request.app.state.engine)
    configured = getattr(request.app.state, "connectors", {})
    lang = lang_of(request)
    for row in rows:
        row["configured"] = row["name"] in configured
        if row["last_error"]:
            key, facts = advice_key(row["last_error"])
            row["advice_kind"], row["advice"] = key.rpartition(".")[2], text(key, lang, **facts)
    return render(request, "connectors.html", rows=rows)
