"""The checklist slip: what to bring for one procedure, printed on an ESC/POS receipt printer."""

from __future__ import annotations

import logging

from kiosk import present
from kiosk.i18n import tr
from motcua.text import fold_vietnamese

log = logging.getLogger(__name__)


class PrinterUnavailable(Exception):
    """The slip could not be printed (no printer configured, paper out, cable unplugged)."""


def open_printer(settings) -> object | None:
    """The escpos printer named by the [printer] settings, or None when printing is off."""
    kind = (settings.kind or "none").lower()
    try:
        if kind == "none":
            return None
        if kind == "dummy":
            from escpos.printer import Dummy

            return Dummy()
        if kind == "file":
            from escpos.printer import File

            return File(settings.device)
        if kind == "network":
            from escpos.printer import Network

            return Network(settings.host, port=settings.port, timeout=5)
        if kind == "usb":
            from escpos.printer import Usb

            return Usb(int(settings.usb_vendor, 16), int(settings.usb_product, 16))
    except Exception as exc:  # escpos raises many kinds; the kiosk only needs to know it failed
        raise PrinterUnavailable(f"printer {kind} cannot be opened: {exc}") from exc
    raise PrinterUnavailable(f"unknown printer kind {kind!r} (none, usb, network, file, dummy)")


def slip_lines(procedure: dict, lang: str = "vi") -> list[str]:
    """The slip's text, in the citizen's language, before any folding for the printer."""
    lines = [f"{tr('detail.code', lang)}: {procedure.get('code', '')}", "", tr("detail.documents", lang) + ":"]
    for case, rows in present.document_lines(procedure, lang):
        if case:
            lines.append(f"* {case}")
        lines.extend(f"  [ ] {row}" for row in rows)
    lines += ["", tr("detail.methods", lang) + ":"]
    for method in procedure.get("methods") or []:
        lines.append(
            f"- {present.channel_name(method.get('channel', ''), lang)}: "
            f"{present.format_duration(method, lang)}; {present.format_fees(method.get('fees'), lang)}"
        )
    if procedure.get("address"):
        lines += ["", f"{tr('detail.address', lang)}: {procedure['address']}"]
    if procedure.get("sample"):
        lines += ["", tr("detail.sample", lang)]
    return lines


def print_checklist(
    printer, procedure: dict, lang: str = "vi", office_name: str = "", text_mode: str = "ascii", qr_native: bool = True
) -> None:
    """Prints the slip: office, procedure name, checklist, and a QR to the portal page.

    Most receipt printers have no Vietnamese code page, so `text_mode = ascii` prints the text
    without diacritics (always legible); `unicode` sends it as is for printers that cope.
    """

    def text(line: str) -> None:
        printer.text((fold_vietnamese_keep_case(line) if text_mode == "ascii" else line) + "\n")

    try:
        printer.set(align="center", bold=True, double_height=True)
        text(procedure.get("name", ""))
        printer.set(align="center", bold=False, double_height=False)
        if office_name:
            text(office_name)
        printer.set(align="left")
        for line in slip_lines(procedure, lang):
            text(line)
        if procedure.get("portal_url"):
            printer.set(align="center")
            text(tr("detail.qr", lang))
            printer.qr(procedure["portal_url"], size=6, native=qr_native)
        printer.cut()
    except Exception as exc:
        log.warning("checklist slip for %s not printed: %s", procedure.get("code"), exc)
        raise PrinterUnavailable(str(exc)) from exc


def fold_vietnamese_keep_case(text: str) -> str:
    """Diacritics dropped but capitals kept, for printers without a Vietnamese code page."""
    out = []
    for ch in text:
        folded = fold_vietnamese(ch) if ch.strip() else ch
        out.append((folded.upper() if ch.isupper() else folded) if folded else ch)
    return "".join(out).translate(_ASCII_PUNCTUATION).encode("ascii", "replace").decode("ascii")


_ASCII_PUNCTUATION = str.maketrans(
    {"—": "-", "–": "-", "…": "...", "•": "*", "→": "->", "·": "-", "“": '"', "”": '"', "‘": "'", "’": "'"}
)
