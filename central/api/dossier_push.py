"""POST /api/v1/admin/dossiers: a system that prefers to send pushes a batch of dossiers (issue 16, item 6).

Items come in the import's JSON shape (`code`, `procedure_code`, `holder_name`, `status` 1-10,
`received_at`, ... as `motcua-central import dossiers` reads) or in the exchange API's
`DongBoHoSoMC` shape (`MaHoSo`, `MaTTHC`, `ChuHoSo`, `TrangThaiHoSo`, `NgayTiepNhan` yyyyMMddHHmmss,
...). Each is checked by the import's own check and upserted by the connectors' page writer (one
transaction for the batch); the answer has one result per item, in order, like the ratings
endpoint: `added`, `updated`, `unchanged` (the same as last pushed) or `rejected` with a reason
naming the field. A rejected item changes nothing; the others are stored.
"""

from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from central.api.auth import Caller, admin_caller
from central.api.deps import Db
from central.api.errors import ERROR_RESPONSES
from central.api.ratings import EscapedJSONResponse
from central.connectors.config import Connector
from central.connectors.sources import BadItem, Item, exchange_item
from central.connectors.sync import Context, PassResult, SyncFailed, to_row, write_page
from central.errors import BadInput
from central.timeutil import utcnow
from motcua import dossier_code

router = APIRouter(prefix="/api/v1", tags=["admin"], responses=ERROR_RESPONSES)
MAX_ITEMS = 1000
SOURCE = "push"


class DossierBatch(BaseModel):
    dossiers: list[Any] = Field(
        ...,
        max_length=MAX_ITEMS,
        description="dossier items: the import's JSON shape (code, procedure_code, holder_name, status, "
        "received_at, ...) or the exchange API's DongBoHoSoMC shape (MaHoSo, MaTTHC, ChuHoSo, TrangThaiHoSo, ...)",
    )


class DossierResult(BaseModel):
    code: Any = None
    status: str  # added | updated | unchanged | rejected
    reason: str | None = None


class PushResult(BaseModel):
    results: list[DossierResult]


def _item(raw) -> Item:
    """An Item of either shape; BadItem when it is neither."""
    if not isinstance(raw, dict):
        raise BadItem("item: not an object")
    if "MaHoSo" in raw:
        return exchange_item(raw)
    if "code" not in raw:
        raise BadItem("code: missing (an import item has code, a DongBoHoSoMC item MaHoSo)")
    code = dossier_code.normalise(str(raw.get("code") or ""))
    if not code:
        raise BadItem("code: missing")
    record = {k: v for k, v in raw.items() if k != "status"}
    return Item(code, dict(record, code=code), str(raw.get("status", "")).strip())


@router.post(
    "/admin/dossiers",
    response_model=PushResult,
    response_class=EscapedJSONResponse,  # an item's code echoed as sent may hold a lone surrogate
    summary="Push a batch of dossiers (import shape or DongBoHoSoMC shape); one result per item",
)
def push_dossiers(
    batch: DossierBatch,
    db: Db,
    office: str | None = Query(None, max_length=64, description="office of items that name none"),
    _admin: Caller = Depends(admin_caller),
):
    spec = Connector(name=SOURCE, kind="json", url="POST /api/v1/admin/dossiers", office=office or "")
    try:
        ctx = Context(db.engine, spec)
    except SyncFailed:
        raise BadInput("office", f"office: {office} is not a known office (motcua-central office add)") from None
    now, result = utcnow(), PassResult()
    answers: list[dict] = []
    rows, seen = [], set()
    for raw in batch.dossiers:
        try:
            item = _item(raw)
        except BadItem as bad:
            code = raw.get("code", raw.get("MaHoSo")) if isinstance(raw, dict) else None  # as sent: either shape
            answers.append({"code": code, "status": "rejected"})
            answers[-1]["reason"] = f"invalid:{bad}"
            continue
        answer = {"code": item.code, "status": "rejected", "reason": None}
        answers.append(answer)
        if item.code in seen:
            answer["reason"] = "duplicate_in_batch"
            continue
        seen.add(item.code)
        one = PassResult()
        row = to_row(item, ctx, one, now, SOURCE)
        if row is None:
            if one.problems:
                answer["reason"] = "invalid:" + one.problems[0].split(": ", 1)[1]
            else:
                answer["reason"] = "invalid:status: not a national status code 1-10"
            continue
        answer["row"] = row
        rows.append(row)
    outcome = write_page(db.engine, rows, result, now)
    for answer in answers:
        if answer.pop("row", None) is not None:
            answer["status"] = outcome[answer["code"]]
    return {"results": answers}
