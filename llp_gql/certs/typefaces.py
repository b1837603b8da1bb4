"""The certificate fonts: which file serves which script, parsed once per process.

Left alone, fpdf2 parses every TTF file on ``add_font``: about 25 ms for Noto
Serif and 250 ms for the CJK font, per PDF. Here each font is parsed once per
process (``FontAsset``) and every PDF gets a clone of the parsed ``TTFFont``
that shares its read-only tables and owns only the per-document state (glyph
subset map, missing glyphs).

Only the fonts a certificate needs are attached (``attach_fonts``): a Latin
name never pays for the Arabic or CJK fonts, which would be embedded even if
unused. The files are in ``fonts/`` next to this module; how an attached font
ends up in the PDF is ``embedding.py``'s job.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import uharfbuzz as hb
from fpdf import FPDF
from fpdf.fonts import HarfBuzzFont, SubsetMap, TTFFont

LOGGER = logging.getLogger(__name__)

FONT_DIR: Final = Path(__file__).with_name("fonts")
BASE: Final = "serif"
# Family -> style -> file. Fallback families are tried in this order for any
# character the base font lacks. A family without "B" also serves bold text
# (set_fallback_fonts(exact_match=False)). Family names must stay lower case:
# fpdf2 strips "B"/"I" from font keys to find a family's styles.
FAMILIES: Final[dict[str, dict[str, str]]] = {
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
FALLBACKS: Final = tuple(family for family in FAMILIES if family != BASE)


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
SUBSET_FLAGS: Final = (
    hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE | hb.SubsetFlags.NO_LAYOUT_CLOSURE
)


@dataclass(frozen=True, slots=True, eq=False)
class FontAsset:
    """A font parsed once per process; read-only after construction."""

    fontkey: str
    template: TTFFont
    face: Any  # hb.Face of the whole font, for shaping; immutable, thread-safe
    lean_face: Any  # hb.Face stripped of _DROP_TABLES, same glyph ids, for subsetting
    glyph_order: tuple[str, ...]
    gid_by_name: dict[str, int]


_assets: dict[str, FontAsset] = {}
_assets_lock = threading.Lock()
_per_thread = threading.local()


def _load_asset(family: str, style: str) -> FontAsset:
    path = FONT_DIR / FAMILIES[family][style]
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
    strip.flags = SUBSET_FLAGS | hb.SubsetFlags.RETAIN_GIDS
    strip.drop_table_tag_set.update(_DROP_TABLES)
    return FontAsset(
        fontkey=fontkey,
        template=template,
        face=face,
        lean_face=hb.subset(face, strip),
        glyph_order=glyph_order,
        gid_by_name={name: gid for gid, name in enumerate(glyph_order)},
    )


def asset(family: str, style: str = "") -> FontAsset:
    """The parsed font for ``family`` and ``style``, loading it on first use."""
    fontkey = f"{family}{style}"
    found = _assets.get(fontkey)
    if found is None:
        with _assets_lock:
            found = _assets.get(fontkey)
            if found is None:
                found = _assets[fontkey] = _load_asset(family, style)
    return found


def loaded_asset(fontkey: str) -> FontAsset | None:
    """The asset behind an attached font's key, if ``attach_fonts`` attached it."""
    return _assets.get(fontkey)


def warm_up() -> None:
    """Parse every bundled font now (about 0.3 s) instead of on first use.

    Call it at application start-up so the first certificate with, say, a
    Chinese name is not the one that pays for loading the CJK font.
    """
    for family, styles in FAMILIES.items():
        for style in styles:
            asset(family, style)


def _hb_font(font_asset: FontAsset) -> HarfBuzzFont:
    # fpdf2 sets ``ptem`` on the HarfBuzz font before every shaping call, so a
    # font object must not be shared between threads; the face can be.
    fonts: dict[str, HarfBuzzFont] | None = getattr(_per_thread, "hb_fonts", None)
    if fonts is None:
        fonts = _per_thread.hb_fonts = {}
    font = fonts.get(font_asset.fontkey)
    if font is None:
        font = fonts[font_asset.fontkey] = HarfBuzzFont(font_asset.face)
    return font


def _attach_font(pdf: FPDF, font_asset: FontAsset) -> None:
    """Register a per-document clone of a parsed font, as add_font would."""
    template = font_asset.template
    font = TTFFont.__new__(TTFFont)
    for slot in TTFFont.__slots__:
        if hasattr(template, slot):
            setattr(font, slot, getattr(template, slot))
    font.i = len(pdf.fonts) + 1
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = _hb_font(font_asset)
    font.subset = SubsetMap(font)
    pdf.fonts[font_asset.fontkey] = font


def fallback_fonts(texts: str, style: str) -> list[tuple[str, str]]:
    """(family, style) of the fallback fonts ``texts`` needs, drawn in ``style``.

    Each character the base font lacks goes to the first fallback family that
    has it; a family without ``style`` serves it in its regular style. A
    character no font has is logged (by code point) and printed as a blank.
    """
    missing = set(map(ord, texts)) - asset(BASE).template.cmap.keys()
    needed: list[tuple[str, str]] = []
    for family in FALLBACKS:
        if not missing:
            break
        covered = missing & asset(family).template.cmap.keys()
        if covered:
            needed.append((family, style if style in FAMILIES[family] else ""))
            missing -= covered
    if missing:
        # Code points only: a learner's name stays out of logs.
        LOGGER.warning(
            "no certificate font has a glyph for %s",
            ", ".join(f"U+{cp:04X}" for cp in sorted(missing)[:20]),
        )
    return needed


def attach_fonts(pdf: FPDF, *, bold_text: str, regular_text: str) -> None:
    """Give ``pdf`` the base font in both styles and the fallbacks the texts need.

    Only these are attached: every attached font is embedded, used or not.
    """
    fonts = [(BASE, ""), (BASE, "B")]
    fonts += fallback_fonts(bold_text, "B")
    fonts += fallback_fonts(regular_text, "")
    for family, style in dict.fromkeys(fonts):
        _attach_font(pdf, asset(family, style))
    if fallbacks := list(dict.fromkeys(family for family, _ in fonts[2:])):
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
