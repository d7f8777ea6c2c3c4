"""The checklist slip: what to bring for one procedure, printed on an ESC/POS receipt printer."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

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
    printer,
    procedure: dict,
    lang: str = "vi",
    office_name: str = "",
    text_mode: str = "image",
    qr_native: bool = True,
    width_dots: int = 576,
    font: str | None = None,
) -> None:
    """Prints the slip: office, procedure name, checklist, and a QR to the portal page.

    `text_mode = image` (the default) prints the text as a raster image drawn with a Vietnamese
    font (`render_slip`): every ESC/POS printer prints images (GS v 0), and most have no
    Vietnamese code page. `ascii` prints the text without diacritics; `unicode` sends it as is,
    for printers with a Vietnamese code page (1258).
    """

    def text(line: str) -> None:
        printer.text((fold_vietnamese_keep_case(line) if text_mode == "ascii" else line) + "\n")

    try:
        if text_mode == "image":
            printer.image(render_slip(procedure, lang, office_name, width_dots, font), impl="bitImageRaster")
        else:
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
            if text_mode != "image":  # the image already says it, above where the code is drawn
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


# ---- the slip as a raster image ---------------------------------------------------------------
TITLE_PX, BODY_PX, MARGIN_PX = 40, 28, 8
"""Sizes in printer dots (203 dpi: 28 dots ≈ 3.5 mm, larger than a receipt printer's own 12×24 font)."""


def default_font(bold: bool = False) -> str:
    """Roboto, shipped with Kivy (every Vietnamese letter and tone mark), found without importing Kivy."""
    spec = importlib.util.find_spec("kivy")
    name = "Roboto-Bold.ttf" if bold else "Roboto-Regular.ttf"
    return str(Path(spec.submodule_search_locations[0]) / "data" / "fonts" / name)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    """`text` cut into lines at spaces so that each fits `width` dots (a too-long word is cut)."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
        while draw.textlength(line, font=font) > width and len(line) > 1:  # one word wider than the paper
            cut = len(line) - 1
            while cut > 1 and draw.textlength(line[:cut], font=font) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line)
    return lines


def render_slip(procedure: dict, lang: str = "vi", office_name: str = "", width_dots: int = 576, font=None):
    """The slip's text drawn in black on white, `width_dots` wide (576 for 80 mm paper, 384 for 58 mm).

    The procedure's name in bold and centred, the office, then `slip_lines`: headings in bold, a
    drawn box before each document to tick, wrapped lines indented under their first word.
    """
    from PIL import Image, ImageDraw, ImageFont

    regular = ImageFont.truetype(font or default_font(), BODY_PX)
    bold = ImageFont.truetype(font or default_font(bold=True), BODY_PX)
    title = ImageFont.truetype(font or default_font(bold=True), TITLE_PX)
    measure = ImageDraw.Draw(Image.new("1", (1, 1)))
    inner = width_dots - 2 * MARGIN_PX
    box = BODY_PX - 8
    # (x, text, font, centred, box) per printed line, and its height in dots
    rows: list[tuple[int, str, object, bool, bool, int]] = []

    def add(text, face, size, centred=False, indent=0, tick=False):
        """`text` wrapped; every line of it starts at `indent` (under the first word, beside the box)."""
        for i, part in enumerate(_wrap(measure, text, face, inner - indent)):
            rows.append((indent, part, face, centred, tick and i == 0, int(size * 1.3)))

    add(procedure.get("name", ""), title, TITLE_PX, centred=True)
    if office_name:
        add(office_name, regular, BODY_PX, centred=True)
    rows.append((0, "", None, False, False, 12))  # the rule under the heading
    for line in slip_lines(procedure, lang):
        if not line.strip():
            rows.append((0, "", None, False, False, BODY_PX // 2))
        elif line.startswith("  [ ] "):
            add(line[6:], regular, BODY_PX, indent=box + 14, tick=True)
        elif line.startswith(("- ", "* ")):
            face = bold if line.startswith("* ") else regular
            add(line[2:], face, BODY_PX)
        elif line.endswith(":"):
            add(line, bold, BODY_PX)
        else:
            add(line, regular, BODY_PX)
    if procedure.get("portal_url"):
        rows.append((0, "", None, False, False, BODY_PX // 2))
        add(tr("detail.qr", lang), regular, BODY_PX, centred=True)
    height = sum(row[-1] for row in rows) + 2 * MARGIN_PX
    image = Image.new("1", (width_dots, height), 1)
    draw = ImageDraw.Draw(image)
    y = MARGIN_PX
    rule_drawn = False
    for x, text, face, centred, tick, size in rows:
        if face is None:
            if not rule_drawn and size == 12:
                draw.rectangle((MARGIN_PX, y + 4, width_dots - MARGIN_PX, y + 6), fill=0)
                rule_drawn = True
            y += size
            continue
        left = MARGIN_PX + x
        if centred:
            left = MARGIN_PX + max(0, int((inner - draw.textlength(text, font=face)) / 2))
        if tick:
            top = y + (size - box) // 2
            draw.rectangle((MARGIN_PX, top, MARGIN_PX + box, top + box), outline=0, width=2)
        draw.text((left, y), text, font=face, fill=0)
        y += size
    return image
