"""Certificate PDF rendering: a frozen snapshot in, PDF bytes out.

The renderer is pure and deterministic: the same snapshot always gives the
same bytes (creation date and document ID come from the snapshot), so a stored
certificate can be re-rendered and compared against its stored hash.

Speed (BENCHMARKS.md B5, <= 10 ms per PDF). Left alone, fpdf2 parses every TTF
file on ``add_font`` and subsets it with fontTools on ``output``: about 25 ms
for Noto Serif and 300 ms for the CJK font, per PDF. Two things avoid that:

1. Each font is parsed once per process (``_FontAsset``); every PDF gets a
   clone of the parsed ``TTFFont`` that shares its read-only tables and owns
   only the per-document state (glyph subset map, missing glyphs).
2. At ``output`` each font is cut down to the glyphs actually drawn by
   HarfBuzz's subsetter (written in C, well under 1 ms even for CJK) and
   embedded by ``_Producer`` instead of fpdf2's fontTools-based code.

Only the fonts a snapshot needs are attached: a Latin name never pays for the
Arabic or CJK fonts.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, cast

import anyio
import segno
import uharfbuzz as hb
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, RenderStyle
from fpdf.fonts import Glyph, HarfBuzzFont, SubsetMap, TTFFont
from fpdf.image_datastructures import ImageCache, RasterImageInfo, VectorImageInfo
from fpdf.image_parsing import preload_image
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont, PDFFontStream, PDFType3Font
from fpdf.syntax import Name, PDFArray, PDFContentStream

TEMPLATE_VERSION: int = 1
LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CertificateSnapshot:
    """Everything printed on a certificate, frozen at issuance."""

    learner_name: str
    course_title: str
    company_name: str | None
    company_logo: bytes | None  # validated PNG/JPEG bytes (see logo.validate_logo)
    issued_at: datetime  # tz-aware UTC; also the completion date
    verification_code: str
    verify_url: str  # full URL, printed and encoded as QR
    template_version: int = 1


# --------------------------------------------------------------------------- fonts

_FONT_DIR: Final = Path(__file__).with_name("fonts")
_BASE: Final = "serif"
# Family -> style -> file. Fallback families are tried in this order for any
# character the base font lacks. A family without "B" also serves bold text
# (set_fallback_fonts(exact_match=False)). Family names must stay lower case:
# fpdf2 strips "B"/"I" from font keys to find a family's styles.
_FAMILIES: Final[dict[str, dict[str, str]]] = {
    "serif": {"": "NotoSerif-Regular.ttf", "B": "NotoSerif-Bold.ttf"},
    "arabic": {"": "NotoNaskhArabic-Regular.ttf", "B": "NotoNaskhArabic-Bold.ttf"},
    "hebrew": {"": "NotoSerifHebrew-Regular.ttf", "B": "NotoSerifHebrew-Bold.ttf"},
    "devanagari": {"": "NotoSerifDevanagari-Regular.ttf", "B": "NotoSerifDevanagari-Bold.ttf"},
    "bengali": {"": "NotoSerifBengali-Regular.ttf"},
    "tamil": {"": "NotoSerifTamil-Regular.ttf"},
    "thai": {"": "NotoSerifThai-Regular.ttf"},
    "armenian": {"": "NotoSerifArmenian-Regular.ttf"},
    "georgian": {"": "NotoSerifGeorgian-Regular.ttf"},
    "cjk": {"": "DroidSansFallback.ttf"},
}
_FALLBACKS: Final = tuple(family for family in _FAMILIES if family != _BASE)


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


# What the embedded fonts can do without: layout tables (HarfBuzz has already
# shaped the text), hinting (ignored by PDF viewers) and cmap (a composite PDF
# font maps codes to glyphs through its CIDToGIDMap). Without a cmap the
# subsetter also runs ~50x faster: 20 us instead of 0.8 ms for the CJK font.
_DROP_TABLES: Final = tuple(
    _tag(t)
    for t in (
        "cmap", "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "DSIG", "gasp",
        "hdmx", "kern", "vhea", "vmtx", "VORG", "STAT", "name", "LTSH", "VDMX", "meta",
    )
)  # fmt: skip
_SUBSET_FLAGS: Final = (
    hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE | hb.SubsetFlags.NO_LAYOUT_CLOSURE
)


@dataclass(frozen=True, slots=True, eq=False)
class _FontAsset:
    """A font parsed once per process; read-only after construction."""

    fontkey: str
    template: TTFFont
    face: Any  # hb.Face of the whole font, for shaping; immutable, thread-safe
    lean_face: Any  # hb.Face stripped of _DROP_TABLES, same glyph ids, for subsetting
    glyph_order: tuple[str, ...]
    gid_by_name: dict[str, int]


_assets: dict[str, _FontAsset] = {}
_assets_lock = threading.Lock()
_per_thread = threading.local()


def _load_asset(family: str, style: str) -> _FontAsset:
    path = _FONT_DIR / _FAMILIES[family][style]
    fontkey = f"{family}{style}"
    template = TTFFont(FPDF(), path, fontkey, style)
    ttfont = template.ttfont
    # Load now everything shaping reads later (glyph names, advances), then
    # close the file: a lazily loaded table read from several threads would
    # race on the shared file handle, and this way such a read fails loudly.
    glyph_order = tuple(ttfont.getGlyphOrder())
    ttfont["hmtx"]  # loads the table
    ttfont.reader.close()
    face = hb.Face(hb.Blob(path.read_bytes()))
    strip = hb.SubsetInput()
    strip.glyph_set.update(range(len(glyph_order)))
    strip.flags = _SUBSET_FLAGS | hb.SubsetFlags.RETAIN_GIDS
    strip.drop_table_tag_set.update(_DROP_TABLES)
    return _FontAsset(
        fontkey=fontkey,
        template=template,
        face=face,
        lean_face=hb.subset(face, strip),
        glyph_order=glyph_order,
        gid_by_name={name: gid for gid, name in enumerate(glyph_order)},
    )


def _asset(family: str, style: str = "") -> _FontAsset:
    fontkey = f"{family}{style}"
    asset = _assets.get(fontkey)
    if asset is None:
        with _assets_lock:
            asset = _assets.get(fontkey)
            if asset is None:
                asset = _assets[fontkey] = _load_asset(family, style)
    return asset


def warm_up() -> None:
    """Parse every bundled font now (about 0.3 s) instead of on first use.

    Call it at application start-up so the first certificate with, say, a
    Chinese name is not the one that pays for loading the CJK font.
    """
    for family, styles in _FAMILIES.items():
        for style in styles:
            _asset(family, style)


def _hb_font(asset: _FontAsset) -> HarfBuzzFont:
    # fpdf2 sets ``ptem`` on the HarfBuzz font before every shaping call, so a
    # font object must not be shared between threads; the face can be.
    fonts: dict[str, HarfBuzzFont] | None = getattr(_per_thread, "hb_fonts", None)
    if fonts is None:
        fonts = _per_thread.hb_fonts = {}
    font = fonts.get(asset.fontkey)
    if font is None:
        font = fonts[asset.fontkey] = HarfBuzzFont(asset.face)
    return font


def _attach_font(pdf: FPDF, asset: _FontAsset) -> None:
    """Register a per-document clone of a parsed font, as add_font would."""
    template = asset.template
    font = TTFFont.__new__(TTFFont)
    for slot in TTFFont.__slots__:
        if hasattr(template, slot):
            setattr(font, slot, getattr(template, slot))
    font.i = len(pdf.fonts) + 1
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = _hb_font(asset)
    font.subset = SubsetMap(font)
    pdf.fonts[asset.fontkey] = font


def _fallback_fonts(texts: str, style: str) -> list[tuple[str, str]]:
    """(family, style) of the fallback fonts ``texts`` needs, drawn in ``style``.

    Only these are attached: every attached font is embedded, used or not.
    """
    missing = set(map(ord, texts)) - _asset(_BASE).template.cmap.keys()
    needed: list[tuple[str, str]] = []
    for family in _FALLBACKS:
        if not missing:
            break
        covered = missing & _asset(family).template.cmap.keys()
        if covered:
            needed.append((family, style if style in _FAMILIES[family] else ""))
            missing -= covered
    if missing:
        # Printed as blanks. Code points only: a learner's name stays out of logs.
        LOGGER.warning(
            "no certificate font has a glyph for %s",
            ", ".join(f"U+{cp:04X}" for cp in sorted(missing)[:20]),
        )
    return needed


def _subset_program(asset: _FontAsset, old_gids: list[int]) -> tuple[bytes, dict[int, int]]:
    """The TrueType program holding just ``old_gids``, and their new glyph ids."""
    subset_input = hb.SubsetInput()
    subset_input.glyph_set.update(old_gids)
    subset_input.flags = _SUBSET_FLAGS
    plan = hb.SubsetPlan(asset.lean_face, subset_input)
    program: bytes = plan.execute().blob.data
    old_to_new: dict[int, int] = plan.old_to_new_glyph_mapping
    return program, old_to_new


def _to_unicode(used: list[tuple[Glyph, int]]) -> bytes:
    # Lets viewers copy and search the text: maps each code back to the
    # characters its glyph stands for (several for a ligature).
    entries = []
    for glyph, code in used:
        chars = glyph.unicode if isinstance(glyph.unicode, tuple) else (glyph.unicode,)
        if chars:
            utf16 = "".join(chr(c) for c in chars).encode("utf-16-be").hex().upper()
            entries.append(f"<{code:04X}> <{utf16}>")
    blocks = "".join(
        f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
        for chunk in (entries[i : i + 100] for i in range(0, len(entries), 100))
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{blocks}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("ascii")


class _Producer(OutputProducer):
    """fpdf2's PDF writer, embedding fonts subset by HarfBuzz.

    fpdf2's own embedding costs about 3 ms per font even when only a few dozen
    glyphs are used (a fontTools subsetting pass, then a 128 KiB CIDToGIDMap
    built one character at a time); this writes the same objects in a fraction
    of that. It overrides a private hook, hence fpdf2 pinned to 2.8.x; the
    tests read the text back from the PDF, so a breaking change shows there.
    """

    def _add_fonts(
        self,
        image_objects_per_index: Any,
        gfxstate_objs_per_name: Any,
        pattern_objs_per_name: Any,
    ) -> dict[int, PDFFont | PDFType3Font]:
        fonts: dict[int, PDFFont | PDFType3Font] = {}
        for font in sorted(self.fpdf.fonts.values(), key=lambda f: f.i):
            if not isinstance(font, TTFFont) or font.fontkey not in _assets:
                raise TypeError(f"font {font.fontkey!r} was not attached by _attach_font")
            fonts[font.i] = self._embed(font, _assets[font.fontkey])
        return fonts

    def _embed(self, font: TTFFont, asset: _FontAsset) -> PDFFont:
        used = sorted(
            ((glyph, code) for glyph, code in font.subset.items() if glyph is not None),
            key=lambda item: item[1],
        )
        old_gids = [asset.gid_by_name[glyph.glyph_name] for glyph, _ in used]
        program, old_to_new = _subset_program(asset, old_gids)
        # Subset fonts are named TAG+Name; the tag is derived from the content
        # so the output stays deterministic.
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])
        base_font = f"{tag}+{font.name}"

        type0 = PDFFont(subtype="Type0", base_font=base_font, encoding="Identity-H")
        self._add_pdf_obj(type0, "fonts")
        widths = " ".join(f"{code} [{glyph.glyph_width}]" for glyph, code in used)
        cid_font = PDFFont(
            subtype="CIDFontType2",
            base_font=base_font,
            d_w=font.desc.missing_width,
            w=f"[{widths}]",
        )
        self._add_pdf_obj(cid_font, "fonts")
        type0.descendant_fonts = PDFArray([cid_font])

        to_unicode = PDFContentStream(_to_unicode(used), compress=True)
        self._add_pdf_obj(to_unicode, "fonts")
        type0.to_unicode = to_unicode

        system_info = CIDSystemInfo()
        self._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info

        # The descriptor gets this document's object ids: it must not be the
        # template's, which every document (and thread) shares.
        descriptor = copy.copy(font.desc)
        descriptor.font_name = Name(base_font)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor

        cid_to_gid = bytearray(2 * (used[-1][1] + 1))
        for (_, code), old in zip(used, old_gids, strict=True):
            cid_to_gid[2 * code : 2 * code + 2] = old_to_new[old].to_bytes(2, "big")
        cid_to_gid_obj = PDFContentStream(bytes(cid_to_gid), compress=True)
        self._add_pdf_obj(cid_to_gid_obj, "fonts")
        cid_font.c_i_d_to_g_i_d_map = cid_to_gid_obj

        font_file = PDFFontStream(program)
        self._add_pdf_obj(font_file, "fonts")
        setattr(descriptor, "font_file2", font_file)  # noqa: B010 - undeclared in fpdf2
        return type0


# --------------------------------------------------------------------------- logo

_LOGO_CACHE_SIZE: Final = 64
_logos: OrderedDict[str, tuple[RasterImageInfo | VectorImageInfo, dict[bytes, int]]] = OrderedDict()
_logos_lock = threading.Lock()


def _place_logo(pdf: FPDF, data: bytes) -> tuple[float, float]:
    """Make fpdf2 find ``data`` already decoded; returns its pixel size.

    Decoding and recompressing a PNG costs several ms; a company's logo is on
    every one of its certificates, so the decoded form is kept (by content
    hash, as fpdf2 itself keys images) across documents.
    """
    key = hashlib.sha256(data).hexdigest()
    with _logos_lock:
        cached = _logos.get(key)
        if cached is not None:
            _logos.move_to_end(key)
    if cached is None:
        scratch = ImageCache()
        _, _, info = preload_image(scratch, data)
        cached = (info, dict(scratch.icc_profiles))
        with _logos_lock:
            _logos[key] = cached
            while len(_logos) > _LOGO_CACHE_SIZE:
                _logos.popitem(last=False)
    info, icc_profiles = cached
    entry = type(info)(info)  # "usages" and "i" are per document
    entry["usages"] = 0
    entry["i"] = len(pdf.image_cache.images) + 1
    # fpdf2 names a bytes image by the MD5 of its stripped content; should that
    # change, fpdf2 just decodes the logo again (slower, still correct).
    name = hashlib.md5(data.strip(), usedforsecurity=False).hexdigest()
    pdf.image_cache.images[name] = entry
    pdf.image_cache.icc_profiles.update(icc_profiles)
    return info.width, info.height


# --------------------------------------------------------------------------- layout

_PAGE_W: Final = 297.0
_PAGE_H: Final = 210.0
_PT: Final = 25.4 / 72  # mm per point
_NAVY: Final = (27, 42, 74)
_GOLD: Final = (170, 133, 62)
_INK: Final = (70, 70, 78)
_CREAM: Final = (253, 251, 245)
_WHITE: Final = (255, 255, 255)
_TEXT_W: Final = 215.0  # width of the central text column
_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Block:
    """Text fitted to a width: its lines and the font size that made them fit."""

    lines: tuple[str, ...]
    size: float
    style: str
    shaped: bool = False  # decided for the whole text, so lines measure as they were fitted

    @property
    def line_height(self) -> float:
        return self.size * _PT * 1.25

    @property
    def height(self) -> float:
        return self.line_height * len(self.lines)


def _clean(text: str) -> str:
    # Newlines or control characters in a name must not break the layout.
    text = unicodedata.normalize("NFC", text)
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def format_date(moment: datetime) -> str:
    """The completion date as printed, e.g. "28 November 2026" (UTC)."""
    day = _utc(moment)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _lines(pdf: FPDF, text: str, width: float) -> list[str]:
    result = pdf.multi_cell(width, text=text, dry_run=True, output=MethodReturnValue.LINES)
    return cast(list[str], result)


def _fit(
    pdf: FPDF,
    text: str,
    *,
    style: str,
    max_size: float,
    min_size: float,
    max_lines: int,
    width: float = _TEXT_W,
) -> _Block:
    """Shrink, then wrap, then (only for absurd lengths) truncate ``text``.

    One line is preferred down to 70 % of ``max_size``; below that the text
    wraps onto up to ``max_lines`` lines, never smaller than ``min_size``.
    Sizes are estimated from the measured width, so a long text costs a couple
    of trial line breaks rather than one per size step.
    """
    shaped = not text.isascii()  # as in _cell
    pdf.set_text_shaping(shaped)
    pdf.set_font(_BASE, style, max_size)
    natural = pdf.get_string_width(text)
    if natural <= width:
        return _Block((text,), max_size, style, shaped)
    single_floor = max(min_size, max_size * 0.7)
    single = _round_down(max_size * width / natural)
    if single >= single_floor or max_lines == 1:
        size = max(single, min_size)
        if natural * size / max_size <= width:
            return _Block((text,), size, style, shaped)
    else:
        # Word wrapping wastes some of each line; 0.9 is a fair first guess.
        size = min(single_floor, max(min_size, _round_down(single * max_lines * 0.9)))
        while True:
            pdf.set_font_size(size)
            lines = _lines(pdf, text, width)
            if len(lines) <= max_lines:
                return _Block(tuple(lines), size, style, shaped)
            if size <= min_size:
                break
            size = max(min_size, size - 1)
    # Too long even at the smallest size: cut, mark the cut, and shorten
    # further until it fits (each pass trims 10 %).
    size = min_size
    pdf.set_font_size(size)
    keep = int(len(text) * max_lines * width * 0.95 / (natural * size / max_size))
    while True:
        cut = text[: max(keep, 1)].rstrip() + "…"
        lines = _lines(pdf, cut, width)
        if len(lines) <= max_lines or keep <= 1:
            return _Block(tuple(lines[:max_lines]), size, style, shaped)
        keep = int(keep * 0.9)


def _round_down(size: float) -> float:
    return int(size * 2) / 2  # to 0.5 pt, so the text is never a hair too wide


def _cell(pdf: FPDF, x: float, y: float, w: float, h: float, text: str, align: str) -> None:
    # Shaping (HarfBuzz plus the bidi pass) costs about 0.2 ms per cell and
    # ASCII text needs none of it; any other text may (Arabic, Devanagari...).
    pdf.set_text_shaping(not text.isascii())
    _line(pdf, x, y, w, h, text, align)


def _line(pdf: FPDF, x: float, y: float, w: float, h: float, text: str, align: str) -> None:
    # fpdf2 2.8.9 bug: when a line starts with a fallback-font fragment, it
    # selects the main font inside that line's q...Q wrapper, so the selection
    # is undone at Q while fpdf2 believes it still holds; a next line starting
    # in the main font is then drawn with whatever font the page had before
    # (wrong glyphs). Making fpdf2 select the font anew for every line avoids it.
    pdf.current_font_is_set_on_page = False
    pdf.set_xy(x, y)
    pdf.cell(w=w, h=h, text=text, align=align)


def _draw_block(pdf: FPDF, block: _Block, y: float, color: tuple[int, int, int]) -> float:
    pdf.set_font(_BASE, block.style, block.size)
    pdf.set_text_color(*color)
    pdf.set_text_shaping(block.shaped)
    x = (_PAGE_W - _TEXT_W) / 2
    for line in block.lines:
        _line(pdf, x, y, _TEXT_W, block.line_height, line, "C")
        y += block.line_height
    return y


def _draw_frame(pdf: FPDF) -> None:
    pdf.set_fill_color(*_CREAM)
    pdf.rect(0, 0, _PAGE_W, _PAGE_H, style=RenderStyle.F)
    pdf.set_draw_color(*_NAVY)
    pdf.set_line_width(1.6)
    pdf.rect(9, 9, _PAGE_W - 18, _PAGE_H - 18)
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(0.45)
    pdf.rect(12.5, 12.5, _PAGE_W - 25, _PAGE_H - 25)
    pdf.set_line_width(0.2)
    pdf.rect(14, 14, _PAGE_W - 28, _PAGE_H - 28)
    pdf.set_fill_color(*_GOLD)
    for cx, cy in ((14, 14), (_PAGE_W - 14, 14), (14, _PAGE_H - 14), (_PAGE_W - 14, _PAGE_H - 14)):
        pdf.polygon([(cx - 3, cy), (cx, cy - 3), (cx + 3, cy), (cx, cy + 3)], style=RenderStyle.F)


def _draw_rule(pdf: FPDF, y: float, half_width: float) -> None:
    mid = _PAGE_W / 2
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(0.35)
    pdf.line(mid - half_width, y, mid - 3, y)
    pdf.line(mid + 3, y, mid + half_width, y)
    pdf.set_fill_color(*_GOLD)
    diamond = [(mid - 1.6, y), (mid, y - 1.6), (mid + 1.6, y), (mid, y + 1.6)]
    pdf.polygon(diamond, style=RenderStyle.F)


# A fixed mask instead of segno trying all eight and scoring each (~3.5 ms in
# pure Python, a third of the time budget). Decoders read the mask from the
# format bits, so any mask scans; the scoring only avoids patterns that can
# slow some scanners down. Mask 0, the checkerboard, breaks up large blocks.
_QR_MASK: Final = 0


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    # Vector rectangles: sharp at any zoom and cheaper than encoding a fresh
    # PNG per certificate. Each rectangle is a horizontal run of dark modules,
    # grown downwards while the rows below repeat it: a fifth fewer drawing
    # calls, which are the slow part (~6 us each).
    matrix = segno.make(url, error="m", boost_error=False, mask=_QR_MASK).matrix
    quiet = 2
    module = size / (len(matrix) + 2 * quiet)
    open_runs: dict[tuple[int, int], int] = {}  # (start, end) -> first row
    rects: list[tuple[int, int, int, int]] = []
    for row_index, row in enumerate((*matrix, ())):
        runs = set(_runs(row))
        for run in list(open_runs):
            if run not in runs:
                rects.append((*run, open_runs.pop(run), row_index))
        for run in runs:
            open_runs.setdefault(run, row_index)
    pdf.set_fill_color(*_WHITE)
    pdf.rect(x, y, size, size, style=RenderStyle.F)
    pdf.set_fill_color(*_NAVY)
    origin_x, origin_y = x + quiet * module, y + quiet * module
    for start, end, top, bottom in sorted(rects):
        # A hair of overlap hides the seams some viewers draw between shapes.
        pdf.rect(
            origin_x + start * module,
            origin_y + top * module,
            (end - start) * module + 0.02,
            (bottom - top) * module + 0.02,
            style=RenderStyle.F,
        )


def _runs(row: Sequence[int]) -> list[tuple[int, int]]:
    runs = []
    col, width = 0, len(row)
    while col < width:
        if row[col]:
            start = col
            while col < width and row[col]:
                col += 1
            runs.append((start, col))
        col += 1
    return runs


def _draw_seal(pdf: FPDF, cx: float, cy: float) -> None:
    pdf.set_fill_color(*_GOLD)
    pdf.circle(x=cx, y=cy, radius=11, style=RenderStyle.F)
    pdf.set_draw_color(*_CREAM)
    pdf.set_line_width(0.4)
    pdf.circle(x=cx, y=cy, radius=9.3, style=RenderStyle.D)
    pdf.set_font(_BASE, "B", 13)
    pdf.set_text_color(*_CREAM)
    _cell(pdf, cx - 11, cy - 4, 22, 8, "LLP", "C")


def _draw_caption(pdf: FPDF, value: str, caption: str, x: float, y: float, w: float) -> None:
    pdf.set_font(_BASE, "", 11)
    pdf.set_text_color(*_NAVY)
    _cell(pdf, x, y, w, 6, value, "C")
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(0.3)
    pdf.line(x, y + 7, x + w, y + 7)
    pdf.set_font(_BASE, "", 8)
    pdf.set_text_color(*_INK)
    _cell(pdf, x, y + 8, w, 4, caption, "C")


def _compose(pdf: FPDF, snap: CertificateSnapshot, name: str, course: str, company: str) -> None:
    _draw_frame(pdf)
    y = 21.0
    if snap.company_logo:
        px_w, px_h = _place_logo(pdf, snap.company_logo)
        scale = min(60 / px_w, 16 / px_h)
        w, h = px_w * scale, px_h * scale
        pdf.image(snap.company_logo, x=(_PAGE_W - w) / 2, y=y + (16 - h) / 2, w=w, h=h)
        y += 19
    if company:
        y = _draw_block(
            pdf, _fit(pdf, company, style="B", max_size=12, min_size=8, max_lines=1), y, _NAVY
        )
        y += 1
    else:
        y += 3
    pdf.set_char_spacing(1.6)
    y = _draw_block(pdf, _Block(("LEADERSHIP LEARNING PORTAL",), 10, ""), y, _GOLD)
    pdf.set_char_spacing(0)
    y = _draw_block(pdf, _Block(("Certificate of Completion",), 34, "B"), y + 1, _NAVY)
    _draw_rule(pdf, y + 3, 55)

    # The middle block is centred in the space between header and footer.
    certifies = _Block(("This certifies that",), 13, "")
    name_block = _fit(pdf, name, style="B", max_size=32, min_size=15, max_lines=2)
    completed = _Block(("has successfully completed",), 13, "")
    course_block = _fit(pdf, course, style="", max_size=20, min_size=10, max_lines=3)
    gaps = 3 + 7 + 3
    total = certifies.height + name_block.height + completed.height + course_block.height + gaps
    top, bottom = y + 6, 156.0
    y = top + max(0.0, (bottom - top - total) / 2)
    y = _draw_block(pdf, certifies, y, _INK) + 3
    y = _draw_block(pdf, name_block, y, _NAVY)
    _draw_rule(pdf, y + 3, 70)
    y = _draw_block(pdf, completed, y + 7, _INK) + 3
    _draw_block(pdf, course_block, y, _NAVY)

    _draw_caption(pdf, format_date(snap.issued_at), "Date of completion", 32, 163, 70)
    _draw_seal(pdf, _PAGE_W / 2, 172)
    qr_size = 27.0
    qr_x, qr_y = _PAGE_W - 24 - qr_size, 156.0
    _draw_qr(pdf, snap.verify_url, qr_x, qr_y, qr_size)
    pdf.set_font(_BASE, "", 8)
    pdf.set_text_color(*_INK)
    _cell(pdf, qr_x - 72, 168, 70, 4, "Verification code", "R")
    code = _fit(
        pdf, snap.verification_code, style="B", max_size=10, min_size=6, max_lines=1, width=70
    )
    pdf.set_font(_BASE, "B", code.size)
    pdf.set_text_color(*_NAVY)
    _cell(pdf, qr_x - 72, 172.5, 70, 5, code.lines[0], "R")

    verify = _fit(
        pdf, f"Verify at {snap.verify_url}", style="", max_size=8, min_size=5, max_lines=2
    )
    _draw_block(pdf, verify, 186.5 - (verify.height - verify.line_height), _INK)


def render_certificate(snapshot: CertificateSnapshot) -> bytes:
    """Render the certificate as PDF bytes (landscape A4).

    Deterministic: the same snapshot gives the same bytes. CPU-bound, a few
    milliseconds; from async code use ``render_certificate_async``.
    """
    if snapshot.template_version != TEMPLATE_VERSION:
        # Old certificates must be re-rendered by the template they were
        # issued with; only one exists so far.
        raise ValueError(f"unknown certificate template version {snapshot.template_version}")
    name = _clean(snapshot.learner_name)
    course = _clean(snapshot.course_title)
    company = _clean(snapshot.company_name or "")
    issued_at = _utc(snapshot.issued_at)

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.set_creation_date(issued_at)
    pdf.set_title(f"Certificate of Completion - {name}")
    pdf.set_author("Leadership Learning Portal")
    pdf.set_creator("Leadership Learning Portal")
    fonts = [(_BASE, ""), (_BASE, "B")]
    fonts += _fallback_fonts(name + company + snapshot.verification_code, "B")
    fonts += _fallback_fonts(course + snapshot.verify_url, "")
    for family, style in dict.fromkeys(fonts):
        _attach_font(pdf, _asset(family, style))
    if fallbacks := list(dict.fromkeys(family for family, _ in fonts[2:])):
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    pdf.add_page()
    _compose(pdf, snapshot, name, course, company)
    return bytes(pdf.output(output_producer_class=_Producer))


_limiter: anyio.CapacityLimiter | None = None


async def render_certificate_async(snapshot: CertificateSnapshot) -> bytes:
    """Render off the event loop, at most two renders at a time.

    A worker thread (anyio.to_thread) rather than a process pool: a render is
    a few ms and the parsed fonts live in this process, so a process pool
    would cost more in pickling and per-process font loading than it saves.
    fpdf2 holds the GIL, so more than two concurrent renders only add
    contention; the limiter also bounds memory under a burst of issuances.
    """
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(2)
    return await anyio.to_thread.run_sync(render_certificate, snapshot, limiter=_limiter)
