"""Writing the attached fonts into the PDF, subset by HarfBuzz.

This is the one place that hooks into a private part of fpdf2
(``OutputProducer._add_fonts``), hence the fpdf2 pin in pyproject.toml. fpdf2's
own embedding subsets each font with fontTools and re-serialises it with
``TTFont.save`` (about 9 ms per font even for a few dozen glyphs, 25-30 ms for
a certificate), and it subsets the parsed font in place, so a font parsed once
could not be shared between documents. No public API lets a caller supply the
font program or the subsetter: docs/certificates.md has the measurements and a
reproduction. Here each font is cut down to the glyphs actually drawn by
HarfBuzz's subsetter (written in C, well under 1 ms even for CJK).

The tests read the text back from the PDF and check the embedded font names,
so a breaking change in fpdf2 shows there.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import uharfbuzz as hb
from fpdf.fonts import Glyph, TTFFont
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont, PDFFontStream, PDFType3Font
from fpdf.syntax import Name, PDFArray, PDFContentStream

from llp_gql.certs.typefaces import SUBSET_FLAGS, FontAsset, loaded_asset


def subset_program(font_asset: FontAsset, old_gids: list[int]) -> tuple[bytes, dict[int, int]]:
    """The TrueType program holding just ``old_gids``, and their new glyph ids."""
    subset_input = hb.SubsetInput()
    subset_input.glyph_set.update(old_gids)
    subset_input.flags = SUBSET_FLAGS
    plan = hb.SubsetPlan(font_asset.lean_face, subset_input)
    program: bytes = plan.execute().blob.data
    old_to_new: dict[int, int] = plan.old_to_new_glyph_mapping
    return program, old_to_new


def to_unicode_cmap(used: list[tuple[Glyph, int]]) -> bytes:
    """The ToUnicode CMap: maps each code back to the characters of its glyph.

    Lets viewers copy and search the text; a ligature maps to several
    characters, a glyph standing for none (a bare vowel sign) to nothing.
    """
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


class SubsettingProducer(OutputProducer):
    """fpdf2's PDF writer, embedding fonts subset by HarfBuzz.

    Pass it to ``FPDF.output(output_producer_class=...)`` (a public parameter);
    what it overrides, ``_add_fonts``, is not public. Only fonts attached by
    ``typefaces.attach_fonts`` are accepted.
    """

    def _add_fonts(
        self,
        image_objects_per_index: Any,
        gfxstate_objs_per_name: Any,
        pattern_objs_per_name: Any,
    ) -> dict[int, PDFFont | PDFType3Font]:
        fonts: dict[int, PDFFont | PDFType3Font] = {}
        for font in sorted(self.fpdf.fonts.values(), key=lambda f: f.i):
            font_asset = loaded_asset(font.fontkey) if isinstance(font, TTFFont) else None
            if not isinstance(font, TTFFont) or font_asset is None:
                raise TypeError(f"font {font.fontkey!r} was not attached by attach_fonts")
            fonts[font.i] = self._embed(font, font_asset)
        return fonts

    def _embed(self, font: TTFFont, font_asset: FontAsset) -> PDFFont:
        used = sorted(
            ((glyph, code) for glyph, code in font.subset.items() if glyph is not None),
            key=lambda item: item[1],
        )
        old_gids = [font_asset.gid_by_name[glyph.glyph_name] for glyph, _ in used]
        program, old_to_new = subset_program(font_asset, old_gids)
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

        to_unicode = PDFContentStream(to_unicode_cmap(used), compress=True)
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
